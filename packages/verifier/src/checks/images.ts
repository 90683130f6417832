/**
 * The image checks, each in its own module:
 * - `image-tag` (`./image-tag.ts`): in a pinned overlay no untagged or `:latest` image, no `Always` pull;
 * - `image-override` (`./image-override.ts`): every `images:` entry of the overlay's own kustomization files took effect;
 * - `image-catalog` (`./image-catalog.ts`): containers running an image of the release catalog use the catalog's tag.
 */
import type { ManifestObject, ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { checkImageCatalog } from './image-catalog.ts';
import { checkImageOverrides } from './image-override.ts';
import { checkImageTags } from './image-tag.ts';
import type { ImageOverride, ImagePolicy } from './images-common.ts';

export type { ImageOverride, ImagePolicy } from './images-common.ts';

/**
 * Runs `image-tag` (pinned overlays only), `image-override` and `image-catalog`; findings grouped by
 * check, in registry order.
 * @param expected repository → tag the overlay must run (the composer's promise, `catalogImages(catalog, policy)`
 *   for a stock overlay; a site adds its mirror registry and overrides).
 * @param catalog named in `image-catalog` findings.
 */
export function checkImages(objects: readonly ManifestObject[], policy: ImagePolicy, overrides: readonly ImageOverride[], expected: Record<string, string>, catalog: ReleaseCatalog): CheckFinding<'image-tag' | 'image-override' | 'image-catalog'>[] {
  return [...checkImageTags(objects, policy), ...checkImageOverrides(objects, overrides), ...checkImageCatalog(objects, expected, catalog)];
}
