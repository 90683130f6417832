// Check `key-references` in memory: keys of Secrets and ConfigMaps in the build, and server credentials read with
// `optional: true`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, checkKeyReferences, checkObjectReferences, CREDENTIAL_ENVS } from '../src/index.ts';
import { TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const site = (name: string) => structuredClone(composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended) as any[];
const pod = (objects: any[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec;
const found = (objects: any[]) => checkKeyReferences(objects).map((f) => [f.resource, f.path]);
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'clearml' }, data: { present: 'x' } };

test('key-references is a registered error check; stock overlays and example sites pass', () => {
  assert.equal(CHECK_REGISTRY.find((c) => c.id === 'key-references')?.severity, 'error');
  for (const o of TREE.overlays) assert.deepEqual(found(structuredClone(o.intended) as any[]), [], o.profile.name);
  for (const name of ['agents', 'air-gapped', 'cloud', 'external-db', 'non-root', 'on-prem']) assert.deepEqual(found(site(name)), [], name);
  assert.ok(CREDENTIAL_ENVS.has('CLEARML__secure__auth__token_secret'));
  assert.ok([...CREDENTIAL_ENVS].every((e) => e.startsWith('CLEARML__secure__')));
});

test('key-references: an env key the ConfigMap or Secret of the build lacks is a finding, unless optional', () => {
  const objects = [...intended('enterprise'), structuredClone(configMap), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'extra', namespace: 'clearml' }, stringData: { token: 'x' } }];
  const env = pod(objects, 'clearml-fileserver').containers[0].env as any[];
  env.push({ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'present' } } }, { name: 'B', valueFrom: { secretKeyRef: { name: 'extra', key: 'token' } } });
  assert.deepEqual(found(objects), []);
  env.push({ name: 'C', valueFrom: { configMapKeyRef: { name: 'settings', key: 'absent' } } }, { name: 'D', valueFrom: { secretKeyRef: { name: 'extra', key: 'absent', optional: true } } });
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-fileserver', `/spec/template/spec/containers/0/env/${env.length - 2}/valueFrom/configMapKeyRef/key`]]);
});

test('key-references: Secrets not in the build (prerequisites, or object-reference\'s) are not judged', () => {
  const objects = intended('enterprise'); // every secretKeyRef names the credentials prerequisite
  assert.ok(JSON.stringify(objects).includes('secretKeyRef'));
  pod(objects, 'clearml-fileserver').containers[0].env.push({ name: 'X', valueFrom: { configMapKeyRef: { name: 'nowhere', key: 'k' } } });
  assert.deepEqual(found(objects), []);
  assert.equal(checkObjectReferences(objects, []).some((f) => f.path.endsWith('configMapKeyRef/name')), true, 'object-reference reports the missing object');
});

test('key-references: volume items and projected sources name keys of their object', () => {
  const objects = [...intended('enterprise'), structuredClone(configMap)];
  const spec = pod(objects, 'clearml-webserver');
  spec.volumes = [{ name: 'cfg', configMap: { name: 'settings', items: [{ key: 'present', path: 'a' }, { key: 'gone', path: 'b' }] } }, { name: 'p', projected: { sources: [{ configMap: { name: 'settings', items: [{ key: 'gone', path: 'c' }] } }] } }];
  assert.deepEqual(found(objects), [
    ['Deployment/clearml/clearml-webserver', '/spec/template/spec/volumes/0/configMap/items/1/key'],
    ['Deployment/clearml/clearml-webserver', '/spec/template/spec/volumes/1/projected/sources/0/configMap/items/0/key'],
  ]);
  spec.volumes[0].configMap.optional = true;
  spec.volumes[1].projected.sources[0].configMap.items[0].key = 'present';
  assert.deepEqual(found(objects), []);
});

test('key-references: a server credential read with optional: true is a finding; another optional env is not', () => {
  const objects = intended('enterprise');
  const env = pod(objects, 'clearml-apiserver').containers[0].env as any[];
  const token = env.findIndex((e) => e.name === 'CLEARML__secure__auth__token_secret');
  env[token].valueFrom.secretKeyRef.optional = true;
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', `/spec/template/spec/containers/0/env/${token}/valueFrom/secretKeyRef/optional`]]);
  env[token].name = 'SOMETHING_ELSE';
  assert.deepEqual(found(objects), []);
});
