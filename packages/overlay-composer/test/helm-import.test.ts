// `site import --from-helm` (issue 15): the chart's own values.yaml (clearml 7.14.4, read from
// ../shared/foreign/helm-clearml-7.14.4/, never copied here) is imported, the site composed, and its
// wiring (images, ports, env connections, volumes) compared component by component with the chart's
// render (rendered.yaml there). The spec, the values not mapped and the differences are goldens under
// fixtures/helm-import/ (UPDATE_GOLDEN=1 rewrites them; review the diff): the test fails on any
// difference not listed there. The site's objects are the composed intended objects, which verify
// proves equal to the kustomize build (the CLI test builds the from-helm example site with kubectl).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readReleaseCatalog, STACK_MODEL } from '@clearml-k8s/base-manifests';
import { parseManifest, parseManifests, stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import { chartClaims, composeSiteFromText, composeTree, siteSpecFromHelmValues } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHART_DIR = path.join(ROOT, '../shared/foreign/helm-clearml-7.14.4');
const GOLDEN = path.join(ROOT, 'fixtures/helm-import');
const skip = existsSync(path.join(CHART_DIR, 'values.yaml')) ? false : 'the chart render ../shared/foreign/helm-clearml-7.14.4 is not beside the repository';
// The goldens here (spec, values not mapped, differences: they name the site's images) are composed with
// the v2.3.0 catalog kept in fixtures/, so a `bump` of the committed catalog does not turn them stale (issue 16).
const tree = composeTree(readReleaseCatalog(path.join(ROOT, 'fixtures/release-catalog-v2.3.0.json')));

/** The chart's workloads, by site component (rendered.yaml: names from the chart's templates and subcharts). */
const CHART_WORKLOADS: Record<string, { kind: string; name: string; service: string | null }> = {
  apiserver: { kind: 'Deployment', name: 'clearml-apiserver', service: 'clearml-apiserver' },
  webserver: { kind: 'Deployment', name: 'clearml-webserver', service: 'clearml-webserver' },
  fileserver: { kind: 'Deployment', name: 'clearml-fileserver', service: 'clearml-fileserver' },
  asyncDelete: { kind: 'Deployment', name: 'clearml-apiserver-asyncdelete', service: null },
  elasticsearch: { kind: 'StatefulSet', name: 'clearml-elastic-master', service: 'clearml-elastic-master' },
  mongodb: { kind: 'Deployment', name: 'clearml-mongodb', service: 'clearml-mongodb' },
  redis: { kind: 'StatefulSet', name: 'clearml-redis-master', service: 'clearml-redis-master' },
};

/** One component's wiring: what the comparison looks at. */
interface Wiring {
  image: string;
  containerPorts: string[];
  service: string[];
  /** `target:port` of every Service the main container's env names (host or URL), with the env names. */
  connections: string[];
  /** mountPath → volume source of the main container. */
  volumes: string[];
}

/** The wiring of one workload among `objects`; `services` maps a Service name to its site component. */
function wiring(objects: any[], kind: string, name: string, serviceName: string | null, services: Map<string, { component: string; ports: number[] }>): Wiring {
  const workload = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(workload, `${kind}/${name}`);
  const pod = workload.spec.template.spec;
  const main = pod.containers[0];
  const claims = new Map<string, any>([...(workload.spec.volumeClaimTemplates ?? []).map((t: any) => [t.metadata.name, { claim: `${t.metadata.name}-${name}-0` }] as const)]);
  const source = (volumeName: string) => {
    const v = (pod.volumes ?? []).find((x: any) => x.name === volumeName);
    if (!v) return claims.has(volumeName) ? `pvc ${claims.get(volumeName).claim}` : 'missing';
    if (v.persistentVolumeClaim) return `pvc ${v.persistentVolumeClaim.claimName}`;
    if (v.configMap) return `configMap ${v.configMap.name}`;
    if (v.secret) return `secret ${v.secret.secretName}`;
    if (v.hostPath) return `hostPath ${v.hostPath.path}`;
    if (v.emptyDir) return 'emptyDir';
    return Object.keys(v).filter((k) => k !== 'name').join(',');
  };
  const connections = new Set<string>();
  const env: any[] = main.env ?? [];
  for (const e of env) {
    const value = String(e.value ?? '');
    for (const [service, target] of services) {
      if (!new RegExp(`(^|[/"@])${service}([:"/]|$)`).test(value)) continue;
      // The port: in the value (a URL, a JSON host list), or in the *_PORT env beside a *_HOST one.
      const sibling = e.name.endsWith('_HOST') ? env.find((x) => x.name === `${e.name.slice(0, -'_HOST'.length)}_PORT`)?.value : undefined;
      const port = /:(\d+)/.exec(value.slice(value.indexOf(service)))?.[1] ?? /"port":(\d+)/.exec(value)?.[1] ?? sibling;
      connections.add(`${target.component}${port ? `:${port}` : ''} via ${e.name}`);
    }
  }
  const service = serviceName ? objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName) : null;
  return {
    image: main.image.replace(/^docker\.io\//, ''),
    containerPorts: (main.ports ?? []).map((p: any) => String(p.containerPort)),
    // targetPort by number (a name is resolved in the main container's ports; none means the port itself).
    service: service ? service.spec.ports.map((p: any) => `${service.spec.type ?? 'ClusterIP'} ${p.port}->${typeof p.targetPort === 'string' ? (main.ports ?? []).find((c: any) => c.name === p.targetPort)?.containerPort ?? p.targetPort : p.targetPort ?? p.port}${p.nodePort ? ` nodePort ${p.nodePort}` : ''}`) : [],
    connections: [...connections].sort(),
    volumes: (main.volumeMounts ?? []).map((m: any) => `${m.mountPath}${m.subPath ? ` (subPath ${m.subPath})` : ''} <- ${source(m.name)}`).sort(),
  };
}

/** Component → its Service name, per side. */
const chartServices = new Map(Object.entries(CHART_WORKLOADS).filter(([, w]) => w.service).map(([component, w]) => [w.service!, { component, ports: [] }]));
const siteServices = new Map(Object.keys(CHART_WORKLOADS).map((component) => [STACK_MODEL.get(component as never).name, { component, ports: [] }]));

/** Every difference of the two wirings, one line each: `component aspect: chart … | site …`. */
function differences(chart: any[], site: any[]): string[] {
  const out: string[] = [];
  for (const [component, w] of Object.entries(CHART_WORKLOADS)) {
    const ours = STACK_MODEL.get(component as never);
    const a = wiring(chart, w.kind, w.name, w.service, chartServices);
    const b = wiring(site, 'Deployment', ours.name, ours.ports.length ? ours.name : null, siteServices);
    for (const aspect of ['image', 'containerPorts', 'service', 'connections', 'volumes'] as const) {
      const x = [a[aspect]].flat();
      const y = [b[aspect]].flat();
      const onlyChart = x.filter((v) => !y.includes(v));
      const onlySite = y.filter((v) => !x.includes(v));
      if (onlyChart.length || onlySite.length) out.push(`${component} ${aspect}: chart ${onlyChart.join('; ') || '-'} | site ${onlySite.join('; ') || '-'}`);
    }
  }
  return out;
}

function golden(file: string, content: string) {
  const target = path.join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(target, content);
  }
  assert.equal(content, readFileSync(target, 'utf8'), `${file} (UPDATE_GOLDEN=1 rewrites it)`);
}

