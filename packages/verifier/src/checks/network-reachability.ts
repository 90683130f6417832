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
 * - When the build has NetworkPolicies in a database's namespace, nothing but the database's clients
 *   in the stack model (the components whose connections target it: the apiserver and async delete
 *   for all three, the fileserver for Redis) reaches it on its port: the database is isolated for
 *   ingress, and every peer of every rule that admits its port selects, by `podSelector`, pods of
 *   its own namespace only (no peer-less rule, no `ipBlock`, no `namespaceSelector` other than one
 *   requiring its own namespace by name, no empty `podSelector`), none of which, in the build, is a
 *   pod template (Deployment, ConfigMap task template, …) that runs no client component
 *   (`ingressAdmissions` in `../network-policies.ts`). The bundled databases take clients without
 *   credentials (the base sets none of the model's `databaseAccess` env), so any other pod could read
 *   and write every task and user: exposed, hence an error like the rest of the check. Pods that
 *   are not in the build but carry a client's labels cannot be seen here.
 * A build without NetworkPolicies isolates nothing: no finding.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { objectId, portNamed, STACK_MODEL, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { labelSelectorMatches } from '../label-selectors.ts';
import { ingressAdmissions, networkPolicies, reachable, type AdmissionScope, type PodEndpoint } from '../network-policies.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { componentOfContainer } from './stack-containers.ts';

/** A running pod template, the stack components its containers run, and it as a policy endpoint. */
interface ComponentPod {
  template: PodTemplate;
  components: ComponentSpec[];
  endpoint: PodEndpoint;
}

/** What each non-pod admission lets in, as a phrase. */
const SCOPE_PHRASES: Record<Exclude<AdmissionScope, 'pods'>, string> = {
  'any-source': 'every source (a rule without from: every pod of every namespace and every address)',
  'ip-block': 'an ipBlock (addresses that may be any pod\'s or any outside host\'s)',
  'other-namespaces': 'pods of other namespaces (a namespaceSelector that does not require this namespace by kubernetes.io/metadata.name)',
  'whole-namespace': 'every pod of the namespace (no or an empty podSelector), including pods this build does not hold',
};

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
  const templates = podTemplates(objects);
  for (const db of pods) {
    if (!policed.has(db.endpoint.namespace)) continue;
    for (const component of db.components.filter((c) => c.role === 'database')) {
      const clientSpecs = model.components.filter((c) => c.connections.some((x) => x.target === component.key));
      const clients = clientSpecs.map((c) => c.name);
      const isClient = (t: PodTemplate) => {
        const containers: any[] = Array.isArray(t.spec.containers) ? t.spec.containers : [];
        return containers.some((c) => {
          const runs = componentOfContainer(c, catalog, model);
          return runs !== null && clientSpecs.includes(runs);
        });
      };
      for (const port of component.ports) {
        const ref = { port: port.containerPort, protocol: port.protocol };
        const admissions = ingressAdmissions(objects, db.endpoint, ref);
        const onPort = `${component.name} port ${port.containerPort}/${port.protocol}`;
        const hint = `admit only its clients: an ingress rule from podSelector of ${clients.join(', ')} (their pod labels, e.g. app.kubernetes.io/name), in this namespace, on port ${port.containerPort}`;
        if (admissions === 'not-isolated') {
          findings.push({
            check: 'network-reachability',
            resource: objectId(db.template.owner),
            path: `${db.template.path}/metadata/labels`,
            message: `${onPort} accepts connections from every pod of every namespace (no NetworkPolicy of its namespace selects it for ingress); it takes clients without credentials, and its clients in the stack model are only ${clients.join(', ')}`,
            hint: `isolate it with a NetworkPolicy whose ingress allows only its clients (podSelector of ${clients.join(', ')}) on port ${port.containerPort}`,
          });
          continue;
        }
        for (const admission of admissions) {
          const at = { resource: admission.policy, path: admission.path };
          if (admission.scope !== 'pods') {
            findings.push({
              check: 'network-reachability',
              ...at,
              message: `admits ${SCOPE_PHRASES[admission.scope]} to ${onPort} (${objectId(db.template.owner)}); the database takes clients without credentials, and its clients in the stack model are only ${clients.join(', ')}`,
              hint,
            });
            continue;
          }
          const intruders = templates.filter((t) => (t.owner.metadata.namespace ?? '') === db.endpoint.namespace && labelSelectorMatches(admission.podSelector, t.labels) && !isClient(t));
          for (const intruder of intruders) {
            findings.push({
              check: 'network-reachability',
              ...at,
              message: `admits ${objectId(intruder.owner)}${intruder.path ? ` (${intruder.path})` : ''} to ${onPort} (${objectId(db.template.owner)}), which is not one of its clients in the stack model (${clients.join(', ')}); any process there could read and write the database without credentials`,
              hint,
            });
          }
        }
      }
    }
  }
  return findings;
}

export const networkReachabilityCheck = defineCheck({
  id: 'network-reachability',
  severity: 'error',
  title: "the build's NetworkPolicies allow every connection of the stack model and admit nothing but the model's clients to the databases",
  description:
    "when the build has NetworkPolicies: every connection of the stack model (a component to a port of another) is allowed by the source's egress and the target's ingress (Kubernetes semantics: isolation by any selecting policy, union of rules, peers by pod and namespace selector, numbered and named ports); and a bundled database in a namespace with policies admits only its clients in the stack model: every rule peer admitting its port is a `podSelector` of its own namespace (no rule without `from`, `ipBlock`, other namespace or empty selector) that selects no pod template of the build running another component",
  needs: 'build',
  run: ({ objects, catalog }) => checkNetworkReachability(objects, catalog),
});
