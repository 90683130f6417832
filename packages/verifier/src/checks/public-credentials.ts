/**
 * Check `public-credentials` (a warning): a ClearML server reachable from outside the cluster does
 * not run on the image's public defaults. It reports an apiserver whose server pods (apiserver,
 * webserver, fileserver) a NodePort or LoadBalancer Service, or an Ingress, exposes while the
 * apiserver container keeps any of:
 * - the public `secure.auth.token_secret`, which signs every session token: with it anyone can
 *   sign a token for any user (clearml/clearml-server@v2.3.0:apiserver/config/default/secure.conf:10;
 *   apiserver/service_repo/auth/payload/token.py:16,83);
 * - the public `system` keys of the apiserver and fileserver (secure.conf:15-24);
 * - open sign-in, i.e. fixed users off (`apiserver.auth.fixed_users.enabled`, default false:
 *   apiserver/service_repo/auth/fixed_user.py:34-36). The web app then signs anyone in under any
 *   name with the `webserver` system key, public in secure.conf:25-30 and compiled into the web app
 *   (clearml/clearml-web@v2.3:src/app/webapp-common/shared/services/login.service.ts:139-146,152-194;
 *   src/environments/base.ts:85-86), and that key and the `tests` user's (secure.conf:36-42) stay
 *   valid: only fixed-users mode revokes them (apiserver/mongo/initialize/__init__.py:63,77).
 *
 * A value counts as private when the env var reads it from a Secret (`valueFrom.secretKeyRef`), or
 * when the container takes env from a Secret (`envFrom[].secretRef`, which the check cannot see
 * into); a literal in the manifest is as public as the manifest. Fixed users count as on with
 * `CLEARML__apiserver__auth__fixed_users__enabled: "true"` (HOCON's `true`, any case), from a
 * Secret, or with a Secret mounted as `apiserver.conf` into a config directory of the apiserver
 * (`/opt/clearml/config`, `/opt/trains/config`, or `CLEARML_CONFIG_DIR`'s list:
 * apiserver/config/basic.py:22-24,111-126), as a site's `credentials.fixedUsersSecret` does.
 *
 * The fix is a site with credentials (`credentials.secret`, README "Site credentials"), or the
 * enterprise overlay. The env names are written here, not taken from the composer, so a composer
 * that drops one is caught.
 */
