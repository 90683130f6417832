/**
 * The image checks, each in its own module:
 * - `image-tag` (`./image-tag.ts`): in a pinned overlay no untagged or `:latest` image, no `Always` pull;
 * - `image-override` (`./image-override.ts`): every `images:` entry of the overlay's own kustomization files took effect;
 * - `image-catalog` (`./image-catalog.ts`): containers running an image of the release catalog use the catalog's tag.
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { checkImageCatalog } from './image-catalog.ts';
import { checkImageOverrides } from './image-override.ts';
import { checkImageTags } from './image-tag.ts';
import { catalogImages, type ImageOverride, type ImagePolicy } from './images-common.ts';

export { catalogImages, type ImageOverride, type ImagePolicy } from './images-common.ts';

/**
 * Runs `image-tag` (pinned overlays only), `image-override` and `image-catalog`; findings grouped by
 * check, in registry order.
 * @param expected repository → tag the overlay must run (default: `catalogImages(policy)`; a site
 *   adds its mirror registry and overrides).
 */
export function checkImages(objects: readonly ManifestObject[], policy: ImagePolicy, overrides: readonly ImageOverride[], expected: Record<string, string> = catalogImages(policy)): CheckFinding<'image-tag' | 'image-override' | 'image-catalog'>[] {
  return [...checkImageTags(objects, policy), ...checkImageOverrides(objects, overrides), ...checkImageCatalog(objects, expected)];
}
