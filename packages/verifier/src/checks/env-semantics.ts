/**
 * Check `env-semantics`: what a ClearML container's env and command line mean, beyond the names
 * `env-reference` resolves.
 * - Duplicate env names in one container: Kubernetes keeps the later entry ("when a key exists in
 *   several places, the value of the last one takes precedence"). A warning (`severity: 'warning'`)
 *   in general; an error when a later literal `value` overrides an earlier `secretKeyRef`: the
 *   credential the Secret was meant to supply is replaced by the manifest's literal.
 * - Connections of the stack model (`ComponentSpec.connections`, `connectionValue` in base-manifests
 *   `stack/connections.ts`): for a stack-model container (`componentOfContainer`) whose connection
 *   env or argument (`--fileserver-host`) is set to a host that is a Service of the build, that
 *   Service must select pods of the target component, its port (the value's, or the sibling
 *   `*_PORT` connection's) must reach the target's model port, and a URL's scheme must be the
 *   port's (`https://` to a plain-http port fails the TLS handshake). Hosts that are no Service of the
 *   build (an external database, a public URL) are not judged, nor are ports the Service lacks
 *   (both `env-reference`'s), Services without a selector (endpoints kept by hand) and Services whose
 *   selector matches no pod (`service-selector`'s).
 * - `command:` on a container whose model entrypoint is `args:` (the image's entrypoint picks the
 *   process from its first argument): `command` replaces the image's ENTRYPOINT, so its setup (for
 *   the server image, `entrypoint.sh`'s config and error-package generation) never runs. The model's
 *   own non-root start (`nonRoot.start.command`: `/usr/bin/env bash /opt/clearml/entrypoint.sh`, which
 *   runs that same entrypoint through its interpreter) is not such a command.
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/ (env precedence)
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes (command overrides ENTRYPOINT, args CMD)
 * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#services (Service host names)
 */
import { objectId, portNamed, STACK_MODEL, type ComponentKey, type ComponentSpec, type ConnectionSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, resolveTargetPort, type PodTemplate } from '../pod-templates.ts';
import { runningContainers } from './containers-common.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';
import { componentOfContainer, isNonRootStartCommand } from './stack-containers.ts';

type Finding = CheckFinding<'env-semantics'>;

/** The Service `{namespace, name}` an in-cluster host names, or null (dotted public names, IPs, localhost). */
function serviceOfHost(host: string, namespace: string): { namespace: string; name: string } | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || /^\d+(\.\d+){3}$/.test(h)) return null;
  const labels = h.split('.');
  if (labels.length === 1) return { namespace, name: h };
  const svc = h.match(/^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?$/);
  return svc ? { name: svc[1]!, namespace: svc[2]! } : null;
}

/** `scheme://host:port` (port optional) → parts; a HOCON/JSON list `["…"]` → its first URL. */
function parseUrl(value: string): { scheme: string; host: string; port: number | null } | null {
  const first = value.trim().replace(/^\[\s*"?/, '').replace(/"?\s*(,.*)?\]$/, '');
  const m = first.match(/^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([A-Za-z0-9.-]+)(?::(\d+))?(?:[/?#].*)?$/);
  return m ? { scheme: m[1]!, host: m[2]!, port: m[3] ? Number(m[3]) : null } : null;
}

/** The value of an argument `flag` in `args`/`command` (`--flag value`, `--flag=value`, or inside a shell string). */
function argValue(container: any, flag: string): { value: string; path: string } | null {
  for (const field of ['args', 'command'] as const) {
    const list: unknown = container[field];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item !== 'string') continue;
      if (item === flag && typeof list[i + 1] === 'string') return { value: list[i + 1], path: `${field}/${i + 1}` };
      const inline = item.match(new RegExp(`(?:^|\\s)${flag.replace(/[-]/g, '\\-')}(?:=|\\s+)(\\S+)`));
      if (inline) return { value: inline[1]!, path: `${field}/${i}` };
    }
  }
  return null;
}

const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443 };

