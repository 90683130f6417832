/**
 * Check `image-override`: every `images:` entry of the overlay's own kustomization files took
 * effect, i.e. some container renders with its result (kustomize ignores entries that match nothing).
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { parseImageReference } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { renderedContainers, type ImageOverride } from './images-common.ts';

/** One finding per entry that matches no container, on `/images/<i>` of its kustomization file. */
export function checkImageOverrides(objects: readonly ManifestObject[], overrides: readonly ImageOverride[]): CheckFinding<'image-override'>[] {
  const findings: CheckFinding<'image-override'>[] = [];
  const containers = renderedContainers(objects);
  for (const o of overrides) {
    const wantName = o.entry.newName ?? o.entry.name;
    const applied = containers.some((c) => {
      const ref = parseImageReference(c.image);
      return ref.name === wantName && (o.entry.newTag === undefined || ref.tag === String(o.entry.newTag)) && (o.entry.digest === undefined || ref.digest === o.entry.digest);
    });
    if (!applied) {
      findings.push({
        check: 'image-override',
        resource: o.file,
        path: `/images/${o.index}`,
        message: `images entry ${JSON.stringify(o.entry)} matches no container: no image named "${o.entry.name}" in the build (images: ${[...new Set(containers.map((c) => parseImageReference(c.image).name))].join(', ')}); kustomize ignores it silently`,
        hint: 'set name to the image name as the containers spell it (without tag), or delete the entry',
        source: { file: o.file, field: 'images', index: o.index },
      });
    }
  }
  return findings;
}

export const imageOverrideCheck = defineCheck({
  id: 'image-override',
  severity: 'error',
  title: 'every images: entry of a kustomization matches at least one container',
  description: 'every `images:` entry matches at least one container (kustomize ignores the rest)',
  needs: 'build',
  run: ({ objects, imageOverrides }) => checkImageOverrides(objects, imageOverrides),
});
