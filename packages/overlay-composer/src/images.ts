/**
 * Turns image changes into Kustomize `images:` entries. The image transformer matches every
 * container (and init container) by image name, not by index, and is the Kustomize idiom for
 * tags; the verifier checks that each entry matches a container (the old upstream tree shipped
 * one that matched nothing for years).
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/
 */
import { objectId, type KustomizeImage, type ManifestObject } from '@clearml-k8s/base-manifests';
import { valueAt, type PatchOperation } from './json-patch.ts';

/** An image reference split as Kustomize's image transformer matches it. */
export interface ImageReference {
  /** Registry and repository, e.g. `registry:5000/clearml/server`. */
  name: string;
  /** Tag without `:`, or `null` when untagged. */
  tag: string | null;
  /** Digest without `@` (`sha256:...`), or `null`. */
  digest: string | null;
}

/**
 * Splits `registry:5000/repo/name:tag@sha256:...` into name, tag and digest. The tag follows the
 * last `:` after the last `/` (a registry port is not a tag).
 * @see https://github.com/distribution/reference/blob/main/reference.go (grammar)
 */
export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at < 0 ? null : reference.slice(at + 1);
  const rest = at < 0 ? reference : reference.slice(0, at);
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  return colon > slash ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest } : { name: rest, tag: null, digest };
}

const IMAGE_PATH = /^\/spec\/template\/spec\/(containers|initContainers)\/\d+\/image$/;

/** Every container image path of a workload object (`/spec/template/spec/containers/0/image`, ...). */
export function containerImagePaths(object: ManifestObject): string[] {
  const paths: string[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = valueAt(object, `/spec/template/spec/${list}`);
    if (Array.isArray(containers)) containers.forEach((_c, i) => paths.push(`/spec/template/spec/${list}/${i}/image`));
  }
  return paths;
}

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

/**
 * Applies `images:` entries to objects the way Kustomize's image transformer does for
 * containers and init containers of pod templates (name match, then new name and/or tag).
 * @returns new objects; inputs are unchanged.
 */
export function applyImageOverrides(objects: readonly ManifestObject[], images: readonly KustomizeImage[]): ManifestObject[] {
  return objects.map((original) => {
    const object = structuredClone(original);
    for (const path of containerImagePaths(object)) {
      const tokens = path.split('/').slice(1);
      const container = tokens.slice(0, -1).reduce<any>((node, t) => node[t], object);
      const ref = parseImageReference(container.image as string);
      const entry = images.find((i) => i.name === ref.name);
      if (!entry) continue;
      const tag = entry.newTag ?? ref.tag;
      container.image = `${entry.newName ?? ref.name}${tag ? `:${tag}` : ''}${ref.digest && !entry.newTag ? `@${ref.digest}` : ''}`;
    }
    return object;
  });
}
