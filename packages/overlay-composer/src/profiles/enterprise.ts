/**
 * `enterprise`: the enterprise seed's shape on the pinned release. Ingress hosts `api.`, `app.`,
 * `files.` of a base domain, Services ClusterIP, cookie domain on the apiserver with the session
 * cookie name equal on apiserver and fileserver, internal credentials from a Secret created at
 * set-up, upload body size raised on the files host (uploads through nginx-ingress fail with 413
 * otherwise, clearml#606).
 * @see ../../../../../shared/seeds/002_63cde858f55a4c38.txt
 */
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NAMESPACE, PUBLIC_ENDPOINTS, recommendedLabels, STACK, toManifestObject, type ManifestObject } from '@clearml-k8s/base-manifests';
import { CREDENTIAL_KEYS, ENTERPRISE_CREDENTIALS_SECRET } from '../enterprise-credentials.ts';
import { mapObjects, type Profile } from './profile.ts';

/** Placeholder base domain; a site spec replaces it. */
export const ENTERPRISE_BASE_DOMAIN = 'clearml.example.com';
/** TLS Secret the Ingresses name (a declared prerequisite, e.g. from cert-manager). */
export const ENTERPRISE_TLS_SECRET = 'clearml-tls';
/** Session cookie name, equal on apiserver and fileserver. */
export const SESSION_COOKIE_NAME = 'clearml_token_basic';
/** `nginx.ingress.kubernetes.io/proxy-body-size` on the files host (0 = unlimited). */
export const FILES_PROXY_BODY_SIZE = '0';

/** An env var: a value or a `valueFrom`. */
export type EnvVar = { name: string; value?: string; valueFrom?: object };

/** Appends env vars to the main container of a Deployment; a var of the same name is replaced in place. */
export function addEnv(deployment: any, env: EnvVar[]): void {
  const container = deployment.spec.template.spec.containers[0];
  const list: EnvVar[] = container.env ?? [];
  for (const variable of env) {
    const i = list.findIndex((e) => e.name === variable.name);
    if (i >= 0) list[i] = variable;
    else list.push(variable);
  }
  container.env = list;
}

/** The env vars that read a component's internal credentials from `secret` (non-optional `secretKeyRef`s). */
export function credentialEnv(component: 'apiserver' | 'fileserver' | 'asyncDelete', secret: string = ENTERPRISE_CREDENTIALS_SECRET): EnvVar[] {
  return CREDENTIAL_KEYS.filter((c) => c.components.includes(component)).map((c) => ({
    name: c.env,
    valueFrom: { secretKeyRef: { name: secret, key: c.key } },
  }));
}

/** How an endpoint's Ingress is built: its host, TLS Secret (or none), class and extra annotations. */
export interface IngressSettings {
  host: string;
  tlsSecret: string | null;
  className?: string;
  annotations?: Record<string, string>;
}

/**
 * The Ingress of one public endpoint: one rule `host` → the component's Service port; the files
 * host also gets `proxy-body-size: "0"`.
 */
export function ingressFor(endpoint: (typeof PUBLIC_ENDPOINTS)[number], settings: IngressSettings): ManifestObject {
  const component = STACK[endpoint.component];
  const host = settings.host;
  const annotations = { ...(settings.annotations ?? {}), ...(endpoint.hostLabel === 'files' ? { 'nginx.ingress.kubernetes.io/proxy-body-size': FILES_PROXY_BODY_SIZE } : {}) };
  return toManifestObject(
    new Ingress({
      metadata: {
        name: component.name,
        namespace: NAMESPACE,
        labels: recommendedLabels(component),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: {
        ...(settings.className ? { ingressClassName: settings.className } : {}),
        ...(settings.tlsSecret ? { tls: [{ hosts: [host], secretName: settings.tlsSecret }] } : {}),
        rules: [
          {
            host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: component.name, port: { number: component.servicePort! } } } }] },
          },
        ],
      },
    }),
  );
}

export const enterpriseProfile: Profile = {
  name: 'enterprise',
  parent: 'current_version',
  summary: `Ingress api./app./files.${ENTERPRISE_BASE_DOMAIN}, ClusterIP Services, credentials from the Secret ${ENTERPRISE_CREDENTIALS_SECRET}.`,
  source: 'packages/overlay-composer/src/profiles/enterprise.ts',
  exposure: { kind: 'ingress', baseDomain: ENTERPRISE_BASE_DOMAIN },
  podSecurity: 'privileged',
  imagePolicy: 'pinned',
  prerequisites: [
    { kind: 'Secret', name: ENTERPRISE_CREDENTIALS_SECRET, documentedIn: 'README.md#enterprise-credentials' },
    { kind: 'Secret', name: ENTERPRISE_TLS_SECRET, documentedIn: 'README.md#enterprise-tls' },
  ],
  apply: (parent) => {
    const filesUrl = `https://files.${ENTERPRISE_BASE_DOMAIN}`;
    let objects = [...parent];
    for (const endpoint of PUBLIC_ENDPOINTS) {
      objects = mapObjects(objects, { kind: 'Service', name: STACK[endpoint.component].name }, (s) => {
        s.spec.type = 'ClusterIP';
        for (const port of s.spec.ports) delete port.nodePort;
      });
    }
    objects = mapObjects(objects, { kind: 'Deployment', name: STACK.apiserver.name }, (d) =>
      addEnv(d, [
        ...credentialEnv('apiserver'),
        { name: 'CLEARML__apiserver__auth__cookies__domain', value: `.${ENTERPRISE_BASE_DOMAIN}` },
        { name: 'CLEARML__apiserver__auth__session_auth_cookie_name', value: SESSION_COOKIE_NAME },
        { name: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes', value: `["${filesUrl}"]` },
      ]),
    );
    objects = mapObjects(objects, { kind: 'Deployment', name: STACK.fileserver.name }, (d) =>
      addEnv(d, [...credentialEnv('fileserver'), { name: 'CLEARML__fileserver__auth__cookie_names', value: `["${SESSION_COOKIE_NAME}"]` }]),
    );
    objects = mapObjects(objects, { kind: 'Deployment', name: STACK.asyncDelete.name }, (d) =>
      addEnv(d, [...credentialEnv('asyncDelete'), { name: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes', value: `["${filesUrl}"]` }]),
    );
    return [...objects, ...PUBLIC_ENDPOINTS.map((e) => ingressFor(e, { host: `${e.hostLabel}.${ENTERPRISE_BASE_DOMAIN}`, tlsSecret: ENTERPRISE_TLS_SECRET }))];
  },
};
