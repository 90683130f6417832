/**
 * Check `node-ports`: on NodePort overlays, the three public Services are NodePort (or LoadBalancer, which
 * allocates the same NodePorts) with 30008 →
 * 8008 → apiserver:8008, 30080 → 8080 → webserver's named port (80), 30081 → 8081 →
 * fileserver:8081; on Ingress overlays they are not NodePort. Every finding names the Service and
 * the JSON pointer of the field.
 * @see ../../../../../shared/seeds/001_d702390ea1fdbd84.txt ("Port Mapping")
 */
import { NAMESPACE, objectId, PUBLIC_ENDPOINTS, STACK, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, resolveTargetPort, selectorMatches } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { componentOfContainer } from './stack-containers.ts';

/** What the Services should do with the endpoints: NodePorts given per host label, or none. */
export type NodePortExpectation = { kind: 'nodePort'; nodePorts: Record<'api' | 'app' | 'files', number> } | { kind: 'none' };

/** The seed docs' NodePorts by host label. */
export function defaultNodePorts(): Record<'api' | 'app' | 'files', number> {
  return Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e.hostLabel, e.nodePort])) as Record<'api' | 'app' | 'files', number>;
}

/**
 * Whether a Service opens NodePorts: type NodePort, or LoadBalancer unless
 * `allocateLoadBalancerNodePorts: false` (a LoadBalancer Service is a NodePort Service the cloud's
 * load balancer routes to).
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-nodeport-allocation
 */
export function opensNodePorts(service: { spec?: { type?: string; allocateLoadBalancerNodePorts?: boolean } } | undefined): boolean {
  return service?.spec?.type === 'NodePort' || (service?.spec?.type === 'LoadBalancer' && service.spec.allocateLoadBalancerNodePorts !== false);
}

/** The NodePorts a build actually exposes for the endpoints (host label → nodePort). */
export function observedNodePorts(objects: readonly ManifestObject[]): Record<string, number> {
  const observed: Record<string, number> = {};
  for (const endpoint of PUBLIC_ENDPOINTS) {
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === STACK[endpoint.component].name) as any;
    const port = service?.spec?.ports?.find((p: any) => p.nodePort !== undefined);
    if (opensNodePorts(service) && port) observed[endpoint.hostLabel] = port.nodePort;
  }
  return observed;
}

/**
 * Checks that a Service port reaches the expected component's container and port; shared with
 * `ingress-hosts`. The container counts as the component's when it has the base's container name
 * or runs the component (`componentOfContainer`: image and entrypoint), so a tree that names its
 * containers otherwise (the Helm chart's `clearml-apiserver`) is not a finding.
 * @param catalog the release catalog, to tell which component a container runs.
 * @returns findings on `/spec/ports/i/targetPort` when it reaches another container or port.
 */
export function checkServiceRoute<Id extends string>(objects: readonly ManifestObject[], service: any, portIndex: number, component: (typeof STACK)[keyof typeof STACK], check: Id, catalog: ReleaseCatalog): CheckFinding<Id>[] {
  const id = objectId(service);
  const templates = podTemplates(objects).filter((t) => t.running && selectorMatches(service.spec?.selector, t.labels));
  // No template, or a targetPort that resolves to nothing: `service-selector` and `target-port` report those.
  const targetPort = service.spec.ports[portIndex].targetPort ?? service.spec.ports[portIndex].port;
  const findings: CheckFinding<Id>[] = [];
  for (const template of templates) {
    const resolved = resolveTargetPort(template, targetPort);
    const container = resolved && (template.spec.containers ?? []).find((c) => c.name === resolved.container);
    const isComponent = !!resolved && (resolved.container === component.container || componentOfContainer(container, catalog)?.key === component.key);
    if (resolved && (!isComponent || resolved.containerPort !== component.containerPort)) {
      findings.push({
        check,
        resource: id,
        path: `/spec/ports/${portIndex}/targetPort`,
        message: `targetPort ${JSON.stringify(targetPort)} in ${objectId(template.owner)}: expected container ${component.container} port ${component.containerPort}, received container ${resolved.container} port ${resolved.containerPort}`,
        hint: `target the named port "${component.portName}"`,
      });
    }
  }
  return findings;
}

