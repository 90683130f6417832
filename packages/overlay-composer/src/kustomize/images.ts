/**
 * Kustomize's image transformer, modelled in process: how an image reference splits into name, tag
 * and digest, and what `images:` entries do to the containers and init containers of pod templates
 * (matched by image name, not by index).
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/
 */
import { valueAt, type KustomizeImage, type ManifestObject } from '@clearml-k8s/base-manifests';

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
 * Applies `images:` entries to objects the way Kustomize's image transformer does for
 * containers and init containers of pod templates (name match, then new name and/or tag).
 * @returns the objects after the transformer: an object with a changed image is a new copy; every
 *   other object is returned as it is (not copied). Inputs are unchanged.
 */
export function applyImageOverrides(objects: readonly ManifestObject[], images: readonly KustomizeImage[]): ManifestObject[] {
  if (images.length === 0) return [...objects];
  return objects.map((original) => {
    let object: ManifestObject | null = null;
    for (const path of containerImagePaths(original)) {
      const tokens = path.split('/').slice(1, -1);
      const ref = parseImageReference(tokens.reduce<any>((node, t) => node[t], original).image as string);
      const entry = images.find((i) => i.name === ref.name);
      if (!entry) continue;
      object ??= structuredClone(original);
      const container = tokens.reduce<any>((node, t) => node[t], object);
      const tag = entry.newTag ?? ref.tag;
      container.image = `${entry.newName ?? ref.name}${tag ? `:${tag}` : ''}${ref.digest && !entry.newTag ? `@${ref.digest}` : ''}`;
    }
    return object ?? original;
  });
}
