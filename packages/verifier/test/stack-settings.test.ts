// The stack checks of issue 14 (resources, elasticsearch-settings, mongodb-settings, single-writer,
// persistent-data) on the composer's own objects: each passes on every stock overlay and fails, with
// its id, resource and path, on one defect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkElasticsearchSettings, checkMongodbSettings, checkResources, checkSingleWriter } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const main = (objects: any[], name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0];
const at = (findings: { check: string; resource: string; path: string; severity?: string }[]) => findings.map((f) => [f.check, f.resource, f.path, f.severity ?? 'check']);
const env = (container: any, name: string) => container.env.find((e: any) => e.name === name);

test('the stack checks pass on every stock overlay', () => {
  for (const o of TREE.overlays) {
    assert.deepEqual(checkResources(o.intended, CATALOG), [], o.profile.name);
    assert.deepEqual(checkElasticsearchSettings(o.intended, CATALOG), [], o.profile.name);
    assert.deepEqual(checkMongodbSettings(o.intended, CATALOG), [], o.profile.name);
    assert.deepEqual(checkSingleWriter(o.intended, CATALOG), [], o.profile.name);
  }
});

test('resources: a request above its limit is an error, in any container and any resource', () => {
  const objects = intended('enterprise');
  main(objects, 'clearml-apiserver').resources.requests.memory = '3Gi';
  const es = find(objects, 'Deployment', 'clearml-elastic').spec.template.spec.initContainers[0];
  es.resources = { requests: { cpu: '2' }, limits: { cpu: '1500m' } };
  assert.deepEqual(at(checkResources(objects, CATALOG)), [
    ['resources', 'Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/resources/requests/memory', 'check'],
    ['resources', 'Deployment/clearml/clearml-elastic', '/spec/template/spec/initContainers/0/resources/requests/cpu', 'check'],
  ]);
  // Equal is fine; a limit without a request (the request defaults to it) too.
  main(objects, 'clearml-apiserver').resources.requests.memory = '2Gi';
  es.resources = { limits: { cpu: '1' } };
  assert.deepEqual(checkResources(objects, CATALOG), []);
});

test('resources: a memory limit below a quarter of the model\'s request is a warning (the old tree\'s MongoDB at 250M)', () => {
  const objects = intended('enterprise');
  main(objects, 'clearml-mongodb').resources = { requests: { memory: '125M' }, limits: { memory: '250M' } };
  assert.deepEqual(at(checkResources(objects, CATALOG)), [['resources', 'Deployment/clearml/clearml-mongodb', '/spec/template/spec/containers/0/resources/limits/memory', 'warning']]);
  main(objects, 'clearml-mongodb').resources.limits.memory = '256Mi'; // a quarter of 1Gi: not below
  assert.deepEqual(checkResources(objects, CATALOG), []);
});

test('resources: the Elasticsearch heap above half its limit is a warning, above the limit an error', () => {
  const objects = intended('enterprise');
  const es = main(objects, 'clearml-elastic');
  const index = es.env.findIndex((e: any) => e.name === 'ES_JAVA_OPTS');
  const path = `/spec/template/spec/containers/0/env/${index}/value`;
  es.resources.limits.memory = '2.6G'; // the old kustomize tree: -Xmx2g in 2.6G
  es.resources.requests.memory = '2.3G';
  assert.deepEqual(at(checkResources(objects, CATALOG)), [['resources', 'Deployment/clearml/clearml-elastic', path, 'warning']]);
  es.env[index].value = '-Xms3g -Xmx3g';
  assert.deepEqual(at(checkResources(objects, CATALOG)), [['resources', 'Deployment/clearml/clearml-elastic', path, 'check']]);
  es.env[index].value = '-Xms1g -Xmx1g';
  assert.deepEqual(checkResources(objects, CATALOG), []);
  es.env[index].value = '-XX:+UseG1GC'; // no -Xmx: Elasticsearch sizes the heap itself
  es.resources = { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } };
  assert.deepEqual(checkResources(objects, CATALOG), []);
});

