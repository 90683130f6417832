/**
 * Check `container-ports`: the ports of pods, Services and Ingress backends fit together where the
 * checks of Services (`target-port`: a targetPort resolves; `ingress-hosts`: the three public hosts)
 * do not look.
 * - Two long-running containers of one pod (its `containers` and its sidecars, init containers with
 *   `restartPolicy: Always`) declare the same `containerPort` and `protocol`: the containers share
 *   the pod's network namespace, so only one can bind it and the other fails to start (the API server
 *   only warns about it).
 * - A Service port that reaches a stack-model container (`componentOfContainer`) at a port the model
 *   lists has the model's `protocol` (a Service port's `protocol` defaults to TCP; `UDP` towards the
 *   apiserver's TCP 8008 forwards nothing), and so does the container's own `ports[]` entry there;
 *   a Service port whose targetPort is a port *name* the model gives the component, declared by the
 *   container on another number than the model's (`http` on 8080 for nginx's 80), reaches a port
 *   where the process does not listen. Ports the model does not know (Elasticsearch's transport) are
 *   left alone.
 * - An Ingress backend names a port (`port.number` or `port.name`) that its Service, present in the
 *   build, does not have: the controller has no endpoint to route to (503). A missing Service is not
 *   judged here; routes of the promised public hosts are `ingress-hosts`'s.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 * @see https://kubernetes.io/docs/concepts/workloads/pods/#pod-networking ("containers in a Pod share the network namespace … coordinate how they use the shared network resources (such as ports)")
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource (backend service.port.name or .number)
 */
import { objectId, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { Exposure } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { declaredPorts, runningContainers } from './containers-common.ts';
import { defineCheck } from './definition.ts';
import { ingressHostsOf } from './ingress-hosts.ts';
import { serviceSelections } from './services-common.ts';
import { componentOfContainer } from './stack-containers.ts';

type Finding = CheckFinding<'container-ports'>;

/** Two containers of one pod binding the same port and protocol. */
function sharedPorts(objects: readonly ManifestObject[], findings: Finding[]): void {
  for (const t of podTemplates(objects)) {
    const seen = new Map<string, string>();
    for (const { container, path } of runningContainers(t)) {
      const own = new Set<string>();
      for (const port of declaredPorts(container)) {
        const key = `${port.containerPort}/${port.protocol}`;
        if (own.has(key)) continue;
        own.add(key);
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, container.name);
          continue;
        }
        findings.push({
          check: 'container-ports',
          resource: objectId(t.owner),
          path: `${path}/ports/${port.index}/containerPort`,
          message: `containers ${first} and ${container.name} of one pod both declare ${key}; they share the pod's network, so only one process can bind it and the other fails to start`,
          hint: 'give one of the containers another port, or drop the duplicate declaration',
        });
      }
    }
  }
}

/** Service ports towards ClearML containers: the model's protocol, and named ports on the model's number. */
function servicePorts(objects: readonly ManifestObject[], catalog: ReleaseCatalog, findings: Finding[]): void {
  for (const { service, id, selected } of serviceSelections(objects)) {
    const ports: unknown = service.spec?.ports;
    if (!Array.isArray(ports)) continue;
    ports.forEach((sp: any, i: number) => {
      const targetPort = sp?.targetPort ?? sp?.port;
      const protocol = typeof sp?.protocol === 'string' ? sp.protocol : 'TCP';
      const reported = new Set<string>();
      for (const template of selected) {
        for (const { container, path } of runningContainers(template)) {
          const spec = componentOfContainer(container, catalog);
          if (!spec) continue;
          const declared = declaredPorts(container);
          const reached = declared.find((p) => (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort));
          const number = reached?.containerPort ?? (typeof targetPort === 'number' ? targetPort : null);
          if (number === null) continue; // an unresolved name is target-port's
          const model = spec.ports.find((p) => p.containerPort === number);
          const push = (key: string, f: Omit<Finding, 'check'>) => !reported.has(key) && (reported.add(key), findings.push({ check: 'container-ports', ...f }));
          if (!model) {
            const named = typeof targetPort === 'string' ? spec.ports.find((p) => p.name === targetPort) : undefined;
            if (named) {
              push(`name:${spec.key}`, {
                resource: id,
                path: `/spec/ports/${i}/targetPort`,
                message: `targetPort ${JSON.stringify(targetPort)} reaches ${spec.name}'s container port ${number} (${objectId(template.owner)}), but the process serves ${named.name} on ${named.containerPort} (${named.source}); nothing listens on ${number}`,
                hint: `declare ${named.name} as containerPort ${named.containerPort} in the container`,
              });
            }
            continue;
          }
          if (protocol !== model.protocol) {
            push(`svc:${spec.key}`, {
              resource: id,
              path: `/spec/ports/${i}/protocol`,
              message: `Service port ${sp.port}/${protocol} reaches ${spec.name} on ${model.name}/${model.containerPort}, which the process serves over ${model.protocol} (${model.source}); the Service forwards nothing it can use`,
              hint: `set protocol: ${model.protocol} (or leave it out: TCP is the default)`,
            });
          }
          if (reached && reached.protocol !== model.protocol) {
            push(`ctr:${objectId(template.owner)}:${path}:${reached.index}`, {
              resource: objectId(template.owner),
              path: `${path}/ports/${reached.index}/protocol`,
              message: `${spec.name} declares ${reached.name ?? reached.containerPort}/${reached.protocol}, but the process serves ${model.protocol} on ${model.containerPort} (${model.source})`,
              hint: `set protocol: ${model.protocol} (or leave it out: TCP is the default)`,
            });
          }
        }
      }
    });
  }
}

