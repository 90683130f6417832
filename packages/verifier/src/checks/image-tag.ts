/**
 * Check `image-tag`: in a pinned overlay (every stock overlay but `latest`, and any overlay not
 * declared otherwise) no container runs an untagged image or `:latest` (an error: every pull may
 * bring another release), and none pulls `Always` (a warning: a fixed tag still runs the same
 * release, but every pod start then needs the registry, so an outage or a rate limit stops restarts;
 * https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy).
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { parseImageReference } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { renderedContainers, type ImagePolicy } from './images-common.ts';

/** Findings on `<container>/image` and `<container>/imagePullPolicy`; none unless `policy` is `pinned`. */
export function checkImageTags(objects: readonly ManifestObject[], policy: ImagePolicy): CheckFinding<'image-tag'>[] {
  if (policy !== 'pinned') return [];
  const findings: CheckFinding<'image-tag'>[] = [];
  for (const c of renderedContainers(objects)) {
    const ref = parseImageReference(c.image);
    const id = objectId(c.owner);
    if (!ref.tag && !ref.digest) {
      findings.push({ check: 'image-tag', resource: id, path: `${c.path}/image`, message: `container ${c.name} runs untagged image "${c.image}" (an implicit latest)`, hint: 'pin a released tag (or a digest)' });
    } else if (ref.tag === 'latest' && !ref.digest) {
      findings.push({ check: 'image-tag', resource: id, path: `${c.path}/image`, message: `container ${c.name} runs "${c.image}" in a pinned overlay; expected a released tag`, hint: 'pin the release catalog\'s tag; use the latest overlay to follow latest' });
    }
    if (c.imagePullPolicy === 'Always') {
      findings.push({ check: 'image-tag', severity: 'warning', resource: id, path: `${c.path}/imagePullPolicy`, message: `container ${c.name} pulls Always in a pinned overlay: every start of the pod needs the registry (an outage or a pull rate limit stops restarts) although the tag never changes; expected IfNotPresent`, hint: 'set imagePullPolicy: IfNotPresent (a pinned tag never changes)' });
    }
  }
  return findings;
}

export const imageTagCheck = defineCheck({
  id: 'image-tag',
  severity: 'error',
  title: 'pinned overlays use no latest or untagged image and no imagePullPolicy Always',
  description: 'pinned overlays (all but `latest`): no `:latest`, no untagged image, no `imagePullPolicy: Always`',
  needs: 'build',
  run: ({ objects, expectation }) => checkImageTags(objects, expectation.imagePolicy),
});
