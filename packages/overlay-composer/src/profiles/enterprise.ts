/**
 * `enterprise`: the enterprise seed's shape on the pinned release. Ingress hosts `api.`, `app.`,
 * `files.` of a base domain, Services ClusterIP, cookie domain on the apiserver with the session
 * cookie name equal on apiserver and fileserver, internal credentials and fixed users (password
 * sign-in; the public `webserver` and `tests` credentials revoked) from a Secret created at
 * set-up, request body size unlimited on the api and files hosts (`PROXY_BODY_SIZES`: ingress-nginx
 * caps bodies at 1m by default, so uploads and large `events.add_batch` posts fail with 413).
 * @see ../../../../../shared/seeds/002_63cde858f55a4c38.txt
 */
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NAMESPACE, PUBLIC_ENDPOINTS, recommendedLabels, STACK, toManifestObject, type ManifestObject } from '@clearml-k8s/base-manifests';
import { CREDENTIAL_KEYS, ENTERPRISE_CREDENTIALS_SECRET, FIXED_USERS_ENABLED_ENV } from '../enterprise-credentials.ts';
import { mapObjects, TLS_SECRET_DOCS, type Profile } from './profile.ts';

/** Placeholder base domain; a site spec replaces it. */
export const ENTERPRISE_BASE_DOMAIN = 'clearml.example.com';
/** TLS Secret the Ingresses name (a declared prerequisite, e.g. from cert-manager). */
export const ENTERPRISE_TLS_SECRET = 'clearml-tls';
/** Session cookie name, equal on apiserver and fileserver. */
export const SESSION_COOKIE_NAME = 'clearml_token_basic';
/**
 * ingress-nginx's annotation for the largest request body it passes on (nginx `client_max_body_size`;
 * `"0"` = unlimited). Its default, without the annotation, is `1m`: a larger body gets 413.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#custom-max-body-size
 */
export const PROXY_BODY_SIZE_ANNOTATION = 'nginx.ingress.kubernetes.io/proxy-body-size';

/** ClearML's webserver nginx configuration at the release the catalog pins. */
const NGINX_TEMPLATE = 'clearml/clearml-server@v2.3.0:docker/build/internal_files/clearml.conf.template';

/** One host's body size and why: the upstream sources that justify it. */
export interface ProxyBodySize {
  /** The annotation's value (`"0"` = unlimited). */
  value: string;
  /** Upstream facts, `owner/repo@tag:path:line — what it says`. */
  sources: readonly string[];
}

/**
 * `nginx.ingress.kubernetes.io/proxy-body-size` per public host label; a label not listed keeps
 * ingress-nginx's default (`1m`; the web app's own requests are small).
 *
 * - `api`: unlimited. The SDK sends every queued event in one `events.add_batch` request: its
 *   reporter flushes at 100 events or every 5 s, and each flush drains the whole queue into a
 *   single `AddBatchRequest`; plot events carry their whole figure as `plot_str`, and nothing in the
 *   SDK splits or caps the body. The apiserver sets no request size limit (no
 *   `MAX_CONTENT_LENGTH` anywhere under `apiserver/`; Flask's default is none), and ClearML's own
 *   nginx in front of `/api` sets `client_max_body_size 0`. So no finite cap is justified by the
 *   sources: any cap below the largest batch a user's plots make is a 413 on `api.`.
 * - `files`: unlimited. Artifact and model uploads have no upper size; the fileserver's own limit
 *   `max_upload_size_mb` defaults to 0 (none), and ClearML's nginx in front of `/files` sets
 *   `client_max_body_size 0`.
 */
export const PROXY_BODY_SIZES: Readonly<Partial<Record<(typeof PUBLIC_ENDPOINTS)[number]['hostLabel'], ProxyBodySize>>> = {
  api: {
    value: '0',
    sources: [
      'clearml/clearml@v2.1.7:clearml/backend_interface/metrics/reporter.py:314,317 — flush every 5.0 s or at report_event_flush_threshold (default 100) events',
      'clearml/clearml@v2.1.7:clearml/backend_interface/metrics/reporter.py:230-252 — _write drains the whole queue into one write_events call',
      'clearml/clearml@v2.1.7:clearml/backend_interface/metrics/interface.py:266-295 — all the events of a write in one events.AddBatchRequest',
      'clearml/clearml@v2.1.7:clearml/config/default/sdk.conf:261 — report_event_flush_threshold: 100',
      'clearml/clearml@v2.1.7:clearml/backend_interface/metrics/events.py:206-211 — a plot event carries the whole figure as plot_str',
      'clearml/clearml-server@v2.3.0:apiserver/ — no MAX_CONTENT_LENGTH or request size setting (only the fileserver sets one)',
      'https://flask.palletsprojects.com/en/stable/config/#MAX_CONTENT_LENGTH — default None: Flask reads a body of any size',
      `${NGINX_TEMPLATE}:7,44 — client_max_body_size 0 for the server block that proxies /api`,
    ],
  },
  files: {
    value: '0',
    sources: [
      'clearml/clearml-server@v2.3.0:fileserver/config/default/fileserver.conf:15 — upload.max_upload_size_mb: 0',
      'clearml/clearml-server@v2.3.0:fileserver/fileserver.py:39-40 — MAX_CONTENT_LENGTH only when max_upload_size_mb is set',
      `${NGINX_TEMPLATE}:7,52 — client_max_body_size 0 for the server block that proxies /files`,
    ],
  },
};

