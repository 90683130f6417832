/**
 * Composes the per-site overlays: every `overlays/sites/<name>/site.yaml` becomes
 * `overlays/sites/<name>/kustomization.yaml` (and the resource files it needs) on top of the stock
 * overlay the spec names. Reads the spec files; writes nothing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { closestMatch, generatedHeader, NAMESPACE, sortObjects, type ManifestObject } from '@clearml-k8s/base-manifests';
import { fileKind, lstatInside, readUserFile, RepositoryIoError } from '@clearml-k8s/repository-io';
import { parseManifestFast, parseManifestWithPositions, stringifyManifests } from '@clearml-k8s/base-manifests/yaml';
import { composeOverlay, type ComposedOverlay } from '../patches/compose-overlay.ts';
import { applyNamespace } from '../kustomize/kustomize-model.ts';
import type { ComposedProfile, ComposedTree } from '../compose-tree.ts';
import type { Profile } from '../profiles/profile.ts';
import { applySite, credentialsSecretKeys, SitePatchConflict, type SiteComposition, type SiteFiles } from './apply-site.ts';
import { DEFAULT_SEALED_FILE, GITOPS_FILE, GITOPS_NAMESPACES, isSealedFile, readSealedCredentials } from './gitops.ts';
import { ENTERPRISE_CREDENTIALS_SECRET } from '../enterprise-credentials.ts';
import { SiteSpecError } from './site-error.ts';
import type { SiteSpec } from './site-spec.ts';
import { parseSiteSpec, validateSiteName } from './validate-site.ts';

/** Repository-relative directory of the sites. */
export const SITES_DIR = 'overlays/sites';
/** The user-written file of a site. */
export const SITE_SPEC_FILE = 'site.yaml';
/** Files in a site directory that compose never owns: the spec and git-ignored local files (and `sealed-*.yaml`, `isSiteUserFile`). */
export const SITE_USER_FILES = [SITE_SPEC_FILE, 'credentials.env', '.gitignore'] as const;

/** Whether a file (by its name in a site directory) is the user's: `SITE_USER_FILES`, or sealed data the user wrote with kubeseal (`sealed-*.yaml`). */
export function isSiteUserFile(basename: string): boolean {
  return (SITE_USER_FILES as readonly string[]).includes(basename) || isSealedFile(basename);
}

/** Reads a user file of a site directory by its name there: its text, or null when it does not exist. */
export type SiteFileReader = (basename: string) => string | null;

/** Largest sealed credentials file read, in bytes. */
export const SEALED_FILE_MAX_BYTES = 1 << 20;

/**
 * The reader of a site directory's user files under `root`, read safely (no link followed, regular
 * files only, at most `SEALED_FILE_MAX_BYTES`).
 * @throws RepositoryIoError from `readUserFile` when called.
 */
export function siteFileReader(root: string, siteDir: string): SiteFileReader {
  return (basename) => {
    const relative = `${siteDir}/${basename}`;
    if (lstatInside(root, relative) === null) return null;
    return readUserFile({ root, relative }, { maxBytes: SEALED_FILE_MAX_BYTES, what: 'the sealed credentials' });
  };
}

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
 * @param readFile reads the user files the spec names in the site directory (`credentials.sealedSecret.file`).
 * @throws SiteSpecError for an invalid name or spec (with file, line, column and field path);
 *   `SITE_SECRET_STORE` for a sealed credentials file that is missing or does not fit (its own file and line).
 */
