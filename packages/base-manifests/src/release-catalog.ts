/**
 * The release catalog: the one place where image repositories and tags are pinned. `compose`
 * writes these tags into `base/`; `overlays/current_version` therefore runs exactly this release.
 * Bump a release here and run `clearml-k8s compose`.
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

/** The ClearML Server release the catalog describes, and its images. */
export const RELEASE_CATALOG = {
  server: '2.3.0',
  images: {
    clearmlServer: { repository: 'clearml/server', tag: '2.3.0', latestTag: 'latest' },
    elasticsearch: { repository: 'elasticsearch', tag: '8.17.0', latestTag: null },
    mongo: { repository: 'mongo', tag: '7.0.22', latestTag: null },
    redis: { repository: 'redis', tag: '7.4.1', latestTag: null },
    /** The k8s glue agent (sites with `agents:`), as the clearml-agent Helm chart 5.3.x pins it. */
    agentK8sGlue: { repository: 'allegroai/clearml-agent-k8s-base', tag: '1.24-21', latestTag: null },
  },
} as const satisfies { server: string; images: Record<string, CatalogImage> };

/** Key of an image in the catalog. */
export type CatalogImageKey = keyof typeof RELEASE_CATALOG.images;

/**
 * The image reference `repository:tag` for a catalog entry.
 * @param image a catalog entry; `tag` overrides its pinned tag.
 */
export function imageReference(image: CatalogImage, tag: string = image.tag): string {
  return `${image.repository}:${tag}`;
}
