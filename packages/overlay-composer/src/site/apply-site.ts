/**
 * A site spec as a profile: a pure function from the objects of the stock overlay the site names
 * to the objects the site must render, plus what the verifier should expect of it (exposure,
 * prerequisites, images). Namespace moves are left to the kustomization's `namespace:` field.
 * @see ./site-schema.ts for the fields (`SiteSpecSchema`, whose descriptions document them).
 */
import { prePopulateWhereArtifactsReachFileserver } from '../pre-populate.ts';
import {
  BUILTIN_PRIORITY_CLASSES,
  imageReference,
  NAMESPACE,
  NODE_STORAGE,
  NODE_STORAGE_ROOT,
  DATABASE_KEYS,
  ownedStorage,
  PUBLIC_ENDPOINTS,
  serviceUrl,
  STACK,
  type CatalogImage,
  type CatalogImageKey,
  type ComponentSpec,
  type DatabaseAccessCarries,
  type DatabaseKey,
  type ManifestObject,
  type StackModel,
} from '@clearml-k8s/base-manifests';
import { parseImageReference } from '../kustomize/images.ts';
import { applyOperations } from '../patches/json-patch.ts';
import { podContainers, TLS_SECRET_DOCS, type Exposure, type Prerequisite, type Profile, type ProfileContext } from '../profiles/profile.ts';
import { addEnv, credentialEnv, ENTERPRISE_TLS_SECRET, ingressFor, type EnvVar } from '../profiles/enterprise.ts';
import { claimName, persistentVolumeClaim } from '../profiles/non-root.ts';
import { certificatePrerequisites, planCertificate, siteCertificate } from './cert-manager.ts';
import { CREDENTIAL_KEYS, ENTERPRISE_CREDENTIALS_SECRET, FIXED_USERS_ENV } from '../enterprise-credentials.ts';
import { externalSecretObject, externalSecretPrerequisites, gitopsObjects, inPrerequisiteWave, sealedSecretPrerequisites } from './gitops.ts';
import { agentObjects, inClusterUrls, pinAgentServices } from './agents.ts';
import { podDisruptionBudget, topologySpread } from './disruption-budgets.ts';
import { siteNetworkPolicies } from './network-policies.ts';
import { makeRootReadOnly } from './read-only-root.ts';
import { EXTERNAL_SECRET_KEYS, EXTRA_CONFIG_VOLUME } from './site-schema.ts';
import type { ComponentSettings, EndpointLabel, SiteComponent, SiteSpec, StoredComponent } from './site-spec.ts';

/** What a site renders and what the verifier must expect of it. */
export interface SiteComposition {
  /** Desired objects, still in the parent's namespace. */
  desired: ManifestObject[];
  /** The kustomization's `namespace:`, when the site moves the stack. */
  namespace: string | null;
  exposure: Exposure;
  /** Objects the operator creates first (credentials, TLS, pull Secrets, existing claims; cert-manager and its issuer). */
  prerequisites: Prerequisite[];
  /** Image repository → tag every container of that repository must run (catalog plus the site's overrides). */
  expectedImages: Record<string, string>;
  /** Cluster-scoped RBAC objects the site declares (agents' namespace listing). */
  clusterRoles: string[];
  /** The Argo CD Application or Flux GitRepository and Kustomization deploying the site (`gitops`); written to gitops.yaml, not to the site's build. */
  gitops: ManifestObject[];
}

/** Inputs of a site besides its spec: the user's files it names (read and checked by `siteIntentFromText`). */
export interface SiteFiles {
  /** The SealedSecret of `credentials.sealedSecret.file`, as the user sealed it. */
  sealedCredentials?: ManifestObject;
}

/**
 * The keys the credentials Secret must hold for the pods of a site: every key of `CREDENTIAL_KEYS`
 * (the internal credentials and `fixed_users`), without `fixed_users` when `credentials.fixedUsersSecret`
 * mounts the users from a file instead.
 */
export function credentialsSecretKeys(spec: SiteSpec): string[] {
  return CREDENTIAL_KEYS.map((c) => c.key).filter((key) => !(key === 'fixed_users' && spec.credentials?.fixedUsersSecret));
}

/** The components a site tunes, with their storage, from the stack model. */
function siteComponents(model: StackModel): ComponentSpec[] {
  return model.components.filter((c) => c.base !== null);
}

/** A component that connects to a database, with the env names it reads for it (all from the stack model). */
interface DatabaseClient {
  component: ComponentSpec;
  /** Env carrying the database's host and port (its `host` and `port` connections). */
  hostEnv: string;
  portEnv: string;
  /** Env carrying a credential or the connection string (its `databaseAccess`). */
  access(carries: DatabaseAccessCarries): string;
}