test('elasticsearch-settings: discovery must be single-node or an explicit cluster', () => {
  const objects = intended('enterprise');
  const es = main(objects, 'clearml-elastic');
  const index = es.env.findIndex((e: any) => e.name === 'discovery.type');
  es.env[index].value = 'multi-node';
  assert.deepEqual(at(checkElasticsearchSettings(objects, CATALOG)), [['elasticsearch-settings', 'Deployment/clearml/clearml-elastic', `/spec/template/spec/containers/0/env/${index}`, 'check']]);
  es.env.splice(index, 1);
  assert.deepEqual(at(checkElasticsearchSettings(objects, CATALOG)).map((f) => f[2]), ['/spec/template/spec/containers/0/env']);
  es.env.push({ name: 'discovery.seed_hosts', value: 'clearml-elastic-headless' }); // the Helm chart's way
  assert.deepEqual(checkElasticsearchSettings(objects, CATALOG), []);
  es.env.push({ name: 'ES_SETTING_DISCOVERY_TYPE', value: 'single-node' });
  es.env.splice(-2, 1);
  assert.deepEqual(checkElasticsearchSettings(objects, CATALOG), [], 'the ES_SETTING_ form counts');
});

test('elasticsearch-settings: security on (or unset on 8.x) needs credentials on the apiserver and async delete', () => {
  const objects = intended('enterprise');
  const es = main(objects, 'clearml-elastic');
  const index = es.env.findIndex((e: any) => e.name === 'xpack.security.enabled');
  es.env.splice(index, 1); // unset on elasticsearch:8.17.0: on by default
  const findings = checkElasticsearchSettings(objects, CATALOG);
  assert.deepEqual(at(findings), [['elasticsearch-settings', 'Deployment/clearml/clearml-elastic', '/spec/template/spec/containers/0/env', 'check']]);
  assert.match(findings[0]!.message, /clearml-apiserver .*clearml-async-delete/);
  const credentials = [
    { name: 'CLEARML_ELASTIC_SERVICE_USERNAME', valueFrom: { secretKeyRef: { name: 'es', key: 'username' } } },
    { name: 'CLEARML_ELASTIC_SERVICE_PASSWORD', valueFrom: { secretKeyRef: { name: 'es', key: 'password' } } },
  ];
  main(objects, 'clearml-apiserver').env.push(...structuredClone(credentials));
  assert.match(checkElasticsearchSettings(objects, CATALOG)[0]!.message, /has no .*clearml-async-delete|clearml-async-delete .*has no/);
  main(objects, 'clearml-async-delete').env.push(...structuredClone(credentials));
  assert.deepEqual(checkElasticsearchSettings(objects, CATALOG), []);
  // A 7.x image has security off unless enabled (the Helm chart's 7.17.3).
  const bare = intended('enterprise');
  const old = main(bare, 'clearml-elastic');
  old.env = old.env.filter((e: any) => e.name !== 'xpack.security.enabled');
  old.image = 'docker.elastic.co/elasticsearch/elasticsearch:7.17.3';
  assert.deepEqual(checkElasticsearchSettings(bare, CATALOG), []);
  env(old, 'discovery.type').value = 'zen';
  assert.equal(checkElasticsearchSettings(bare, CATALOG).length, 1, 'the mirrored image is still the model\'s Elasticsearch');
});

test('elasticsearch-settings: a mounted elasticsearch.yml is read, env wins over it; a test pod running curl in the image is not Elasticsearch', () => {
  const objects = intended('enterprise');
  const es = main(objects, 'clearml-elastic');
  es.env = es.env.filter((e: any) => e.name !== 'xpack.security.enabled' && e.name !== 'discovery.type');
  objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'es-config', namespace: 'clearml' }, data: { 'elasticsearch.yml': 'discovery:\n  type: single-node\nxpack.security.enabled: false\n' } });
  find(objects, 'Deployment', 'clearml-elastic').spec.template.spec.volumes.push({ name: 'esconfig', configMap: { name: 'es-config' } });
  es.volumeMounts.push({ name: 'esconfig', mountPath: '/usr/share/elasticsearch/config/elasticsearch.yml', subPath: 'elasticsearch.yml' });
  assert.deepEqual(checkElasticsearchSettings(objects, CATALOG), []);
  es.env.push({ name: 'xpack.security.enabled', value: 'true' });
  assert.equal(checkElasticsearchSettings(objects, CATALOG).length, 1);
  const tests = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'es-test', namespace: 'clearml' }, spec: { restartPolicy: 'Never', containers: [{ name: 't', image: 'elasticsearch:8.17.0', command: ['sh', '-c', 'curl clearml-elastic:9200'] }] } }];
  assert.deepEqual(checkElasticsearchSettings(tests as any, CATALOG), []);
});

