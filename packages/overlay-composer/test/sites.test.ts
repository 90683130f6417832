import { composeLayoutMismatches, readReleaseCatalog, STACK } from '@clearml-k8s/base-manifests';
// Example sites: each fixtures/sites/<name>/site.yaml composes, byte for byte, into the committed
// fixtures/sites/<name>/expected/ (the files `compose` writes to overlays/sites/<name>/).
// UPDATE_GOLDEN=1 rewrites the goldens (review the diff before committing). The CLI tests build
// and verify the same sites with the real kustomize engines.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { applySite, composeSiteFromText, composeTree, cookieDomain, CREDENTIAL_KEYS, DEFAULT_DENY_POLICY, FIXED_USERS_ENABLED_ENV, FIXED_USERS_ENV, profileByName, resourceFileName, SiteSpecError } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SITES = 'fixtures/sites';
/**
 * The goldens of fixtures/sites/NAME/expected/ are composed with the v2.3.0 catalog kept in fixtures/, not
 * the committed one, so a `bump` does not turn them stale (issue 16): a golden is the composition at known
 * sources (the pin is its point); that sites follow the catalog after a bump is cli/test/bump.test.ts's.
 */
const tree = composeTree(readReleaseCatalog(path.join(ROOT, 'fixtures/release-catalog-v2.3.0.json')));
const names = readdirSync(path.join(ROOT, SITES)).sort();

/** Reads the user files beside an example's spec (its sealed credentials), as compose reads a site directory's. */
const fixtureReader = (name: string) => (basename: string) => {
  const file = path.join(ROOT, SITES, name, basename);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
};

function compose(name: string) {
  const text = readFileSync(path.join(ROOT, SITES, name, 'site.yaml'), 'utf8');
  return composeSiteFromText(name, text, `overlays/sites/${name}/site.yaml`, tree, fixtureReader(name));
}

test('there are the five example sites of the site issue, plus agents, plus the sites of issue 15 (hardened, cloud-lb, from-helm and the two GitOps sites)', () => {
  assert.deepEqual(names, ['agents', 'air-gapped', 'argocd-external-secret', 'cloud', 'cloud-lb', 'external-db', 'flux-sealed-secret', 'from-helm', 'hardened', 'non-root', 'on-prem']);
});

for (const name of names) {
  test(`example site ${name} composes into its golden overlay`, () => {
    const site = compose(name);
    const expectedDir = path.join(ROOT, SITES, name, 'expected');
    const written = site.files.map((f) => ({ file: path.posix.basename(f.path), content: f.content }));
    assert.ok(site.files.every((f) => f.path.startsWith(`overlays/sites/${name}/`)));
    if (process.env.UPDATE_GOLDEN) {
      rmSync(expectedDir, { recursive: true, force: true });
      mkdirSync(expectedDir, { recursive: true });
      for (const f of written) writeFileSync(path.join(expectedDir, f.file), f.content);
    }
    assert.deepEqual(written.map((f) => f.file).sort(), readdirSync(expectedDir).sort());
    for (const f of written) assert.equal(f.content, readFileSync(path.join(expectedDir, f.file), 'utf8'), `${name}/${f.file}`);
  });
}

