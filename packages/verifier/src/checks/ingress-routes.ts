/**
 * Check `ingress-routes`: the Ingress rules that route to ClearML's public endpoints (the apiserver,
 * fileserver and webserver: the stack model's `ports[].public`) keep the request path as the server
 * reads it, from the root:
 * - no `nginx.ingress.kubernetes.io/rewrite-target` (other than the identity `/$1` on `/(.*)`): nginx
 *   replaces the whole URI with the target, but the apiserver reads the service and action from the
 *   path (`/[v<version>/]<service>.<action>`: clearml/clearml-server@v2.3.0:apiserver/service_repo/service_repo.py:45-52,
 *   anything else is "Invalid request path": :201-205) and the fileserver takes the path as the
 *   file's key (fileserver/fileserver.py:89-90; uploads are POSTs to `/`, :67-68);
 * - no `pathType: Exact` on `/`: only the bare root would match, not `/auth.login` or a file;
 * - each host routed to the apiserver or fileserver serves the root (a path `/` of type Prefix or
 *   ImplementationSpecific, or no path): the fileserver's routes are at `/` (fileserver.py:45,67,89)
 *   and the apiserver parses the path from `/` unless `apiserver.request.strip_prefix` is set
 *   (apiserver/server_init/request_handlers.py:24,196-199; with `CLEARML__apiserver__request__strip_prefix`
 *   on the apiserver a prefix is accepted). The webserver is left out (no checked source on a sub-path);
 * - a host whose first DNS label is `api.`, `files.` or `app.` routes to the component with that
 *   public host label (apiserver, fileserver, webserver), unless `ingress-hosts` already checks that
 *   host (the expected hosts of an Ingress exposure).
 * Which component a backend is: the stack components of the pods its Service selects
 * (`componentOfContainer`), else the Service named as the component.
 * @see https://kubernetes.github.io/ingress-nginx/examples/rewrite/
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types
 */
