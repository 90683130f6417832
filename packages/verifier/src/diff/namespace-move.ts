/**
 * Namespace moves between the two sides of a diff. A site with `namespace: clearml-acme` renders every
 * namespaced object of its parent into `clearml-acme` (kustomize's `namespace:` field), so pairing by
 * namespace lists every object as removed from one namespace and added to the other. This module infers
 * such a move from the namespaces each side uses and rewrites side A into B's namespace, so that the
 * objects pair by kind and name and only their other fields are compared.
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';

/** One namespace of A whose objects are all found in one namespace of B. */
export interface NamespaceMove {
  from: string;
  to: string;
}

/** The namespaces only one side uses, and the move inferred from them (if any). */
export interface NamespacePairing {
  /** Namespaces used by A and not by B, sorted. */
  onlyInA: string[];
  /** Namespaces used by B and not by A, sorted. */
  onlyInB: string[];
  /** `{from, to}` when exactly one namespace is only in A and exactly one only in B (and inference is on); else `null`. */
  move: NamespaceMove | null;
}

/**
 * The namespaces a rendering uses: the `metadata.namespace` of every namespaced object and the name of
 * every `v1` Namespace it creates, sorted. Cluster-scoped objects have no `metadata.namespace` in a
 * kustomize rendering (kustomize only sets it on namespaced kinds).
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/namespace/
 */
export function namespacesUsed(objects: readonly ManifestObject[]): string[] {
  const used = new Set<string>();
  for (const o of objects) {
    if (o.metadata.namespace) used.add(o.metadata.namespace);
    if (isNamespace(o)) used.add(o.metadata.name);
  }
  return [...used].sort();
}

const isNamespace = (o: ManifestObject) => o.apiVersion === 'v1' && o.kind === 'Namespace';

/**
 * Infers a namespace move from A to B. The rule: the namespaces both sides use stay as they are; when
 * exactly one namespace is used only by A and exactly one only by B, that one moved (e.g. `clearml` →
 * `clearml-acme`, with `kube-system` on both sides untouched). Any other difference (two namespaces
 * only in A, or one side with none of its own) is not guessed at: `move` is `null` and the sets are
 * returned so that the caller can say why objects were paired by namespace.
 * @param options.infer `false` never infers a move (the sets are still returned).
 */
export function inferNamespaceMove(a: readonly ManifestObject[], b: readonly ManifestObject[], options: { infer?: boolean } = {}): NamespacePairing {
  const [inA, inB] = [namespacesUsed(a), namespacesUsed(b)];
  const onlyInA = inA.filter((n) => !inB.includes(n));
  const onlyInB = inB.filter((n) => !inA.includes(n));
  const move = options.infer !== false && onlyInA.length === 1 && onlyInB.length === 1 ? { from: onlyInA[0]!, to: onlyInB[0]! } : null;
  return { onlyInA, onlyInB, move };
}

/**
 * `object` as if it had been rendered into `move.to`: a copy with `metadata.namespace` replaced when it
 * is `move.from`, and the Namespace `move.from` renamed to `move.to`. Nothing else is rewritten, so
 * fields that name the namespace elsewhere (a RoleBinding subject's namespace, a URL with
 * `svc.cluster.local`) still differ and are reported. Pure: `object` is not modified.
 */
export function intoNamespace(object: ManifestObject, move: NamespaceMove): ManifestObject {
  if (object.metadata.namespace === move.from) return { ...object, metadata: { ...object.metadata, namespace: move.to } };
  if (isNamespace(object) && object.metadata.name === move.from) return { ...object, metadata: { ...object.metadata, name: move.to } };
  return object;
}