test('what each example promises is in its intended objects', () => {
  const objects = (name: string) => compose(name).intended as any[];
  const find = (list: any[], kind: string, n: string) => list.find((o) => o.kind === kind && o.metadata.name === n);
  const onPrem = objects('on-prem');
  assert.equal(find(onPrem, 'Service', 'clearml-webserver').spec.ports[0].nodePort, 30180);
  assert.ok(onPrem.filter((o) => o.kind === 'Deployment').every((d) => (d.spec.template.spec.volumes ?? []).every((v: any) => !v.hostPath || v.hostPath.path.startsWith('/data/clearml/'))));
  assert.equal(find(onPrem, 'Deployment', 'clearml-apiserver').spec.replicas, 2);
  const external = objects('external-db');
  assert.deepEqual(external.filter((o) => /clearml-(mongodb|elastic|redis)$/.test(o.metadata.name)), [], 'no bundled databases');
  assert.deepEqual(external.filter((o) => o.kind === 'PersistentVolumeClaim'), []);
  const apiEnv = find(external, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0].env;
  assert.ok(apiEnv.some((e: any) => e.name === 'CLEARML_REDIS_SERVICE_HOST' && e.value === 'redis.db.example.org'));
  const airGapped = compose('air-gapped');
  assert.equal(airGapped.composition.namespace, 'clearml-airgap');
  assert.ok((airGapped.intended as any[]).every((o) => o.kind === 'Namespace' ? o.metadata.name === 'clearml-airgap' : o.metadata.namespace === 'clearml-airgap'));
  assert.ok((airGapped.intended as any[]).filter((o) => o.kind === 'Deployment').every((d) => d.spec.template.spec.containers.every((c: any) => c.image.startsWith('registry.corp.internal/mirror/'))));
  const nonRoot = compose('non-root');
  assert.ok(nonRoot.composition.prerequisites.some((p) => p.kind === 'PersistentVolumeClaim' && p.name === 'clearml-fileserver-legacy'));
  assert.ok(!(nonRoot.intended as any[]).some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'clearml-fileserver-data'));
  const cloud = compose('cloud');
  assert.deepEqual(cloud.composition.exposure, { kind: 'ingress', baseDomain: 'clearml.acme.io', hosts: { api: 'api.clearml.acme.io', app: 'app.clearml.acme.io', files: 'files.clearml.acme.io' } });
  // The TLS Secret comes from the site's Certificate (cert-manager writes it): cert-manager and the issuer are the prerequisites.
  assert.deepEqual(cloud.composition.prerequisites.map((p) => `${p.kind}/${p.name}`).sort(), ['ClusterIssuer/letsencrypt-prod', 'CustomResourceDefinition/certificates.cert-manager.io', 'IngressClass/nginx', 'Secret/clearml-fixed-users', 'Secret/clearml-internal-credentials', 'StorageClass/gp3']);
});

test('the hardened example (issue 15): default deny and one policy per component taking connections, a PDB for the two webservers, PriorityClasses declared, read-only server roots', () => {
  const site = compose('hardened');
  const objects = site.intended as any[];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
  assert.deepEqual(policies, ['clearml-apiserver-ingress', DEFAULT_DENY_POLICY, 'clearml-elastic-ingress', 'clearml-fileserver-ingress', 'clearml-mongodb-ingress', 'clearml-redis-ingress', 'clearml-webserver-ingress']);
  assert.ok(objects.filter((o) => o.kind === 'NetworkPolicy').every((o) => o.metadata.namespace === 'clearml-prod'));
  assert.deepEqual(objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => [o.metadata.name, o.spec.maxUnavailable]), [['clearml-webserver', 1]]);
  assert.deepEqual(site.composition.prerequisites.filter((p) => p.kind === 'PriorityClass').map((p) => p.name).sort(), ['clearml-critical', 'clearml-high']);
  const readOnly = objects.filter((o) => o.kind === 'Deployment' && o.spec.template.spec.containers[0].securityContext?.readOnlyRootFilesystem).map((o) => o.metadata.name);
  assert.deepEqual(readOnly, ['clearml-apiserver', 'clearml-async-delete', 'clearml-fileserver', 'clearml-webserver']);
  assert.equal(resourceFileName('NetworkPolicy'), 'network-policies.yaml');
  assert.equal(resourceFileName('PodDisruptionBudget'), 'pod-disruption-budgets.yaml');
  assert.equal(resourceFileName('Ingress'), 'ingresses.yaml');
  assert.equal(resourceFileName('Gateway'), 'gateways.yaml');
});

test('a site with credentials.secret turns fixed users on from it; a fixedUsersSecret supplies the users instead (issue 13 item 9)', () => {
  const apiEnv = (name: string) => (compose(name).intended as any[]).find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name).spec.template.spec.containers[0].env as any[];
  const get = (env: any[], name: string) => env.find((e) => e.name === name);
  for (const name of ['agents', 'air-gapped', 'non-root', 'on-prem']) {
    const env = apiEnv(name);
    assert.equal(get(env, FIXED_USERS_ENABLED_ENV)?.value, 'true', name);
    assert.deepEqual(get(env, FIXED_USERS_ENV)?.valueFrom, { secretKeyRef: { name: 'clearml-internal-credentials', key: 'fixed_users' } }, name);
  }
  // cloud mounts clearml-fixed-users as apiserver.conf: an env var would override the file's users
  // (clearml-server v2.3.0 apiserver/config/basic.py:131-148), so only the switch stays.
  const cloud = apiEnv('cloud');
  assert.equal(get(cloud, FIXED_USERS_ENABLED_ENV)?.value, 'true');
  assert.equal(get(cloud, FIXED_USERS_ENV), undefined);
  // A site that names no Secret keeps the image's defaults (verify warns: public-credentials).
  const open = (composeSiteFromText('open', 'profile: current_version\n', 'overlays/sites/open/site.yaml', tree).intended as any[]).find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name).spec.template.spec.containers[0].env;
  assert.equal(get(open, FIXED_USERS_ENABLED_ENV), undefined);
  assert.equal(get(apiEnv('on-prem'), FIXED_USERS_ENABLED_ENV)?.value, 'true');
  // An enterprise site with its own fixed-users Secret drops the profile's users too.
  const text = 'profile: enterprise\ningress:\n  domain: ml.acme.io\ncredentials:\n  fixedUsersSecret: clearml-fixed-users\n';
  const env = (composeSiteFromText('x', text, 'overlays/sites/x/site.yaml', tree).intended as any[]).find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name).spec.template.spec.containers[0].env;
  assert.equal(get(env, FIXED_USERS_ENABLED_ENV)?.value, 'true');
  assert.equal(get(env, FIXED_USERS_ENV), undefined);
});

