/**
 * The Kustomization fields this project emits (Kustomize v5; no deprecated fields: never
 * `bases`, `commonLabels`, `patchesJson6902`, `patchesStrategicMerge`, `vars`, `imageTags`).
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */

/** `images[]` entry: the image transformer matches containers by image name. */
export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
}

/** `patches[].target`: which objects a patch applies to. `name` is an anchored regex. */
export interface KustomizePatchTarget {
  group?: string;
  version?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * `patches[]` entry with an inline patch: an RFC 6902 op list as YAML, or a strategic-merge
 * `$patch: delete` document that removes the target object.
 */
export interface KustomizePatch {
  target: KustomizePatchTarget;
  patch: string;
}

export interface Kustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  /** Sets the namespace of every namespaced object and renames the Namespace object. */
  namespace?: string;
  resources: string[];
  images?: KustomizeImage[];
  patches?: KustomizePatch[];
}

/** A Kustomization with its fixed header fields, omitting empty lists. */
export function kustomization(fields: { namespace?: string; resources: string[]; images?: KustomizeImage[]; patches?: KustomizePatch[] }): Kustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(fields.namespace ? { namespace: fields.namespace } : {}),
    resources: fields.resources,
    ...(fields.images?.length ? { images: fields.images } : {}),
    ...(fields.patches?.length ? { patches: fields.patches } : {}),
  };
}
