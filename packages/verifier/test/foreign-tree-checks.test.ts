// Checks on trees we did not write (issue 14, "Honest on trees that are not ours"): valid Kubernetes
// that other trees use is no finding, and each case shows the check still firing where it should.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { checkEnvReferences, checkNodePorts, checkObjectReferences, checkServices, defaultNodePorts } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const services = (objects: any[]) => checkServices(objects as ManifestObject[], CATALOG).map((f) => [f.check, f.resource, f.path]);

test('target-port: a numeric targetPort without declared containerPorts is valid where the component listens there (the legacy tree)', () => {
  const objects = intended('current_version');
  for (const name of ['clearml-apiserver', 'clearml-webserver', 'clearml-fileserver', 'clearml-mongodb', 'clearml-redis']) {
    const deployment = objects.find((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === name);
    for (const c of deployment.spec.template.spec.containers) delete c.ports;
    const service = find(objects, 'Service', name);
    const model = { 'clearml-apiserver': 8008, 'clearml-webserver': 80, 'clearml-fileserver': 8081, 'clearml-mongodb': 27017, 'clearml-redis': 6379 }[name]!;
    service.spec.ports[0].targetPort = model;
  }
  assert.deepEqual(services(objects), [], 'every component listens on its targetPort');
  // The webserver's nginx listens on 80, not 8080 (the image's EXPOSE): the model says so.
  find(objects, 'Service', 'clearml-webserver').spec.ports[0].targetPort = 8080;
  assert.deepEqual(services(objects), [['target-port', 'Service/clearml/clearml-webserver', '/spec/ports/0/targetPort']]);
  // A container the model does not know may listen anywhere.
  find(objects, 'Deployment', 'clearml-webserver').spec.template.spec.containers[0].image = 'nginx:1.27';
  assert.deepEqual(services(objects), [], 'an image the stack model does not know');
});

test('target-port: a named targetPort must still name a declared port', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-apiserver').spec.ports[0].targetPort = 'htp';
  assert.deepEqual(services(objects), [['target-port', 'Service/clearml/clearml-apiserver', '/spec/ports/0/targetPort']]);
});

test('node-ports: the component\'s container under another name (the Helm chart\'s clearml-apiserver) is the component', () => {
  const objects = intended('current_version');
  const api = find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec;
  api.containers[0].name = 'clearml-apiserver';
  find(objects, 'Service', 'clearml-apiserver').spec.ports[0].targetPort = 8008;
  const check = () => checkNodePorts(objects as ManifestObject[], { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG).map((f) => [f.check, f.resource, f.path]);
  assert.deepEqual(check(), []);
  // Another program on the port is not the apiserver.
  api.containers[0].image = 'docker.io/library/busybox:1.36';
  assert.deepEqual(check(), [['node-ports', 'Service/clearml/clearml-apiserver', '/spec/ports/0/targetPort']]);
});

test('node-port-range, node-port-unique: nodePort null (a Helm chart on ClusterIP Services) is no nodePort', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-mongodb').spec.ports[0].nodePort = null;
  find(objects, 'Service', 'clearml-redis').spec.ports[0].nodePort = null;
  assert.deepEqual(services(objects), []);
  find(objects, 'Service', 'clearml-redis').spec.ports[0].nodePort = 6379;
  assert.deepEqual(services(objects), [['node-port-range', 'Service/clearml/clearml-redis', '/spec/ports/0/nodePort']]);
});

test('references: unnamespaced objects resolve into the build\'s one explicit namespace (a helm template -n render)', () => {
  const objects = intended('current_version');
  // The ClearML objects lose their namespace; the databases keep "clearml", as the Bitnami charts write it.
  for (const o of objects) if (!/mongodb|redis/.test(o.metadata.name) && o.kind !== 'Namespace') delete o.metadata.namespace;
  assert.deepEqual(checkEnvReferences(objects as ManifestObject[]), []);
  assert.deepEqual(checkObjectReferences(objects as ManifestObject[], TREE.overlays.find((o) => o.profile.name === 'current_version')!.profile.prerequisites), []);
  // Two explicit namespaces: no single one to fall back on, the apiserver's MongoDB host is not found.
  objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'other' } });
  assert.ok(checkEnvReferences(objects as ManifestObject[]).some((f) => f.resource === 'Deployment/clearml-apiserver'), 'the apiserver reaches MongoDB in no namespace');
});
