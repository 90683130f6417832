// Check `probes` in memory: probe ports the container does not declare, ports and schemes the ClearML process does
// not serve, and (warnings) components without probes or with a liveness probe that restarts before readiness.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, checkProbes, livenessRestartSeconds, readinessFirstSuccessSeconds } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const site = (name: string) => structuredClone(composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended) as any[];
const container = (objects: any[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0];
const found = (objects: any[]) => checkProbes(objects, CATALOG).map((f) => [f.resource, f.path, f.severity ?? 'error']);

test('probes is a registered error check', () => {
  assert.equal(CHECK_REGISTRY.find((c) => c.id === 'probes')?.severity, 'error');
});

test('probes: the stock overlays and the example sites pass', () => {
  for (const o of TREE.overlays) assert.deepEqual(found(structuredClone(o.intended) as any[]), [], o.profile.name);
  for (const name of ['agents', 'air-gapped', 'cloud', 'external-db', 'non-root', 'on-prem']) assert.deepEqual(found(site(name)), [], name);
});

test('probes: a named port the container does not declare is an error, on any image', () => {
  const objects = intended('enterprise');
  container(objects, 'clearml-apiserver').livenessProbe.httpGet.port = 'api';
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/livenessProbe/httpGet/port', 'error']]);
  // The same on an image the model does not know.
  const other = intended('enterprise');
  const c = container(other, 'clearml-apiserver');
  c.image = 'example.org/other:1';
  c.readinessProbe = { tcpSocket: { port: 'nope' } };
  assert.deepEqual(found(other), [['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/readinessProbe/tcpSocket/port', 'error']]);
});

test('probes: a number where the ClearML process does not listen is an error; any number on another image is not', () => {
  const objects = intended('enterprise');
  container(objects, 'clearml-fileserver').readinessProbe = { tcpSocket: { port: 8008 } };
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-fileserver', '/spec/template/spec/containers/0/readinessProbe/tcpSocket/port', 'error']]);
  container(objects, 'clearml-fileserver').readinessProbe = { tcpSocket: { port: 8081 } }; // undeclared as a number is fine: the model's port
  assert.deepEqual(found(objects), []);
  container(objects, 'clearml-fileserver').image = 'example.org/other:1';
  container(objects, 'clearml-fileserver').readinessProbe = { tcpSocket: { port: 8008 } };
  assert.deepEqual(found(objects), []);
});

test('probes: an httpGet scheme that the port does not serve is an error', () => {
  const objects = intended('enterprise');
  container(objects, 'clearml-webserver').readinessProbe.httpGet.scheme = 'HTTPS';
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-webserver', '/spec/template/spec/containers/0/readinessProbe/httpGet/scheme', 'error']]);
  container(objects, 'clearml-webserver').readinessProbe.httpGet.scheme = 'HTTP';
  assert.deepEqual(found(objects), []);
});

test('probes: a ClearML component without any probe is a warning, unless its pod runs to completion or runs another command', () => {
  const objects = intended('enterprise');
  const redis = container(objects, 'clearml-redis');
  delete redis.readinessProbe;
  delete redis.livenessProbe;
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0', 'warning']]);
  redis.command = ['redis-cli', 'ping'];
  assert.deepEqual(found(objects), []);
  delete redis.command;
  objects.find((o) => o.metadata.name === 'clearml-redis' && o.kind === 'Deployment').spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(found(objects), []);
});

test('probes: a liveness probe that restarts before readiness can first succeed is a warning; a startupProbe lifts it', () => {
  const objects = intended('enterprise');
  const api = container(objects, 'clearml-apiserver');
  api.readinessProbe.initialDelaySeconds = 120;
  assert.ok(livenessRestartSeconds(api.livenessProbe) >= readinessFirstSuccessSeconds(api.readinessProbe), 'the base: 60 + 20 × 6 = 180 ≥ 120');
  assert.deepEqual(found(objects), []);
  api.livenessProbe.failureThreshold = 2; // 60 + 20 × 2 = 100 < 120
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/livenessProbe', 'warning']]);
  api.startupProbe = { httpGet: { path: '/debug.ping', port: 'http' }, failureThreshold: 30, periodSeconds: 10 };
  assert.deepEqual(found(objects), []);
  assert.equal(livenessRestartSeconds({}), 30, 'defaults: 0 + 10 × 3');
  assert.equal(readinessFirstSuccessSeconds({ initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 3 }), 25);
});
