/**
 * Composes the per-site overlays: every `overlays/sites/<name>/site.yaml` becomes
 * `overlays/sites/<name>/kustomization.yaml` (and the resource files it needs) on top of the stock
 * overlay the spec names. Reads the spec files; writes nothing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sortObjects, type ManifestObject } from '@clearml-k8s/base-manifests';
import { fileKind, lstatInside, readUserFile, RepositoryIoError } from '@clearml-k8s/repository-io';
import { parseManifestFast, parseManifestWithPositions } from '@clearml-k8s/base-manifests/yaml';
import { composeOverlay, type ComposedOverlay } from '../patches/compose-overlay.ts';
import { applyNamespace } from '../kustomize/kustomize-model.ts';
import type { ComposedProfile, ComposedTree } from '../compose-tree.ts';
import type { Profile } from '../profiles/profile.ts';
import { applySite, SitePatchConflict, type SiteComposition } from './apply-site.ts';
import { SiteSpecError } from './site-error.ts';
import type { SiteSpec } from './site-spec.ts';
import { parseSiteSpec, validateSiteName } from './validate-site.ts';

/** Repository-relative directory of the sites. */
export const SITES_DIR = 'overlays/sites';
/** The user-written file of a site. */
export const SITE_SPEC_FILE = 'site.yaml';
/** Files in a site directory that compose never owns: the spec and git-ignored local files. */
export const SITE_USER_FILES = [SITE_SPEC_FILE, 'credentials.env', '.gitignore'] as const;

/** A composed site. */
export interface ComposedSite extends ComposedOverlay {
  name: string;
  spec: SiteSpec;
  profile: Profile;
  composition: SiteComposition;
}

/** Largest site spec read, in bytes (a spec is a few dozen lines; anything near this is a mistake). */
export const SITE_SPEC_MAX_BYTES = 1 << 20;

/** A directory under `overlays/sites/`. */
export interface SiteDirectory {
  name: string;
  /** Repository-relative directory. */
  dir: string;
  /** Whether it has a `site.yaml` (a regular file); a directory without one is not a site. */
  hasSpec: boolean;
}

/**
 * Every directory under `overlays/sites/`, sorted by name, with whether it holds a site spec. Nothing
 * is skipped silently: a symbolic link where a site directory or its `site.yaml` belongs, or a
 * `site.yaml` that is not a regular file (a directory, FIFO, device), is an error. Other files
 * directly under `overlays/sites/` (a README) are not sites and are ignored.
 * @throws RepositoryIoError `PATH_SYMLINK` (dangling links and link loops included), `PATH_NOT_REGULAR`.
 */
export function siteDirectories(root: string): SiteDirectory[] {
  const stat = lstatInside(root, SITES_DIR);
  if (stat === null) return [];
  if (!stat.isDirectory()) throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: SITES_DIR, expected: 'a directory of sites', received: fileKind(stat), hint: `move it away; sites live in ${SITES_DIR}/<name>/site.yaml` });
  const out: SiteDirectory[] = [];
  for (const entry of readdirSync(path.join(root, SITES_DIR), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = `${SITES_DIR}/${entry.name}`;
    if (entry.isSymbolicLink()) {
      throw new RepositoryIoError({ code: 'PATH_SYMLINK', path: dir, expected: 'a site directory', received: 'a symbolic link (clearml-k8s never follows links inside the repository)', hint: `replace the link with the directory itself, or remove it` });
    }
    if (!entry.isDirectory()) continue;
    const spec = lstatInside(root, `${dir}/${SITE_SPEC_FILE}`);
    if (spec && !spec.isFile()) {
      throw new RepositoryIoError({ code: spec.isSymbolicLink() ? 'PATH_SYMLINK' : 'PATH_NOT_REGULAR', path: `${dir}/${SITE_SPEC_FILE}`, expected: 'a regular file (the site spec)', received: fileKind(spec), hint: 'put the spec there as a plain file' });
    }
    out.push({ name: entry.name, dir, hasSpec: spec !== null });
  }
  return out;
}

/** Names of the sites under `root` (directories of `overlays/sites` with a `site.yaml`), sorted. @throws as `siteDirectories`. */
export function listSites(root: string): string[] {
  return siteDirectories(root).filter((s) => s.hasSpec).map((s) => s.name);
}

