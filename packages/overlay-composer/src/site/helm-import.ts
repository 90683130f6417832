/**
 * `site import --from-helm`: the values of a release of the ClearML Helm chart (chart 7.x, checked
 * against clearml-7.14.4) as a site spec, and the values paths it could not map, each with why and
 * what to do. Pure: values in, spec and list out (the CLI reads the file and writes the site).
 *
 * A value is mapped to its site-spec field, or left out silently when the site renders the same
 * without it (empty values, `enabled: true` of what is deployed anyway, the chart's defaults that
 * equal the stack's: ports, `pullPolicy: IfNotPresent`, one replica, single-node databases), or
 * listed as not mapped. Credentials are never copied: the site reads them from the Secret
 * `credentials.secret`, created with new keys.
 * Chart paths below are of clearml/clearml-helm-charts@clearml-7.14.4:charts/clearml/.
 * @see https://github.com/clearml/clearml-helm-charts/blob/clearml-7.14.4/charts/clearml/values.yaml
 */
import { PUBLIC_ENDPOINTS, STACK_MODEL, type EndpointLabel } from '@clearml-k8s/base-manifests';
import { ENTERPRISE_CREDENTIALS_SECRET } from '../enterprise-credentials.ts';
import { SCALABLE_COMPONENTS } from './site-schema.ts';
import type { SiteComponent, StoredComponent } from './site-spec.ts';

/** One value of the values file the spec does not carry. */
export interface UnmappedValue {
  /** Dotted values path, e.g. `apiserver.additionalVolumes`, `clearml.apiserverKey`. */
  path: string;
  /** Why, and what to do instead. */
  reason: string;
}

/** What `siteSpecFromHelmValues` returns. */
export interface HelmImport {
  /** The site spec, fields in the order `site add` writes them. */
  spec: Record<string, unknown>;
  /** Values not mapped, in values order. */
  unmapped: UnmappedValue[];
}

/** How to import. */
export interface HelmImportOptions {
  /** Reuse the chart's claims (`storage.existingClaims`), so the data stays. */
  keepData: boolean;
  /** The Helm release name (names the chart's claims); default `clearml`. */
  release?: string;
  /** The release's namespace (`namespace:` of the spec unless `clearml`, the site's default). */
  namespace?: string;
}

/** The chart's server components, by their values key, with the site component and endpoint they are. */
const SERVER_VALUES = [
  { key: 'apiserver', component: 'apiserver', label: 'api', chartPort: 8008, nodePort: 30008 },
  { key: 'fileserver', component: 'fileserver', label: 'files', chartPort: 8081, nodePort: 30081 },
  { key: 'webserver', component: 'webserver', label: 'app', chartPort: 8080, nodePort: 30080 },
] as const satisfies readonly { key: string; component: SiteComponent; label: EndpointLabel; chartPort: number; nodePort: number }[];

/**
 * The chart's defaults the importer compares with (values.yaml of clearml-7.14.4, lines cited):
 * a value equal to one of these is the chart's pin, not a choice of the user.
 */
const CHART = {
  /** `<component>.image.repository` / `.tag`: values.yaml:70-72, 200-202, 298-300. */
  serverImage: { repository: 'allegroai/clearml', tag: '2.0.0-613' },
  /** `<component>.serviceAccountName`: values.yaml:64, 194, 292; the templates name it `<name>-<component>` (templates/apiserver-deployment.yaml:26). */
  serviceAccountName: 'clearml',
  /** `elasticsearch.clusterName`: values.yaml:439; the StatefulSet is `<clusterName>-master` (rendered.yaml). */
  elasticsearchClusterName: 'clearml-elastic',
  /** ClearML's default company id: clearml/clearml-server@v2.3.0:apiserver/config/default/apiserver.conf:111, also the chart's `clearml.defaultCompany` (values.yaml:28). */
  defaultCompany: 'd1bd92a3b039400cbafc60a7a5b1e52b',
  /** `clearml.cookieName`: values.yaml:24. */
  cookieName: 'clearml-token-k8s',
} as const;

