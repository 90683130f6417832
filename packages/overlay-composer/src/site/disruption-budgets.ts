/**
 * Availability of the components a site runs with more than one replica (`components.<c>.replicas`
 * > 1; only the stack model's scalable components may: the apiserver and the webserver): a
 * PodDisruptionBudget and a topology spread constraint each, generated automatically, no field.
 * - PodDisruptionBudget `<component>` (`policy/v1`), `maxUnavailable: 1`, selecting the Deployment's
 *   pods: a node drain (or any eviction through the Eviction API) takes at most one replica at a
 *   time, so the component keeps serving. `maxUnavailable` rather than `minAvailable`, so a budget
 *   never blocks a drain outright when replicas are scaled down later.
 * - `topologySpreadConstraints` on the pod template: `maxSkew: 1` over `kubernetes.io/hostname`
 *   with `whenUnsatisfiable: ScheduleAnyway` (a preference), so the replicas land on different nodes
 *   where they can; with node storage the apiserver is pinned to the one labelled node, where a hard
 *   constraint would change nothing and a preference costs nothing.
 * A component with one replica gets neither: a budget of one replica either blocks every drain
 * (`maxUnavailable: 0`) or protects nothing.
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/ (policy/v1; maxUnavailable)
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/ (maxSkew, topologyKey, whenUnsatisfiable: ScheduleAnyway)
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetesiohostname
 */
import { NAMESPACE, PART_OF, selectorLabels, type ComponentSpec, type ManifestObject } from '@clearml-k8s/base-manifests';

/** The node label replicas are spread over. */
export const SPREAD_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** The PodDisruptionBudget of a component with more than one replica: at most one replica evicted at a time. */
export function podDisruptionBudget(component: ComponentSpec): ManifestObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: component.name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': component.name, 'app.kubernetes.io/part-of': PART_OF } },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(component) } },
  } as ManifestObject;
}

/** The topology spread constraint of a component's pod template: replicas on different nodes, as a preference. */
export function topologySpread(component: ComponentSpec): Record<string, unknown>[] {
  return [{ maxSkew: 1, topologyKey: SPREAD_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels(component) } }];
}