test('the chart\'s own values.yaml imports into the golden spec and list of values not mapped, and its wiring differs from the chart\'s render exactly as listed', { skip }, () => {
  const values = parseManifest(readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8'), 'values.yaml');
  const imported = siteSpecFromHelmValues(values, { keepData: true });
  const specText = stringifyValue(imported.spec);
  golden('chart-values.site.yaml', specText);
  golden('chart-values.unmapped.txt', imported.unmapped.map((u) => `${u.path}: ${u.reason}\n`).join(''));
  // No credential of the values file reaches the spec.
  for (const key of ['apiserverKey', 'apiserverSecret', 'fileserverKey', 'fileserverSecret', 'secureAuthTokenSecret', 'testUserKey', 'testUserSecret']) {
    assert.ok(!specText.includes(String((values as any).clearml[key])), key);
    assert.ok(imported.unmapped.some((u) => u.path === `clearml.${key}`), key);
  }
  const site = composeSiteFromText('from-chart', specText, 'overlays/sites/from-chart/site.yaml', tree);
  const chart = parseManifests(readFileSync(path.join(CHART_DIR, 'rendered.yaml'), 'utf8'), 'rendered.yaml');
  const diff = differences(chart, site.intended as any[]);
  golden('chart-values.differences.txt', diff.map((d) => `${d}\n`).join(''));
  // The data stays: every claim the chart's workloads mount is the one the site mounts, at the same path
  // (MongoDB: Bitnami's /bitnami/mongodb with the database in data/db; here /data/db, subPath data/db).
  const claimsOf = (w: Wiring) => w.volumes.map((v) => /<- pvc (\S+)/.exec(v)?.[1]).filter(Boolean).sort();
  for (const [component, w] of Object.entries(CHART_WORKLOADS)) {
    const ours = STACK_MODEL.get(component as never);
    const a = claimsOf(wiring(chart, w.kind, w.name, w.service, chartServices));
    const b = claimsOf(wiring(site.intended as any[], 'Deployment', ours.name, null, siteServices));
    for (const claim of a) assert.ok(b.includes(claim), `${component} mounts the chart's claim ${claim} (site: ${b.join(', ') || 'none'})`);
  }
  // Every component reaches the same targets on the same ports (only the env names differ).
  const targets = (w: Wiring) => [...new Set(w.connections.map((c) => c.split(' via ')[0]))].sort();
  for (const [component, w] of Object.entries(CHART_WORKLOADS)) {
    const ours = STACK_MODEL.get(component as never);
    const chartTargets = targets(wiring(chart, w.kind, w.name, w.service, chartServices));
    const siteTargets = targets(wiring(site.intended as any[], 'Deployment', ours.name, null, siteServices));
    for (const t of chartTargets) assert.ok(siteTargets.includes(t), `${component} reaches ${t} as in the chart (site: ${siteTargets.join(', ')})`);
  }
});

test('--keep-data names the claims of a release as the chart does, and without it the chart\'s sizes are kept', () => {
  assert.deepEqual(chartClaims('clearml'), {
    fileserver: { claim: 'clearml-fileserver-data' },
    elasticsearch: { claim: 'clearml-elastic-master-clearml-elastic-master-0' },
    mongodb: { claim: 'clearml-mongodb', subPath: 'data/db' },
    redis: { claim: 'redis-data-clearml-redis-master-0' },
  });
  assert.deepEqual(chartClaims('ml').fileserver, { claim: 'ml-clearml-fileserver-data' });
  assert.deepEqual(chartClaims('ml').mongodb.claim, 'ml-mongodb');
  const values = { fileserver: { storage: { data: { size: '200Gi', class: 'gp3' } } }, mongodb: { persistence: { size: '20Gi', storageClass: 'gp3' } } };
  const fresh = siteSpecFromHelmValues(values, { keepData: false }).spec as any;
  assert.deepEqual(fresh.storage, { type: 'pvc', sizes: { fileserver: '200Gi', mongodb: '20Gi' }, storageClass: 'gp3' });
  const kept = siteSpecFromHelmValues(values, { keepData: true, release: 'ml' }).spec as any;
  assert.deepEqual(kept.storage.existingClaims, { fileserver: 'ml-clearml-fileserver-data', elasticsearch: 'clearml-elastic-master-clearml-elastic-master-0', mongodb: 'ml-mongodb', redis: 'redis-data-ml-redis-master-0' });
  assert.equal(kept.storage.sizes, undefined, 'an existing claim keeps its size');
});

test('values map to their site-spec fields; what cannot be mapped is listed by values path', () => {
  const values = {
    global: { imageRegistry: 'registry.corp.internal/mirror' },
    imageCredentials: { enabled: true, existingSecret: 'corp-registry' },
    apiserver: {
      deploymentAnnotations: { owner: 'ml' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/clearml' },
      image: { pullPolicy: 'Always' },
      service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } },
      ingress: { enabled: true, ingressClassName: 'nginx', hostName: 'api.ml.acme.io', tlsSecretName: 'ml-tls', annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '600' } },
      extraEnvs: [{ name: 'CLEARML__logging__level', value: 'INFO' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'x', key: 'y' } } }],
      nodeSelector: { pool: 'cpu' },
      additionalVolumes: [{ name: 'x', hostPath: { path: '/data' } }],
      existingAdditionalConfigsConfigMap: 'clearml-extra',
    },
    webserver: {
      ingress: { enabled: true, ingressClassName: 'nginx', hostName: 'app.ml.acme.io', tlsSecretName: 'ml-tls', path: '/' },
      replicaCount: 2,
      // The chart's own example (values.yaml, apiserver.additionalVolumes): a RAM disk at /dev/shm.
      additionalVolumes: [{ name: 'ramdisk', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } }],
      additionalVolumeMounts: [{ mountPath: '/dev/shm', name: 'ramdisk' }],
    },
    fileserver: { ingress: { enabled: true, ingressClassName: 'nginx', hostName: 'files.ml.acme.io', tlsSecretName: 'ml-tls' } },
    redis: { enabled: false },
    externalServices: { redisHost: 'redis.db.acme.io', redisPort: 6380 },
    somethingElse: { x: 1 },
  };
  const { spec, unmapped } = siteSpecFromHelmValues(values, { keepData: false, namespace: 'ml' }) as { spec: any; unmapped: { path: string }[] };
  assert.deepEqual(Object.keys(spec), ['profile', 'namespace', 'expose', 'ingress', 'storage', 'images', 'external', 'components', 'credentials']);
  assert.deepEqual(spec.ingress, { hosts: { api: 'api.ml.acme.io', app: 'app.ml.acme.io', files: 'files.ml.acme.io' }, className: 'nginx', tlsSecret: 'ml-tls', endpoints: { api: { annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '600' } } } });
  assert.deepEqual(spec.images, { registry: 'registry.corp.internal/mirror', pullSecrets: ['corp-registry'] });
  assert.deepEqual(spec.external, { redis: { host: 'redis.db.acme.io', port: 6380 } });
  assert.deepEqual(spec.components.apiserver, {
    annotations: { owner: 'ml' },
    podAnnotations: { 'prometheus.io/scrape': 'true' },
    serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/clearml' } },
    service: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } },
    extraEnv: { CLEARML__logging__level: 'INFO' },
    nodeSelector: { pool: 'cpu' },
  });
  assert.deepEqual(spec.components.webserver, { replicas: 2, extraVolumes: [{ name: 'ramdisk', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } }], extraVolumeMounts: [{ mountPath: '/dev/shm', name: 'ramdisk' }] });
  // Always on a pinned profile, and a LoadBalancer behind an Ingress, are refused by the spec: listed instead.
  assert.deepEqual(unmapped.map((u) => u.path), ['apiserver.image.pullPolicy', 'apiserver.service.type', 'apiserver.extraEnvs[1]', 'apiserver.additionalVolumes', 'apiserver.existingAdditionalConfigsConfigMap', 'somethingElse.x']);
  // And the spec composes.
  composeSiteFromText('imported', stringifyValue(spec), 'overlays/sites/imported/site.yaml', tree);
});