/** `nginx.ingress.kubernetes.io/proxy-body-size` on the files host (0 = unlimited). */
export const FILES_PROXY_BODY_SIZE = PROXY_BODY_SIZES.files!.value;
/** `nginx.ingress.kubernetes.io/proxy-body-size` on the api host (0 = unlimited; large `events.add_batch` posts). */
export const API_PROXY_BODY_SIZE = PROXY_BODY_SIZES.api!.value;

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

/**
 * The env vars that read a component's internal credentials from `secret` (non-optional
 * `secretKeyRef`s, one per `CREDENTIAL_KEYS` entry of the component); the apiserver's also turn
 * fixed-users mode on (`FIXED_USERS_ENABLED_ENV: "true"`, before the users it reads from the key
 * `fixed_users`), which revokes the public `webserver` and `tests` credentials at every start and
 * makes the web app ask for a username and password (see `../enterprise-credentials.ts`).
 * @returns env vars in `CREDENTIAL_KEYS` order, the apiserver's with the literal first.
 */
export function credentialEnv(component: 'apiserver' | 'fileserver' | 'asyncDelete', secret: string = ENTERPRISE_CREDENTIALS_SECRET): EnvVar[] {
  return [
    ...(component === 'apiserver' ? [{ name: FIXED_USERS_ENABLED_ENV, value: 'true' }] : []),
    ...CREDENTIAL_KEYS.filter((c) => c.components.includes(component)).map((c) => ({
      name: c.env,
      valueFrom: { secretKeyRef: { name: secret, key: c.key } },
    })),
  ];
}

/** How an endpoint's Ingress is built: its host, TLS Secret (or none), class and extra annotations. */
export interface IngressSettings {
  host: string;
  tlsSecret: string | null;
  className?: string;
  annotations?: Record<string, string>;
  /** Path of the rule (pathType Prefix); default `/`. */
  path?: string;
}

/**
 * The Ingress of one public endpoint: one rule `host` → the component's Service port; the api and
 * files hosts also get their `proxy-body-size` (`PROXY_BODY_SIZES`), after `settings.annotations`.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export function ingressFor(endpoint: (typeof PUBLIC_ENDPOINTS)[number], settings: IngressSettings): ManifestObject {
  const component = STACK[endpoint.component];
  const host = settings.host;
  const bodySize = PROXY_BODY_SIZES[endpoint.hostLabel];
  const annotations = { ...(settings.annotations ?? {}), ...(bodySize ? { [PROXY_BODY_SIZE_ANNOTATION]: bodySize.value } : {}) };
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
            http: { paths: [{ path: settings.path ?? '/', pathType: 'Prefix', backend: { service: { name: component.name, port: { number: component.servicePort! } } } }] },
          },
        ],
      },
    }),
  );
}

export const enterpriseProfile: Profile = {
  name: 'enterprise',
  parent: 'current_version',
  summary: `Ingress api./app./files.${ENTERPRISE_BASE_DOMAIN}, ClusterIP Services, credentials and fixed users (password sign-in) from the Secret ${ENTERPRISE_CREDENTIALS_SECRET}.`,
  source: 'packages/overlay-composer/src/profiles/enterprise.ts',
  exposure: { kind: 'ingress', baseDomain: ENTERPRISE_BASE_DOMAIN },
  podSecurity: 'privileged',
  imagePolicy: 'pinned',
  prerequisites: [
    { kind: 'Secret', name: ENTERPRISE_CREDENTIALS_SECRET, documentedIn: 'README.md#enterprise-credentials' },
    { kind: 'Secret', name: ENTERPRISE_TLS_SECRET, documentedIn: TLS_SECRET_DOCS },
  ],
  acceptedRisks: [],
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
