import { fileURLToPath } from 'node:url';
import { replaceJsonValues } from './json-edit.ts';
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';
import { readUserFile, truncate, type RepositoryIoError } from '@clearml-k8s/repository-io';
/**
 * The release catalog: the one place where image repositories and tags are pinned, in
 * `release-catalog.json` beside this package's sources. `compose` writes these tags into `base/`;
 * `overlays/current_version` therefore runs exactly this release. Change it with
 * `clearml-k8s bump` (which guards against unsafe upgrades and recomposes), or edit the file and run
 * `clearml-k8s compose`.
 *
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (tags of v2.3.0)
 */

/** One container image of the stack. */
export interface CatalogImage {
  /** Image name without tag, as `kustomize edit set image` and `images[].name` spell it. */
  repository: string;
  /** The released tag that `base/` and `current_version` pin. */
  tag: string;
  /**
   * The tag the `latest` overlay uses, or `null` to keep the pinned tag there too: the
   * databases have no `latest` that is safe for a ClearML release (Elasticsearch publishes
   * none; a floating MongoDB major breaks the server's data, see ClearML's 2.0 upgrade notes).
   */
  latestTag: string | null;
}

/** Keys of the catalog's images. */
export const CATALOG_IMAGE_KEYS = ['clearmlServer', 'elasticsearch', 'mongo', 'redis', 'agentK8sGlue'] as const;

/** The release catalog: the ClearML Server release and every image of the stack. */
export interface ReleaseCatalog {
  /** ClearML Server version, e.g. `2.3.0`. */
  server: string;
  images: Record<(typeof CATALOG_IMAGE_KEYS)[number], CatalogImage>;
}

/** The catalog file in this package (what `clearml-k8s bump` rewrites). */
export const RELEASE_CATALOG_FILE = fileURLToPath(new URL('../release-catalog.json', import.meta.url));

/** Largest catalog file read, in bytes. */
const CATALOG_MAX_BYTES = 1 << 20;

/**
 * An OCI image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}` (no `+`, at most 128 characters).
 * @see https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */
export const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** An image repository: lowercase path components, optionally after a registry host (with port). */
const REPOSITORY = /^(?=.{1,255}$)([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*(:[0-9]{1,5})?\/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
/** A release version: `X.Y.Z` with at most 6 digits each, optionally `-suffix` (an OCI tag as a whole). */
export const RELEASE_VERSION = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})(-[0-9A-Za-z][0-9A-Za-z.-]{0,63})?$/;

/** The stable codes of `ReleaseCatalogError`, each with what it means. */
export const RELEASE_CATALOG_ERROR_CODES = {
  RELEASE_CATALOG_INVALID: 'The release catalog (`release-catalog.json`, or `$CLEARML_K8S_RELEASE_CATALOG`) cannot be read or is not a catalog.',
} as const;

/** A stable error code (key of `RELEASE_CATALOG_ERROR_CODES`). */
export type ReleaseCatalogErrorCode = keyof typeof RELEASE_CATALOG_ERROR_CODES;

/**
 * Thrown when a release catalog cannot be read or is not a catalog; `code` is `RELEASE_CATALOG_INVALID`.
 * Its diagnostic points at the file and, for a bad field (`images.redis.tag`), its JSON pointer (`/images/redis/tag`).
 */
export class ReleaseCatalogError extends ClearmlK8sError<ReleaseCatalogErrorCode> {
  constructor(readonly file: string, readonly field: string, readonly expected: string, readonly received: string, readonly hint: string, options?: { cause?: unknown }) {
    super(
      {
        code: 'RELEASE_CATALOG_INVALID',
        message: `${file}${field ? `: ${field}` : ''}: expected ${expected}, received ${truncate(received)}; ${hint}`,
        location: { file, ...(field ? { pointer: `/${field.split('.').join('/')}` } : {}) },
        expected,
        received: truncate(received),
        hint,
      },
      options,
    );
    this.name = 'ReleaseCatalogError';
  }
}

/**
 * Reads and checks a catalog file: a regular file of at most 1 MiB holding `server` (a release
 * version) and, for every key of `CATALOG_IMAGE_KEYS`, a repository, an OCI tag and `latestTag`
 * (an OCI tag or null).
 * @throws ReleaseCatalogError naming the file and the field.
 */