// ---- issue 13 item 19: external databases read credentials and connection strings from Secrets ----

const envOf = (objects: readonly any[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0].env as any[];
const secretRef = (env: any[], name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
/** Deployment names of the components whose connections reach `db`, from the stack model. */
const clientsOf = (db: string) => tree.context.model.components.filter((c) => c.base && c.connections.some((k) => k.target === db)).map((c) => c.name).sort();

test('external-db: the MongoDB connection string and the Elasticsearch and Redis credentials come from the site\'s Secrets, on every component that connects', () => {
  const site = compose('external-db');
  const objects = site.intended as any[];
  assert.deepEqual(clientsOf('mongodb'), ['clearml-apiserver', 'clearml-async-delete']);
  assert.deepEqual(clientsOf('redis'), ['clearml-apiserver', 'clearml-async-delete', 'clearml-fileserver']);
  const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name as string);
  for (const name of deployments) {
    const env = envOf(objects, name);
    const has = (db: string) => clientsOf(db).includes(name);
    // A connection string replaces host and port: the server ignores them then, and they would name the removed Service.
    assert.equal(env.some((e) => /^CLEARML_MONGODB_SERVICE_(HOST|PORT)$/.test(e.name)), false, name);
    assert.deepEqual(secretRef(env, 'CLEARML_MONGODB_SERVICE_CONNECTION_STRING'), has('mongodb') ? { name: 'clearml-mongodb', key: 'connectionString' } : undefined, name);
    assert.deepEqual(secretRef(env, 'CLEARML_ELASTIC_SERVICE_USERNAME'), has('elasticsearch') ? { name: 'clearml-elasticsearch', key: 'user' } : undefined, name);
    assert.deepEqual(secretRef(env, 'CLEARML_ELASTIC_SERVICE_PASSWORD'), has('elasticsearch') ? { name: 'clearml-elasticsearch', key: 'password' } : undefined, name);
    assert.deepEqual(secretRef(env, 'CLEARML_REDIS_SERVICE_PASSWORD'), has('redis') ? { name: 'clearml-redis', key: 'password' } : undefined, name);
    // Non-optional references: a missing Secret or key stops the pod instead of starting it unauthenticated.
    for (const e of env) assert.notEqual(e.valueFrom?.secretKeyRef?.optional, true, `${name} ${e.name}`);
  }
  const prerequisites = site.composition.prerequisites.filter((p) => ['clearml-mongodb', 'clearml-elasticsearch', 'clearml-redis'].includes(p.name));
  assert.deepEqual(prerequisites.map((p) => [p.kind, p.name, p.documentedIn]), [
    ['Secret', 'clearml-elasticsearch', 'README.md#external-databases'],
    ['Secret', 'clearml-mongodb', 'README.md#external-databases'],
    ['Secret', 'clearml-redis', 'README.md#external-databases'],
  ]);
  assert.match(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /^### External databases$/m, 'the anchor the prerequisites point at');
});

test('external MongoDB by host: user and password from the Secret (default keys), authSource as the URI query; no literal reaches a Deployment', () => {
  const spec = {
    profile: 'current_version' as const,
    external: {
      mongodb: { host: 'mongo.db.example.org', port: 27018, credentialsSecret: { name: 'mongo-login' }, authSource: 'admin' },
      redis: { host: 'redis.db.example.org' },
    },
  };
  const composition = applySite(spec, tree.overlays.find((o) => o.profile.name === 'current_version')!.intended, profileByName('current_version'), tree.context);
  for (const name of clientsOf('mongodb')) {
    const env = envOf(composition.desired, name);
    const value = (n: string) => env.find((e) => e.name === n)?.value;
    assert.equal(value('CLEARML_MONGODB_SERVICE_HOST'), 'mongo.db.example.org');
    assert.equal(value('CLEARML_MONGODB_SERVICE_PORT'), '27018');
    assert.deepEqual(secretRef(env, 'CLEARML_MONGODB_SERVICE_USERNAME'), { name: 'mongo-login', key: 'username' });
    assert.deepEqual(secretRef(env, 'CLEARML_MONGODB_SERVICE_PASSWORD'), { name: 'mongo-login', key: 'password' });
    assert.equal(value('CLEARML_MONGODB_SERVICE_QUERY'), 'authSource=admin');
    assert.equal(env.some((e) => e.name === 'CLEARML_MONGODB_SERVICE_CONNECTION_STRING' || e.name === 'CLEARML_REDIS_SERVICE_PASSWORD'), false, 'nothing the spec does not ask for');
  }
  assert.equal(envOf(composition.desired, 'clearml-fileserver').some((e) => /MONGODB/.test(e.name)), false);
  assert.deepEqual(composition.prerequisites.filter((p) => p.documentedIn === 'README.md#external-databases').map((p) => p.name), ['mongo-login']);
});

test('README "External databases": every env the model records for database access is in the table, on the components that read it', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### External databases'), readme.indexOf('## Verify'));
  const rows = section.split('\n').filter((l) => /^\| `(mongodb|elasticsearch|redis)\./.test(l));
  const label: Record<string, string> = { apiserver: 'apiserver', asyncDelete: 'async delete', fileserver: 'fileserver' };
  for (const c of tree.context.model.components) {
    for (const a of c.databaseAccess) {
      const row = rows.find((r) => r.startsWith(`| \`${a.target}.`) && r.includes(`\`${a.env}\``));
      assert.ok(row, `${a.env} (${a.target}) is not in the README table`);
      const on = row!.split('|').at(-2)!.trim();
      const readers = tree.context.model.components.filter((k) => k.databaseAccess.some((d) => d.env === a.env && d.target === a.target)).map((k) => label[k.key]);
      assert.equal(on, readers.join(', '), a.env);
    }
  }
});

