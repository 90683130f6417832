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

/**
 * The annotation of a Kustomization's own `metadata` by which an overlay accepts a warning of a
 * `verify` check: `verify.clearml-k8s.io/accept-<check id>: <reason>`. kustomize reads the
 * Kustomization's `metadata` for nothing and prints nothing about it (kubectl 1.27 to 1.35: same
 * output, empty stderr), and it is not inherited: an overlay built on this one has its own
 * kustomization file.
 */
export const ACCEPT_ANNOTATION_PREFIX = 'verify.clearml-k8s.io/accept-';

/** A warning a profile accepts, with the reason `verify` prints beside it. */
export interface AcceptedRisk {
  /** The id of a warning check. */
  check: string;
  /** Why it is accepted and how to close it; one sentence or two. */
  reason: string;
}

export interface Kustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  /** Only annotations: the accepted warnings (`ACCEPT_ANNOTATION_PREFIX`). */
  metadata?: { annotations: Record<string, string> };
  /** Sets the namespace of every namespaced object and renames the Namespace object. */
  namespace?: string;
  resources: string[];
  images?: KustomizeImage[];
  patches?: KustomizePatch[];
}

/** A Kustomization with its fixed header fields, omitting empty lists. */
export function kustomization(fields: { namespace?: string; resources: string[]; images?: KustomizeImage[]; patches?: KustomizePatch[]; acceptedRisks?: readonly AcceptedRisk[] }): Kustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(fields.acceptedRisks?.length ? { metadata: { annotations: Object.fromEntries(fields.acceptedRisks.map((r) => [`${ACCEPT_ANNOTATION_PREFIX}${r.check}`, r.reason])) } } : {}),
    ...(fields.namespace ? { namespace: fields.namespace } : {}),
    resources: fields.resources,
    ...(fields.images?.length ? { images: fields.images } : {}),
    ...(fields.patches?.length ? { patches: fields.patches } : {}),
  };
}