import { objectId, STACK, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';

const SECURE_CONF = 'clearml/clearml-server@v2.3.0:apiserver/config/default/secure.conf';

/** The env var of `secure.auth.token_secret` (config keys as env: apiserver/config/basic.py:93-107). */
export const TOKEN_SECRET_ENV = 'CLEARML__secure__auth__token_secret';
/** The env vars of the apiserver's and fileserver's `system` keys (secure.conf:15-24). */
export const SYSTEM_KEY_ENVS = [
  'CLEARML__secure__credentials__apiserver__user_key',
  'CLEARML__secure__credentials__apiserver__user_secret',
  'CLEARML__secure__credentials__fileserver__user_key',
  'CLEARML__secure__credentials__fileserver__user_secret',
] as const;
/** Fixed-users mode (`apiserver.auth.fixed_users.enabled`). */
export const FIXED_USERS_ENABLED = 'CLEARML__apiserver__auth__fixed_users__enabled';
/** The config directories the server reads besides its defaults, unless `CLEARML_CONFIG_DIR` names others (basic.py:22,111-126). */
const DEFAULT_CONFIG_DIRS = ['/opt/trains/config', '/opt/clearml/config'];

/** One way the server is reached from outside the cluster. */
export interface PublicRoute {
  /** `Service/ns/name` or `Ingress/ns/name`. */
  via: string;
  /** `NodePort 30008`, `LoadBalancer`, or the Ingress host. */
  how: string;
}

const SERVER_COMPONENTS = [STACK.apiserver, STACK.webserver, STACK.fileserver];

/** The running pod templates of the server's Deployments (apiserver, webserver, fileserver) in `namespace`. */
function serverTemplates(objects: readonly ManifestObject[], namespace: string): PodTemplate[] {
  return podTemplates(objects).filter((t) => t.running && t.owner.kind === 'Deployment' && (t.owner.metadata.namespace ?? '') === namespace && SERVER_COMPONENTS.some((c) => c.name === t.owner.metadata.name));
}

/**
 * The routes from outside the cluster to the server's pods in `namespace`: NodePort and
 * LoadBalancer Services that select one of them, and Ingress backends (rules and the default
 * backend) naming a Service that does.
 * @returns one route per such Service (with its nodePorts) and per such Ingress (with its hosts), in build order.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
 */
export function publicRoutes(objects: readonly ManifestObject[], namespace: string): PublicRoute[] {
  const servers = new Set(serverTemplates(objects, namespace).map((t) => t.owner));
  const selecting = serviceSelections(objects).filter((s) => (s.service.metadata?.namespace ?? '') === namespace && s.selected.some((t) => servers.has(t.owner)));
  const routes: PublicRoute[] = [];
  for (const s of selecting) {
    const type = s.service.spec?.type;
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const ports = ((s.service.spec?.ports ?? []) as any[]).map((p) => p?.nodePort).filter((p) => p !== undefined);
      routes.push({ via: s.id, how: type === 'NodePort' && ports.length ? `NodePort ${ports.join(', ')}` : type });
    }
  }
  const byName = new Map(selecting.map((s) => [s.service.metadata?.name, s]));
  for (const ingress of objects.filter((o) => o.kind === 'Ingress' && (o.metadata.namespace ?? '') === namespace) as any[]) {
    const backends: { host: string; service: unknown }[] = [];
    if (ingress.spec?.defaultBackend?.service?.name) backends.push({ host: 'default backend', service: ingress.spec.defaultBackend.service.name });
    for (const rule of Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : []) {
      for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) backends.push({ host: typeof rule.host === 'string' ? rule.host : 'any host', service: p?.backend?.service?.name });
    }
    const hosts = [...new Set(backends.filter((b) => byName.has(b.service)).map((b) => b.host))];
    if (hosts.length) routes.push({ via: objectId(ingress), how: hosts.join(', ') });
  }
  return routes;
}

/**
 * What of ClearML's public defaults an apiserver container keeps, one phrase each naming its line
 * of `secure.conf` (empty when none).
 * @param pod the pod spec (its `volumes`); @param container the apiserver container.
 */
export function publicDefaultsOf(pod: Record<string, any>, container: Record<string, any>): string[] {
  const env = new Map<string, any>(((Array.isArray(container.env) ? container.env : []) as any[]).filter((e) => typeof e?.name === 'string').map((e) => [e.name, e]));
  const fromSecrets = ((Array.isArray(container.envFrom) ? container.envFrom : []) as any[]).some((e) => e?.secretRef);
  const publicValue = (names: readonly string[]) => names.filter((name) => !fromSecrets && !env.get(name)?.valueFrom?.secretKeyRef);
  const how = (names: readonly string[]) => (names.some((n) => env.has(n)) ? `${names.join(', ')}: a literal in the manifest or unset` : `${names.length > 1 ? 'their env vars' : names[0]} unset`);
  const kept: string[] = [];
  const token = publicValue([TOKEN_SECRET_ENV]);
  if (token.length) kept.push(`the token secret, with which anyone can sign a session token for any user (secure.conf:10; ${how(token)})`);
  const systemKeys = publicValue(SYSTEM_KEY_ENVS);
  if (systemKeys.length) kept.push(`the apiserver and fileserver system keys (secure.conf:15-24; ${how(systemKeys)})`);
  if (!fixedUsersOn(pod, container, env, fromSecrets)) {
    const enabled = env.get(FIXED_USERS_ENABLED);
    kept.push(`open sign-in: with fixed users off (${FIXED_USERS_ENABLED} ${enabled ? `= ${JSON.stringify(enabled.value ?? null)}` : 'unset'}) the web app signs anyone in under any name with the webserver system key, public in secure.conf:25-30 and in the web app, and that key and the tests user's (secure.conf:36-42) stay valid`);
  }
  return kept;
}