test('a component that connects to a database without recording the env of its password is a model error, not a silent gap', async () => {
  const { stackModel } = await import('@clearml-k8s/base-manifests');
  const model = stackModel(tree.context.model.components.map((c) => (c.key === 'fileserver' ? { ...c, databaseAccess: [] } : c)));
  const parent = tree.overlays.find((o) => o.profile.name === 'current_version')!.intended;
  const spec = { profile: 'current_version' as const, external: { redis: { host: 'redis.db.example.org', credentialsSecret: { name: 'redis-login' } } } };
  assert.throws(() => applySite(spec, parent, profileByName('current_version'), { ...tree.context, model }), { name: 'TypeError', message: /fileserver connects to redis but records no env carrying its password/ });
});

test('cookie domain: the suffix the three hosts share, or none', () => {
  assert.equal(cookieDomain({ api: 'api.ml.acme.io', app: 'app.ml.acme.io', files: 'files.ml.acme.io' }), 'ml.acme.io');
  assert.equal(cookieDomain({ api: 'clearml-api.acme.io', app: 'clearml.acme.io', files: 'clearml-files.acme.io' }), 'acme.io');
  assert.equal(cookieDomain({ api: 'api.acme.io', app: 'app.other.org', files: 'files.acme.io' }), null);
});

test('a patch that no longer applies after the site settings is a SITE_PATCH_PATH error with its position', () => {
  const text = 'profile: current_version\nexternal:\n  redis:\n    host: redis.example.org\npatches:\n  - target:\n      kind: Deployment\n      name: clearml-apiserver\n    operations:\n      - op: test\n        path: /spec/template/spec/containers/0/env/4/value\n        value: clearml-redis\n';
  assert.throws(() => composeSiteFromText('x', text, 'overlays/sites/x/site.yaml', tree), (error: unknown) => {
    assert.ok(error instanceof SiteSpecError);
    assert.equal(error.code, 'SITE_PATCH_PATH');
    assert.equal(error.path, '/patches/0/operations/0');
    assert.equal(error.line, 10);
    return true;
  });
});

