// build-memo: views of a build are shared only inside one runChecks scope.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { buildMemoScope } from '../src/build-memo.ts';
import { podTemplates } from '../src/pod-templates.ts';

const deployment = (image: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } } } }) as unknown as ManifestObject;

test('build-memo: inside a scope a view is computed once and frozen; outside, and in another scope, it is computed afresh', () => {
  const objects = [deployment('a')];
  const scope = buildMemoScope();
  const first = scope(() => podTemplates(objects));
  assert.equal(scope(() => podTemplates(objects)), first, 'the same scope shares the view');
  assert.ok(Object.isFrozen(first), 'a shared view is frozen');
  assert.throws(() => (first as unknown[]).push(1), TypeError);
  assert.notEqual(podTemplates(objects), first, 'outside a scope nothing is memoised');
  assert.notEqual(buildMemoScope()(() => podTemplates(objects)), first, 'another scope shares nothing');
  objects.push(deployment('b'));
  assert.equal(podTemplates(objects).length, 2, 'outside a scope a changed build is seen');
});
