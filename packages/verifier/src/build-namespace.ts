/**
 * The namespace an object of a build lands in, as far as the build itself can tell.
 *
 * An object without `metadata.namespace` lands in the namespace `kubectl apply` is given (`-n`, or
 * the context's). A build whose namespaced objects name exactly one namespace explicitly and leave
 * it out on the others — what `helm template -n clearml` prints, since only templates that write
 * `namespace: {{ .Release.Namespace }}` carry it — hangs together only when applied into that
 * namespace, which is how such a tree is meant to be applied (`helm install -n clearml`). Reference
 * checks therefore resolve the unnamespaced objects into that one namespace instead of reporting
 * every cross reference as missing. With no explicit namespace, or several, objects keep their own.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
 * @see https://helm.sh/docs/chart_template_guide/builtin_objects/ (`.Release.Namespace`)
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';

/** Kinds that are never namespaced: their missing namespace is not "the apply namespace". */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ClusterIssuer']);

/** The single namespace the build's namespaced objects name explicitly, or `''` (none, or several). */
export function buildDefaultNamespace(objects: readonly ManifestObject[]): string {
  const named = new Set(objects.filter((o) => !CLUSTER_SCOPED.has(o.kind)).map((o) => o.metadata?.namespace).filter((n): n is string => typeof n === 'string' && n !== ''));
  return named.size === 1 ? [...named][0]! : '';
}

/**
 * A function giving the namespace of each object of `objects`: its own `metadata.namespace`, else
 * the build's single explicit namespace (`buildDefaultNamespace`), else `''`. Cluster-scoped kinds
 * get `''`.
 */
export function namespaceResolver(objects: readonly ManifestObject[]): (object: ManifestObject) => string {
  const fallback = buildDefaultNamespace(objects);
  return (object) => (CLUSTER_SCOPED.has(object.kind) ? '' : object.metadata?.namespace || fallback);
}