/** A credential of the chart's values (`clearml.*`): never copied. */
const CREDENTIAL_KEYS = ['apiserverKey', 'apiserverSecret', 'fileserverKey', 'fileserverSecret', 'readinessprobeKey', 'readinessprobeSecret', 'secureAuthTokenSecret', 'testUserKey', 'testUserSecret'];

const NEW_CREDENTIALS = `a credential: never copied into the spec (the chart's defaults are public). The site reads new keys from the Secret ${ENTERPRISE_CREDENTIALS_SECRET} (create it from \`clearml-k8s credentials\`); clients and agents need the new keys`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/**
 * The claims of a release of the chart (clearml-7.14.4), by stored component: what `--keep-data`
 * reuses, with the directory inside the claim that holds the data where it is not the claim's root.
 * - fileserver: `<fullname>-fileserver-data` (templates/fileserver-pvc.yaml:7), the files at its root (mounted at /mnt/fileserver).
 * - mongodb: the Bitnami subchart's `<release>-mongodb` (rendered.yaml, PersistentVolumeClaim clearml-mongodb), mounted at
 *   /bitnami/mongodb; the database is in data/db (bitnami/containers@50645562:bitnami/mongodb/6.0/debian-11/rootfs/opt/bitnami/scripts/mongodb-env.sh,
 *   MONGODB_DATA_DIR=/bitnami/mongodb/data, dbPath $MONGODB_DATA_DIR/db).
 * - elasticsearch: the StatefulSet's claim `<template>-<statefulset>-0`, both `<clusterName>-master` (rendered.yaml), mounted at
 *   /usr/share/elasticsearch/data as here.
 * - redis: `redis-data-<release>-redis-master-0` (rendered.yaml, volumeClaimTemplates redis-data), mounted at /data as here.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention (claim names of a StatefulSet)
 */
export function chartClaims(release: string, elasticsearchClusterName: string = CHART.elasticsearchClusterName): Record<StoredComponent, { claim: string; subPath?: string }> {
  // clearml.fullname: the release name when it contains "clearml", else <release>-clearml (templates/_helpers.tpl:13-24).
  const fullname = release.includes('clearml') ? release : `${release}-clearml`;
  // Bitnami common.names.fullname: the release name when it contains the chart's name, else <release>-<chart>.
  const sub = (chart: string) => (release.includes(chart) ? release : `${release}-${chart}`);
  return {
    fileserver: { claim: `${fullname}-fileserver-data` },
    elasticsearch: { claim: `${elasticsearchClusterName}-master-${elasticsearchClusterName}-master-0` },
    mongodb: { claim: sub('mongodb'), subPath: 'data/db' },
    redis: { claim: `redis-data-${sub('redis')}-master-0` },
  };
}

/**
 * Maps the values of a ClearML chart release to a site spec (profile current_version, PVC storage,
 * credentials from `credentials.secret`).
 * @param values the parsed values file (an override file or the chart's whole values.yaml).
 * @returns the spec and the values it could not map; the spec still needs `parseSiteSpec` (the CLI composes it, which validates).
 * @throws TypeError when `values` is not a mapping.
 */
