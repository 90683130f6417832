// Check `database-exposure` in memory: NodePort/LoadBalancer/externalIPs Services, Ingress routes and hostPorts
// that reach MongoDB, Elasticsearch or Redis from outside the cluster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, checkDatabaseExposure } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const site = (name: string) => structuredClone(composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const found = (objects: any[]) => checkDatabaseExposure(objects, CATALOG).map((f) => [f.resource, f.path]);

test('database-exposure is a registered error check; stock overlays (NodePort ones too) and example sites pass', () => {
  assert.equal(CHECK_REGISTRY.find((c) => c.id === 'database-exposure')?.severity, 'error');
  for (const o of TREE.overlays) assert.deepEqual(found(structuredClone(o.intended) as any[]), [], o.profile.name);
  for (const name of ['agents', 'air-gapped', 'cloud', 'external-db', 'non-root', 'on-prem']) assert.deepEqual(found(site(name)), [], name);
});

test('database-exposure: NodePort, LoadBalancer and externalIPs Services selecting a database are findings; the server\'s NodePorts are not', () => {
  for (const [db, service] of [['mongodb', 'clearml-mongodb'], ['elasticsearch', 'clearml-elastic'], ['redis', 'clearml-redis']] as const) {
    const objects = intended('current_version');
    assert.equal(find(objects, 'Service', 'clearml-apiserver').spec.type, 'NodePort');
    find(objects, 'Service', service).spec.type = 'LoadBalancer';
    assert.deepEqual(found(objects), [[`Service/clearml/${service}`, '/spec/type']], db);
    find(objects, 'Service', service).spec.type = 'ClusterIP';
    find(objects, 'Service', service).spec.externalIPs = ['203.0.113.7'];
    assert.deepEqual(found(objects), [[`Service/clearml/${service}`, '/spec/externalIPs']], db);
  }
});

test('database-exposure: an Ingress route to a database Service is a finding', () => {
  const objects = intended('enterprise');
  const ingress = find(objects, 'Ingress', 'clearml-fileserver');
  ingress.spec.rules[0].http.paths.push({ path: '/es', pathType: 'Prefix', backend: { service: { name: 'clearml-elastic', port: { number: 9200 } } } });
  assert.deepEqual(found(objects), [['Ingress/clearml/clearml-fileserver', `/spec/rules/0/http/paths/${ingress.spec.rules[0].http.paths.length - 1}/backend/service/name`]]);
  ingress.spec.rules[0].http.paths.pop();
  assert.deepEqual(found(objects), []);
});

test('database-exposure: a hostPort or hostNetwork on a database is a finding; on another image it is not', () => {
  const objects = intended('enterprise');
  const redis = find(objects, 'Deployment', 'clearml-redis').spec.template.spec;
  redis.containers[0].ports[0].hostPort = 6379;
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/ports/0/hostPort']]);
  delete redis.containers[0].ports[0].hostPort;
  redis.hostNetwork = true;
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/ports/0/containerPort']]);
  redis.containers[0].image = 'docker.io/bitnami/redis:7.0.9';
  assert.deepEqual(found(objects), [], 'another image of the same name is not the model\'s');
});