export function readReleaseCatalog(file: string): ReleaseCatalog {
  const hint = file === RELEASE_CATALOG_FILE ? 'restore it with `git checkout -- packages/base-manifests/release-catalog.json`' : 'fix the file or unset CLEARML_K8S_RELEASE_CATALOG';
  let text: string;
  try {
    text = readUserFile(file, { maxBytes: CATALOG_MAX_BYTES, what: 'the release catalog', noFollow: false });
  } catch (error) {
    const e = error as RepositoryIoError;
    throw new ReleaseCatalogError(file, '', e.expected ?? 'a readable JSON file', e.received ?? String(error), hint, { cause: error });
  }
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReleaseCatalogError(file, '', 'a JSON release catalog', `text that is not JSON (${(error as Error).message})`, hint, { cause: error });
  }
  const fail = (field: string, expected: string): never => {
    const value = field.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), data);
    throw new ReleaseCatalogError(file, field, expected, value === undefined ? 'nothing' : JSON.stringify(value), hint);
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) fail('', 'a JSON object with server and images');
  if (typeof data.server !== 'string' || !RELEASE_VERSION.test(data.server)) fail('server', 'a release version X.Y.Z');
  if (!data.images || typeof data.images !== 'object' || Array.isArray(data.images)) fail('images', `an object with ${CATALOG_IMAGE_KEYS.join(', ')}`);
  for (const key of CATALOG_IMAGE_KEYS) {
    const image = data.images[key];
    if (!image || typeof image !== 'object') fail(`images.${key}`, 'an object with repository, tag and latestTag');
    if (typeof image.repository !== 'string' || !REPOSITORY.test(image.repository)) fail(`images.${key}.repository`, 'an image repository');
    if (typeof image.tag !== 'string' || !OCI_TAG.test(image.tag)) fail(`images.${key}.tag`, 'an image tag (OCI: letters, digits, "_", "." and "-", at most 128)');
    if (image.latestTag !== null && (typeof image.latestTag !== 'string' || !OCI_TAG.test(image.latestTag))) fail(`images.${key}.latestTag`, 'an image tag or null');
  }
  return data as ReleaseCatalog;
}

/**
 * The catalog file in effect for an environment: `$CLEARML_K8S_RELEASE_CATALOG` when set (a catalog
 * file elsewhere, used by tests and by users who keep their own), else `release-catalog.json` of
 * this package.
 */
export function releaseCatalogFile(env: Readonly<Record<string, string | undefined>>): string {
  return env.CLEARML_K8S_RELEASE_CATALOG || RELEASE_CATALOG_FILE;
}

/**
 * Reads the catalog in effect for `env` (see `releaseCatalogFile`). Nothing reads the catalog when a
 * module loads: the command line reads it once and passes it to the composer and the verifier as a
 * value (commands that need none, such as `credentials`, never read it).
 * @throws ReleaseCatalogError when the file cannot be read or is not a catalog.
 */
export function loadReleaseCatalog(env: Readonly<Record<string, string | undefined>> = process.env): ReleaseCatalog {
  return readReleaseCatalog(releaseCatalogFile(env));
}

/** Key of an image in the catalog. */
export type CatalogImageKey = (typeof CATALOG_IMAGE_KEYS)[number];

/**
 * The image reference `repository:tag` for a catalog entry.
 * @param image a catalog entry; `tag` overrides its pinned tag.
 */
export function imageReference(image: CatalogImage, tag: string = image.tag): string {
  return `${image.repository}:${tag}`;
}

/**
 * The catalog as `release-catalog.json` spells it: two-space JSON with one line per image (what
 * `bump` writes, so a version change is a one-line diff per image).
 */
export function formatReleaseCatalog(catalog: ReleaseCatalog): string {
  const images = Object.entries(catalog.images).map(([key, image]) => `    ${JSON.stringify(key)}: { "repository": ${JSON.stringify(image.repository)}, "tag": ${JSON.stringify(image.tag)}, "latestTag": ${JSON.stringify(image.latestTag)} }`);
  return `{\n  "server": ${JSON.stringify(catalog.server)},\n  "images": {\n${images.join(',\n')}\n  }\n}\n`;
}

/**
 * The text of a catalog file moved to `next`, in the file's own format: only the values that differ
 * between the catalog `text` holds and `next` (`server`, each image's `repository`, `tag`,
 * `latestTag`) are rewritten, in place; every other byte of `text` (layout, key order, other keys,
 * line ends) is kept. What `bump` writes, so a version change is a diff of exactly the changed values'
 * lines (issue 16).
 * @param text the current catalog file, as read (a catalog `readReleaseCatalog` accepts).
 * @param next the catalog to write.
 * @returns the new text; `text` itself when nothing differs.
 */
export function updateReleaseCatalogText(text: string, next: ReleaseCatalog): string {
  const current = JSON.parse(text) as ReleaseCatalog;
  const changes: Array<{ path: string[]; value: string | null }> = [];
  if (current.server !== next.server) changes.push({ path: ['server'], value: next.server });
  for (const key of CATALOG_IMAGE_KEYS) {
    for (const field of ['repository', 'tag', 'latestTag'] as const) {
      if (current.images?.[key]?.[field] !== next.images[key][field]) changes.push({ path: ['images', key, field], value: next.images[key][field] });
    }
  }
  return changes.length ? replaceJsonValues(text, changes) : text;
}