export function siteIntentFromText(name: string, text: string, file: string, tree: ComposedTree, readFile: SiteFileReader = () => null): SiteIntent {
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
  const files = siteFiles(spec, name, text, file, readFile);
  let composition: SiteComposition;
  try {
    composition = applySite(spec, chosen.intended, chosen.profile, tree.context, name, files);
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
 * The user files a valid spec names, read and checked: the sealed credentials of
 * `credentials.sealedSecret` (`readSealedCredentials`).
 * @throws SiteSpecError `SITE_SECRET_STORE` at the spec's field when the file is missing, at the
 *   file's line when it does not fit.
 */
function siteFiles(spec: SiteSpec, name: string, text: string, file: string, readFile: SiteFileReader): SiteFiles {
  const sealed = spec.credentials?.sealedSecret;
  if (!sealed) return {};
  const basename = sealed.file ?? DEFAULT_SEALED_FILE;
  const sealedPath = `${SITES_DIR}/${name}/${basename}`;
  const secretName = spec.credentials?.secret ?? ENTERPRISE_CREDENTIALS_SECRET;
  const namespace = spec.namespace ?? NAMESPACE;
  const content = readFile(basename);
  if (content === null) {
    const pointer = sealed.file ? '/credentials/sealedSecret/file' : '/credentials/sealedSecret';
    const at = parseManifestWithPositions(text, file).positionOf(pointer, sealed.file ? 'value' : 'key');
    throw new SiteSpecError({
      code: 'SITE_SECRET_STORE',
      file,
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      path: pointer,
      expected: `the sealed credentials ${sealedPath} (a SealedSecret you seal with kubeseal)`,
      received: 'no such file',
      hint: `seal the credentials Secret into it: kubectl create secret generic ${secretName} -n ${namespace} --from-env-file=credentials.env --dry-run=client -o yaml | kubeseal --format yaml > ${sealedPath} (README.md#secrets-from-a-store)`,
    });
  }
  const { object, problems } = readSealedCredentials(content, sealedPath, { name: secretName, namespace, keys: credentialsSecretKeys(spec) });
  const first = problems[0];
  if (first) throw new SiteSpecError({ code: 'SITE_SECRET_STORE', file: sealedPath, line: first.line, column: first.column, path: first.path, expected: first.expected, received: first.received, hint: first.hint });
  return { sealedCredentials: object! };
}

/**
 * Composes one site from its spec text.
 * @param file repository-relative path of the spec, for errors and the generated header.
 * @param tree the composed stock overlays (the site's parent is one of them) and their catalog and model.
 * @throws SiteSpecError for an invalid name or spec (with file, line, column and field path).
 */
export function composeSiteFromText(name: string, text: string, file: string, tree: ComposedTree, readFile: SiteFileReader = () => null): ComposedSite {
  const { spec, profile, parent: chosen, composition } = siteIntentFromText(name, text, file, tree, readFile);
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
  if (composition.gitops.length) composed.files.push(gitopsFile(dir, file, spec, composition.gitops));
  return { ...composed, name, spec, profile, composition };
}

/**
 * `gitops.yaml` of a site: its GitOps objects under a header that says what the file is and how to
 * apply it (once, to the tool's namespace; it is not part of the site's kustomization).
 */
function gitopsFile(dir: string, source: string, spec: SiteSpec, objects: readonly ManifestObject[]): { path: string; content: string } {
  const tool = spec.gitops!.tool;
  const namespace = spec.gitops!.namespace ?? GITOPS_NAMESPACES[tool];
  const what = tool === 'argocd' ? 'The Argo CD Application' : 'The Flux source and Kustomization';
  const header = [
    generatedHeader(source),
    '',
    `${what} that deploys ${dir} from git; not part of its kustomization.`,
    `Apply it once, after committing and pushing the site: kubectl apply -f ${dir}/${GITOPS_FILE}`,
    `(into namespace ${namespace}; see README.md#${tool === 'argocd' ? 'argo-cd' : 'flux'}).`,
  ].join('\n');
  return { path: `${dir}/${GITOPS_FILE}`, content: stringifyManifests(objects, header) };
}

/**
 * Composes every site under `root`.
 * @throws SiteSpecError from the first invalid spec; RepositoryIoError for a spec that cannot be read safely.
 */
export function composeSites(root: string, tree: ComposedTree): ComposedSite[] {
  return listSites(root).map((name) => {
    const file = `${SITES_DIR}/${name}/${SITE_SPEC_FILE}`;
    return composeSiteFromText(name, readSiteSpec(root, file), file, tree, siteFileReader(root, `${SITES_DIR}/${name}`));
  });
}

/**
 * Composes the one site `name` under `root` (in memory: nothing is written).
 * @throws SiteSpecError `SITE_NAME_INVALID` for a bad name, `SITE_REQUIRED` when no
 *   `overlays/sites/NAME/site.yaml` exists (with the closest existing site), and whatever composing it throws.
 */
export function composeSiteByName(root: string, name: string, tree: ComposedTree): ComposedSite {
  validateSiteName(name);
  const sites = listSites(root);
  if (!sites.includes(name)) {
    const near = closestMatch(name, sites);
    throw new SiteSpecError({ code: 'SITE_REQUIRED', file: `${SITES_DIR}/${name}/${SITE_SPEC_FILE}`, expected: 'an existing site', received: sites.length ? `no such site (sites: ${sites.join(', ')})` : 'no site yet', hint: near ? `did you mean ${near}?` : 'create it with clearml-k8s site add NAME' });
  }
  const file = `${SITES_DIR}/${name}/${SITE_SPEC_FILE}`;
  return composeSiteFromText(name, readSiteSpec(root, file), file, tree, siteFileReader(root, `${SITES_DIR}/${name}`));
}
