/**
 * Turns image changes into Kustomize `images:` entries. The image transformer matches every
 * container (and init container) by image name, not by index, and is the Kustomize idiom for
 * tags; the verifier checks that each entry matches a container (the old upstream tree shipped
 * one that matched nothing for years).
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/
 */
import { objectId, type KustomizeImage, type ManifestObject } from '@clearml-k8s/base-manifests';
import { containerImagePaths, parseImageReference } from '../kustomize/images.ts';
import { valueAt, type PatchOperation } from './json-patch.ts';

const IMAGE_PATH = /^\/spec\/template\/spec\/(containers|initContainers)\/\d+\/image$/;

/**
 * Moves image `replace` operations into `images:` entries where that is exact: an image name
 * becomes an entry only when every container of the parent build that uses it changes to the
 * same new reference. Other image changes stay as patch operations.
 *
 * @param parentObjects the objects the overlay builds on.
 * @param operationsById RFC 6902 operations per object id (`objectId`), from `diffDocuments`.
 * @returns the `images:` entries (sorted by name) and the operations left for patches.
 */
export function extractImageOverrides(
  parentObjects: readonly ManifestObject[],
  operationsById: ReadonlyMap<string, { object: ManifestObject; operations: PatchOperation[] }>,
): { images: KustomizeImage[]; operationsById: Map<string, PatchOperation[]> } {
  const byName = new Map<string, { newRefs: Set<string>; unchanged: number }>();
  for (const object of parentObjects) {
    const ops = operationsById.get(objectId(object))?.operations ?? [];
    for (const path of containerImagePaths(object)) {
      const oldRef = valueAt(object, path) as string;
      const change = ops.find((o) => o.op === 'replace' && o.path === path) as { value: string } | undefined;
      const entry = byName.get(parseImageReference(oldRef).name) ?? { newRefs: new Set<string>(), unchanged: 0 };
      if (change) entry.newRefs.add(change.value);
      else entry.unchanged++;
      byName.set(parseImageReference(oldRef).name, entry);
    }
  }
  const images: KustomizeImage[] = [];
  const moved = new Set<string>();
  for (const [name, { newRefs, unchanged }] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    if (unchanged > 0 || newRefs.size !== 1) continue;
    const next = parseImageReference([...newRefs][0]!);
    images.push({ name, ...(next.name !== name ? { newName: next.name } : {}), ...(next.tag ? { newTag: next.tag } : {}) });
    moved.add(name);
  }
  const remaining = new Map<string, PatchOperation[]>();
  for (const [id, { object, operations }] of operationsById) {
    remaining.set(
      id,
      operations.filter((o) => !(o.op === 'replace' && IMAGE_PATH.test(o.path) && moved.has(parseImageReference(valueAt(object, o.path) as string).name))),
    );
  }
  return { images, operationsById: remaining };
}