/** Ingress backends naming a port their Service (in the build) does not have. */
function ingressBackends(objects: readonly ManifestObject[], exposure: Exposure | null, findings: Finding[]): void {
  const services = new Map(objects.filter((o) => o.kind === 'Service').map((s: any) => [`${s.metadata.namespace ?? ''}/${s.metadata.name}`, s]));
  const promised = exposure?.kind === 'ingress' ? new Set(Object.values(ingressHostsOf(exposure))) : new Set<string>();
  for (const ingress of objects.filter((o) => o.kind === 'Ingress') as any[]) {
    const ns = ingress.metadata.namespace ?? '';
    const backends: { backend: any; path: string }[] = [];
    if (ingress.spec?.defaultBackend) backends.push({ backend: ingress.spec.defaultBackend, path: '/spec/defaultBackend/service/port' });
    const rules: unknown = ingress.spec?.rules;
    if (Array.isArray(rules)) {
      rules.forEach((rule: any, r: number) => {
        if (typeof rule?.host === 'string' && promised.has(rule.host)) return; // ingress-hosts judges these routes
        const paths: unknown = rule?.http?.paths;
        if (Array.isArray(paths)) paths.forEach((p: any, i: number) => backends.push({ backend: p?.backend, path: `/spec/rules/${r}/http/paths/${i}/backend/service/port` }));
      });
    }
    for (const { backend, path } of backends) {
      const ref = backend?.service;
      if (typeof ref?.name !== 'string' || !ref.port) continue;
      const service = services.get(`${ns}/${ref.name}`);
      if (!service) continue; // a missing Service is not this check's
      const ports: any[] = Array.isArray(service.spec?.ports) ? service.spec.ports : [];
      const byNumber = ref.port.number !== undefined;
      if (ports.some((p) => (byNumber ? p?.port === ref.port.number : p?.name === ref.port.name))) continue;
      findings.push({
        check: 'container-ports',
        resource: objectId(ingress),
        path: `${path}/${byNumber ? 'number' : 'name'}`,
        message: `backend ${ref.name} port ${JSON.stringify(byNumber ? ref.port.number : ref.port.name)}: Service ${ns}/${ref.name} has no such port ${byNumber ? 'number' : 'name'}; it has [${ports.map((p) => (p?.name ? `${p.name}/${p.port}` : p?.port)).join(', ')}], so the controller answers 503`,
        hint: `name one of the Service's ports (${ports.map((p) => (byNumber ? p?.port : p?.name ?? p?.port)).join(', ')})`,
      });
    }
  }
}

/** Findings of `container-ports` over a build. Never throws: malformed objects are `schema`'s. */
export function checkContainerPorts(objects: readonly ManifestObject[], catalog: ReleaseCatalog, exposure: Exposure | null = null): CheckFinding<'container-ports'>[] {
  const findings: Finding[] = [];
  sharedPorts(objects, findings);
  servicePorts(objects, catalog, findings);
  ingressBackends(objects, exposure, findings);
  return findings;
}

export const containerPortsCheck = defineCheck({
  id: 'container-ports',
  severity: 'error',
  title: 'no two containers of a pod bind one port; Service ports speak the ClearML process\'s protocol; Ingress backends name ports their Service has',
  description:
    'no two containers (or sidecars) of one pod declare the same containerPort/protocol; a Service port that reaches a stack-model container has the model\'s protocol there (and so does the container port), and a targetPort name the model gives the component is declared on the model\'s number; every Ingress backend port (number or name) is one its Service in the build has (routes of the promised public hosts are `ingress-hosts`\'s)',
  needs: 'build',
  run: ({ objects, catalog, exposure }) => checkContainerPorts(objects, catalog, exposure),
});