test('applySite leaves its input alone', () => {
  const parent = tree.overlays.find((o) => o.profile.name === 'current_version')!.intended;
  const before = JSON.stringify(parent);
  applySite({ profile: 'current_version', expose: 'ingress', storage: { type: 'pvc' }, components: { apiserver: { replicas: 3 } } }, parent, profileByName('current_version'), tree.context);
  assert.equal(JSON.stringify(parent), before);
});

test('the spec shown in the README ("Add a site") is valid and composes', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Add a site'));
  const yaml = section.match(/```yaml\n([\s\S]*?)```/)![1]!;
  const site = composeSiteFromText('acme', yaml, 'overlays/sites/acme/site.yaml', tree);
  assert.equal(site.composition.namespace, 'clearml-acme');
  assert.equal(site.composition.exposure.kind, 'ingress');
});

test('agents: one glue per queue, the services_agent pair read from the server\'s own Secret, GPU selection', () => {
  const site = compose('agents');
  const objects = site.intended as any[];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
  assert.deepEqual(byKind('ServiceAccount'), ['clearml-agent']);
  assert.deepEqual(byKind('Role'), ['clearml-agent']);
  assert.deepEqual(byKind('RoleBinding'), ['clearml-agent']);
  assert.deepEqual(byKind('ClusterRole'), ['clearml-agent-namespaces-agents']);
  assert.deepEqual(site.composition.clusterRoles, ['clearml-agent-namespaces-agents']);
  assert.deepEqual(byKind('ConfigMap'), ['clearml-agent-cpu-template', 'clearml-agent-gpu-template']);
  const glue = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-agent-gpu');
  const env = Object.fromEntries(glue.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  assert.equal(env.K8S_GLUE_QUEUE, 'gpu');
  assert.equal(env.CLEARML_API_HOST, 'http://clearml-apiserver:8008');
  assert.deepEqual(env.CLEARML_API_ACCESS_KEY, { secretKeyRef: { name: 'clearml-internal-credentials', key: 'services_agent_key' } });
  const server = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-apiserver').spec.template.spec.containers[0].env;
  assert.deepEqual(server.find((e: any) => e.name === 'CLEARML__secure__credentials__services_agent__user_key').valueFrom, { secretKeyRef: { name: 'clearml-internal-credentials', key: 'services_agent_key' } });
  const template = parseManifest(objects.find((o) => o.metadata.name === 'clearml-agent-gpu-template').data['template.yaml'], 'template.yaml') as any;
  assert.deepEqual(template.spec.containers[0].resources.limits, { memory: '32Gi', 'nvidia.com/gpu': 1 });
  // Issue 13 item 15: the GPU limit schedules; the only node labels are the queue's own (no nvidia.com/gpu.present).
  assert.deepEqual(template.spec.nodeSelector, { 'cloud.example.com/node-pool': 'gpu-a100' });
  assert.deepEqual(template.spec.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  // Issue 13 item 6: a fresh server has only the queue "default"; the glue creates its queue instead of exiting.
  for (const queue of ['cpu', 'gpu']) {
    const extraArgs = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `clearml-agent-${queue}`).spec.template.spec.containers[0].env.find((e: any) => e.name === 'K8S_GLUE_EXTRA_ARGS').value;
    assert.match(extraArgs, /(^| )--create-queue( |$)/, queue);
  }
  // Issue 13 item 16: the glue never reads Secrets, so its Role grants none.
  const role = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'clearml-agent');
  assert.deepEqual(role.rules.filter((r: any) => r.resources.includes('secrets')), []);
  // Issue 13 item 7: agent-services only on the declared Docker Engine nodes.
  const services = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-agent-services');
  assert.deepEqual(services.spec.template.spec.nodeSelector, { 'cloud.example.com/container-runtime': 'docker' });
});