/**
 * The components of the base that connect to database `key`, derived from the stack model's
 * connections (apiserver and async delete for all three; the fileserver for Redis), each with the
 * env names it reads.
 * @throws TypeError when a client lacks a host or port connection, or (from `access`) records no env carrying what is asked (a model error).
 */
export function databaseClients(model: StackModel, key: DatabaseKey): DatabaseClient[] {
  return siteComponents(model)
    .filter((c) => c.connections.some((k) => k.target === key))
    .map((component) => {
      const env = (form: 'host' | 'port') => {
        const c = component.connections.find((k) => k.target === key && k.form === form && 'env' in k.via);
        if (!c || !('env' in c.via)) throw new TypeError(`stack model: ${component.key} connects to ${key} without a ${form} env`);
        return c.via.env;
      };
      const access = (carries: DatabaseAccessCarries) => {
        const a = component.databaseAccess.find((d) => d.target === key && d.carries === carries);
        if (!a) throw new TypeError(`stack model: ${component.key} connects to ${key} but records no env carrying its ${carries}`);
        return a.env;
      };
      return { component, hostEnv: env('host'), portEnv: env('port'), access };
    });
}

/** An env var read from a Secret key (non-optional: the pod does not start without it). */
const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * What one client of an external database gets: env to set (host and port as values, credentials
 * and the connection string as Secret references), env to drop (host and port, beside a connection
 * string, which the server uses instead of them), and the Secrets it names.
 * @see ../../../base-manifests/src/stack/database-access.ts for what the server does with each variable.
 */
function externalAccess(key: DatabaseKey, external: NonNullable<SiteSpec['external']>, client: DatabaseClient, defaultPort: number): { env: EnvVar[]; drop: string[]; secrets: string[] } {
  const hostPort = (host: string, port: number | undefined): EnvVar[] => [
    { name: client.hostEnv, value: host },
    { name: client.portEnv, value: String(port ?? defaultPort) },
  ];
  const credentials = (secret: { name: string; usernameKey?: string; passwordKey?: string }, withUser: boolean): EnvVar[] => [
    ...(withUser ? [fromSecret(client.access('username'), secret.name, secret.usernameKey ?? EXTERNAL_SECRET_KEYS.username)] : []),
    fromSecret(client.access('password'), secret.name, secret.passwordKey ?? EXTERNAL_SECRET_KEYS.password),
  ];
  if (key === 'mongodb') {
    const mongodb = external.mongodb!;
    if (mongodb.connectionStringSecret) {
      const secret = mongodb.connectionStringSecret;
      return { env: [fromSecret(client.access('connectionString'), secret.name, secret.key ?? EXTERNAL_SECRET_KEYS.connectionString)], drop: [client.hostEnv, client.portEnv], secrets: [secret.name] };
    }
    const secret = mongodb.credentialsSecret;
    const env = [...hostPort(mongodb.host!, mongodb.port), ...(secret ? credentials(secret, true) : [])];
    if (mongodb.authSource) env.push({ name: client.access('query'), value: `authSource=${mongodb.authSource}` });
    return { env, drop: [], secrets: secret ? [secret.name] : [] };
  }
  if (key === 'elasticsearch') {
    const es = external.elasticsearch!;
    const port = es.port ?? defaultPort;
    const env = hostPort(es.host, port);
    if ((es.scheme ?? 'http') === 'https') {
      const hosts = JSON.stringify([{ host: es.host, port, scheme: 'https' }]);
      env.push(...['workers', 'events', 'datasets', 'logs'].map((kind) => ({ name: `CLEARML__hosts__elastic__${kind}__hosts`, value: hosts })));
    }
    if (es.credentialsSecret) env.push(...credentials(es.credentialsSecret, true));
    return { env, drop: [], secrets: es.credentialsSecret ? [es.credentialsSecret.name] : [] };
  }
  const redis = external.redis!;
  return { env: [...hostPort(redis.host, redis.port), ...(redis.credentialsSecret ? credentials(redis.credentialsSecret, false) : [])], drop: [], secrets: redis.credentialsSecret ? [redis.credentialsSecret.name] : [] };
}

/**
 * A `patches` operation that applies to the parent overlay but not after the site's own settings
 * (e.g. it replaces a field the site removed). `pointer` is its place in the spec. Internal: the
 * composer turns it into a `SiteSpecError` (`SITE_PATCH_PATH`, with the spec's line and column)
 * before it leaves the package, so it is a plain `Error`, not a `ClearmlK8sError`; one that escaped
 * would be a bug, and the CLI reports it as one.
 */
