/**
 * Image checks:
 * - `image-tag`: in a pinned overlay (every stock overlay but `latest`, and any overlay not declared
 *   otherwise) no container runs an untagged image or `:latest`, and none pulls `Always`;
 * - `image-override`: every `images:` entry of the overlay's own kustomization files took effect,
 *   i.e. some container renders with its result (kustomize ignores entries that match nothing);
 * - `image-catalog`: containers running an image of the release catalog use the catalog's tag
 *   (the `latestTag` where the overlay follows latest; a site's mirror and overrides where declared).
 */
import { objectId, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseImageReference } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';

/** Whether an overlay pins its images or follows `latest` (for ClearML's own images). */
export type ImagePolicy = 'pinned' | 'latest';

/** An `images:` entry and where it is declared. */
export interface ImageOverride {
  file: string;
  index: number;
  entry: { name?: string; newName?: string; newTag?: string; digest?: string };
}

interface RenderedContainer {
  owner: ManifestObject;
  path: string;
  name: string;
  image: string;
  imagePullPolicy: string | undefined;
}

/**
 * Containers of every pod template. A container without an image in a ConfigMap's embedded
 * template is left out: the k8s glue fills in the task's image.
 */
function renderedContainers(objects: readonly ManifestObject[]): RenderedContainer[] {
  return podTemplates(objects).flatMap((t) =>
    (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((list) =>
      ((t.spec[list] ?? []) as any[]).flatMap((c, i) =>
        !t.running && (c?.image === undefined || c?.image === null) ? [] : [{ owner: t.owner, path: `${t.path}/spec/${list}/${i}`, name: c?.name, image: String(c?.image ?? ''), imagePullPolicy: c?.imagePullPolicy }],
      ),
    ),
  );
}

/**
 * Runs `image-tag` (pinned overlays only), `image-override` and `image-catalog`.
 * @param expected repository → tag the overlay must run (the composer's promise: the catalog under the
 *   policy, plus a site's mirror registry and overrides; empty for a tree that is not ours).
 * @param catalog named in `image-catalog` findings.
 */
export function checkImages(objects: readonly ManifestObject[], policy: ImagePolicy, overrides: readonly ImageOverride[], expected: Record<string, string>, catalog: ReleaseCatalog): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const containers = renderedContainers(objects);
  for (const c of containers) {
    const ref = parseImageReference(c.image);
    const id = objectId(c.owner);
    if (policy === 'pinned') {
      if (!ref.tag && !ref.digest) {
        findings.push({ check: 'image-tag', resource: id, path: `${c.path}/image`, message: `container ${c.name} runs untagged image "${c.image}" (an implicit latest)`, hint: 'pin a released tag (or a digest)' });
      } else if (ref.tag === 'latest' && !ref.digest) {
        findings.push({ check: 'image-tag', resource: id, path: `${c.path}/image`, message: `container ${c.name} runs "${c.image}" in a pinned overlay; expected a released tag`, hint: 'pin the release catalog\'s tag; use the latest overlay to follow latest' });
      }
      if (c.imagePullPolicy === 'Always') {
        findings.push({ check: 'image-tag', resource: id, path: `${c.path}/imagePullPolicy`, message: `container ${c.name} pulls Always in a pinned overlay; expected IfNotPresent`, hint: 'set imagePullPolicy: IfNotPresent (a pinned tag never changes)' });
      }
    }
    const want = expected[ref.name];
    if (want !== undefined && !ref.digest && ref.tag !== want) {
      findings.push({ check: 'image-catalog', resource: id, path: `${c.path}/image`, message: `container ${c.name} runs ${ref.name}:${ref.tag ?? '(untagged)'}; the release catalog (server ${catalog.server}) and the overlay's declared overrides say ${ref.name}:${want}`, hint: 'change the version with `clearml-k8s bump` (or in the site spec), not in the overlay' });
    }
  }
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
