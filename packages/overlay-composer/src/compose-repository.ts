/**
 * Everything `compose` generates in a repository: `base/`, the stock overlays, the JSON Schema of
 * site specs, and one overlay per site spec found under `overlays/sites/`.
 */
import path from 'node:path';
import { STACK_MODEL, type GeneratedFile, type ReleaseCatalog, type StackModel } from '@clearml-k8s/base-manifests';
import { composeTree, generatedDirs, type ComposedProfile } from './compose-tree.ts';
import { composeSites, isSiteUserFile, siteDirectories, SITES_DIR, type ComposedSite } from './site/compose-sites.ts';
import { siteSchemaFile } from './site/site-schema.ts';

/** The generated tree of a repository. */
export interface ComposedRepository {
  files: GeneratedFile[];
  overlays: ComposedProfile[];
  sites: ComposedSite[];
  /**
   * Directories of generated files: `base/`, the stock overlays and every directory under
   * `overlays/sites/` (a site's, or one whose `site.yaml` was removed, so its generated files go too).
   */
  ownedDirs: string[];
  /** True for files in owned directories that compose must never touch (site specs, local credentials, sealed credentials). */
  preserve(file: string): boolean;
}

/**
 * Composes the repository at `root` for a release catalog (reads the site specs; writes nothing).
 * @throws SiteSpecError for an invalid site spec; ComposerError from the composer; RepositoryIoError
 *   for a site directory or spec that is a link, not a regular file, too large or not text.
 */
export function composeRepository(root: string, catalog: ReleaseCatalog, model: StackModel = STACK_MODEL): ComposedRepository {
  const tree = composeTree(catalog, model);
  const sites = composeSites(root, tree);
  return {
    files: [...tree.files, siteSchemaFile(), ...sites.flatMap((s) => s.files)],
    overlays: tree.overlays,
    sites,
    ownedDirs: [...generatedDirs(), ...siteDirectories(root).map((s) => s.dir)],
    preserve: (file) => file.startsWith(`${SITES_DIR}/`) && isSiteUserFile(path.posix.basename(file)),
  };
}