export class SitePatchConflict extends Error {
  constructor(readonly pointer: string, detail: string) {
    super(detail);
    this.name = 'SitePatchConflict';
  }
}

/** Annotations that keep a claim when GitOps tools prune (Argo CD, Flux). */
export const KEEP_ON_DELETE_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
} as const;

const isDeployment = (o: ManifestObject, name?: string) => o.kind === 'Deployment' && (name === undefined || o.metadata.name === name);

/** The public hosts of an Ingress site: explicit hosts, or `api.`/`app.`/`files.` of the domain. */
export function siteHosts(spec: SiteSpec, fallbackDomain: string): Record<EndpointLabel, string> {
  if (spec.ingress?.hosts) return spec.ingress.hosts;
  const domain = spec.ingress?.domain ?? fallbackDomain;
  return { api: `api.${domain}`, app: `app.${domain}`, files: `files.${domain}` };
}

/** The longest DNS suffix (of at least two labels) the three hosts share, for the cookie domain; null if none. */
export function cookieDomain(hosts: Record<EndpointLabel, string>): string | null {
  const split = Object.values(hosts).map((h) => h.split('.').reverse());
  const common: string[] = [];
  for (let i = 0; split.every((labels) => i < labels.length - 1 && labels[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return common.length >= 2 ? common.reverse().join('.') : null;
}

/**
 * Applies a (validated) site spec to the objects of its parent overlay.
 * @param profile the stock profile the site names (its exposure and prerequisites are the defaults).
 * @param siteName names the site's cluster-scoped objects (agents' optional ClusterRole) and its GitOps objects.
 * @param files the user's files the spec names (`credentials.sealedSecret`), read and checked.
 * @throws TypeError for cert-manager annotations `parseSiteSpec` refuses (`SITE_CERT_MANAGER`): the spec was not validated;
 *   for `credentials.sealedSecret` without `files.sealedCredentials`.
 */
export function applySite(spec: SiteSpec, parentObjects: readonly ManifestObject[], profile: Profile, context: ProfileContext, siteName = 'site', files: SiteFiles = {}): SiteComposition {
  const { catalog, model } = context;
  let objects = parentObjects.map((o) => structuredClone(o) as ManifestObject);
  const prerequisites: Prerequisite[] = [...profile.prerequisites];
  const needs = (p: Prerequisite) => {
    if (!prerequisites.some((q) => q.kind === p.kind && q.name === p.name)) prerequisites.push(p);
  };
  const edit = (match: (o: ManifestObject) => boolean, change: (o: any) => void) => {
    objects = objects.map((o) => (match(o) ? (change(o), o) : o));
  };

  // External databases: drop the bundled workload, Service and claims; point every component that
  // connects to one at it, with its credentials or connection string read from the site's Secrets.
  for (const key of DATABASE_KEYS) {
    if (!spec.external?.[key]) continue;
    const bundled = model.get(key);
    const claims = new Set(ownedStorage(bundled).map((m) => claimName(m.dir)));
    objects = objects.filter((o) => o.metadata.name !== bundled.name && !(o.kind === 'PersistentVolumeClaim' && claims.has(o.metadata.name)));
    for (const client of databaseClients(model, key)) {
      const { env, drop, secrets } = externalAccess(key, spec.external, client, bundled.ports[0]!.servicePort);
      edit((o) => isDeployment(o, client.component.name), (d) => {
        const main = d.spec.template.spec.containers[0];
        main.env = (main.env ?? []).filter((e: EnvVar) => !drop.includes(e.name));
        addEnv(d, env);
      });
      for (const name of secrets) needs({ kind: 'Secret', name, documentedIn: 'README.md#external-databases' });
    }
  }

  // Exposure.
  const exposureKind = spec.expose ?? profile.exposure.kind;
  let exposure: Exposure;
  const endpointService = (o: ManifestObject, label?: EndpointLabel) =>
    o.kind === 'Service' && PUBLIC_ENDPOINTS.some((e) => (label === undefined || e.hostLabel === label) && STACK[e.component].name === o.metadata.name);
  if (exposureKind === 'nodePort') {
    const nodePorts = Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e.hostLabel, spec.nodePorts?.[e.hostLabel] ?? e.nodePort])) as Record<EndpointLabel, number>;
    for (const endpoint of PUBLIC_ENDPOINTS) {
      edit((o) => endpointService(o, endpoint.hostLabel), (s) => {
        s.spec.type = 'NodePort';
        s.spec.ports[0].nodePort = nodePorts[endpoint.hostLabel];
      });
    }
    exposure = { kind: 'nodePort', nodePorts };
    if (spec.publicUrls) {
      // Artifacts stored under the public files URL are queued for deletion too (the in-cluster one stays).
      const prefixes = JSON.stringify([spec.publicUrls.files, serviceUrl('fileserver')]);
      edit((o) => isDeployment(o, STACK.apiserver.name) || isDeployment(o, STACK.asyncDelete.name), (d) => addEnv(d, [{ name: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes', value: prefixes }]));
    }
  } else {
    const fallback = profile.exposure.kind === 'ingress' ? profile.exposure.baseDomain : 'clearml.example.com';
    const hosts = siteHosts(spec, fallback);
    const tlsSecret = spec.ingress?.tlsSecret === undefined ? ENTERPRISE_TLS_SECRET : spec.ingress.tlsSecret;
    edit((o) => endpointService(o), (s) => {
      s.spec.type = 'ClusterIP';
      for (const port of s.spec.ports) delete port.nodePort;
    });
    objects = objects.filter((o) => !(o.kind === 'Ingress' && PUBLIC_ENDPOINTS.some((e) => STACK[e.component].name === o.metadata.name)));
    // TLS: a cert-manager issuer in the annotations becomes one Certificate for the shared Secret
    // (ingress-shim would make one per Ingress, and only the first would own it: ./cert-manager.ts).
    const certManager = planCertificate(spec.ingress?.annotations, tlsSecret !== null);
    if (certManager.problems[0]) throw new TypeError(`applySite: the spec was not validated: ingress.annotations.${certManager.problems[0].annotation}: expected ${certManager.problems[0].expected}`);
    const annotations = Object.keys(certManager.ingressAnnotations).length ? certManager.ingressAnnotations : undefined;
    objects.push(...PUBLIC_ENDPOINTS.map((e) => {
      const own = spec.ingress?.endpoints?.[e.hostLabel];
      const merged = own?.annotations ? { ...(annotations ?? {}), ...own.annotations } : annotations;
      return ingressFor(e, { host: hosts[e.hostLabel], tlsSecret, className: spec.ingress?.className, annotations: merged, path: own?.path });
    }));
    // The IngressClass is the cluster's (its controller installs it): the operator provides it.
    if (spec.ingress?.className) needs({ kind: 'IngressClass', name: spec.ingress.className, group: 'networking.k8s.io', clusterScoped: true, documentedIn: 'README.md#add-a-site' });
    if (tlsSecret && certManager.plan) {
      objects.push(siteCertificate(tlsSecret, PUBLIC_ENDPOINTS.map((e) => hosts[e.hostLabel]), certManager.plan));
      // cert-manager writes the Secret: not something the operator creates (the profile may have declared it).
      const i = prerequisites.findIndex((p) => p.kind === 'Secret' && p.name === tlsSecret);
      if (i >= 0) prerequisites.splice(i, 1);
      for (const p of certificatePrerequisites(certManager.plan)) needs(p);
    } else if (tlsSecret) needs({ kind: 'Secret', name: tlsSecret, documentedIn: TLS_SECRET_DOCS });
    const domain = cookieDomain(hosts);
    const filesUrl = `${tlsSecret ? 'https' : 'http'}://${hosts.files}`;
    edit((o) => isDeployment(o, STACK.apiserver.name), (d) => {
      addEnv(d, [
        ...(domain ? [{ name: 'CLEARML__apiserver__auth__cookies__domain', value: `.${domain}` }] : []),
        { name: 'CLEARML__apiserver__auth__session_auth_cookie_name', value: 'clearml_token_basic' },
        { name: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes', value: `["${filesUrl}"]` },
      ]);
    });
    edit((o) => isDeployment(o, STACK.fileserver.name), (d) => addEnv(d, [{ name: 'CLEARML__fileserver__auth__cookie_names', value: '["clearml_token_basic"]' }]));
    edit((o) => isDeployment(o, STACK.asyncDelete.name), (d) => addEnv(d, [{ name: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes', value: `["${filesUrl}"]` }]));
    exposure = { kind: 'ingress', baseDomain: domain ?? hosts.app, hosts };
  }

  // Agents: one glue per queue (and agent-services), authenticated with the server's services_agent keys.
  let clusterRoles: string[] = [];
  if (spec.agents) {
    const tls = exposure.kind === 'ingress' && (spec.ingress?.tlsSecret === undefined || spec.ingress.tlsSecret !== null);
    const urls = exposure.kind === 'ingress' && exposure.hosts
      ? (Object.fromEntries(Object.entries(exposure.hosts).map(([label, host]) => [label, `${tls ? 'https' : 'http'}://${host}`])) as Record<EndpointLabel, string>)
      : spec.publicUrls ?? inClusterUrls();
    const credentialsSecret = spec.credentials?.secret ?? ENTERPRISE_CREDENTIALS_SECRET;
    const agents = agentObjects(siteName, spec.agents, { credentialsSecret, urls, restricted: profile.podSecurity === 'restricted', catalog, images: spec.images });
    objects.push(...agents.objects);
    clusterRoles = agents.clusterRoles;
  }

  // Placement.
  if (spec.placement) {
    edit((o) => isDeployment(o), (d) => {
      const pod = d.spec.template.spec;
      if (spec.placement!.nodeSelector) pod.nodeSelector = { ...spec.placement!.nodeSelector };
      if (spec.placement!.tolerations) pod.tolerations = structuredClone(spec.placement!.tolerations);
      if (spec.placement!.affinity) pod.affinity = structuredClone(spec.placement!.affinity);
    });
  }

  // Storage.
  const storage = spec.storage;
  if (storage?.type === 'hostPath' && storage.hostPathRoot) {
    const root = storage.hostPathRoot.replace(/\/+$/, '');
    edit((o) => isDeployment(o), (d) => {
      for (const v of d.spec.template.spec.volumes ?? []) if (v.hostPath?.path?.startsWith(`${NODE_STORAGE_ROOT}/`)) v.hostPath.path = root + v.hostPath.path.slice(NODE_STORAGE_ROOT.length);
    });
  }
  if (storage?.type === 'pvc') {
    const hadClaims = objects.some((o) => o.kind === 'PersistentVolumeClaim');
    for (const stored of siteComponents(model).filter((c) => ownedStorage(c).length > 0)) {
      const component = stored.key as StoredComponent;
      const owner = stored.name;
      const mounts = ownedStorage(stored);
      const dirs = mounts.map((m) => m.dir);
      if (spec.external?.[component as DatabaseKey]) continue;
      const existing = storage.existingClaims?.[component];
      for (const dir of dirs) {
        // An existing claim is the operator's even when it has the name the site would give it (a Helm release's clearml-fileserver-data).
        const reused = existing !== undefined && dir === dirs[0];
        const claim = reused ? existing : claimName(dir);
        edit((o) => isDeployment(o, owner), (d) => {
          for (const v of d.spec.template.spec.volumes ?? []) {
            if (v.name !== dir.volume) continue;
            delete v.hostPath;
            delete v.emptyDir;
            v.persistentVolumeClaim = { claimName: claim };
          }
          // The data below the claim's root (e.g. a Bitnami MongoDB claim's data/db): every mount of the volume reads it there.
          const subPath = reused ? storage.existingClaimSubPaths?.[component] : undefined;
          if (subPath) for (const c of podContainers(d)) for (const m of c.volumeMounts ?? []) if (m.name === dir.volume) m.subPath = subPath;
        });
        if (reused) {
          needs({ kind: 'PersistentVolumeClaim', name: claim, documentedIn: 'README.md#add-a-site' });
          objects = objects.filter((o) => !(o.kind === 'PersistentVolumeClaim' && o.metadata.name === claimName(dir)));
          continue;
        }
        const size = storage.sizes?.[component] && dir === dirs[0] ? storage.sizes[component]! : mounts.find((m) => m.dir === dir)!.claim.size;
        let pvc: any = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim);
        if (!pvc) objects.push((pvc = persistentVolumeClaim(dir, size)));
        pvc.spec.resources.requests.storage = size;
        if (storage.storageClass) {
          pvc.spec.storageClassName = storage.storageClass;
          // The StorageClass is the cluster's (its provisioner's): the operator provides it.
          needs({ kind: 'StorageClass', name: storage.storageClass, group: 'storage.k8s.io', clusterScoped: true, documentedIn: 'README.md#add-a-site' });
        }
        if (storage.keepOnDelete) pvc.metadata.annotations = { ...(pvc.metadata.annotations ?? {}), ...KEEP_ON_DELETE_ANNOTATIONS };
      }
    }
    if (!hadClaims) {
      // From node storage to claims: logs and config become emptyDir; pods no longer need the labelled node.
      edit((o) => isDeployment(o), (d) => {
        for (const v of d.spec.template.spec.volumes ?? []) {
          if (!v.hostPath?.path?.startsWith(`${NODE_STORAGE_ROOT}/`)) continue; // not node storage (e.g. a Docker socket)
          delete v.hostPath;
          v.emptyDir = {};
        }
        if (!spec.placement?.nodeSelector) delete d.spec.template.spec.nodeSelector;
      });
    }
    objects = prePopulateWhereArtifactsReachFileserver(objects);
  }

  // Images: catalog overrides, then the mirror registry; pull Secrets.
  const expectedImages: Record<string, string> = {};
  for (const [key, entry] of Object.entries(catalog.images) as [CatalogImageKey, CatalogImage][]) {
    const override = spec.images?.overrides?.[key];
    const registry = spec.images?.registry;
    const repository = `${registry ? `${registry}/` : ''}${override?.repository ?? entry.repository}`;
    const followsLatest = profile.imagePolicy === 'latest' && entry.latestTag;
    const tag = override?.tag ?? (followsLatest ? entry.latestTag! : entry.tag);
    expectedImages[repository] = tag;
    edit((o) => isDeployment(o), (d) => {
      for (const c of podContainers(d)) {
        const ref = parseImageReference(c.image);
        if (ref.name === entry.repository) c.image = imageReference({ ...entry, repository }, override?.tag ?? ref.tag ?? tag);
      }
    });
  }
  if (spec.images?.registry) {
    const known = new Set(Object.keys(expectedImages));
    edit((o) => isDeployment(o), (d) => {
      for (const c of podContainers(d)) if (!known.has(parseImageReference(c.image).name)) c.image = `${spec.images!.registry}/${c.image}`;
    });
  }
  for (const name of spec.images?.pullSecrets ?? []) needs({ kind: 'Secret', name, documentedIn: 'README.md#add-a-site' });
  if (spec.images?.pullSecrets?.length) {
    edit((o) => isDeployment(o), (d) => {
      d.spec.template.spec.imagePullSecrets = spec.images!.pullSecrets!.map((name) => ({ name }));
    });
  }

  // Credentials: the internal keys and fixed users (on, which revokes the public webserver and tests
  // credentials) from the site's Secret; the users from a Secret mounted as apiserver.conf instead, when named.
  const credentials = spec.credentials?.secret;
  if (credentials) {
    for (const [component, name] of [['apiserver', STACK.apiserver.name], ['fileserver', STACK.fileserver.name], ['asyncDelete', STACK.asyncDelete.name]] as const) {
      edit((o) => isDeployment(o, name), (d) => addEnv(d, credentialEnv(component, credentials)));
    }
    const i = prerequisites.findIndex((p) => p.kind === 'Secret' && p.name === ENTERPRISE_CREDENTIALS_SECRET);
    if (i >= 0) prerequisites.splice(i, 1);
    needs({ kind: 'Secret', name: credentials, documentedIn: 'README.md#site-credentials' });
  }
  const fixedUsers = spec.credentials?.fixedUsersSecret;
  if (fixedUsers) {
    edit((o) => isDeployment(o, STACK.apiserver.name), (d) => {
      // An env var overrides the same key of a config file (clearml/clearml-server@v2.3.0:apiserver/config/basic.py:131-148):
      // the users of the credentials Secret would hide the file's. Fixed-users mode stays on where it was.
      const pod = d.spec.template.spec;
      pod.volumes = [...(pod.volumes ?? []), { name: 'fixed-users', secret: { secretName: fixedUsers, items: [{ key: 'apiserver.conf', path: 'apiserver.conf' }] } }];
      const main = pod.containers[0];
      if (main.env) main.env = main.env.filter((e: EnvVar) => e.name !== FIXED_USERS_ENV);
      main.volumeMounts = [...(main.volumeMounts ?? []), { name: 'fixed-users', mountPath: `${NODE_STORAGE.config.mountPath}/apiserver.conf`, subPath: 'apiserver.conf', readOnly: true }];
    });
    needs({ kind: 'Secret', name: fixedUsers, documentedIn: 'README.md#site-credentials' });
  }

  // The credentials Secret made in the cluster: by External Secrets Operator or the sealed-secrets
  // controller (./gitops.ts), so it is no longer a prerequisite; their CRDs (and the store) are.
  const source = spec.credentials?.externalSecret ?? spec.credentials?.sealedSecret;
  if (source) {
    const secretName = spec.credentials?.secret ?? ENTERPRISE_CREDENTIALS_SECRET;
    const i = prerequisites.findIndex((p) => p.kind === 'Secret' && p.name === secretName);
    if (i >= 0) prerequisites.splice(i, 1);
    if (spec.credentials?.externalSecret) {
      objects.push(externalSecretObject(secretName, NAMESPACE, credentialsSecretKeys(spec), spec.credentials.externalSecret));
      for (const p of externalSecretPrerequisites(spec.credentials.externalSecret)) needs(p);
    } else {
      if (!files.sealedCredentials) throw new TypeError('applySite: credentials.sealedSecret without the sealed file (siteIntentFromText reads it)');
      // In the parent's namespace like every desired object: the kustomization's namespace: moves it with the rest.
      const sealed = structuredClone(files.sealedCredentials);
      sealed.metadata.namespace = NAMESPACE;
      objects.push(sealed);
      for (const p of sealedSecretPrerequisites()) needs(p);
    }
  }
  // Argo CD: the Namespace and the Secret's source in the wave before the workloads.
  if (spec.gitops?.tool === 'argocd') {
    objects = objects.map((o) => (o.kind === 'Namespace' || o.kind === 'ExternalSecret' || o.kind === 'SealedSecret' ? inPrerequisiteWave(o) : o));
  }

  // Components: metadata, placement, pull policy, ServiceAccount, Service and extra config files (after placement and storage, which they refine).
  const applyComponentSettings = (component: SiteComponent, settings: ComponentSettings) => {
    const name = model.get(component).name;
    edit((o) => isDeployment(o, name), (d) => {
      if (settings.annotations) d.metadata.annotations = { ...(d.metadata.annotations ?? {}), ...settings.annotations };
      if (settings.labels) d.metadata.labels = { ...(d.metadata.labels ?? {}), ...settings.labels };
      const template = d.spec.template;
      if (settings.podAnnotations) template.metadata.annotations = { ...(template.metadata.annotations ?? {}), ...settings.podAnnotations };
      if (settings.podLabels) template.metadata.labels = { ...(template.metadata.labels ?? {}), ...settings.podLabels };
      const pod = template.spec;
      if (settings.nodeSelector) pod.nodeSelector = { ...settings.nodeSelector };
      if (settings.tolerations) pod.tolerations = structuredClone(settings.tolerations);
      if (settings.affinity) pod.affinity = structuredClone(settings.affinity);
      if (settings.imagePullPolicy) for (const c of podContainers(d)) c.imagePullPolicy = settings.imagePullPolicy;
      if (settings.serviceAccount) pod.serviceAccountName = name;
      const main = pod.containers[0];
      if (settings.extraVolumes) pod.volumes = [...(pod.volumes ?? []), ...structuredClone(settings.extraVolumes)];
      if (settings.extraVolumeMounts) main.volumeMounts = [...(main.volumeMounts ?? []), ...structuredClone(settings.extraVolumeMounts)];
      for (const probe of ['readinessProbe', 'livenessProbe'] as const) if (settings[probe] && main[probe]) main[probe] = { ...main[probe], ...settings[probe] };
      const config = settings.extraConfig;
      if (config) {
        // One file per key, by subPath into the config directory the servers read (apiserver:
        // clearml/clearml-server@v2.3.0:apiserver/config/basic.py:22 EXTRA_CONFIG_PATHS, 111-126, 201 rglob("*.conf"); fileserver:
        // fileserver/config/basic.py:17 DEFAULT_EXTRA_CONFIG_PATH). A directory mount would hide the directory's
        // other files (node storage's config), and put the volume's own entries (..data, ..<timestamp>/) where
        // rglob walks. A subPath mount is not updated when the ConfigMap or Secret changes: the next pod start
        // reads it (https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically).
        const source = config.configMap ? { configMap: { name: config.configMap, items: config.files.map((f) => ({ key: f, path: f })) } } : { secret: { secretName: config.secret!, items: config.files.map((f) => ({ key: f, path: f })) } };
        pod.volumes = [...(pod.volumes ?? []), { name: EXTRA_CONFIG_VOLUME, ...source }];
        main.volumeMounts = [...(main.volumeMounts ?? []), ...config.files.map((f) => ({ name: EXTRA_CONFIG_VOLUME, mountPath: `${NODE_STORAGE.config.mountPath}/${f}`, subPath: f, readOnly: true }))];
      }
    });
    for (const v of settings.extraVolumes ?? []) {
      if (v.configMap) needs({ kind: 'ConfigMap', name: v.configMap.name, documentedIn: 'README.md#add-a-site' });
      if (v.secret) needs({ kind: 'Secret', name: v.secret.secretName, documentedIn: 'README.md#add-a-site' });
      if (v.persistentVolumeClaim) needs({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, documentedIn: 'README.md#add-a-site' });
    }
    if (settings.extraConfig) needs({ kind: settings.extraConfig.configMap ? 'ConfigMap' : 'Secret', name: (settings.extraConfig.configMap ?? settings.extraConfig.secret)!, documentedIn: 'README.md#coming-from-helm' });
    if (settings.serviceAccount) {
      const labels = (objects.find((o) => isDeployment(o, name))?.metadata.labels ?? {}) as Record<string, string>;
      objects.push({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name, namespace: NAMESPACE, labels: { ...labels }, ...(settings.serviceAccount.annotations ? { annotations: { ...settings.serviceAccount.annotations } } : {}) },
      } as ManifestObject);
    }
    const service = settings.service;
    if (service) {
      edit((o) => o.kind === 'Service' && o.metadata.name === name, (svc) => {
        if (service.annotations) svc.metadata.annotations = { ...(svc.metadata.annotations ?? {}), ...service.annotations };
        if (service.type) svc.spec.type = service.type;
        if (service.loadBalancerSourceRanges) svc.spec.loadBalancerSourceRanges = [...service.loadBalancerSourceRanges];
      });
    }
  };

  // Components: replicas, resources, extra env, then the settings above.
  for (const [component, settings] of Object.entries(spec.components ?? {}) as [SiteComponent, NonNullable<SiteSpec['components']>[SiteComponent]][]) {
    if (!settings) continue;
    edit((o) => isDeployment(o, model.get(component).name), (d) => {
      if (settings.replicas !== undefined) d.spec.replicas = settings.replicas;
      const main = d.spec.template.spec.containers[0];
      if (settings.resources) {
        main.resources = main.resources ?? {};
        for (const bound of ['requests', 'limits'] as const) {
          if (settings.resources[bound]) main.resources[bound] = { ...(main.resources[bound] ?? {}), ...settings.resources[bound] };
        }
      }
      if (settings.extraEnv) addEnv(d, Object.entries(settings.extraEnv).map(([name, value]) => ({ name, value })));
    });
    applyComponentSettings(component, settings);
  }

  // Agents: agent-services stays on the Docker Engine nodes, with its data on the node (after placement and storage).
  pinAgentServices(objects, spec.agents);

  // Priority: placement.priorityClassName on every pod, components.<c>.priorityClassName on its own;
  // a class other than the built-in two is the cluster's (a declared prerequisite, as cluster-prerequisites expects).
  const priorityOf = (deploymentName: string) => {
    const own = model.components.find((c) => c.name === deploymentName && c.base !== null);
    return (own ? spec.components?.[own.key as SiteComponent]?.priorityClassName : undefined) ?? spec.placement?.priorityClassName;
  };
  edit((o) => isDeployment(o), (d) => {
    const name = priorityOf(d.metadata.name);
    if (!name) return;
    d.spec.template.spec.priorityClassName = name;
    if (!BUILTIN_PRIORITY_CLASSES.includes(name)) needs({ kind: 'PriorityClass', name, group: 'scheduling.k8s.io', clusterScoped: true, documentedIn: 'README.md#hardening' });
  });

  // Read-only root filesystems where the stack model knows every write (validated: profile non-root only).
  if (spec.readOnlyRootFilesystem) {
    for (const component of siteComponents(model)) edit((o) => isDeployment(o, component.name), (d) => makeRootReadOnly(d, component));
  }

  // Availability: a PodDisruptionBudget and a spread over nodes for every component run with more than one replica.
  for (const component of siteComponents(model)) {
    const replicas = objects.find((o) => isDeployment(o, component.name)) as any;
    if (!replicas || (replicas.spec.replicas ?? 1) <= 1) continue;
    replicas.spec.template.spec.topologySpreadConstraints = topologySpread(component);
    objects.push(podDisruptionBudget(component));
  }

  // NetworkPolicies from the stack model (after everything that adds or removes a workload).
  if (spec.networkPolicies?.enabled) {
    const controller = spec.networkPolicies.ingressController;
    if (exposure.kind === 'ingress' && !controller) throw new TypeError('applySite: the spec was not validated: networkPolicies.ingressController is required with expose: ingress');
    objects.push(...siteNetworkPolicies(objects, model, exposure.kind === 'ingress' ? { kind: 'ingress', controller: controller! } : { kind: 'nodePort' }, spec.agents !== undefined));
  }

  // Escape hatch: raw JSON 6902 operations, last (validated against the parent before we get here).
  (spec.patches ?? []).forEach((patch, i) => {
    objects = objects.map((o) => {
      if (o.kind !== patch.target.kind || o.metadata.name !== patch.target.name) return o;
      return patch.operations.reduce((current, op, j) => {
        try {
          return applyOperations(current, [op]);
        } catch (error) {
          throw new SitePatchConflict(`/patches/${i}/operations/${j}`, (error as Error).message);
        }
      }, o);
    });
  });

  const namespace = spec.namespace && spec.namespace !== NAMESPACE ? spec.namespace : null;
  const gitops = spec.gitops ? gitopsObjects(siteName, `overlays/sites/${siteName}`, spec.gitops, namespace ?? NAMESPACE) : [];
  return { desired: objects, namespace, exposure, prerequisites, expectedImages, clusterRoles, gitops };
}
