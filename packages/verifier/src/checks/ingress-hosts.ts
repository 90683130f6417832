/**
 * Check `ingress-hosts`: on Ingress overlays, the three public hosts (`api.`, `app.` and `files.` of the
 * base domain, or a site's explicit hosts) each route to the right Service and port, and that Service reaches the right container.
 * @see ../../../../../shared/seeds/002_63cde858f55a4c38.txt (hosts api./app./files.<BASE_DOMAIN>)
 */
import { objectId, PUBLIC_ENDPOINTS, STACK, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { checkServiceRoute } from './node-ports.ts';

/** The hosts an Ingress exposure promises: explicit ones, or `api.`/`app.`/`files.` of the base domain. */
export function ingressHostsOf(exposure: { baseDomain: string; hosts?: Record<'api' | 'app' | 'files', string> }): Record<'api' | 'app' | 'files', string> {
  return exposure.hosts ?? { api: `api.${exposure.baseDomain}`, app: `app.${exposure.baseDomain}`, files: `files.${exposure.baseDomain}` };
}

/** Every `host → Service:port` rule in the build's Ingresses. */
export function observedHosts(objects: readonly ManifestObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Ingress')
    .flatMap((o: any) => (o.spec?.rules ?? []).map((r: any) => r.host as string))
    .filter(Boolean)
    .sort();
}

/**
 * @param objects parsed build output.
 * @param hosts the expected host per endpoint, e.g. `ingressHostsOf({kind: 'ingress', baseDomain: 'clearml.example.com'})`.
 */
export function checkIngressHosts(objects: readonly ManifestObject[], hosts: Record<'api' | 'app' | 'files', string>, catalog: ReleaseCatalog): CheckFinding<'ingress-hosts'>[] {
  const findings: CheckFinding<'ingress-hosts'>[] = [];
  const ingresses = objects.filter((o) => o.kind === 'Ingress') as any[];
  for (const endpoint of PUBLIC_ENDPOINTS) {
    const component = STACK[endpoint.component];
    const host = hosts[endpoint.hostLabel];
    const routes = ingresses.flatMap((ing) =>
      (ing.spec?.rules ?? []).flatMap((rule: any, r: number) =>
        rule.host === host ? (rule.http?.paths ?? []).map((p: any, i: number) => ({ ing, path: `/spec/rules/${r}/http/paths/${i}/backend/service`, backend: p.backend?.service, urlPath: p.path })) : [],
      ),
    );
    if (routes.length === 0) {
      findings.push({ check: 'ingress-hosts', resource: `Ingress/clearml/${component.name}`, path: '/spec/rules', message: `no Ingress rule for host ${host}; expected ${host} → ${component.name}:${component.servicePort}`, hint: 'add the rule to the Ingress' });
      continue;
    }
    for (const route of routes) {
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === route.backend?.name && o.metadata.namespace === route.ing.metadata.namespace) as any;
      const portIndex: number = service ? (service.spec?.ports ?? []).findIndex((p: any) => (route.backend?.port?.number !== undefined ? p.port === route.backend.port.number : p.name === route.backend?.port?.name)) : -1;
      if (route.backend?.name !== component.name || !service || portIndex < 0 || service.spec.ports[portIndex].port !== component.servicePort) {
        findings.push({
          check: 'ingress-hosts',
          resource: objectId(route.ing),
          path: route.path,
          message: `host ${host} path ${route.urlPath}: expected Service ${component.name} port ${component.servicePort}, received ${JSON.stringify(route.backend ?? null)}${service ? '' : ' (no such Service)'}`,
          hint: `point the backend at ${component.name}:${component.servicePort}`,
        });
        continue;
      }
      findings.push(...checkServiceRoute(objects, service, portIndex, component, 'ingress-hosts', catalog));
    }
  }
  return findings;
}

export const ingressHostsCheck = defineCheck({
  id: 'ingress-hosts',
  severity: 'error',
  title: 'Ingress hosts api./app./files. route to the apiserver, webserver and fileserver',
  description: 'on Ingress overlays: `api.`, `app.`, `files.` of the base domain route to the right Service port and on to the right container',
  needs: 'build',
  run: ({ objects, exposure, catalog }) => (exposure?.kind === 'ingress' ? checkIngressHosts(objects, ingressHostsOf(exposure), catalog) : []),
});
