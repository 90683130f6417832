/**
 * Check `network-reachability`: the build's NetworkPolicies let every connection of the stack model
 * through, and do not leave a bundled database open to the whole cluster.
 * - For every connection of the model (`ComponentSpec.connections`: a component to a port of
 *   another), between every running pod template of the source component and every one of the
 *   target in the build (which component a container runs: `componentOfContainer`), the source's
 *   egress and the target's ingress must allow the target's container port (`reachable`, Kubernetes
 *   semantics in `../network-policies.ts`). A blocked connection breaks the server: the apiserver
 *   without MongoDB, Elasticsearch or Redis does not start, the fileserver without Redis cannot check
 *   sessions, async-delete cannot delete.
 * - When the build has NetworkPolicies in a database's namespace, the database's ingress on its port
 *   must not be open to every pod of every namespace (not isolated at all, or a rule without `from`,
 *   with `namespaceSelector: {}`, or `ipBlock` 0.0.0.0/0). The bundled databases take clients without
 *   credentials (the base sets none of the model's `databaseAccess` env), so any pod of the cluster
 *   could read and write every task and user: exposed, hence an error like the rest of the check. A
 *   rule allowing every pod of the database's own namespace (`podSelector: {}`) is accepted.
 * A build without NetworkPolicies isolates nothing: no finding.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { objectId, portNamed, STACK_MODEL, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { networkPolicies, openToAllNamespaces, reachable, type PodEndpoint } from '../network-policies.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { componentOfContainer } from './stack-containers.ts';

/** A running pod template, the stack components its containers run, and it as a policy endpoint. */
interface ComponentPod {
  template: PodTemplate;
  components: ComponentSpec[];
  endpoint: PodEndpoint;
}

/** Running pod templates that run at least one stack-model component, in build order. */
export function componentPods(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): ComponentPod[] {
  return podTemplates(objects)
    .filter((t) => t.running)
    .flatMap((template) => {
      const containers: any[] = Array.isArray(template.spec.containers) ? template.spec.containers : [];
      const components = [...new Set(containers.map((c) => componentOfContainer(c, catalog, model)).filter((c): c is ComponentSpec => c !== null))];
      if (components.length === 0) return [];
      const ports = containers.flatMap((c) => (Array.isArray(c?.ports) ? c.ports : []).filter((p: any) => typeof p?.containerPort === 'number'));
      return [{ template, components, endpoint: { namespace: template.owner.metadata.namespace ?? '', labels: template.labels, ports } }];
    });
}

/** Findings of `network-reachability` over a build (none without NetworkPolicies). Never throws. */
export function checkNetworkReachability(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): CheckFinding<'network-reachability'>[] {
  const policies = networkPolicies(objects);
  if (policies.length === 0) return [];
  const pods = componentPods(objects, catalog, model);
  const findings: CheckFinding<'network-reachability'>[] = [];
  for (const source of pods) {
    for (const component of source.components) {
      const targets = [...new Map(component.connections.map((c) => [`${c.target}/${c.port}`, c])).values()];
      for (const connection of targets) {
        const target = model.get(connection.target);
        const port = portNamed(target, connection.port);
        for (const destination of pods.filter((p) => p.components.includes(target))) {
          const verdict = reachable(objects, source.endpoint, destination.endpoint, { port: port.containerPort, protocol: port.protocol });
          if (verdict.allowed) continue;
          const blocked = !verdict.ingress.allowed ? { end: destination, side: 'ingress', by: verdict.ingress.isolatedBy } : { end: source, side: 'egress', by: verdict.egress.isolatedBy };
          findings.push({
            check: 'network-reachability',
            resource: objectId(blocked.end.template.owner),
            path: `${blocked.end.template.path}/metadata/labels`,
            message: `${component.name} (${objectId(source.template.owner)}) connects to ${target.name} port ${port.containerPort}/${port.protocol} (${connection.source}), but the ${blocked.side} of ${objectId(blocked.end.template.owner)} is isolated by ${blocked.by.join(', ')} and no rule of them allows it; the connection is dropped`,
            hint: blocked.side === 'ingress'
              ? `add an ingress rule to one of those policies: from podSelector ${JSON.stringify(source.template.labels)}${source.endpoint.namespace !== destination.endpoint.namespace ? ` with a namespaceSelector for ${source.endpoint.namespace}` : ''}, ports [${port.containerPort}/${port.protocol}]`
              : `add an egress rule to one of those policies: to podSelector ${JSON.stringify(destination.template.labels)}${source.endpoint.namespace !== destination.endpoint.namespace ? ` with a namespaceSelector for ${destination.endpoint.namespace}` : ''}, ports [${port.containerPort}/${port.protocol}]`,
          });
        }
      }
    }
  }
  const policed = new Set(policies.map((p) => p.metadata?.namespace ?? ''));
  for (const db of pods) {
    if (!policed.has(db.endpoint.namespace)) continue;
    for (const component of db.components.filter((c) => c.role === 'database')) {
      for (const port of component.ports) {
        const open = openToAllNamespaces(objects, db.endpoint, { port: port.containerPort, protocol: port.protocol });
        if (open === null) continue;
        const clients = model.components.filter((c) => c.connections.some((x) => x.target === component.key)).map((c) => c.name);
        findings.push({
          check: 'network-reachability',
          resource: objectId(db.template.owner),
          path: `${db.template.path}/metadata/labels`,
          message: `${component.name} port ${port.containerPort}/${port.protocol} accepts connections from every pod of every namespace (${open === 'not-isolated' ? 'no NetworkPolicy of its namespace selects it for ingress' : `${open.policy} ${open.rule} allows any source`}); it takes clients without credentials, and its clients in the stack model are only ${clients.join(', ')}`,
          hint: `isolate it with a NetworkPolicy whose ingress allows only its clients (podSelector of ${clients.join(', ')}) on port ${port.containerPort}`,
        });
      }
    }
  }
  return findings;
}

export const networkReachabilityCheck = defineCheck({
  id: 'network-reachability',
  severity: 'error',
  title: "the build's NetworkPolicies allow every connection of the stack model and keep the databases from the rest of the cluster",
  description:
    "when the build has NetworkPolicies: every connection of the stack model (a component to a port of another) is allowed by the source's egress and the target's ingress (Kubernetes semantics: isolation by any selecting policy, union of rules, peers by pod and namespace selector, numbered and named ports); and a bundled database in a namespace with policies is not open to every pod of every namespace",
  needs: 'build',
  run: ({ objects, catalog }) => checkNetworkReachability(objects, catalog),
});
