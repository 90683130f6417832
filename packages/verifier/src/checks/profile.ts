/**
 * Check `profile`: what a profile promises holds in the build, independently of the composer (so a
 * wrong profile function is caught even when the overlay renders exactly what it intends).
 * - every overlay with a declared Pod Security level: its namespaces carry that enforce label;
 * - Ingress exposure: TLS covers each public host (unless the overlay opts out), the api and files
 *   hosts allow unlimited request bodies (`nginx.ingress.kubernetes.io/proxy-body-size: "0"`, the
 *   composer's `PROXY_BODY_SIZES` with their upstream sources: artifact uploads on files., the SDK's
 *   `events.add_batch` posts on api.; ingress-nginx's 1m default answers 413), the apiserver
 *   sets the cookie domain `.<domain the hosts share>` and the fileserver accepts the apiserver's
 *   session cookie name;
 * - `latest` image policy: ClearML's own images pull `Always` (a moving tag is otherwise never
 *   refreshed on a node).
 * @see ../../../../../shared/reference/clearml-on-kubernetes.md
 */
import { objectId, pointerFromTokens, PUBLIC_ENDPOINTS, STACK, type ManifestObject } from '@clearml-k8s/base-manifests';
import { cookieDomain, parseImageReference, PROXY_BODY_SIZE_ANNOTATION, PROXY_BODY_SIZES, type Exposure, type PodSecurityLevel } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { ingressHostsOf } from './ingress-hosts.ts';

/** The namespace label that sets the Pod Security level admission enforces. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** What the overlay's profile promises. */
export interface ProfilePromises {
  podSecurity: PodSecurityLevel | null;
  exposure: Exposure | null;
  imagePolicy: 'pinned' | 'latest';
  /** Repositories that follow a moving tag (they must pull `Always`). */
  floatingImages: readonly string[];
  /** Whether Ingress hosts must be served with TLS (default true; a site may opt out). */
  tls?: boolean;
}

function envOf(objects: readonly ManifestObject[], deployment: string): { env: Map<string, string>; path: string; owner: ManifestObject } | null {
  const owner = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment) as any;
  const containers: any[] = owner?.spec?.template?.spec?.containers ?? [];
  const index = containers.findIndex((c) => c.name === (Object.values(STACK).find((s) => s.name === deployment)?.container ?? ''));
  if (!owner || index < 0) return null;
  return { owner, path: `/spec/template/spec/containers/${index}/env`, env: new Map((containers[index].env ?? []).filter((e: any) => typeof e.value === 'string').map((e: any) => [e.name, e.value])) };
}

/** Runs the `profile` check. */
export function checkProfile(objects: readonly ManifestObject[], promises: ProfilePromises): CheckFinding<'profile'>[] {
  const findings: CheckFinding<'profile'>[] = [];
  const push = (resource: string, path: string, message: string, hint: string) => findings.push({ check: 'profile', resource, path, message, hint });
  if (promises.podSecurity) {
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
      const level = ns.metadata.labels?.[ENFORCE_LABEL];
      if (level !== promises.podSecurity) push(objectId(ns), pointerFromTokens(['metadata', 'labels', ENFORCE_LABEL]), `expected Pod Security enforce level ${promises.podSecurity}, received ${level ?? 'none (the cluster default)'}`, `label the namespace ${ENFORCE_LABEL}=${promises.podSecurity}`);
    }
  }
  if (promises.exposure?.kind === 'ingress') {
    const hosts = ingressHostsOf(promises.exposure);
    const domain = cookieDomain(hosts);
    const tls = promises.tls ?? true;
    const ingresses = objects.filter((o) => o.kind === 'Ingress') as any[];
    for (const endpoint of PUBLIC_ENDPOINTS) {
      const host = hosts[endpoint.hostLabel];
      const ingress = ingresses.find((i) => (i.spec?.rules ?? []).some((r: any) => r.host === host));
      if (!ingress) continue; // ingress-hosts reports the missing rule
      if (tls && !(ingress.spec?.tls ?? []).some((t: any) => (t.hosts ?? []).includes(host))) push(objectId(ingress), '/spec/tls', `host ${host} is served without TLS; expected a spec.tls entry listing it`, 'add the host to spec.tls with the TLS Secret');
      const bodySize = PROXY_BODY_SIZES[endpoint.hostLabel];
      const received = ingress.metadata.annotations?.[PROXY_BODY_SIZE_ANNOTATION];
      if (bodySize && received !== bodySize.value) {
        const what = endpoint.hostLabel === 'files' ? 'artifact and model uploads' : "the SDK's events.add_batch posts (every queued event, plots included, in one request)";
        push(objectId(ingress), pointerFromTokens(['metadata', 'annotations', PROXY_BODY_SIZE_ANNOTATION]), `expected ${PROXY_BODY_SIZE_ANNOTATION}: "${bodySize.value}" on the ${endpoint.hostLabel} host ${host}, received ${JSON.stringify(received ?? null)}; ingress-nginx caps request bodies at 1m by default, so ${what} fail with 413`, `set the annotation to "${bodySize.value}"`);
      }
    }
    const api = envOf(objects, STACK.apiserver.name);
    if (api && domain) {
      const domainValue = api.env.get('CLEARML__apiserver__auth__cookies__domain');
      if (domainValue !== `.${domain}`) push(objectId(api.owner), api.path, `expected CLEARML__apiserver__auth__cookies__domain=".${domain}", received ${JSON.stringify(domainValue ?? null)}; without it the login cookie is not sent to api./files.`, `set the env var to ".${domain}"`);
      const cookieName = api.env.get('CLEARML__apiserver__auth__session_auth_cookie_name');
      const files = envOf(objects, STACK.fileserver.name);
      const accepted = files?.env.get('CLEARML__fileserver__auth__cookie_names');
      if (cookieName && files && !(accepted ?? '').includes(`"${cookieName}"`)) push(objectId(files.owner), files.path, `the apiserver names its session cookie "${cookieName}" but the fileserver accepts ${accepted ?? 'its default names'}`, `set CLEARML__fileserver__auth__cookie_names to ["${cookieName}"]`);
    }
  }
  if (promises.imagePolicy === 'latest') {
    const floating = promises.floatingImages;
    for (const t of podTemplates(objects)) {
      (t.spec.containers ?? []).forEach((c: any, i: number) => {
        if (floating.includes(parseImageReference(String(c.image)).name) && c.imagePullPolicy !== 'Always') {
          push(objectId(t.owner), `${t.path}/spec/containers/${i}/imagePullPolicy`, `container ${c.name} follows ${c.image} but pulls ${c.imagePullPolicy ?? 'IfNotPresent (default for a non-latest tag)'}; nodes keep a stale image`, 'set imagePullPolicy: Always in the latest overlay');
        }
      });
    }
  }
  return findings;
}

export const profileCheck = defineCheck({
  id: 'profile',
  severity: 'error',
  title: "the profile's promises hold (enterprise ClusterIP, body size, cookie domain; non-root restricted; latest tags)",
  description: "the profile's promises: namespace Pod Security label; on Ingress overlays TLS for each host, `proxy-body-size: \"0\"` on `api.` and `files.`, the apiserver's cookie domain and a cookie name the fileserver accepts; on `latest`, `Always` for the floating images",
  needs: 'build',
  run: ({ objects, expectation, exposure }) => checkProfile(objects, { podSecurity: expectation.podSecurity, exposure, imagePolicy: expectation.imagePolicy, floatingImages: expectation.floatingImages, tls: expectation.tls }),
});
