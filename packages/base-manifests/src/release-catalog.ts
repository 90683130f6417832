import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/**
 * Reads and checks a catalog file.
 * @throws Error naming the file and the field when the file is not a catalog.
 */
export function readReleaseCatalog(file: string): ReleaseCatalog {
  let data: any;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: expected a JSON release catalog, received ${(error as Error).message}; restore it from git`);
  }
  const fail = (field: string, expected: string) => {
    throw new Error(`${file}: ${field}: expected ${expected}, received ${JSON.stringify(field.split('.').reduce((o, k) => o?.[k], data))}; fix the catalog file`);
  };
  if (typeof data?.server !== 'string') fail('server', 'a version string');
  for (const key of CATALOG_IMAGE_KEYS) {
    const image = data?.images?.[key];
    if (typeof image?.repository !== 'string') fail(`images.${key}.repository`, 'an image repository');
    if (typeof image?.tag !== 'string') fail(`images.${key}.tag`, 'an image tag');
    if (image.latestTag !== null && typeof image.latestTag !== 'string') fail(`images.${key}.latestTag`, 'a tag or null');
  }
  return data as ReleaseCatalog;
}

/**
 * The catalog in effect: `$CLEARML_K8S_RELEASE_CATALOG` when set (a catalog file elsewhere, used by
 * `bump` to compose with the next catalog before writing it, and by tests), else
 * `release-catalog.json` of this package. Read once, when the module loads.
 */
export const RELEASE_CATALOG: ReleaseCatalog = readReleaseCatalog(process.env.CLEARML_K8S_RELEASE_CATALOG || RELEASE_CATALOG_FILE);

/** Key of an image in the catalog. */
export type CatalogImageKey = (typeof CATALOG_IMAGE_KEYS)[number];

/**
 * The image reference `repository:tag` for a catalog entry.
 * @param image a catalog entry; `tag` overrides its pinned tag.
 */
export function imageReference(image: CatalogImage, tag: string = image.tag): string {
  return `${image.repository}:${tag}`;
}
