// Check `env-semantics` in memory: duplicate env names, connections of the stack model that reach the wrong
// component, port or scheme, and `command:` over an entrypoint that takes `args:`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, checkEnvSemantics } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const site = (name: string) => structuredClone(composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const main = (objects: any[], name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0];
const envOf = (objects: any[], name: string, env: string) => (main(objects, name).env as any[]).find((e) => e.name === env);
const found = (objects: any[]) => checkEnvSemantics(objects, CATALOG).map((f) => [f.resource, f.path, f.severity ?? 'error']);

test('env-semantics is a registered error check; stock overlays and example sites (external-db too) pass', () => {
  assert.equal(CHECK_REGISTRY.find((c) => c.id === 'env-semantics')?.severity, 'error');
  for (const o of TREE.overlays) assert.deepEqual(found(structuredClone(o.intended) as any[]), [], o.profile.name);
  for (const name of ['agents', 'air-gapped', 'cloud', 'external-db', 'non-root', 'on-prem']) assert.deepEqual(found(site(name)), [], name);
});

test('env-semantics: a duplicate env name is a warning; a literal after a secretKeyRef is an error', () => {
  const objects = intended('enterprise');
  const env = main(objects, 'clearml-apiserver').env as any[];
  env.push({ name: 'CLEARML_REDIS_SERVICE_PORT', value: '6379' });
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', `/spec/template/spec/containers/0/env/${env.length - 1}`, 'warning']]);
  env.pop();
  env.push({ name: 'CLEARML__secure__auth__token_secret', value: 'literal' });
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', `/spec/template/spec/containers/0/env/${env.length - 1}`, 'error']]);
});

test('env-semantics: a host naming a Service of another component is an error; an external host is not', () => {
  const objects = intended('enterprise');
  const host = envOf(objects, 'clearml-apiserver', 'CLEARML_REDIS_SERVICE_HOST');
  const index = (main(objects, 'clearml-apiserver').env as any[]).indexOf(host);
  host.value = 'clearml-mongodb';
  envOf(objects, 'clearml-apiserver', 'CLEARML_REDIS_SERVICE_PORT').value = '27017';
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', `/spec/template/spec/containers/0/env/${index}/value`, 'error']]);
  host.value = 'redis.example.net';
  assert.deepEqual(found(objects), []);
  host.value = 'clearml-redis';
  envOf(objects, 'clearml-apiserver', 'CLEARML_REDIS_SERVICE_PORT').value = '6379';
  find(objects, 'Service', 'clearml-redis').spec.selector = { app: 'nothing' };
  assert.deepEqual(found(objects), [], 'a selector that selects nothing is service-selector\'s');
});

test('env-semantics: a Service port that does not map to the target\'s port is an error', () => {
  const objects = intended('enterprise');
  const service = find(objects, 'Service', 'clearml-fileserver');
  service.spec.ports.push({ name: 'other', port: 9000, targetPort: 9000 });
  find(objects, 'Deployment', 'clearml-fileserver').spec.template.spec.containers[0].ports.push({ name: 'other', containerPort: 9000 });
  const address = envOf(objects, 'clearml-webserver', 'NGINX_FILESERVER_ADDRESS');
  address.value = 'http://clearml-fileserver:9000';
  assert.deepEqual(found(objects).map((f) => f[0]), ['Deployment/clearml/clearml-webserver']);
  address.value = 'http://clearml-fileserver:8081';
  assert.deepEqual(found(objects), []);
});

test('env-semantics: https:// to a plain-http port, and a wrong --fileserver-host, are errors', () => {
  const objects = intended('enterprise');
  envOf(objects, 'clearml-webserver', 'NGINX_APISERVER_ADDRESS').value = 'https://clearml-apiserver:8008';
  assert.deepEqual(found(objects).map((f) => f[0]), ['Deployment/clearml/clearml-webserver']);
  envOf(objects, 'clearml-webserver', 'NGINX_APISERVER_ADDRESS').value = 'http://clearml-apiserver:8008';
  const job = main(objects, 'clearml-async-delete');
  const flag = (job.command as string[]).indexOf('--fileserver-host');
  assert.ok(flag >= 0, 'the base passes --fileserver-host on the command line');
  job.command[flag + 1] = 'http://clearml-webserver:8080';
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-async-delete', `/spec/template/spec/containers/0/command/${flag + 1}`, 'error']]);
  job.command[flag + 1] = 'http://clearml-fileserver:8081';
  assert.deepEqual(found(objects), []);
  job.command[flag] = '--fileserver-host=https://clearml-fileserver:8081';
  job.command.splice(flag + 1, 1);
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-async-delete', `/spec/template/spec/containers/0/command/${flag}`, 'error']], '--flag=value, https to http');
});

test('env-semantics: command: on a component whose entrypoint takes args is an error', () => {
  const objects = intended('enterprise');
  main(objects, 'clearml-fileserver').command = ['python3', '-m', 'fileserver'];
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-fileserver', '/spec/template/spec/containers/0/command', 'error']]);
  delete main(objects, 'clearml-fileserver').command;
  assert.ok(main(objects, 'clearml-async-delete').command, 'async delete runs a command by the model');
  assert.deepEqual(found(objects), []);
});
