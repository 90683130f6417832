// In-process checks on objects built in memory: each check passes on the composer's own output
// and fails, with the expected check id, resource and path, on a single defect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { composeTree } from '@clearml-k8s/overlay-composer';
import { checkIngressHosts, checkIntendedObjects, checkNodePorts, defaultNodePorts } from '../src/index.ts';

const tree = composeTree();
const intended = (name: string) => structuredClone(tree.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

test('stock overlays pass node-ports, ingress-hosts and intended-objects in memory', () => {
  for (const name of ['current_version', 'latest', 'non-root']) assert.deepEqual(checkNodePorts(intended(name), { kind: 'nodePort', nodePorts: defaultNodePorts() }), [], name);
  assert.deepEqual(checkNodePorts(intended('enterprise'), { kind: 'none' }), []);
  assert.deepEqual(checkIngressHosts(intended('enterprise'), 'clearml.example.com'), []);
  assert.deepEqual(checkIntendedObjects(intended('enterprise'), intended('enterprise')), []);
});

test('node-ports: a wrong nodePort names Service and path', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-fileserver').spec.ports[0].nodePort = 30082;
  const findings = checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() });
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]), [['node-ports', 'Service/clearml/clearml-fileserver', '/spec/ports/0/nodePort']]);
});

test('node-ports: a selector that matches no pod is reported on /spec/selector', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-apiserver').spec.selector = { 'app.kubernetes.io/name': 'apiserver' };
  const findings = checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() });
  assert.deepEqual(findings.map((f) => [f.resource, f.path]), [['Service/clearml/clearml-apiserver', '/spec/selector']]);
});

test('node-ports: a NodePort left on an Ingress overlay is reported on /spec/type', () => {
  const objects = intended('enterprise');
  find(objects, 'Service', 'clearml-webserver').spec.type = 'NodePort';
  const findings = checkNodePorts(objects, { kind: 'none' });
  assert.deepEqual(findings.map((f) => [f.resource, f.path]), [['Service/clearml/clearml-webserver', '/spec/type']]);
});

test('ingress-hosts: a missing host and a wrong backend port are both reported', () => {
  const objects = intended('enterprise');
  find(objects, 'Ingress', 'clearml-webserver').spec.rules[0].host = 'web.clearml.example.com';
  find(objects, 'Ingress', 'clearml-apiserver').spec.rules[0].http.paths[0].backend.service.port.number = 80;
  const findings = checkIngressHosts(objects, 'clearml.example.com');
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]).sort(), [
    ['ingress-hosts', 'Ingress/clearml/clearml-apiserver', '/spec/rules/0/http/paths/0/backend/service'],
    ['ingress-hosts', 'Ingress/clearml/clearml-webserver', '/spec/rules'],
  ]);
});

test('intended-objects: changed field, missing object and extra object are each reported', () => {
  const want = intended('current_version');
  const got = structuredClone(want) as ManifestObject[];
  (find(got, 'Deployment', 'clearml-redis') as any).spec.replicas = 2;
  const removed = got.findIndex((o) => o.kind === 'Service' && o.metadata.name === 'clearml-redis');
  got.splice(removed, 1);
  got.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'clearml' } });
  const findings = checkIntendedObjects(got, want);
  assert.deepEqual(findings.map((f) => [f.resource, f.path]).sort(), [
    ['ConfigMap/clearml/extra', ''],
    ['Deployment/clearml/clearml-redis', '/spec/replicas'],
    ['Service/clearml/clearml-redis', ''],
  ]);
});