import { objectId, STACK_MODEL, type ComponentSpec, type EndpointLabel, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { ingressHostsOf } from './ingress-hosts.ts';
import { serviceSelections } from './services-common.ts';
import { componentOfContainer } from './stack-containers.ts';

/** The ingress-nginx annotation that rewrites the request path. */
export const REWRITE_TARGET_ANNOTATION = 'nginx.ingress.kubernetes.io/rewrite-target';

const SERVICE_REPO = 'clearml/clearml-server@v2.3.0:apiserver/service_repo/service_repo.py:45-52';
const FILESERVER = 'clearml/clearml-server@v2.3.0:fileserver/fileserver.py:67-68,89-90';

/** The apiserver's setting that strips a path prefix (request_handlers.py:24,196-199), as env (apiserver/config/basic.py:93-107). */
export const STRIP_PREFIX_ENV = 'CLEARML__apiserver__request__strip_prefix';

/** A public component, by its host label. */
function publicComponents(model = STACK_MODEL): Map<EndpointLabel, ComponentSpec> {
  const byLabel = new Map<EndpointLabel, ComponentSpec>();
  for (const c of model.components) for (const p of c.ports) if (p.public) byLabel.set(p.public.hostLabel, c);
  return byLabel;
}

/** One path of an Ingress rule. */
interface Route {
  ingress: any;
  host: string;
  /** `/spec/rules/<r>/http/paths/<i>`. */
  at: string;
  path: string | undefined;
  pathType: string | undefined;
  /** The public component its backend reaches, or null. */
  component: ComponentSpec | null;
}

/**
 * Findings of `ingress-routes` over a build.
 * @param checkedHosts hosts `ingress-hosts` checks (their backends are not checked again here).
 */
export function checkIngressRoutes(objects: readonly ManifestObject[], catalog: ReleaseCatalog, checkedHosts: ReadonlySet<string> = new Set(), model = STACK_MODEL): CheckFinding<'ingress-routes'>[] {
  const ingresses = objects.filter((o) => o.kind === 'Ingress') as any[];
  if (ingresses.length === 0) return [];
  const byLabel = publicComponents(model);
  const publics = new Set(byLabel.values());
  // Service `namespace/name` → the public component its pods run.
  const serving = new Map<string, ComponentSpec>();
  for (const s of serviceSelections(objects)) {
    const found = s.selected.flatMap((t) => (Array.isArray(t.spec.containers) ? t.spec.containers : []).map((c: any) => componentOfContainer(c, catalog, model))).find((c) => c && publics.has(c));
    if (found) serving.set(`${s.service.metadata.namespace ?? ''}/${s.service.metadata.name}`, found);
  }
  const componentOf = (namespace: string, name: unknown): ComponentSpec | null =>
    typeof name !== 'string' ? null : serving.get(`${namespace}/${name}`) ?? [...publics].find((c) => c.name === name) ?? null;

  const routes: Route[] = ingresses.flatMap((ingress) =>
    (Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : []).flatMap((rule: any, r: number) =>
      (Array.isArray(rule?.http?.paths) ? rule.http.paths : []).map((p: any, i: number) => ({ ingress, host: rule.host ?? '*', at: `/spec/rules/${r}/http/paths/${i}`, path: p?.path, pathType: p?.pathType, component: componentOf(ingress.metadata.namespace ?? '', p?.backend?.service?.name) })),
    ),
  );
  // With a strip prefix the apiserver accepts a path prefix (request_handlers.py:196-199).
  const strips = podTemplates(objects).some((t) => (Array.isArray(t.spec.containers) ? t.spec.containers : []).some((c: any) => componentOfContainer(c, catalog, model)?.key === 'apiserver' && (Array.isArray(c.env) ? c.env : []).some((e: any) => e?.name === STRIP_PREFIX_ENV)));
  const rootOnly = new Set<string>(['fileserver', ...(strips ? [] : ['apiserver'])]);
  const findings: CheckFinding<'ingress-routes'>[] = [];
  const finding = (ingress: any, path: string, message: string, hint: string) => findings.push({ check: 'ingress-routes', resource: objectId(ingress), path, message, hint });

  for (const ingress of ingresses) {
    const target = ingress.metadata?.annotations?.[REWRITE_TARGET_ANNOTATION];
    if (target === undefined) continue;
    const own = routes.filter((r) => r.ingress === ingress && r.component);
    if (own.length === 0 || (target === '/$1' && own.every((r) => r.path === '/(.*)'))) continue;
    const names = [...new Set(own.map((r) => r.component!.name))].join(', ');
    finding(ingress, `/metadata/annotations/${REWRITE_TARGET_ANNOTATION.replace('/', '~1')}`, `${REWRITE_TARGET_ANNOTATION}: ${JSON.stringify(target)} rewrites the request path to ${names}; nginx replaces the whole URI with the target, but the apiserver reads /<service>.<action> from the path (${SERVICE_REPO}) and the fileserver the file's key (${FILESERVER}), so the calls fail`, 'remove the annotation: ClearML serves its hosts from the root and needs the path unchanged');
  }
  const byHost = new Map<string, Route[]>();
  for (const r of routes.filter((r) => r.component)) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  for (const [host, hostRoutes] of byHost) {
    const exactRoot = hostRoutes.filter((r) => r.path === '/' && r.pathType === 'Exact');
    for (const r of exactRoot) finding(r.ingress, `${r.at}/pathType`, `host ${host} path / has pathType Exact: only the bare root reaches ${r.component!.name}, not /auth.login or a file's path`, 'use pathType: Prefix on /');
    // `/(.*)` as an ingress-nginx regex path (ImplementationSpecific) matches every path too.
    const servesRoot = hostRoutes.some((r) => ((r.path === undefined || r.path === '' || r.path === '/') && r.pathType !== 'Exact') || ((r.path === '/(.*)' || r.path === '/.*') && r.pathType === 'ImplementationSpecific'));
    if (!servesRoot) {
      for (const r of hostRoutes.filter((x) => !exactRoot.includes(x) && rootOnly.has(x.component!.key))) finding(r.ingress, `${r.at}/path`, `host ${host} routes only path ${JSON.stringify(r.path)} to ${r.component!.name}, not the root; ${r.component!.key === 'apiserver' ? `the apiserver parses /<service>.<action> from the root (${SERVICE_REPO}) and no ${STRIP_PREFIX_ENV} is set` : `the fileserver's routes are at the root (${FILESERVER})`}, so the path reaches it with the prefix and fails`, `route path / (pathType: Prefix) of ${host} to ${r.component!.name}`);
    }
    const label = host.split('.')[0] as EndpointLabel;
    const expected = byLabel.get(label);
    if (!expected || checkedHosts.has(host)) continue;
    for (const r of hostRoutes.filter((x) => x.component !== expected)) {
      finding(r.ingress, `${r.at}/backend/service`, `host ${host} routes to ${r.component!.name}, but ${label}. is the ${expected.name} host (stack model: ports[].public.hostLabel '${label}'); the clients of ${label}. reach the wrong server`, `point the backend at the ${expected.name} Service`);
    }
  }
  return findings;
}

export const ingressRoutesCheck = defineCheck({
  id: 'ingress-routes',
  severity: 'error',
  title: "Ingress rules to the apiserver, fileserver and webserver keep ClearML's paths: no rewrite, the root served, api./files./app. not swapped",
  description:
    'Ingress rules to the public ClearML components: no `nginx.ingress.kubernetes.io/rewrite-target` (the apiserver reads `/<service>.<action>`, the fileserver the file key from the path), no `pathType: Exact` on `/`, every apiserver and fileserver host serves `/` (unless the apiserver strips a prefix), and an `api.`/`files.`/`app.` host not already checked by `ingress-hosts` routes to the apiserver/fileserver/webserver',
  needs: 'build',
  run: ({ objects, catalog, exposure }) => checkIngressRoutes(objects, catalog, new Set(exposure?.kind === 'ingress' ? Object.values(ingressHostsOf(exposure)) : [])),
});
