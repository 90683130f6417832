// Check `container-ports` in memory: two containers of a pod on one port, Service ports that do not speak the
// ClearML process's protocol or reach its named port on another number, Ingress backends naming ports their
// Service lacks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, checkContainerPorts, checkIngressHosts, ingressHostsOf } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const site = (name: string) => structuredClone(composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const pod = (objects: any[], name: string) => find(objects, 'Deployment', name).spec.template.spec;
const ENTERPRISE = { kind: 'ingress', baseDomain: 'clearml.example.com' } as const;
const found = (objects: any[], exposure: any = null) => checkContainerPorts(objects, CATALOG, exposure).map((f) => [f.resource, f.path]);

test('container-ports is a registered error check; stock overlays and example sites pass', () => {
  assert.equal(CHECK_REGISTRY.find((c) => c.id === 'container-ports')?.severity, 'error');
  for (const o of TREE.overlays) assert.deepEqual(found(structuredClone(o.intended) as any[], o.profile.name === 'enterprise' ? ENTERPRISE : null), [], o.profile.name);
  for (const name of ['agents', 'air-gapped', 'cloud', 'external-db', 'non-root', 'on-prem']) assert.deepEqual(found(site(name)), [], name);
});

test('container-ports: a sidecar on the port of the main container is a finding; an init container that exits is not', () => {
  const objects = intended('enterprise');
  const sidecar = { name: 'proxy', image: 'example.org/proxy:1', ports: [{ containerPort: 8008 }] };
  pod(objects, 'clearml-apiserver').initContainers = [sidecar];
  assert.deepEqual(found(objects), [], 'a plain init container has exited before the apiserver starts');
  (sidecar as any).restartPolicy = 'Always';
  assert.deepEqual(found(objects), [['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/ports/0/containerPort']]);
  (sidecar.ports[0] as any).protocol = 'UDP';
  assert.deepEqual(found(objects), [], 'another protocol is another port');
});

test('container-ports: a Service port or container port with another protocol than the model\'s is a finding', () => {
  const objects = intended('enterprise');
  find(objects, 'Service', 'clearml-apiserver').spec.ports[0].protocol = 'UDP';
  assert.deepEqual(found(objects), [['Service/clearml/clearml-apiserver', '/spec/ports/0/protocol']]);
  find(objects, 'Service', 'clearml-apiserver').spec.ports[0].protocol = 'TCP';
  assert.deepEqual(found(objects), []);
  pod(objects, 'clearml-redis').containers[0].ports[0].protocol = 'SCTP';
  find(objects, 'Service', 'clearml-redis').spec.ports[0].protocol = 'SCTP';
  assert.deepEqual(found(objects), [['Service/clearml/clearml-redis', '/spec/ports/0/protocol'], ['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/ports/0/protocol']]);
});

test('container-ports: a targetPort name the model gives the component, declared on another number, is a finding', () => {
  const objects = intended('enterprise');
  pod(objects, 'clearml-webserver').containers[0].ports[0].containerPort = 8080; // nginx listens on 80
  // target-port is satisfied (the name resolves); the process does not listen there.
  assert.deepEqual(found(objects), [['Service/clearml/clearml-webserver', '/spec/ports/0/targetPort']]);
  pod(objects, 'clearml-webserver').containers[0].ports[0].name = 'web';
  find(objects, 'Service', 'clearml-webserver').spec.ports[0].targetPort = 'web';
  assert.deepEqual(found(objects), [], 'a port the model does not name is not judged');
});

test('container-ports: an Ingress backend port its Service lacks is a finding, except on the promised hosts (ingress-hosts)', () => {
  const objects = intended('enterprise');
  const ingress = find(objects, 'Ingress', 'clearml-webserver');
  ingress.spec.rules[0].http.paths[0].backend.service.port = { name: 'web' };
  assert.deepEqual(found(objects, ENTERPRISE), [], 'the app. host is ingress-hosts\'s');
  assert.equal(checkIngressHosts(objects, ingressHostsOf(ENTERPRISE), CATALOG).length, 1);
  ingress.spec.rules[0].host = 'clearml.internal.example';
  assert.deepEqual(found(objects, ENTERPRISE).slice(-1), [['Ingress/clearml/clearml-webserver', '/spec/rules/0/http/paths/0/backend/service/port/name']]);
  ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 };
  assert.deepEqual(found(objects, { kind: 'nodePort' }), []);
  ingress.spec.rules[0].http.paths[0].backend.service.name = 'not-in-the-build';
  ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 1 };
  assert.deepEqual(found(objects, { kind: 'nodePort' }), [], 'a missing Service is not this check\'s');
});