test('the example site from-helm is the import of its values file with --keep-data, and renders what it promises', () => {
  const dir = path.join(ROOT, 'fixtures/sites/from-helm');
  const values = parseManifest(readFileSync(path.join(dir, 'values.yaml'), 'utf8'), 'values.yaml');
  const imported = siteSpecFromHelmValues(values, { keepData: true });
  const text = readFileSync(path.join(dir, 'site.yaml'), 'utf8');
  assert.deepEqual(parseManifest(text, 'site.yaml'), imported.spec);
  assert.deepEqual(imported.unmapped.map((u) => u.path), ['clearml.existingSecret']);
  const site = composeSiteFromText('from-helm', text, 'overlays/sites/from-helm/site.yaml', tree);
  const objects = site.intended as any[];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  // Workload identity: a ServiceAccount per annotated server component, which its pods run as.
  for (const component of ['clearml-apiserver', 'clearml-fileserver']) {
    assert.equal(find('ServiceAccount', component).metadata.annotations['eks.amazonaws.com/role-arn'], `arn:aws:iam::123456789012:role/${component}`);
    assert.equal(find('Deployment', component).spec.template.spec.serviceAccountName, component);
  }
  assert.equal(find('Deployment', 'clearml-webserver').spec.template.spec.serviceAccountName, undefined);
  assert.equal(find('Deployment', 'clearml-webserver').metadata.annotations['reloader.stakater.com/auto'], 'true');
  assert.equal(find('Deployment', 'clearml-apiserver').spec.template.metadata.annotations['prometheus.io/scrape'], 'false');
  assert.deepEqual(find('Deployment', 'clearml-apiserver').spec.template.spec.nodeSelector, { 'eks.amazonaws.com/nodegroup': 'clearml' });
  assert.equal(find('Ingress', 'clearml-apiserver').metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'], '600');
  assert.equal(find('Ingress', 'clearml-webserver').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'], undefined);
  // The release's claims are prerequisites, mounted (MongoDB below data/db), never created.
  const claims = Object.values(chartClaims('clearml')).map((c) => c.claim);
  for (const claim of claims) {
    assert.ok(site.composition.prerequisites.some((p) => p.kind === 'PersistentVolumeClaim' && p.name === claim), claim);
    assert.equal(find('PersistentVolumeClaim', claim), undefined, claim);
  }
  const mongo = find('Deployment', 'clearml-mongodb').spec.template.spec;
  const dataVolume = mongo.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === 'clearml-mongodb').name;
  assert.deepEqual(mongo.containers[0].volumeMounts.filter((m: any) => m.name === dataVolume).map((m: any) => [m.mountPath, m.subPath]), [['/data/db', 'data/db']]);
});
