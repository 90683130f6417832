/**
 * What the Service checks share (`node-port-range`, `node-port-unique`, `service-selector`,
 * `selector-clash`, `target-port`): the nodePorts of the build and which pod templates each Service
 * selects. Templates embedded in ConfigMaps (`running: false`, the k8s glue's task pods) are not
 * selectable.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { memoised } from '../build-memo.ts';
import { namespaceResolver } from '../build-namespace.ts';
import { podTemplates, selectorMatches, type PodTemplate } from '../pod-templates.ts';

/** The default NodePort range of kube-apiserver (`--service-node-port-range`). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** A `nodePort` of a Service port. */
export interface ServiceNodePort {
  /** `Service/namespace/name`. */
  service: string;
  /** `/spec/ports/<i>/nodePort`. */
  path: string;
  nodePort: unknown;
}

/**
 * Every nodePort set in the build, in build order. `nodePort: null` (what Helm charts print for an
 * unset value, e.g. on ClusterIP Services) is no nodePort: the API server treats it as unset.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
 */
export function serviceNodePorts(objects: readonly ManifestObject[]): ServiceNodePort[] {
  return (objects.filter((o) => o.kind === 'Service') as any[]).flatMap((service) =>
    ((service.spec?.ports ?? []) as any[]).flatMap((port, i) => (port.nodePort === undefined || port.nodePort === null ? [] : [{ service: objectId(service), path: `/spec/ports/${i}/nodePort`, nodePort: port.nodePort }])),
  );
}

/** True for an integer nodePort within `NODE_PORT_RANGE`. */
export function nodePortInRange(nodePort: unknown): nodePort is number {
  return Number.isInteger(nodePort) && (nodePort as number) >= NODE_PORT_RANGE.min && (nodePort as number) <= NODE_PORT_RANGE.max;
}

/** A Service with a selector and the pod templates it selects. */
export interface ServiceSelection {
  service: any;
  /** `Service/namespace/name`. */
  id: string;
  selector: Record<string, string>;
  /** Running pod templates of the Service's namespace whose labels the selector matches, in build order. */
  selected: PodTemplate[];
}

/**
 * Every Service with a non-empty selector (ExternalName Services have no pods), in build order.
 * Memoised per `objects` while `runChecks` runs (`build-memo.ts`).
 */
export function serviceSelections(objects: readonly ManifestObject[]): ServiceSelection[] {
  return memoised(objects, [serviceSelections], () => selectionsOf(objects));
}

function selectionsOf(objects: readonly ManifestObject[]): ServiceSelection[] {
  // Only templates the build runs: a ConfigMap's embedded template is never selected by a Service.
  const templates = podTemplates(objects).filter((t) => t.running);
  const namespaceOf = namespaceResolver(objects);
  return (objects.filter((o) => o.kind === 'Service') as any[]).flatMap((service) => {
    const selector: Record<string, string> | undefined = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || service.spec?.type === 'ExternalName') return [];
    const selected = templates.filter((t) => namespaceOf(t.owner) === namespaceOf(service) && selectorMatches(selector, t.labels));
    return [{ service, id: objectId(service), selector, selected }];
  });
}