/**
 * The text of a site spec, read safely: no symbolic link followed, no FIFO or device, at most
 * `SITE_SPEC_MAX_BYTES`, text only.
 * @param file repository-relative path of the spec.
 * @throws RepositoryIoError from `readUserFile`.
 */
export function readSiteSpec(root: string, file: string): string {
  return readUserFile({ root, relative: file }, { maxBytes: SITE_SPEC_MAX_BYTES, what: 'the site spec' });
}

/** What a site means, without its kustomization: the validated spec, its parent and what it renders. */
export interface SiteIntent {
  name: string;
  spec: SiteSpec;
  profile: Profile;
  /** The stock overlay the site builds on. */
  parent: ComposedProfile;
  composition: SiteComposition;
  /** What the site must render (namespace applied), sorted by object id. */
  intended: ManifestObject[];
}

/**
 * Validates a site spec and applies it to its parent, without writing a kustomization (what
 * `verify` needs; `composeSiteFromText` adds the kustomization and its proof).
 * @throws SiteSpecError for an invalid name or spec (with file, line, column and field path).
 */
export function siteIntentFromText(name: string, text: string, file: string, tree: ComposedTree): SiteIntent {
  validateSiteName(name);
  const { overlays } = tree;
  const profileOf = (profileName: string) => overlays.find((o) => o.profile.name === profileName);
  // The spec is validated against the parent it names; parse once to learn which one (quickly:
  // parseSiteSpec parses it again with positions, and reports any syntax error).
  let named: unknown;
  try {
    named = (parseManifestFast(text, file) as { profile?: unknown } | null)?.profile;
  } catch {
    named = undefined; // parseSiteSpec reports the syntax error with its position
  }
  const spec = parseSiteSpec(text, file, { parentObjects: (profileOf(String(named ?? '')) ?? overlays[0]!).intended });
  const chosen = profileOf(spec.profile)!;
  let composition: SiteComposition;
  try {
    composition = applySite(spec, chosen.intended, chosen.profile, tree.context, name);
  } catch (error) {
    if (!(error instanceof SitePatchConflict)) throw error;
    const at = parseManifestWithPositions(text, file).positionOf(error.pointer);
    throw new SiteSpecError({
      code: 'SITE_PATCH_PATH',
      file,
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      path: error.pointer,
      expected: "an operation that still applies after the site's other settings",
      received: error.message,
      hint: 'express the change with the spec field for it, or target what the site renders (clearml-k8s verify shows it)',
    });
  }
  const intended = sortObjects(composition.namespace ? applyNamespace(composition.desired, composition.namespace) : composition.desired);
  return { name, spec, profile: chosen.profile, parent: chosen, composition, intended };
}

/**
 * Composes one site from its spec text.
 * @param file repository-relative path of the spec, for errors and the generated header.
 * @param tree the composed stock overlays (the site's parent is one of them) and their catalog and model.
 * @throws SiteSpecError for an invalid name or spec (with file, line, column and field path).
 */
export function composeSiteFromText(name: string, text: string, file: string, tree: ComposedTree): ComposedSite {
  const { spec, profile, parent: chosen, composition } = siteIntentFromText(name, text, file, tree);
  const dir = `${SITES_DIR}/${name}`;
  const composed = composeOverlay({
    dir,
    parentDir: chosen.dir,
    parentObjects: chosen.intended as ManifestObject[],
    desiredObjects: composition.desired,
    source: file,
    allowRemoval: true,
    ...(composition.namespace ? { namespace: composition.namespace } : {}),
  });
  return { ...composed, name, spec, profile, composition };
}

/**
 * Composes every site under `root`.
 * @throws SiteSpecError from the first invalid spec; RepositoryIoError for a spec that cannot be read safely.
 */
export function composeSites(root: string, tree: ComposedTree): ComposedSite[] {
  return listSites(root).map((name) => {
    const file = `${SITES_DIR}/${name}/${SITE_SPEC_FILE}`;
    return composeSiteFromText(name, readSiteSpec(root, file), file, tree);
  });
}