function fixedUsersOn(pod: Record<string, any>, container: Record<string, any>, env: Map<string, any>, fromSecrets: boolean): boolean {
  const enabled = env.get(FIXED_USERS_ENABLED);
  if (enabled ? enabled.valueFrom?.secretKeyRef || (typeof enabled.value === 'string' && /^true$/i.test(enabled.value.trim())) : fromSecrets) return true;
  // A Secret mounted as apiserver.conf into a config directory (a site's credentials.fixedUsersSecret).
  const dirsValue = env.get('CLEARML_CONFIG_DIR')?.value;
  const dirs = (typeof dirsValue === 'string' ? dirsValue.split(':') : DEFAULT_CONFIG_DIRS).map((d) => d.replace(/\/+$/, ''));
  const secretVolumes = new Map<string, any>(((Array.isArray(pod.volumes) ? pod.volumes : []) as any[]).filter((v) => v?.secret).map((v) => [v.name, v.secret]));
  return ((Array.isArray(container.volumeMounts) ? container.volumeMounts : []) as any[]).some((m) => {
    const secret = secretVolumes.get(m?.name);
    if (!secret || typeof m.mountPath !== 'string') return false;
    const mountPath = m.mountPath.replace(/\/+$/, '');
    if (dirs.some((d) => mountPath === `${d}/apiserver.conf`)) return true;
    return dirs.includes(mountPath) && (!Array.isArray(secret.items) || secret.items.some((i: any) => i?.path === 'apiserver.conf'));
  });
}

/** Runs the `public-credentials` check: one finding per exposed apiserver that keeps public defaults. */
export function checkPublicCredentials(objects: readonly ManifestObject[]): CheckFinding<'public-credentials'>[] {
  const findings: CheckFinding<'public-credentials'>[] = [];
  for (const deployment of objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name) as any[]) {
    const pod = deployment.spec?.template?.spec;
    const containers: any[] = Array.isArray(pod?.containers) ? pod.containers : [];
    const index = containers.findIndex((c) => c?.name === STACK.apiserver.container);
    if (index < 0) continue;
    const routes = publicRoutes(objects, deployment.metadata.namespace ?? '');
    if (!routes.length) continue;
    const kept = publicDefaultsOf(pod, containers[index]);
    if (!kept.length) continue;
    findings.push({
      check: 'public-credentials',
      resource: objectId(deployment),
      path: `/spec/template/spec/containers/${index}/env`,
      message: `the server is reachable from outside the cluster (${routes.map((r) => `${r.via} ${r.how}`).join(', ')}) and the apiserver keeps ClearML's public defaults of ${SECURE_CONF}: ${kept.join('; ')}`,
      hint: 'compose a site with credentials: set credentials.secret in its site spec (site add --generate-credentials writes every key; README "Site credentials"), which reads the token secret and the system keys from that Secret and turns fixed users on; or deploy overlays/enterprise',
    });
  }
  return findings;
}

export const publicCredentialsCheck = defineCheck({
  id: 'public-credentials',
  severity: 'warning',
  title: "a server reachable from outside the cluster does not keep ClearML's public token secret, system keys or open sign-in",
  description: "when a NodePort or LoadBalancer Service or an Ingress reaches the apiserver, webserver or fileserver, the apiserver reads `CLEARML__secure__auth__token_secret` and the apiserver and fileserver system keys from a Secret and runs with fixed users (`CLEARML__apiserver__auth__fixed_users__enabled: \"true\"`, or a Secret mounted as `apiserver.conf`); otherwise anyone can sign tokens, use the system keys, and sign in to the web app under any name with the public `webserver` key (`secure.conf` at v2.3.0). Fix: a site with `credentials.secret` ([Site credentials](#site-credentials)) or `overlays/enterprise`",
  needs: 'build',
  run: ({ objects }) => checkPublicCredentials(objects),
});