/** Findings of `env-semantics` over a build. Never throws: malformed objects are `schema`'s. */
export function checkEnvSemantics(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): Finding[] {
  const findings: Finding[] = [];
  const templates = podTemplates(objects);
  // Components each pod owner runs, and the Services of the build with the owners they select.
  const componentsOf = new Map<ManifestObject, Map<ComponentKey, { template: PodTemplate; container: any }>>();
  for (const t of templates.filter((t) => t.running)) {
    const found = new Map<ComponentKey, { template: PodTemplate; container: any }>();
    for (const { container } of runningContainers(t)) {
      const spec = componentOfContainer(container, catalog, model);
      if (spec && !found.has(spec.key)) found.set(spec.key, { template: t, container });
    }
    componentsOf.set(t.owner, found);
  }
  const services = new Map(serviceSelections(objects).map((s) => [`${s.service.metadata.namespace ?? ''}/${s.service.metadata.name}`, s]));
  const allServices = new Set(objects.filter((o) => o.kind === 'Service').map((s) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`));

  for (const t of templates) {
    const ns = t.owner.metadata.namespace ?? '';
    const resource = objectId(t.owner);
    for (const list of ['initContainers', 'containers'] as const) {
      const containers: unknown = t.spec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container: any, c: number) => {
        if (!container || typeof container !== 'object') return;
        const at = `${t.path}/spec/${list}/${c}`;
        const env: any[] = Array.isArray(container.env) ? container.env : [];
        duplicates(env, container, at, resource, findings);
        const spec = list === 'containers' || container.restartPolicy === 'Always' ? componentOfContainer(container, catalog, model) : null;
        if (!spec) return;
        if (spec.entrypoint.args && !spec.entrypoint.command && container.command !== undefined && !isNonRootStartCommand(container, spec)) {
          findings.push({
            check: 'env-semantics',
            resource,
            path: `${at}/command`,
            message: `${spec.name} (container ${container.name}) sets command ${JSON.stringify(container.command)}, which replaces the image's entrypoint; the model runs the image's entrypoint with args ${JSON.stringify(spec.entrypoint.args)} (${spec.entrypoint.source}), so the entrypoint's setup never runs`,
            hint: `drop command and pass ${JSON.stringify(spec.entrypoint.args)} as args`,
          });
        }
        const literal = new Map<string, { value: string; index: number }>();
        env.forEach((e, i) => typeof e?.name === 'string' && literal.set(e.name, typeof e.value === 'string' ? { value: e.value, index: i } : { value: '', index: -1 }));
        const byTarget = new Map<string, ConnectionSpec[]>();
        for (const conn of spec.connections) byTarget.set(`${conn.target}/${conn.port}`, [...(byTarget.get(`${conn.target}/${conn.port}`) ?? []), conn]);
        for (const conns of byTarget.values()) {
          const hostConn = conns.find((k) => k.form === 'host');
          const portConn = conns.find((k) => k.form === 'port');
          const readEnv = (k: ConnectionSpec | undefined) => (k && 'env' in k.via ? literal.get(k.via.env) : undefined);
          const checks: { conn: ConnectionSpec; host: string; port: number | null; scheme: string | null; path: string; shown: string }[] = [];
          const h = readEnv(hostConn);
          if (hostConn && h && h.index >= 0) {
            const p = readEnv(portConn);
            const port = p && p.index >= 0 && /^\d+$/.test(p.value.trim()) ? Number(p.value.trim()) : null;
            checks.push({ conn: hostConn, host: h.value.trim(), port, scheme: null, path: `${at}/env/${h.index}/value`, shown: `${(hostConn.via as { env: string }).env}=${h.value}` });
          }
          for (const k of conns.filter((k) => k.form === 'url' || k.form === 'urlList')) {
            const set = 'env' in k.via ? readEnv(k) : argValue(container, k.via.arg);
            if (!set || ('index' in set && set.index < 0)) continue;
            const url = parseUrl(set.value);
            if (!url) continue;
            const path = 'index' in set ? `${at}/env/${set.index}/value` : `${at}/${set.path}`;
            checks.push({ conn: k, host: url.host, port: url.port ?? SCHEME_PORTS[url.scheme] ?? null, scheme: url.scheme, path, shown: `${'env' in k.via ? k.via.env : k.via.arg}=${set.value}` });
          }
          for (const x of checks) connection(x, ns, spec, model, services, allServices, componentsOf, resource, findings);
        }
      });
    }
  }
  return findings;
}

