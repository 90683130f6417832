/**
 * Check `database-exposure`: the bundled databases (stack-model components of role `database`:
 * MongoDB, Elasticsearch, Redis) are reachable only from inside the cluster. Upstream runs them
 * without authentication (clearml/clearml-server@v2.3.0:docker/docker-compose.yml:55 `xpack.security.enabled: "false"`;
 * :87-105 mongo and redis with no credentials or `requirepass`), and so does the base, so whoever
 * reaches them reads and rewrites every task, user and credential. A database pod (one running a container
 * that `componentOfContainer` maps to a database) is exposed by:
 * - a Service of type `NodePort` or `LoadBalancer`, or with `externalIPs`, that selects it: every
 *   node (or the load balancer, or the external IP) forwards to it;
 * - an Ingress backend naming such a Service (any type): the Ingress controller forwards to it;
 * - a `hostPort` on one of its containers (or `hostNetwork: true` with a port): the node's own
 *   address forwards to it.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#external-ips
 * @see https://kubernetes.io/docs/concepts/configuration/overview/#services ("Don't specify a hostPort for a Pod unless it is absolutely necessary")
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
import { objectId, STACK_MODEL, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { declaredPorts, runningContainers } from './containers-common.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';
import { componentOfContainer } from './stack-containers.ts';

/** The database a pod template runs, or null. */
function databaseOf(template: PodTemplate, catalog: ReleaseCatalog, model: typeof STACK_MODEL): ComponentSpec | null {
  for (const { container } of runningContainers(template)) {
    const spec = componentOfContainer(container, catalog, model);
    if (spec?.role === 'database') return spec;
  }
  return null;
}

/** Findings of `database-exposure` over a build. Never throws: malformed objects are `schema`'s. */
export function checkDatabaseExposure(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): CheckFinding<'database-exposure'>[] {
  const findings: CheckFinding<'database-exposure'>[] = [];
  // By owner: serviceSelections builds its own PodTemplate records of the same objects.
  const databases = new Map<ManifestObject, ComponentSpec>();
  for (const t of podTemplates(objects).filter((t) => t.running)) {
    const db = databaseOf(t, catalog, model);
    if (!db) continue;
    databases.set(t.owner, db);
    for (const { container, path } of runningContainers(t)) {
      for (const port of declaredPorts(container)) {
        if (port.hostPort === null && t.spec.hostNetwork !== true) continue;
        findings.push({
          check: 'database-exposure',
          resource: objectId(t.owner),
          path: `${path}/ports/${port.index}/${port.hostPort === null ? 'containerPort' : 'hostPort'}`,
          message: `${db.name} (${db.key}) ${port.hostPort === null ? `runs with hostNetwork: true on port ${port.containerPort}` : `binds hostPort ${port.hostPort}`}: anyone who reaches the node's address reaches the database, which the server uses without authentication`,
          hint: 'remove the hostPort (and hostNetwork); the server reaches the database through its ClusterIP Service',
        });
      }
    }
  }
  if (databases.size === 0) return findings;
  /** `Service/ns/name` → the databases it selects, for the Ingress pass. */
  const dbServices = new Map<string, ComponentSpec[]>();
  for (const { service, id, selected } of serviceSelections(objects)) {
    const dbs = [...new Set(selected.flatMap((t) => (databases.has(t.owner) ? [databases.get(t.owner)!] : [])))];
    if (dbs.length === 0) continue;
    dbServices.set(`${service.metadata.namespace ?? ''}/${service.metadata.name}`, dbs);
    const type = service.spec?.type ?? 'ClusterIP';
    const externalIPs: unknown = service.spec?.externalIPs;
    const external = Array.isArray(externalIPs) && externalIPs.length > 0;
    if (type !== 'NodePort' && type !== 'LoadBalancer' && !external) continue;
    findings.push({
      check: 'database-exposure',
      resource: id,
      path: external && type !== 'NodePort' && type !== 'LoadBalancer' ? '/spec/externalIPs' : '/spec/type',
      message: `${id} (${type}${external ? `, externalIPs ${(externalIPs as unknown[]).join(', ')}` : ''}) selects ${dbs.map((d) => d.name).join(', ')}: the database is reachable from outside the cluster, which runs without authentication as upstream and the base run it`,
      hint: 'make the Service type ClusterIP without externalIPs; reach the database from outside with kubectl port-forward when needed',
    });
  }
  for (const ingress of objects.filter((o) => o.kind === 'Ingress') as any[]) {
    const ns = ingress.metadata.namespace ?? '';
    const backends: { name: unknown; path: string }[] = [];
    if (ingress.spec?.defaultBackend?.service) backends.push({ name: ingress.spec.defaultBackend.service.name, path: '/spec/defaultBackend/service/name' });
    const rules: unknown = ingress.spec?.rules;
    if (Array.isArray(rules)) {
      rules.forEach((rule: any, r: number) => {
        const paths: unknown = rule?.http?.paths;
        if (Array.isArray(paths)) paths.forEach((p: any, i: number) => backends.push({ name: p?.backend?.service?.name, path: `/spec/rules/${r}/http/paths/${i}/backend/service/name` }));
      });
    }
    for (const { name, path } of backends) {
      const dbs = typeof name === 'string' ? dbServices.get(`${ns}/${name}`) : undefined;
      if (!dbs) continue;
      findings.push({
        check: 'database-exposure',
        resource: objectId(ingress),
        path,
        message: `the Ingress routes to Service ${ns}/${name}, which selects ${dbs.map((d) => d.name).join(', ')}: the database is reachable through the Ingress controller, which runs without authentication as upstream and the base run it`,
        hint: 'remove the route; only the apiserver, webserver and fileserver are public endpoints',
      });
    }
  }
  return findings;
}

export const databaseExposureCheck = defineCheck({
  id: 'database-exposure',
  severity: 'error',
  title: 'MongoDB, Elasticsearch and Redis are not reachable from outside the cluster',
  description:
    'no NodePort or LoadBalancer Service (nor one with `externalIPs`) selects a database pod (stack-model role `database`: MongoDB, Elasticsearch, Redis), no Ingress routes to a Service that selects one, and no database container has a `hostPort` (or runs with `hostNetwork`)',
  needs: 'build',
  run: ({ objects, catalog }) => checkDatabaseExposure(objects, catalog),
});