export function siteSpecFromHelmValues(values: unknown, options: HelmImportOptions): HelmImport {
  if (!isObject(values)) throw new TypeError('helm import: the values file is not a mapping');
  const release = options.release ?? 'clearml';
  const consumed = new Set<string>();
  const unmapped: UnmappedValue[] = [];
  const get = (path: string): Json | undefined => path.split('.').reduce<Json | undefined>((v, k) => (isObject(v) ? v[k] : undefined), values);
  /** The value at `path`, marked as handled (mapped or rendered the same). */
  const take = (path: string) => {
    consumed.add(path);
    return get(path);
  };
  const notMapped = (path: string, reason: string) => {
    consumed.add(path);
    if (!isEmpty(get(path))) unmapped.push({ path, reason });
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));
  const stringMap = (v: unknown) => (isObject(v) && Object.keys(v).length ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : undefined);

  const spec: Record<string, any> = { profile: 'current_version' };
  if (options.namespace && options.namespace !== 'clearml') spec.namespace = options.namespace;
  const components: Partial<Record<SiteComponent, Record<string, unknown>>> = {};
  const settings = (c: SiteComponent) => (components[c] ??= {});
  const storage: Record<string, any> = { type: 'pvc' };
  const images: Record<string, any> = {};
  const external: Record<string, any> = {};

  // ---- global, registry credentials ----
  const registry = str(take('global.imageRegistry'));
  // docker.io is where unqualified names resolve anyway; a mirror goes in front of every image.
  if (registry && registry !== 'docker.io') images.registry = registry;
  if (take('imageCredentials.enabled') === true) {
    const existing = str(take('imageCredentials.existingSecret'));
    if (existing) images.pullSecrets = [existing];
    else for (const k of ['registry', 'username', 'password', 'email']) notMapped(`imageCredentials.${k}`, 'registry credentials are never copied into the spec: create a kubernetes.io/dockerconfigjson Secret (kubectl create secret docker-registry) and name it in images.pullSecrets');
  } else for (const k of ['existingSecret', 'registry', 'username', 'password', 'email']) take(`imageCredentials.${k}`); // unused while disabled

  // ---- clearml: credentials and cookies ----
  for (const k of CREDENTIAL_KEYS) notMapped(`clearml.${k}`, NEW_CREDENTIALS);
  spec.credentials = { secret: ENTERPRISE_CREDENTIALS_SECRET };
  notMapped('clearml.existingSecret', `the chart's Secret keys (apiserver_key, secure_auth_token_secret, ...) are not the site's: create ${ENTERPRISE_CREDENTIALS_SECRET} with the keys \`clearml-k8s credentials\` writes, reusing your values if clients must keep them`);
  if (take('clearml.cookieName') !== CHART.cookieName) notMapped('clearml.cookieName', 'the site names the session cookie itself (clearml_token_basic behind an Ingress)');
  notMapped('clearml.cookieDomain', 'the site derives the cookie domain from its Ingress hosts');
  const company = str(take('clearml.defaultCompany'));
  if (company && company !== CHART.defaultCompany) settings('apiserver').extraEnv = { CLEARML__apiserver__default_company: company };
  for (const k of ['clientConfigurationApiUrl', 'clientConfigurationFilesUrl']) notMapped(`clearml.${k}`, 'the web app shows the URLs it is served at; set publicUrls (NodePort) or the Ingress hosts');

  // ---- the server components ----
  const ingressEnabled = SERVER_VALUES.filter((s) => take(`${s.key}.ingress.enabled`) === true);
  const expose = ingressEnabled.length ? 'ingress' : 'nodePort';
  if (ingressEnabled.length && ingressEnabled.length < SERVER_VALUES.length) {
    for (const s of SERVER_VALUES.filter((x) => !ingressEnabled.includes(x))) notMapped(`${s.key}.ingress.enabled`, 'a site exposes all three endpoints the same way: this one gets an Ingress too');
  }
  const nodePorts: Record<string, number> = {};
  const hosts: Record<string, string> = {};
  const endpoints: Record<string, Record<string, unknown>> = {};
  const classNames = new Set<string>();
  const tlsSecrets = new Set<string>();
  const serverImages = new Set<string>();
  for (const s of SERVER_VALUES) {
    const at = (p: string) => `${s.key}.${p}`;
    const own = settings(s.component);
    if (take(at('enabled')) === false) notMapped(at('enabled'), `a site always deploys the ${s.key}`);
    const deploymentAnnotations = stringMap(take(at('deploymentAnnotations')));
    if (deploymentAnnotations) own.annotations = deploymentAnnotations;
    const podAnnotations = stringMap(take(at('podAnnotations')));
    if (podAnnotations) own.podAnnotations = podAnnotations;
    // ServiceAccount: the chart names it <serviceAccountName>-<component>; the site names it as the Deployment (clearml-<component>), the same for the default name.
    const saName = str(take(at('serviceAccountName')));
    if (saName && saName !== CHART.serviceAccountName) notMapped(at('serviceAccountName'), `the site names the ServiceAccount as the Deployment (${STACK_MODEL.get(s.component).name}): move trust policies that name ${saName}-${s.key} to it`);
    const saAnnotations = stringMap(take(at('serviceAccountAnnotations')));
    if (saAnnotations) own.serviceAccount = { annotations: saAnnotations };
    // Image: the catalog pins the server image; a choice other than the chart's pin becomes an override.
    const repository = str(take(at('image.repository')));
    const tag = str(take(at('image.tag')));
    const imageRegistry = str(take(at('image.registry')));
    if (imageRegistry) notMapped(at('image.registry'), 'one mirror for every image: images.registry (global.imageRegistry)');
    if (repository !== undefined || tag !== undefined) {
      if (repository === CHART.serverImage.repository && tag === CHART.serverImage.tag) unmapped.push({ path: at('image'), reason: `the chart's pin ${repository}:${tag}: the site runs the release catalog's server image (clearml-k8s bump moves it)` });
      else serverImages.add(`${repository ?? ''}:${tag ?? ''}`);
    }
    const pullPolicy = str(take(at('image.pullPolicy')));
    // IfNotPresent is what Kubernetes defaults to for a tagged image (core/v1 Container imagePullPolicy).
    if (pullPolicy === 'Always') notMapped(at('image.pullPolicy'), 'the site pins every image tag: IfNotPresent pulls it once (Always only makes every start depend on the registry)');
    else if (pullPolicy && pullPolicy !== 'IfNotPresent') own.imagePullPolicy = pullPolicy;
    // Service.
    const type = str(take(at('service.type')));
    const serviceAnnotations = stringMap(take(at('service.annotations')));
    const service: Record<string, unknown> = {};
    if (type === 'LoadBalancer' && expose === 'nodePort') service.type = 'LoadBalancer';
    else if (type === 'LoadBalancer') notMapped(at('service.type'), 'behind an Ingress the site\'s Services are ClusterIP (the Ingress controller has the load balancer)');
    else if (type === 'ClusterIP' && expose === 'nodePort') notMapped(at('service.type'), 'without an Ingress a site exposes the endpoints by NodePort');
    else if (type === 'NodePort' && expose === 'ingress') notMapped(at('service.type'), 'with an Ingress the site\'s Services are ClusterIP');
    if (serviceAnnotations) service.annotations = serviceAnnotations;
    if (Object.keys(service).length) own.service = service;
    const port = take(at('service.port'));
    if (port !== undefined && port !== s.chartPort) notMapped(at('service.port'), `the Service port is the stack's (${STACK_MODEL.get(s.component).ports[0]!.servicePort})`);
    const nodePort = take(at('service.nodePort'));
    if (expose === 'nodePort' && typeof nodePort === 'number' && nodePort !== s.nodePort) nodePorts[s.label] = nodePort;
    // Replicas, resources, env, placement.
    const replicas = take(at('replicaCount'));
    if (typeof replicas === 'number' && replicas !== 1) {
      if (SCALABLE_COMPONENTS.includes(s.component) && s.component !== 'apiserver') own.replicas = replicas;
      else notMapped(at('replicaCount'), `${s.key} runs one replica on claims (ReadWriteOnce)`);
    }
    const resources = take(at('resources'));
    if (isObject(resources)) {
      const pick = (b: unknown) => (isObject(b) ? Object.fromEntries((['cpu', 'memory'] as const).filter((k) => b[k] !== undefined).map((k) => [k, String(b[k])])) : undefined);
      const r = Object.fromEntries((['requests', 'limits'] as const).map((b) => [b, pick(resources[b])]).filter(([, v]) => v && Object.keys(v).length));
      if (Object.keys(r).length) own.resources = r;
    }
    const extraEnvs = take(at('extraEnvs'));
    if (Array.isArray(extraEnvs)) {
      const env: Record<string, string> = { ...((own.extraEnv as Record<string, string>) ?? {}) };
      extraEnvs.forEach((e, i) => {
        if (isObject(e) && typeof e.name === 'string' && e.value !== undefined && e.valueFrom === undefined) env[e.name] = String(e.value);
        else unmapped.push({ path: at(`extraEnvs[${i}]`), reason: 'only name/value env maps to extraEnv; a valueFrom env needs a patch (the spec\'s patches)' });
      });
      if (Object.keys(env).length) own.extraEnv = env;
    }
    const nodeSelector = stringMap(take(at('nodeSelector')));
    if (nodeSelector) own.nodeSelector = nodeSelector;
    const tolerations = take(at('tolerations'));
    if (Array.isArray(tolerations) && tolerations.length) own.tolerations = tolerations;
    const affinity = take(at('affinity'));
    if (isObject(affinity) && Object.keys(affinity).length) own.affinity = affinity;
    for (const k of ['podSecurityContext', 'containerSecurityContext']) notMapped(at(k), 'the profile sets the security contexts (profile non-root for Pod Security restricted)');
    notMapped(at('initContainers'), 'the site\'s server pods run no init containers: nothing to size');
    if (s.key === 'apiserver') {
      if (take(at('prepopulateEnabled')) === false) own.extraEnv = { ...((own.extraEnv as object) ?? {}), CLEARML__apiserver__pre_populate__enabled: 'false' };
      // chart 7.14.4's templates read no apiserver.processes value (git grep processes charts/clearml/templates: no match).
      take(at('processes'));
    }
    // Extra config: the chart mounts a whole ConfigMap or Secret; the site mounts the files it lists.
    for (const [k, kind] of [['existingAdditionalConfigsConfigMap', 'configMap'], ['existingAdditionalConfigsSecret', 'secret']] as const) {
      const name = str(take(at(k)));
      if (name && s.key !== 'webserver') unmapped.push({ path: at(k), reason: `list the .conf files of ${name}: components.${s.component}.extraConfig: {${kind}: ${name}, files: [services.conf, ...]}` });
    }
    notMapped(at('additionalConfigs'), s.key === 'webserver' ? 'the webserver reads no ClearML config files' : `inline config files: put them in a ConfigMap (a Secret if they hold credentials, e.g. fixed users) and name it in components.${s.component}.extraConfig`);
    // Extra volumes and mounts: those the spec's closed subset of core/v1 Volume and VolumeMount can say.
    const volumes = take(at('additionalVolumes'));
    const mounts = take(at('additionalVolumeMounts'));
    const fits = (v: unknown, allowed: Record<string, readonly string[]>) => isObject(v) && Object.entries(v).every(([k, x]) => k === 'name' || (k in allowed && isObject(x) && Object.keys(x).every((f) => allowed[k]!.includes(f))));
    const VOLUME_FIELDS = { configMap: ['name'], secret: ['secretName'], emptyDir: ['medium', 'sizeLimit'], persistentVolumeClaim: ['claimName', 'readOnly'] } as const;
    if (Array.isArray(volumes) && volumes.length) {
      if (volumes.every((v) => fits(v, VOLUME_FIELDS) && Object.keys(v as object).length === 2)) own.extraVolumes = volumes;
      else unmapped.push({ path: at('additionalVolumes'), reason: 'a volume other than one configMap (name), secret (secretName), emptyDir or persistentVolumeClaim: add it with patches (the spec\'s patches)' });
    }
    if (Array.isArray(mounts) && mounts.length) {
      const fitsMount = (m: unknown) => isObject(m) && typeof m.name === 'string' && typeof m.mountPath === 'string' && Object.keys(m).every((k) => ['name', 'mountPath', 'subPath', 'readOnly'].includes(k));
      if (mounts.every(fitsMount) && own.extraVolumes) own.extraVolumeMounts = mounts;
      else unmapped.push({ path: at('additionalVolumeMounts'), reason: 'mounts of volumes the spec carries, with name, mountPath, subPath and readOnly only: add the others with patches' });
    }
    // Ingress.
    if (expose === 'ingress') {
      const host = str(take(at('ingress.hostName')));
      if (host) hosts[s.label] = host;
      const className = str(take(at('ingress.ingressClassName')));
      if (className) classNames.add(className);
      tlsSecrets.add(str(take(at('ingress.tlsSecretName'))) ?? '');
      const endpoint: Record<string, unknown> = {};
      const path = str(take(at('ingress.path')));
      if (path && path !== '/') endpoint.path = path;
      const annotations = stringMap(take(at('ingress.annotations')));
      if (annotations) endpoint.annotations = annotations;
      if (Object.keys(endpoint).length) endpoints[s.label] = endpoint;
    } else for (const k of ['hostName', 'ingressClassName', 'tlsSecretName', 'annotations', 'path']) take(at(`ingress.${k}`)); // unused while disabled
  }
  if (serverImages.size === 1) {
    const [repository, tag] = [...serverImages][0]!.split(':');
    images.overrides = { clearmlServer: { ...(repository ? { repository } : {}), ...(tag ? { tag } : {}) } };
  } else if (serverImages.size > 1) unmapped.push({ path: 'apiserver.image', reason: 'the three server components run one image here: set images.overrides.clearmlServer to one of them' });

  // ---- storage ----
  const claims = chartClaims(release, str(get('elasticsearch.clusterName')) ?? CHART.elasticsearchClusterName);
  const storageClasses = new Map<string, string>();
  const size = (component: StoredComponent, path: string) => {
    const v = str(take(path));
    if (v) (storage.sizes ??= {})[component] = v;
  };
  const storageClass = (path: string) => {
    const v = str(take(path));
    if (v) storageClasses.set(path, v);
  };
  if (take('fileserver.storage.enabled') === false) notMapped('fileserver.storage.enabled', 'the site always stores the fileserver\'s files on a claim');
  const existingFiles = str(take('fileserver.storage.data.existingPVC'));
  if (existingFiles) (storage.existingClaims ??= {}).fileserver = existingFiles;
  else size('fileserver', 'fileserver.storage.data.size');
  storageClass('fileserver.storage.data.class');
  if (take('fileserver.storage.data.accessMode') !== 'ReadWriteOnce' && get('fileserver.storage.data.accessMode') !== undefined) notMapped('fileserver.storage.data.accessMode', 'the site\'s claims are ReadWriteOnce');

  // ---- databases: bundled (sizes, classes, resources) or external ----
  const bundled = (key: 'mongodb' | 'elasticsearch' | 'redis') => take(`${key}.enabled`) !== false;
  if (bundled('mongodb')) {
    size('mongodb', 'mongodb.persistence.size');
    storageClass('mongodb.persistence.storageClass');
    for (const k of ['architecture', 'replicaCount']) if (!['standalone', 1, undefined].includes(take(`mongodb.${k}`) as never)) notMapped(`mongodb.${k}`, 'the bundled MongoDB is a single server: use external.mongodb for a replica set');
    if (take('mongodb.auth.enabled') === true) notMapped('mongodb.auth', 'the bundled MongoDB runs without authentication inside the namespace; use external.mongodb with a credentialsSecret');
    take('mongodb.updateStrategy'); // the stack replaces the single writer with Recreate
    take('mongodb.persistence.enabled');
    take('mongodb.persistence.accessModes');
  } else {
    for (const k of ['mongodbConnectionStringAuth', 'mongodbConnectionStringBackend']) notMapped(`externalServices.${k}`, 'a connection string holds credentials: put one (without database name) in the Secret clearml-mongodb, key connectionString (README, External databases)');
    external.mongodb = { connectionStringSecret: { name: 'clearml-mongodb' } };
  }
  if (bundled('elasticsearch')) {
    size('elasticsearch', 'elasticsearch.volumeClaimTemplate.resources.requests.storage');
    storageClass('elasticsearch.volumeClaimTemplate.storageClassName');
    const r = take('elasticsearch.resources');
    if (isObject(r)) {
      const pick = (b: unknown) => (isObject(b) ? Object.fromEntries((['cpu', 'memory'] as const).filter((k) => b[k] !== undefined).map((k) => [k, String(b[k])])) : undefined);
      const res = Object.fromEntries((['requests', 'limits'] as const).map((b) => [b, pick(r[b])]).filter(([, v]) => v && Object.keys(v).length));
      if (Object.keys(res).length) settings('elasticsearch').resources = res;
    }
    for (const k of ['httpPort', 'roles', 'replicas', 'minimumMasterNodes', 'clusterHealthCheckParams', 'rbac', 'persistence', 'volumeClaimTemplate.accessModes', 'clusterName']) take(`elasticsearch.${k}`); // a single node, as the stack runs it
    if (!['1', undefined].includes(str(get('elasticsearch.replicas')))) notMapped('elasticsearch.replicas', 'the bundled Elasticsearch is a single node: use external.elasticsearch for a cluster');
    notMapped('elasticsearch.esJavaOpts', 'the stack model sets the heap (ES_JAVA_OPTS -Xms2g -Xmx2g, at most half the memory limit); override it in components.elasticsearch.extraEnv');
    notMapped('elasticsearch.extraEnvs', 'the stack model sets Elasticsearch\'s settings as compose does (verify\'s elasticsearch-settings); add others in components.elasticsearch.extraEnv');
    notMapped('elasticsearch.esConfig', 'the stack sets Elasticsearch\'s settings as env; add others in components.elasticsearch.extraEnv');
  } else {
    const hostsValue = str(take('externalServices.elasticsearchConnectionString'));
    let parsed: unknown;
    try {
      parsed = hostsValue ? JSON.parse(hostsValue) : undefined;
    } catch {
      parsed = undefined;
    }
    const first = Array.isArray(parsed) && isObject(parsed[0]) ? parsed[0] : undefined;
    if (first && typeof first.host === 'string') {
      external.elasticsearch = { host: first.host, ...(typeof first.port === 'number' ? { port: first.port } : {}), ...(first.scheme === 'https' ? { scheme: 'https' } : {}) };
      if ((parsed as unknown[]).length > 1) unmapped.push({ path: 'externalServices.elasticsearchConnectionString', reason: `only the first host (${first.host}) is used: put a load balancer or the cluster's one endpoint there` });
    } else unmapped.push({ path: 'externalServices.elasticsearchConnectionString', reason: 'expected a JSON list of {host, port}: set external.elasticsearch.host' });
  }
  if (bundled('redis')) {
    size('redis', 'redis.master.persistence.size');
    storageClass('redis.master.persistence.storageClass');
    if (take('redis.auth.enabled') === true) notMapped('redis.auth', 'the bundled Redis runs without a password inside the namespace; use external.redis with a credentialsSecret');
    if (!['standalone', undefined].includes(str(take('redis.architecture')))) notMapped('redis.architecture', 'the bundled Redis is a single server');
    for (const k of ['databaseNumber', 'master.name', 'master.port', 'master.persistence.enabled', 'master.persistence.accessModes']) take(`redis.${k}`);
  } else {
    const host = str(take('externalServices.redisHost'));
    const port = take('externalServices.redisPort');
    if (host) external.redis = { host, ...(typeof port === 'number' && port !== 6379 ? { port } : {}) };
  }
  // Unused while the databases are bundled.
  for (const k of ['elasticsearchConnectionString', 'mongodbConnectionStringAuth', 'mongodbConnectionStringBackend', 'redisHost', 'redisPort']) take(`externalServices.${k}`);

  const classes = [...new Set(storageClasses.values())];
  if (classes.length === 1) storage.storageClass = classes[0];
  else if (classes.length > 1) for (const path of storageClasses.keys()) unmapped.push({ path, reason: `one StorageClass for every claim here (${classes.join(', ')} given): set storage.storageClass, or create the other claims and name them in storage.existingClaims` });

  if (options.keepData) {
    const existing: Record<string, string> = { ...(storage.existingClaims ?? {}) };
    const subPaths: Record<string, string> = {};
    for (const [component, claim] of Object.entries(claims) as [StoredComponent, { claim: string; subPath?: string }][]) {
      if (external[component] || existing[component]) continue;
      existing[component] = claim.claim;
      if (claim.subPath) subPaths[component] = claim.subPath;
    }
    storage.existingClaims = existing;
    if (Object.keys(subPaths).length) storage.existingClaimSubPaths = subPaths;
    // An existing claim keeps its size.
    for (const c of Object.keys(existing)) delete storage.sizes?.[c];
    if (storage.sizes && !Object.keys(storage.sizes).length) delete storage.sizes;
  }

  // ---- the spec, in the order site add writes it ----
  if (expose === 'ingress') {
    spec.expose = 'ingress';
    const ingress: Record<string, unknown> = {};
    if (PUBLIC_ENDPOINTS.every((e) => hosts[e.hostLabel])) ingress.hosts = Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e.hostLabel, hosts[e.hostLabel]]));
    else unmapped.push({ path: 'apiserver.ingress.hostName', reason: 'a host for each of api, app and files: set ingress.hosts or ingress.domain' });
    if (classNames.size === 1) ingress.className = [...classNames][0];
    else if (classNames.size > 1) unmapped.push({ path: 'apiserver.ingress.ingressClassName', reason: 'one IngressClass for the three Ingresses: set ingress.className' });
    const tls = [...tlsSecrets];
    if (tls.length === 1) ingress.tlsSecret = tls[0] || null;
    else unmapped.push({ path: 'apiserver.ingress.tlsSecretName', reason: 'one TLS Secret covering the three hosts: set ingress.tlsSecret' });
    if (Object.keys(endpoints).length) ingress.endpoints = endpoints;
    spec.ingress = ingress;
  } else if (Object.keys(nodePorts).length) spec.nodePorts = nodePorts;
  spec.storage = storage;
  if (Object.keys(images).length) spec.images = images;
  if (Object.keys(external).length) spec.external = external;
  const used = Object.fromEntries(Object.entries(components).filter(([, v]) => v && Object.keys(v).length));
  if (Object.keys(used).length) spec.components = used;
  const ordered: Record<string, unknown> = {};
  for (const k of ['profile', 'namespace', 'expose', 'nodePorts', 'ingress', 'storage', 'images', 'external', 'components', 'credentials']) if (spec[k] !== undefined) ordered[k] = spec[k];

  // Everything else of the values file: no site-spec field maps it.
  const walk = (v: unknown, path: string) => {
    if (consumed.has(path)) return;
    if (isObject(v) && Object.keys(v).length) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    if (!isEmpty(v)) unmapped.push({ path, reason: 'no site-spec field maps it' });
  };
  walk(values, '');
  const order = valuesOrder(values);
  unmapped.sort((a, b) => order(a.path) - order(b.path));
  return { spec: ordered, unmapped };
}

/** The position of a values path in the file's key order (for a list in values order). */
function valuesOrder(values: Record<string, Json>): (path: string) => number {
  const index = new Map<string, number>();
  const walk = (v: unknown, path: string) => {
    index.set(path, index.size);
    if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(values, '');
  return (path) => {
    for (let p = path.replace(/\[\d+\]$/, ''); p; p = p.slice(0, Math.max(p.lastIndexOf('.'), 0))) if (index.has(p)) return index.get(p)!;
    return index.size;
  };
}
