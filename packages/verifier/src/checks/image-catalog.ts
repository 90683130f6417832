/**
 * Check `image-catalog`: containers running an image of the release catalog use the catalog's tag
 * (the `latestTag` where the overlay follows latest; a site's mirror and overrides where declared).
 */
import { objectId, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseImageReference } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { renderedContainers } from './images-common.ts';

/**
 * @param expected repository → tag the overlay must run (the composer's promise: the catalog under the
 *   overlay's image policy, plus a site's mirror registry and overrides; empty for a tree that is not ours).
 * @param catalog named in the findings.
 * @returns findings on `<container>/image`.
 */
export function checkImageCatalog(objects: readonly ManifestObject[], expected: Record<string, string>, catalog: ReleaseCatalog): CheckFinding<'image-catalog'>[] {
  const findings: CheckFinding<'image-catalog'>[] = [];
  for (const c of renderedContainers(objects)) {
    const ref = parseImageReference(c.image);
    const want = expected[ref.name];
    if (want !== undefined && !ref.digest && ref.tag !== want) {
      findings.push({ check: 'image-catalog', resource: objectId(c.owner), path: `${c.path}/image`, message: `container ${c.name} runs ${ref.name}:${ref.tag ?? '(untagged)'}; the release catalog (server ${catalog.server}) and the overlay's declared overrides say ${ref.name}:${want}`, hint: 'change the version with `clearml-k8s bump` (or in the site spec), not in the overlay' });
    }
  }
  return findings;
}

export const imageCatalogCheck = defineCheck({
  id: 'image-catalog',
  severity: 'error',
  title: "images of the release catalog render with the catalog's tag",
  description: "images of the release catalog run the catalog's tag (`latest` where the overlay follows latest)",
  needs: 'build',
  run: ({ objects, expectation, catalog }) => checkImageCatalog(objects, expectation.expectedImages, catalog),
});