test('mongodb-settings: a loopback-only --bind_ip, and a WiredTiger cache at or above the memory limit', () => {
  const objects = intended('enterprise');
  const mongo = main(objects, 'clearml-mongodb');
  const n = mongo.args.length;
  mongo.args.push('--bind_ip=127.0.0.1,::1', '--wiredTigerCacheSizeGB', '4');
  assert.deepEqual(at(checkMongodbSettings(objects, CATALOG)), [
    ['mongodb-settings', 'Deployment/clearml/clearml-mongodb', `/spec/template/spec/containers/0/args/${n}`, 'check'],
    ['mongodb-settings', 'Deployment/clearml/clearml-mongodb', `/spec/template/spec/containers/0/args/${n + 2}`, 'check'],
  ]);
  mongo.args.splice(n, 3, '--bind_ip', '0.0.0.0', '--wiredTigerCacheSizeGB', '1.5');
  assert.deepEqual(checkMongodbSettings(objects, CATALOG), []);
  mongo.args.splice(n, 2, '--bind_ip', 'localhost', '--bind_ip_all');
  assert.deepEqual(checkMongodbSettings(objects, CATALOG), [], '--bind_ip_all wins');
});

test('single-writer: a single-writer component with two replicas or RollingUpdate; a StatefulSet of one is fine', () => {
  const objects = intended('enterprise');
  const redis = find(objects, 'Deployment', 'clearml-redis');
  redis.spec.replicas = 2;
  redis.spec.strategy = { type: 'RollingUpdate' };
  delete find(objects, 'Deployment', 'clearml-fileserver').spec.strategy;
  assert.deepEqual(at(checkSingleWriter(objects, CATALOG)), [
    ['single-writer', 'Deployment/clearml/clearml-fileserver', '/spec', 'check'],
    ['single-writer', 'Deployment/clearml/clearml-redis', '/spec/replicas', 'check'],
    ['single-writer', 'Deployment/clearml/clearml-redis', '/spec/strategy', 'check'],
  ]);
  // The apiserver is not a single writer: two replicas rolling are fine. A StatefulSet of one has no strategy rule.
  const fine = intended('enterprise');
  Object.assign(find(fine, 'Deployment', 'clearml-apiserver').spec, { replicas: 2, strategy: { type: 'RollingUpdate' } });
  const mongo = find(fine, 'Deployment', 'clearml-mongodb');
  Object.assign(mongo, { kind: 'StatefulSet', spec: { ...mongo.spec, serviceName: 'clearml-mongodb', strategy: undefined, updateStrategy: { type: 'RollingUpdate' } } });
  assert.deepEqual(checkSingleWriter(fine, CATALOG), []);
});

test('single-writer: a ReadWriteOnce claim with two replicas or two workloads; ReadWriteMany is fine', () => {
  const objects = intended('enterprise');
  objects.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'shared', namespace: 'clearml' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  const api = find(objects, 'Deployment', 'clearml-apiserver');
  const web = find(objects, 'Deployment', 'clearml-webserver');
  api.spec.replicas = 2;
  for (const d of [api, web]) (d.spec.template.spec.volumes ??= []).push({ name: 'shared', persistentVolumeClaim: { claimName: 'shared' } });
  const apiVolume = api.spec.template.spec.volumes.length - 1;
  const webVolume = web.spec.template.spec.volumes.length - 1;
  assert.deepEqual(at(checkSingleWriter(objects, CATALOG)), [
    ['single-writer', 'Deployment/clearml/clearml-apiserver', `/spec/template/spec/volumes/${apiVolume}`, 'check'],
    ['single-writer', 'Deployment/clearml/clearml-webserver', `/spec/template/spec/volumes/${webVolume}`, 'check'],
  ]);
  find(objects, 'PersistentVolumeClaim', 'shared').spec.accessModes = ['ReadWriteMany'];
  assert.deepEqual(checkSingleWriter(objects, CATALOG), []);
});

test('single-writer: a rollout deadline below 60 s or below the model\'s readiness is a warning', () => {
  const objects = intended('enterprise');
  const es = find(objects, 'Deployment', 'clearml-elastic');
  Object.assign(es.spec, { progressDeadlineSeconds: 60, minReadySeconds: 50 }); // the old kustomize tree's
  find(objects, 'Deployment', 'clearml-mongodb').spec.progressDeadlineSeconds = 30;
  assert.deepEqual(at(checkSingleWriter(objects, CATALOG)), [
    ['single-writer', 'Deployment/clearml/clearml-elastic', '/spec/progressDeadlineSeconds', 'warning'],
    ['single-writer', 'Deployment/clearml/clearml-mongodb', '/spec/progressDeadlineSeconds', 'warning'],
  ]);
  es.spec.progressDeadlineSeconds = 100; // 20 + 3 × 10 + 50
  find(objects, 'Deployment', 'clearml-mongodb').spec.progressDeadlineSeconds = 60;
  assert.deepEqual(checkSingleWriter(objects, CATALOG), []);
});
