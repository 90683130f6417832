import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { applyImageOverrides, parseImageReference } from '../src/index.ts';

test('parseImageReference keeps a registry port in the name and splits tag and digest', () => {
  assert.deepEqual(parseImageReference('clearml/server:2.3.0'), { name: 'clearml/server', tag: '2.3.0', digest: null });
  assert.deepEqual(parseImageReference('registry:5000/clearml/server'), { name: 'registry:5000/clearml/server', tag: null, digest: null });
  assert.deepEqual(parseImageReference('registry:5000/mongo:7.0.22@sha256:abc'), { name: 'registry:5000/mongo', tag: '7.0.22', digest: 'sha256:abc' });
});

test('applyImageOverrides changes matching containers and init containers only', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template: { spec: { initContainers: [{ name: 'i', image: 'clearml/server:2.3.0' }], containers: [{ name: 'c', image: 'redis:7.4.1' }] } } },
  } as ManifestObject;
  const [out] = applyImageOverrides([deployment], [{ name: 'clearml/server', newName: 'mirror.example.com/clearml/server', newTag: '2.4.0' }]) as any[];
  assert.equal(out.spec.template.spec.initContainers[0].image, 'mirror.example.com/clearml/server:2.4.0');
  assert.equal(out.spec.template.spec.containers[0].image, 'redis:7.4.1');
  assert.equal((deployment as any).spec.template.spec.initContainers[0].image, 'clearml/server:2.3.0', 'input not mutated');
});