/**
 * Runs the check over a rendered build.
 * @param objects the parsed `kustomize build` output.
 * @param expectation NodePorts per endpoint, or `none` for Ingress overlays.
 * @param catalog the release catalog, to tell which component a container runs.
 */
export function checkNodePorts(objects: readonly ManifestObject[], expectation: NodePortExpectation, catalog: ReleaseCatalog): CheckFinding<'node-ports'>[] {
  const findings: CheckFinding<'node-ports'>[] = [];
  for (const endpoint of PUBLIC_ENDPOINTS) {
    const component = STACK[endpoint.component];
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === component.name) as any;
    const id = service ? objectId(service) : objectId({ kind: 'Service', metadata: { name: component.name, namespace: NAMESPACE } });
    if (!service) {
      findings.push({ check: 'node-ports', resource: id, path: '', message: `no Service ${component.name} in the build; expected one for the ${endpoint.hostLabel} endpoint`, hint: 'restore the Service in the base' });
      continue;
    }
    if (expectation.kind === 'none') {
      if (service.spec?.type === 'NodePort' || service.spec?.type === 'LoadBalancer') {
        findings.push({ check: 'node-ports', resource: id, path: '/spec/type', message: `expected ClusterIP behind the Ingress, received ${service.spec.type}`, hint: 'patch /spec/type to ClusterIP and remove nodePort' });
      }
      continue;
    }
    const expectedNodePort = expectation.nodePorts[endpoint.hostLabel];
    if (!opensNodePorts(service)) {
      const noAllocation = service.spec?.type === 'LoadBalancer';
      findings.push({
        check: 'node-ports',
        resource: id,
        path: noAllocation ? '/spec/allocateLoadBalancerNodePorts' : '/spec/type',
        message: noAllocation ? 'expected a NodePort (type NodePort, or LoadBalancer allocating NodePorts), received LoadBalancer with allocateLoadBalancerNodePorts: false' : `expected NodePort (or LoadBalancer), received ${service.spec?.type ?? 'ClusterIP (unset)'}`,
        hint: noAllocation ? 'remove allocateLoadBalancerNodePorts: false' : 'set /spec/type to NodePort',
      });
      continue;
    }
    const ports: any[] = service.spec.ports ?? [];
    const index = ports.findIndex((p) => p.port === component.servicePort);
    if (index < 0) {
      findings.push({ check: 'node-ports', resource: id, path: '/spec/ports', message: `expected a port ${component.servicePort}, received ports ${JSON.stringify(ports.map((p) => p.port))}`, hint: `restore port ${component.servicePort}` });
      continue;
    }
    if (ports[index].nodePort !== expectedNodePort) {
      findings.push({ check: 'node-ports', resource: id, path: `/spec/ports/${index}/nodePort`, message: `expected nodePort ${expectedNodePort} (${endpoint.hostLabel}), received ${ports[index].nodePort ?? 'none'}`, hint: `set it back to ${expectedNodePort}, or declare the site's NodePorts` });
    }
    findings.push(...checkServiceRoute(objects, service, index, component, 'node-ports', catalog));
  }
  return findings;
}

export const nodePortsCheck = defineCheck({
  id: 'node-ports',
  severity: 'error',
  title: 'the public Services expose the expected NodePorts (api 30008, app 30080, files 30081) or none behind an Ingress',
  description: 'on NodePort overlays (a LoadBalancer Service, which also opens its NodePort, counts): 30008 → 8008 → `apiserver`:8008, 30080 → 8080 → `webserver`:80, 30081 → 8081 → `fileserver`:8081; on Ingress overlays: no NodePort Services',
  needs: 'build',
  run: ({ objects, exposure, catalog }) =>
    exposure?.kind === 'nodePort' ? checkNodePorts(objects, { kind: 'nodePort', nodePorts: exposure.nodePorts ?? defaultNodePorts() }, catalog) : exposure?.kind === 'ingress' ? checkNodePorts(objects, { kind: 'none' }, catalog) : [],
});
