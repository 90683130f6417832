// persistent-data: the data directories the stack model says a component owns survive its pod.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { checkPersistentData } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const at = (objects: any[]) => checkPersistentData(objects, CATALOG).map((f) => [f.resource, f.path]);
const site = (name: string) => composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended as any[];

test('persistent-data: the stock overlays and example sites keep every owned data directory on node storage or a claim', () => {
  for (const o of TREE.overlays) assert.deepEqual(at(o.intended as any[]), [], o.profile.name);
  for (const name of ['on-prem', 'cloud', 'air-gapped', 'external-db', 'non-root', 'agents']) assert.deepEqual(at(site(name)), [], name);
});

test('persistent-data: an emptyDir, a missing mount, a read-only mount, a Block claim, an unpinned hostPath are findings', () => {
  const emptyDir = intended('current_version');
  find(emptyDir, 'Deployment', 'clearml-redis').spec.template.spec.volumes[0] = { name: 'redis-data', emptyDir: {} };
  assert.deepEqual(at(emptyDir), [['Deployment/clearml/clearml-redis', '/spec/template/spec/volumes/0/emptyDir']]);

  const missing = intended('current_version');
  const mongo = find(missing, 'Deployment', 'clearml-mongodb').spec.template.spec;
  mongo.containers[0].volumeMounts = mongo.containers[0].volumeMounts.filter((m: any) => m.mountPath !== '/data/db');
  assert.deepEqual(at(missing), [['Deployment/clearml/clearml-mongodb', '/spec/template/spec/containers/0/volumeMounts']]);

  const readOnly = intended('current_version');
  find(readOnly, 'Deployment', 'clearml-fileserver').spec.template.spec.containers[0].volumeMounts.find((m: any) => m.mountPath === '/mnt/fileserver').readOnly = true;
  assert.equal(at(readOnly).length, 1);
  assert.match(at(readOnly)[0]![1] as string, /\/readOnly$/);

  const block = intended('non-root');
  find(block, 'PersistentVolumeClaim', 'clearml-redis-data').spec.volumeMode = 'Block';
  assert.deepEqual(at(block), [['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/volumeMounts/0']]);

  const unpinned = intended('current_version');
  delete find(unpinned, 'Deployment', 'clearml-elastic').spec.template.spec.nodeSelector;
  assert.deepEqual(at(unpinned), [['Deployment/clearml/clearml-elastic', '/spec/template/spec/volumes/0/hostPath']]);
  // The apiserver's /mnt/fileserver is not its own data (the model gives it no claim): no finding on non-root's emptyDir there.
  assert.ok(!at(intended('non-root')).some(([resource]) => resource === 'Deployment/clearml/clearml-apiserver'));
});

test('persistent-data: StatefulSet claim templates are persistent', () => {
  const objects = intended('non-root');
  const d = find(objects, 'Deployment', 'clearml-redis');
  d.kind = 'StatefulSet';
  d.spec.volumeClaimTemplates = [{ metadata: { name: 'redis-data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }];
  d.spec.template.spec.volumes = [];
  assert.deepEqual(at(objects), []);
});