/** Duplicate env names of one container: the later wins. */
function duplicates(env: any[], container: any, at: string, resource: string, findings: Finding[]): void {
  const first = new Map<string, number>();
  env.forEach((e, i) => {
    if (typeof e?.name !== 'string') return;
    const before = first.get(e.name);
    if (before === undefined) return void first.set(e.name, i);
    const earlier = env.slice(0, i).filter((x) => x?.name === e.name);
    const overridesSecret = typeof e.value === 'string' && earlier.some((x) => x?.valueFrom?.secretKeyRef);
    findings.push({
      check: 'env-semantics',
      ...(overridesSecret ? {} : { severity: 'warning' as const }),
      resource,
      path: `${at}/env/${i}`,
      message: `${e.name} is set ${earlier.length + 1} times in container ${container.name} (env/${before} first); the later entry (env/${i}) wins${overridesSecret ? `, so its literal value replaces the secretKeyRef of env/${env.findIndex((x) => x?.name === e.name && x?.valueFrom?.secretKeyRef)} and the Secret's value is never used` : ''}`,
      hint: overridesSecret ? 'remove the literal entry so the value comes from the Secret' : 'keep one entry per name (a JSON patch `add` to env/- appends a second one; replace the existing entry instead)',
    });
  });
}

/** One connection value: the Service it names selects the target, its port reaches the target's port, the scheme fits. */
function connection(
  x: { conn: ConnectionSpec; host: string; port: number | null; scheme: string | null; path: string; shown: string },
  ns: string,
  spec: ComponentSpec,
  model: typeof STACK_MODEL,
  services: Map<string, ReturnType<typeof serviceSelections>[number]>,
  allServices: Set<string>,
  componentsOf: Map<ManifestObject, Map<ComponentKey, { template: PodTemplate; container: any }>>,
  resource: string,
  findings: Finding[],
): void {
  const ref = serviceOfHost(x.host, ns);
  if (!ref || !allServices.has(`${ref.namespace}/${ref.name}`)) return; // external, or env-reference's
  const target = model.get(x.conn.target);
  const want = portNamed(target, x.conn.port);
  const push = (message: string, hint: string) => findings.push({ check: 'env-semantics', resource, path: x.path, message: `${spec.name}: ${x.shown}: ${message}`, hint });
  const selection = services.get(`${ref.namespace}/${ref.name}`);
  // No selector (endpoints kept by hand, e.g. towards an external database), or one that selects nothing (service-selector's).
  if (!selection || selection.selected.length === 0) return;
  const reached = selection.selected.flatMap((t) => {
    const hit = componentsOf.get(t.owner)?.get(target.key);
    return hit ? [hit] : [];
  });
  if (reached.length === 0) {
    const others = selection.selected.flatMap((t) => [...(componentsOf.get(t.owner)?.keys() ?? [])]);
    push(`Service ${ref.namespace}/${ref.name} does not select ${target.name}'s pods (it selects ${others.length ? others.join(', ') : 'no ClearML component'}); ${spec.key} would talk to the wrong process`, `point it at the Service of ${target.name} (${target.name}:${want.servicePort} in the base, ${x.conn.source})`);
    return;
  }
  if (x.port !== null) {
    const sp = ((selection.service.spec?.ports ?? []) as any[]).find((p) => p?.port === x.port);
    if (sp) {
      const tp = sp.targetPort ?? sp.port;
      const ok = reached.some((r) => resolveTargetPort(r.template, tp)?.containerPort === want.containerPort || (typeof tp === 'number' && tp === want.containerPort));
      if (!ok) push(`port ${x.port} of Service ${ref.namespace}/${ref.name} targets ${JSON.stringify(tp)}, not ${target.name}'s ${want.name} port ${want.containerPort} (${want.source})`, `use the Service port that targets ${want.name} (${want.servicePort} in the base)`);
    }
  }
  if (x.scheme !== null && want.scheme !== 'tcp' && x.scheme !== want.scheme) {
    push(`scheme ${x.scheme}:// to ${target.name}'s ${want.name} port, which serves ${want.scheme} (${want.source}); every request fails`, `use ${want.scheme}://${x.host}${x.port ? `:${x.port}` : ''}`);
  }
}

export const envSemanticsCheck = defineCheck({
  id: 'env-semantics',
  severity: 'error',
  title: 'ClearML containers: no env set twice over a Secret, every connection reaches the right component, port and scheme, no command over an args entrypoint',
  description:
    'duplicate env names in a container (warning; error when a later literal overrides a `secretKeyRef`); every connection of the stack model set on a ClearML container (`CLEARML_*_SERVICE_HOST/PORT`, `NGINX_*_ADDRESS`, `--fileserver-host`, …) that names a Service of the build reaches a Service selecting the target component, on a port that maps to the target\'s port, with its scheme; no `command:` where the model\'s entrypoint takes `args:` (other than the model\'s non-root start, which runs the same entrypoint through bash)',
  needs: 'build',
  run: ({ objects, catalog }) => checkEnvSemantics(objects, catalog),
});