test('a GPU queue without a nodeSelector requires no node label', () => {
  const spec = { profile: 'current_version' as const, credentials: { secret: 'creds' }, agents: { queues: [{ name: 'gpu', gpus: 2 }] } };
  const desired = applySite(spec, tree.overlays.find((o) => o.profile.name === 'current_version')!.intended, profileByName('current_version'), tree.context).desired as any[];
  const template = parseManifest(desired.find((o) => o.metadata.name === 'clearml-agent-gpu-template').data['template.yaml'], 'template.yaml') as any;
  assert.equal(template.spec.nodeSelector, undefined);
  assert.deepEqual(template.spec.containers[0].resources.limits, { 'nvidia.com/gpu': 2 });
  assert.deepEqual(template.spec.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('air-gapped agents: task pods default to mirrored images and pull with the site\'s Secrets (issue 13 item 17)', () => {
  const objects = compose('air-gapped').intended as any[];
  const mirror = 'registry.corp.internal/mirror/';
  const glueEnv = (queue: string) => Object.fromEntries(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `clearml-agent-${queue}`).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  assert.equal(glueEnv('default').CLEARML_DOCKER_IMAGE, `${mirror}ubuntu:22.04`);
  assert.equal(glueEnv('cuda').CLEARML_DOCKER_IMAGE, `${mirror}nvidia/cuda:12.4.1-runtime-ubuntu22.04`);
  for (const queue of ['default', 'cuda']) {
    const glue = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `clearml-agent-${queue}`).spec.template.spec;
    assert.ok(glue.containers[0].image.startsWith(mirror), glue.containers[0].image);
    assert.deepEqual(glue.imagePullSecrets, [{ name: 'corp-registry' }]);
    const template = parseManifest(objects.find((o) => o.metadata.name === `clearml-agent-${queue}-template`).data['template.yaml'], 'template.yaml') as any;
    assert.deepEqual(template.spec.imagePullSecrets, [{ name: 'corp-registry' }], queue);
  }
});

test('issue 13 item 3: agents on the non-root profile are refused with the glue image\'s reason; the composer refuses a restricted agent context', () => {
  const text = 'profile: non-root\ncredentials:\n  secret: creds\nagents:\n  queues:\n    - name: default\n';
  assert.throws(() => composeSiteFromText('restricted', text, 'overlays/sites/restricted/site.yaml', tree), (error: unknown) => {
    assert.ok(error instanceof SiteSpecError, String(error));
    assert.equal(error.path, '/agents');
    assert.match(error.message, /keeps its whole program under \/root.*mode 0700/);
    assert.match(error.message, /task image with python3 and pip preinstalled/);
    return true;
  });
  const parent = tree.overlays.find((o) => o.profile.name === 'non-root')!.intended;
  assert.throws(() => applySite({ profile: 'non-root', credentials: { secret: 'creds' }, agents: { queues: [{ name: 'q' }] } }, parent, profileByName('non-root'), tree.context), /cannot run under Pod Security "restricted"/);
  // The non-root site fixture keeps the rest of its shape without agents.
  assert.ok(!compose('non-root').intended.some((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('clearml-agent')));
});

test('issue 13 item 12: a site on claims (cloud) turns pre-population off; a site on node storage (on-prem) keeps it', () => {
  const enabled = (name: string) => (compose(name).intended.find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name) as any).spec.template.spec.containers[0].env.find((e: any) => e.name === 'CLEARML__apiserver__pre_populate__enabled').value;
  assert.equal(enabled('cloud'), 'false');
  assert.equal(enabled('on-prem'), 'true');
});

test('agent-services runs privileged with the node\'s Docker socket', () => {
  const services = applySite(
    { profile: 'current_version', credentials: { secret: 'creds' }, agents: { queues: [{ name: 'q' }], services: { tag: '1.9.2', dockerEngineNodes: { nodeSelector: { runtime: 'docker' } } } } },
    tree.overlays.find((o) => o.profile.name === 'current_version')!.intended,
    profileByName('current_version'),
    tree.context,
  ).desired.find((o) => o.metadata.name === 'clearml-agent-services') as any;
  assert.equal(services.spec.template.spec.containers[0].securityContext.privileged, true);
  assert.deepEqual(services.spec.template.spec.volumes[0].hostPath, { path: '/var/run/docker.sock', type: 'Socket' });
});

test('issue 13 items 8 and 14: a NodePort site with publicUrls queues its public files URL for deletion, and its agents use the public URLs', () => {
  const text = 'profile: current_version\npublicUrls:\n  api: http://10.0.0.5:30008\n  app: http://10.0.0.5:30080\n  files: http://10.0.0.5:30081\ncredentials:\n  secret: creds\nagents:\n  queues:\n    - name: cpu\n';
  const site = composeSiteFromText('lab', text, 'overlays/sites/lab/site.yaml', tree);
  for (const name of ['clearml-apiserver', 'clearml-async-delete']) {
    const d = site.intended.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as any;
    const env = new Map(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    assert.equal(env.get('CLEARML__services__async_urls_delete__fileserver__url_prefixes'), '["http://10.0.0.5:30081","http://clearml-fileserver:8081"]', name);
  }
  const glue = site.intended.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-agent-cpu') as any;
  const glueEnv = new Map(glue.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  assert.equal(glueEnv.get('CLEARML_FILES_HOST'), 'http://10.0.0.5:30081');
  assert.equal(glueEnv.get('CLEARML_API_HOST'), 'http://10.0.0.5:30008');
});

test('node storage of sites keeps compose\'s layout: on-prem under its hostPathRoot, agent-services at /opt/clearml/agent', () => {
  // Compose service of each Deployment (COMPOSE_VOLUMES in base-manifests src/node-storage.ts is the fact).
  const service: Record<string, string> = {
    [STACK.apiserver.name]: 'apiserver', [STACK.webserver.name]: 'webserver', [STACK.fileserver.name]: 'fileserver', [STACK.asyncDelete.name]: 'async_delete',
    [STACK.elasticsearch.name]: 'elasticsearch', [STACK.mongodb.name]: 'mongo', [STACK.redis.name]: 'redis', 'clearml-agent-services': 'agent-services',
  };
  const onPrem = (compose('on-prem').intended as any[]).filter((o) => o.kind === 'Deployment');
  assert.deepEqual(onPrem.map((d) => service[d.metadata.name]).filter((s) => !s), [], 'every on-prem Deployment is a compose service');
  for (const d of onPrem) assert.deepEqual(composeLayoutMismatches(d, service[d.metadata.name]!, '/data/clearml'), [], d.metadata.name);
  const services = applySite(
    { profile: 'current_version', credentials: { secret: 'creds' }, agents: { queues: [{ name: 'q' }], services: { tag: '1.9.2' } } },
    tree.overlays.find((o) => o.profile.name === 'current_version')!.intended,
    profileByName('current_version'),
    tree.context,
  ).desired.find((o) => o.metadata.name === 'clearml-agent-services') as any;
  assert.deepEqual(composeLayoutMismatches(services, 'agent-services'), []);
  const moved = structuredClone(services);
  moved.spec.template.spec.volumes.find((v: any) => v.name === 'agent-data').hostPath.path = '/opt/clearml/agent-services';
  assert.ok(composeLayoutMismatches(moved, 'agent-services').some((p) => p.includes('compose mounts /opt/clearml/agent at /root/.clearml')), 'the check fails on a moved agent directory');
});

test('agent-services keeps the Docker Engine nodes and a node data directory whatever placement and storage do', () => {
  const parent = tree.overlays.find((o) => o.profile.name === 'current_version')!.intended;
  const services = (spec: Record<string, unknown>) =>
    (applySite({ profile: 'current_version', credentials: { secret: 'creds' }, agents: { queues: [{ name: 'q' }], services: { tag: '1.9.2', dockerEngineNodes: { nodeSelector: { runtime: 'docker' } } } }, ...spec } as never, parent, profileByName('current_version'), tree.context)
      .desired.find((o) => o.metadata.name === 'clearml-agent-services') as any).spec.template.spec;
  const hostMount = (pod: any) => pod.containers[0].env.find((e: any) => e.name === 'CLEARML_AGENT_DOCKER_HOST_MOUNT').value;
  const data = (pod: any) => pod.volumes.find((v: any) => v.name === 'agent-data');
  const placed = services({ placement: { nodeSelector: { app: 'clearml' } } });
  assert.deepEqual(placed.nodeSelector, { runtime: 'docker' });
  const claims = services({ storage: { type: 'pvc' } });
  assert.deepEqual(claims.nodeSelector, { runtime: 'docker' });
  assert.deepEqual(data(claims), { name: 'agent-data', hostPath: { path: '/opt/clearml/agent', type: 'DirectoryOrCreate' } });
  assert.equal(hostMount(claims), '/opt/clearml/agent:/root/.clearml');
  const moved = services({ storage: { type: 'hostPath', hostPathRoot: '/data/clearml' } });
  assert.equal(data(moved).hostPath.path, '/data/clearml/agent');
  assert.equal(hostMount(moved), '/data/clearml/agent:/root/.clearml');
});

// Issue 15, GitOps: the GitOps objects live beside the site, never in its build; the credentials Secret is made in the cluster.
test('GitOps sites: gitops.yaml is written beside the kustomization and is no resource of it; the Secret is made in the cluster', () => {
  for (const [name, kinds] of [['argocd-external-secret', ['Application']], ['flux-sealed-secret', ['GitRepository', 'Kustomization']]] as const) {
    const site = compose(name);
    assert.deepEqual(site.composition.gitops.map((o) => o.kind), kinds, name);
    assert.ok(site.files.some((f) => f.path === `overlays/sites/${name}/gitops.yaml`), name);
    assert.ok(!(site.kustomization.resources ?? []).includes('gitops.yaml'), `${name}: not in resources`);
    assert.ok(!(site.intended as any[]).some((o) => ['Application', 'Kustomization', 'GitRepository'].includes(o.kind)), `${name}: not in the build`);
    assert.ok(!(site.intended as any[]).some((o) => o.kind === 'Secret'), `${name}: no Secret committed`);
    assert.ok(!site.composition.prerequisites.some((p) => p.kind === 'Secret' && p.name === 'clearml-internal-credentials'), `${name}: the credentials Secret is not the operator's to create`);
  }
  const argo = compose('argocd-external-secret');
  assert.deepEqual(argo.composition.prerequisites.filter((p) => p.group === 'external-secrets.io' || p.name.includes('external-secrets')).map((p) => `${p.kind}/${p.name}`), ['CustomResourceDefinition/externalsecrets.external-secrets.io', 'ClusterSecretStore/vault-backend']);
  const app = argo.composition.gitops[0] as any;
  assert.deepEqual([app.spec.source.path, app.spec.destination.namespace, app.spec.syncPolicy.automated], ['overlays/sites/argocd-external-secret', 'clearml-acme', { prune: true, selfHeal: true }]);
  const externalSecret = (argo.intended as any[]).find((o) => o.kind === 'ExternalSecret');
  assert.deepEqual(externalSecret.spec.data.map((d: any) => d.secretKey), CREDENTIAL_KEYS.map((c) => c.key));
  assert.ok(externalSecret.spec.data.every((d: any) => d.remoteRef.key === 'clearml/acme' && d.remoteRef.property === d.secretKey));
  const flux = compose('flux-sealed-secret');
  const kustomization = flux.composition.gitops[1] as any;
  assert.deepEqual([kustomization.spec.path, kustomization.spec.prune, kustomization.spec.wait, kustomization.spec.dependsOn], ['./overlays/sites/flux-sealed-secret', true, true, [{ name: 'sealed-secrets' }]]);
  assert.ok(flux.composition.prerequisites.some((p) => p.name === 'sealedsecrets.bitnami.com'));
  // No sync waves on a Flux site (Flux orders by stages and dependsOn, not annotations).
  assert.ok(!(flux.intended as any[]).some((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave']));
});

test('credentials.sealedSecret: a missing, foreign or incomplete sealed file is refused at its position (SITE_SECRET_STORE)', () => {
  const name = 'flux-sealed-secret';
  const text = readFileSync(path.join(ROOT, SITES, name, 'site.yaml'), 'utf8');
  const sealed = readFileSync(path.join(ROOT, SITES, name, 'sealed-credentials.yaml'), 'utf8');
  const attempt = (content: string | null) => () => composeSiteFromText(name, text, `overlays/sites/${name}/site.yaml`, tree, () => content);
  const refused = (content: string | null, file: string, pointer: string) =>
    assert.throws(attempt(content), (e: unknown) => {
      assert.ok(e instanceof SiteSpecError, String(e));
      assert.deepEqual([e.code, e.file, e.path], ['SITE_SECRET_STORE', file, pointer], e.message);
      assert.ok(e.line > 0, e.message);
      return true;
    });
  const sealedPath = `overlays/sites/${name}/sealed-credentials.yaml`;
  refused(null, `overlays/sites/${name}/site.yaml`, '/credentials/sealedSecret/file');
  refused(sealed.replace('  namespace: clearml\nspec:', '  namespace: other\nspec:'), sealedPath, '/metadata/namespace');
  refused(sealed.replace(/^ {2}name: clearml-internal-credentials$/m, '  name: other'), sealedPath, '/metadata/name');
  refused(sealed.replace(/^ {4}fixed_users: .*\n/m, ''), sealedPath, '/spec/encryptedData');
  refused('apiVersion: v1\nkind: Secret\nmetadata:\n  name: clearml-internal-credentials\nstringData: {a: b}\n', sealedPath, '/kind');
  assert.throws(attempt(null), /kubeseal --format yaml > overlays\/sites\/flux-sealed-secret\/sealed-credentials\.yaml/);
});
