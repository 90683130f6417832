// In-process checks on objects built in memory: each check passes on the composer's own output
// and fails, with the expected check id, resource and path, on a single defect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import {
  analysePatches,
  checkBuild,
  checkEnvReferences,
  checkImages,
  checkIngressHosts,
  checkIntendedObjects,
  checkNodePorts,
  checkObjectReferences,
  checkPodSecurity,
  checkProfile,
  checkServices,
  checkTlsCertificates,
  checkTaskImages,
  checkWritablePaths,
  checkEntrypointExecutable,
  checkEnvSemantics,
  checkPrePopulate,
  sameRepository,
  compareEngines,
  defaultNodePorts,
  ingressHostsOf,
  parseLabelSelector,
  sourceOf,
  targetMatches,
  type PatchEntry,
} from '../src/index.ts';
import { catalogImages, composeSiteFromText, floatingImages } from '@clearml-k8s/overlay-composer';
import { readFileSync } from 'node:fs';
import { parseManifest, stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import { CATALOG, TREE } from './support.ts';

const tree = TREE;
const intended = (name: string) => structuredClone(tree.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

test('stock overlays pass node-ports, ingress-hosts and intended-objects in memory', () => {
  for (const name of ['current_version', 'latest', 'non-root']) assert.deepEqual(checkNodePorts(intended(name), { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG), [], name);
  assert.deepEqual(checkNodePorts(intended('enterprise'), { kind: 'none' }, CATALOG), []);
  assert.deepEqual(checkIngressHosts(intended('enterprise'), ingressHostsOf({ baseDomain: 'clearml.example.com' }), CATALOG), []);
  assert.deepEqual(checkIntendedObjects(intended('enterprise'), intended('enterprise')), []);
});

test('node-ports: a wrong nodePort names Service and path', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-fileserver').spec.ports[0].nodePort = 30082;
  const findings = checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG);
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]), [['node-ports', 'Service/clearml/clearml-fileserver', '/spec/ports/0/nodePort']]);
});

test('node-ports: a LoadBalancer Service opens the endpoint\'s NodePort too, unless it allocates none (issue 15)', () => {
  const objects = intended('current_version');
  const api = find(objects, 'Service', 'clearml-apiserver');
  api.spec.type = 'LoadBalancer';
  assert.deepEqual(checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG), []);
  api.spec.allocateLoadBalancerNodePorts = false;
  assert.deepEqual(checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG).map((f) => [f.check, f.resource, f.path]), [['node-ports', 'Service/clearml/clearml-apiserver', '/spec/allocateLoadBalancerNodePorts']]);
  api.spec.type = 'ClusterIP';
  delete api.spec.allocateLoadBalancerNodePorts;
  assert.deepEqual(checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG).map((f) => f.path), ['/spec/type']);
});

test('services: every stock overlay passes the five Service checks', () => {
  for (const o of tree.overlays) assert.deepEqual(checkServices(o.intended, CATALOG), [], o.profile.name);
});

test('service-selector: a selector that matches no pod is reported on /spec/selector only', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-apiserver').spec.selector = { 'app.kubernetes.io/name': 'apiserver' };
  assert.deepEqual(checkServices(objects, CATALOG).map((f) => [f.check, f.resource, f.path]), [['service-selector', 'Service/clearml/clearml-apiserver', '/spec/selector']]);
  assert.deepEqual(checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG), [], 'node-ports leaves it to service-selector');
});

test('selector-clash: async-delete pods carrying the apiserver labels (the upstream clash)', () => {
  const objects = intended('current_version');
  const api = find(objects, 'Deployment', 'clearml-apiserver');
  const asyncDelete = find(objects, 'Deployment', 'clearml-async-delete');
  asyncDelete.spec.template.metadata.labels = { ...api.spec.template.metadata.labels };
  asyncDelete.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8008 }];
  const findings = checkServices(objects, CATALOG);
  assert.deepEqual(findings.map((f) => [f.check, f.resource]), [['selector-clash', 'Service/clearml/clearml-apiserver']]);
  assert.match(findings[0]!.message, /Deployment\/clearml\/clearml-apiserver, Deployment\/clearml\/clearml-async-delete/);
});

test('target-port, node-port-range, node-port-unique: each names its port', () => {
  const objects = intended('current_version');
  find(objects, 'Service', 'clearml-redis').spec.ports[0].targetPort = 'redis-typo';
  find(objects, 'Service', 'clearml-fileserver').spec.ports[0].nodePort = 30080;
  const mongo = find(objects, 'Service', 'clearml-mongodb');
  mongo.spec.type = 'NodePort';
  mongo.spec.ports[0].nodePort = 27017;
  // The Service later in the build is the one reported for a reused nodePort.
  const second = objects.filter((o) => o.kind === 'Service' && o.spec.ports.some((p: any) => p.nodePort === 30080))[1].metadata.name;
  assert.deepEqual(checkServices(objects, CATALOG).map((f) => [f.check, f.resource, f.path]).sort(), [
    ['node-port-range', 'Service/clearml/clearml-mongodb', '/spec/ports/0/nodePort'],
    ['node-port-unique', `Service/clearml/${second}`, '/spec/ports/0/nodePort'],
    ['target-port', 'Service/clearml/clearml-redis', '/spec/ports/0/targetPort'],
  ]);
});

test('env-reference: hosts and ports in env resolve; public URLs are left alone', () => {
  assert.deepEqual(checkEnvReferences(intended('enterprise')), []);
  const objects = intended('current_version');
  const web = find(objects, 'Deployment', 'clearml-webserver').spec.template.spec.containers[0];
  const i = web.env.findIndex((e: any) => e.name === 'NGINX_APISERVER_ADDRESS');
  web.env[i].value = 'http://clearml-api:8008';
  web.env.push({ name: 'CLEARML_WEB_HOST', value: 'https://app.clearml.example.com' });
  const findings = checkEnvReferences(objects);
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]), [['env-reference', 'Deployment/clearml/clearml-webserver', `/spec/template/spec/containers/0/env/${i}/value`]]);
  assert.match(findings[0]!.message, /expected Service clearml\/clearml-api with port 8008/);
});

test('object-reference: missing Secret is a finding unless declared; optional references are not', () => {
  const objects = intended('enterprise');
  const secretFindings = checkObjectReferences(objects, []);
  assert.ok(secretFindings.length > 0);
  assert.ok(secretFindings.every((f) => f.check === 'object-reference' && /clearml-internal-credentials|clearml-tls/.test(f.message)));
  const declared = tree.overlays.find((o) => o.profile.name === 'enterprise')!.profile.prerequisites;
  assert.deepEqual(checkObjectReferences(objects, declared), []);
  const api = find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec;
  api.containers[0].envFrom = [{ configMapRef: { name: 'optional-extra', optional: true } }, { secretRef: { name: 'site-secret' } }];
  assert.deepEqual(checkObjectReferences(objects, declared).map((f) => f.path), ['/spec/template/spec/containers/0/envFrom/1/secretRef/name']);
});

test('object-reference: a TLS Secret a cert-manager Certificate of the build writes is not a missing reference', () => {
  const objects = intended('enterprise');
  const declared = tree.overlays.find((o) => o.profile.name === 'enterprise')!.profile.prerequisites.filter((p) => p.name !== 'clearml-tls');
  assert.deepEqual(checkObjectReferences(objects, declared).map((f) => f.path), ['/spec/tls/0/secretName', '/spec/tls/0/secretName', '/spec/tls/0/secretName']);
  const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'clearml-tls', namespace: 'clearml' }, spec: { secretName: 'clearml-tls', dnsNames: ['api.clearml.example.com'], issuerRef: { name: 'le', kind: 'ClusterIssuer' } } };
  assert.deepEqual(checkObjectReferences([...objects, certificate], declared), []);
  assert.equal(checkObjectReferences([...objects, { ...certificate, metadata: { name: 'clearml-tls', namespace: 'other' } }], declared).length, 3, 'a Certificate in another namespace writes another Secret');
});

test('tls-certificate: ingress-shim on Ingresses sharing a Secret, a Certificate beside ingress-shim, a host missing from dnsNames', () => {
  const hosts = ['api.clearml.example.com', 'app.clearml.example.com', 'files.clearml.example.com'];
  const certificate = (name: string, dnsNames: string[]) => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace: 'clearml' }, spec: { secretName: 'clearml-tls', dnsNames, issuerRef: { name: 'le', kind: 'ClusterIssuer' } } }) as ManifestObject;
  // The stock enterprise overlay: no cert-manager at all; with one Certificate for the three hosts: clean.
  assert.deepEqual(checkTlsCertificates(intended('enterprise')), []);
  assert.deepEqual(checkTlsCertificates([...intended('enterprise'), certificate('clearml-tls', hosts)]), []);
  assert.deepEqual(checkTlsCertificates([...intended('enterprise'), certificate('clearml-tls', ['*.clearml.example.com'])]), [], 'a wildcard covers one label');
  // 1. The same three Ingresses, each with ingress-shim's issuer annotation (the cloud site before the fix).
  const shim = intended('enterprise');
  for (const i of shim.filter((o) => o.kind === 'Ingress')) i.metadata.annotations = { ...(i.metadata.annotations ?? {}), 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' };
  assert.deepEqual(checkTlsCertificates(shim).map((f) => [f.check, f.resource, f.path]), [
    ['tls-certificate', 'Ingress/clearml/clearml-apiserver', '/spec/tls/0/secretName'],
    ['tls-certificate', 'Ingress/clearml/clearml-fileserver', '/spec/tls/0/secretName'],
    ['tls-certificate', 'Ingress/clearml/clearml-webserver', '/spec/tls/0/secretName'],
  ]);
  // One annotated Ingress on the shared Secret is what the docs allow; tls-acme "false" triggers nothing.
  const one = intended('enterprise');
  find(one, 'Ingress', 'clearml-webserver').metadata.annotations = { 'cert-manager.io/issuer': 'acme', 'kubernetes.io/tls-acme': 'false' };
  find(one, 'Ingress', 'clearml-apiserver').metadata.annotations['kubernetes.io/tls-acme'] = 'false';
  assert.deepEqual(checkTlsCertificates(one), []);
  find(one, 'Ingress', 'clearml-apiserver').metadata.annotations['kubernetes.io/tls-acme'] = 'true';
  assert.deepEqual(checkTlsCertificates(one).map((f) => f.resource), ['Ingress/clearml/clearml-apiserver', 'Ingress/clearml/clearml-webserver']);
  // 2. A Certificate of another name for the Secret one annotated Ingress also names.
  const beside = intended('enterprise');
  find(beside, 'Ingress', 'clearml-webserver').metadata.annotations = { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' };
  assert.deepEqual(checkTlsCertificates([...beside, certificate('clearml', hosts)]).map((f) => [f.resource, f.path]), [['Ingress/clearml/clearml-webserver', '/metadata/annotations/cert-manager.io~1cluster-issuer']]);
  // 3. The Certificate that fills the Secret lacks a host served with it.
  assert.deepEqual(checkTlsCertificates([...intended('enterprise'), certificate('clearml-tls', hosts.slice(0, 2))]).map((f) => [f.resource, f.path]), [['Ingress/clearml/clearml-fileserver', '/spec/tls/0/hosts/0']]);
});

test('images: latest, untagged and Always in a pinned overlay; catalog tag; unused images entry', () => {
  assert.deepEqual(checkImages(intended('current_version'), 'pinned', [], catalogImages(CATALOG, 'pinned'), CATALOG), []);
  assert.deepEqual(checkImages(intended('latest'), 'latest', [{ file: 'overlays/latest/kustomization.yaml', index: 0, entry: { name: 'clearml/server', newTag: 'latest' } }], catalogImages(CATALOG, 'latest'), CATALOG), []);
  assert.deepEqual(checkImages(intended('latest'), 'pinned', [], catalogImages(CATALOG, 'pinned'), CATALOG).map((f) => f.check).sort()[0], 'image-catalog');
  const objects = intended('current_version');
  find(objects, 'Deployment', 'clearml-redis').spec.template.spec.containers[0].image = 'redis';
  find(objects, 'Deployment', 'clearml-mongodb').spec.template.spec.containers[0].imagePullPolicy = 'Always';
  const findings = checkImages(objects, 'pinned', [{ file: 'k.yaml', index: 2, entry: { name: 'mongo', newTag: '8.0.0' } }], catalogImages(CATALOG, 'pinned'), CATALOG);
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]).sort(), [
    ['image-catalog', 'Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/image'],
    ['image-override', 'k.yaml', '/images/2'],
    ['image-tag', 'Deployment/clearml/clearml-mongodb', '/spec/template/spec/containers/0/imagePullPolicy'],
    ['image-tag', 'Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/image'],
  ]);
});

test('pod-security: the namespace label decides the level; hostPath fails baseline', () => {
  assert.deepEqual(checkPodSecurity(intended('current_version'), null), [], 'privileged namespace admits the classic stack');
  assert.deepEqual(checkPodSecurity(intended('non-root'), 'restricted'), []);
  const findings = checkPodSecurity(intended('current_version'), 'baseline');
  assert.ok(findings.some((f) => f.resource === 'Deployment/clearml/clearml-elastic' && /\/spec\/template\/spec\/initContainers\/\d+\/securityContext\/privileged$/.test(f.path)));
  assert.ok(findings.some((f) => /\/spec\/template\/spec\/volumes\/\d+\/hostPath$/.test(f.path)));
  assert.ok(findings.every((f) => f.check === 'pod-security' && f.message.startsWith('baseline')));
});

test('profile: enterprise promises hold and each broken promise is named', () => {
  const promises = { podSecurity: 'privileged' as const, exposure: { kind: 'ingress' as const, baseDomain: 'clearml.example.com' }, imagePolicy: 'pinned' as const, floatingImages: [] };
  assert.deepEqual(checkProfile(intended('enterprise'), promises), []);
  const objects = intended('enterprise');
  find(objects, 'Namespace', 'clearml').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
  find(objects, 'Ingress', 'clearml-webserver').spec.tls = [];
  const api = find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0];
  api.env = api.env.filter((e: any) => e.name !== 'CLEARML__apiserver__auth__cookies__domain');
  assert.deepEqual(checkProfile(objects, promises).map((f) => [f.resource, f.path]), [
    ['Namespace/clearml', '/metadata/labels/pod-security.kubernetes.io~1enforce'],
    ['Ingress/clearml/clearml-webserver', '/spec/tls'],
    ['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/env'],
  ]);
  // Body size: both api. (the SDK's events.add_batch posts) and files. (uploads) need "0".
  for (const [name, label] of [['clearml-apiserver', 'api'], ['clearml-fileserver', 'files']] as const) {
    const bodies = intended('enterprise');
    delete find(bodies, 'Ingress', name).metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'];
    const findings = checkProfile(bodies, promises);
    assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]), [['profile', `Ingress/clearml/${name}`, '/metadata/annotations/nginx.ingress.kubernetes.io~1proxy-body-size']], label);
    assert.match(findings[0]!.message, new RegExp(`on the ${label} host ${label}\\.clearml\\.example\\.com, received null`));
  }
  const capped = intended('enterprise');
  find(capped, 'Ingress', 'clearml-apiserver').metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = '8m';
  assert.deepEqual(checkProfile(capped, promises).map((f) => f.resource), ['Ingress/clearml/clearml-apiserver'], 'a finite cap on api. is a finding too');
  assert.deepEqual(checkProfile(intended('enterprise').map((o) => (o.kind === 'Ingress' && o.metadata.name === 'clearml-webserver' ? { ...o, metadata: { ...o.metadata, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' } } } : o)), promises), [], 'app. keeps the default');
  const latest = intended('latest');
  find(latest, 'Deployment', 'clearml-webserver').spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  assert.deepEqual(checkProfile(latest, { podSecurity: 'privileged', exposure: null, imagePolicy: 'latest', floatingImages: floatingImages(CATALOG, 'latest') }).map((f) => f.path), ['/spec/template/spec/containers/0/imagePullPolicy']);
});

test('patch analysis: dangling target, replace that creates, and the op that wrote a field', () => {
  const parents = intended('current_version');
  const patches: PatchEntry[] = [
    { index: 0, target: { kind: 'Deployment', name: 'clearml-web.*' }, operations: [{ op: 'replace', path: '/spec/replicas', value: 2 }, { op: 'replace', path: '/spec/paused', value: false }], error: null },
    { index: 1, target: { kind: 'Service', name: 'clearml-api' }, operations: [{ op: 'remove', path: '/spec/type' }], error: null },
    { index: 2, target: { kind: 'Deployment', labelSelector: 'app.kubernetes.io/name in (clearml-apiserver)' }, operations: [{ op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'X', value: '1' } }], error: null },
  ];
  const { findings, writes } = analysePatches('k.yaml', patches, parents, parents);
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path, f.source?.index, f.source?.operation]), [
    ['patch-replace-creates', 'Deployment/clearml/clearml-webserver', '/spec/paused', 0, 1],
    ['patch-target', 'k.yaml', '/patches/1/target', 1, undefined],
  ]);
  const appended = find(parents, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0].env.length;
  assert.deepEqual(sourceOf(writes, 'Deployment/clearml/clearml-apiserver', `/spec/template/spec/containers/0/env/${appended}/value`), { file: 'k.yaml', field: 'patches', index: 2, operation: 0 });
  assert.equal(sourceOf(writes, 'Deployment/clearml/clearml-apiserver', '/spec/replicas'), undefined);
});

test('label selectors and targets follow kustomize: anchored names, set-based selectors', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'clearml-apiserver', namespace: 'clearml', labels: { tier: 'api', env: 'prod' } } };
  assert.equal(targetMatches({ kind: 'Service', name: 'clearml-api' }, svc), false);
  assert.equal(targetMatches({ kind: 'Service', name: 'clearml-api.*' }, svc), true);
  assert.equal(targetMatches({ version: 'v1', labelSelector: 'tier=api,env notin (dev),!canary' }, svc), true);
  assert.equal(targetMatches({ group: 'apps', kind: 'Service' }, svc), false);
  assert.deepEqual(parseLabelSelector('a in (x, y),b'), [{ key: 'a', op: 'in', values: ['x', 'y'] }, { key: 'b', op: 'exists', values: [] }]);
  assert.throws(() => parseLabelSelector('a ~ b'), /cannot parse label selector term "a ~ b"/);
});

test('build: deprecation warnings already reported by deprecated-field are not repeated', () => {
  const render = { exitCode: 0, objects: [], stderr: "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead.\n", parseError: null, timedOut: false, durationMs: 1 };
  assert.deepEqual(checkBuild(render, 'o', new Set(['commonLabels'])), []);
  assert.deepEqual(checkBuild(render, 'o').map((f) => f.check), ['build-stderr']);
  assert.deepEqual(checkBuild({ ...render, exitCode: 1 }, 'o').map((f) => f.check), ['build']);
});

test('node-ports: a NodePort left on an Ingress overlay is reported on /spec/type', () => {
  const objects = intended('enterprise');
  find(objects, 'Service', 'clearml-webserver').spec.type = 'NodePort';
  const findings = checkNodePorts(objects, { kind: 'none' }, CATALOG);
  assert.deepEqual(findings.map((f) => [f.resource, f.path]), [['Service/clearml/clearml-webserver', '/spec/type']]);
});

test('ingress-hosts: a missing host and a wrong backend port are both reported', () => {
  const objects = intended('enterprise');
  find(objects, 'Ingress', 'clearml-webserver').spec.rules[0].host = 'web.clearml.example.com';
  find(objects, 'Ingress', 'clearml-apiserver').spec.rules[0].http.paths[0].backend.service.port.number = 80;
  const findings = checkIngressHosts(objects, ingressHostsOf({ baseDomain: 'clearml.example.com' }), CATALOG);
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

test('engine-mismatch: a field rendered differently, an object only one engine renders, a build only one passes', () => {
  const engines = [{ argv: ['old', 'kustomize'], origin: 't', label: 'old' }, { argv: ['new', 'kustomize'], origin: 't', label: 'new' }];
  const objects = intended('current_version');
  const changed = structuredClone(objects);
  find(changed, 'Service', 'clearml-redis').spec.ports[0].port = 6380;
  changed.pop();
  const render = (o: any[], exitCode = 0) => ({ exitCode, objects: o, stderr: exitCode ? 'error: boom' : '', parseError: null, timedOut: false, durationMs: 1 });
  assert.deepEqual(compareEngines(engines, [render(objects), render(structuredClone(objects).reverse())], 'o'), [], 'order alone is not a mismatch');
  const findings = compareEngines(engines, [render(objects), render(changed)], 'o');
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]), [
    ['engine-mismatch', 'Service/clearml/clearml-redis', '/spec/ports/0/port'],
    ['engine-mismatch', objectId(objects[objects.length - 1]), ''],
  ]);
  assert.match(findings[0]!.message, /^old renders 6379, new renders 6380$/);
  assert.match(compareEngines(engines, [render([], 1), render(objects)], 'o')[0]!.message, /^builds with new but fails with old: error: boom/);
});

test('object-reference: the external-db site\'s database Secrets are declared prerequisites; undeclared, each reference is a finding (issue 13 item 19)', () => {
  const site = composeSiteFromText('external-db', readFileSync(new URL('../../../fixtures/sites/external-db/site.yaml', import.meta.url), 'utf8'), 'overlays/sites/external-db/site.yaml', TREE);
  const objects = site.intended as ManifestObject[];
  const prerequisites = site.composition.prerequisites;
  assert.deepEqual(checkObjectReferences(objects, prerequisites), []);
  const databaseSecrets = new Set(['clearml-mongodb', 'clearml-elasticsearch', 'clearml-redis']);
  const findings = checkObjectReferences(objects, prerequisites.filter((p) => !databaseSecrets.has(p.name)));
  // Connection string on apiserver and async delete; ES user and password on both; Redis password on those and the fileserver.
  assert.deepEqual(findings.map((f) => f.resource).sort(), [
    ...Array(4).fill('Deployment/clearml/clearml-apiserver'),
    ...Array(4).fill('Deployment/clearml/clearml-async-delete'),
    'Deployment/clearml/clearml-fileserver',
  ]);
});

test('task-images: an air-gapped site\'s task pods pull through the mirror with its Secrets; the regressions of issue 13 item 17 are findings', () => {
  const site = (name: string) => composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, tree).intended as any[];
  for (const name of ['current_version', 'latest', 'enterprise', 'non-root']) assert.deepEqual(checkTaskImages(intended(name), CATALOG), [], name);
  assert.deepEqual(checkTaskImages(site('agents'), CATALOG), [], 'no mirror, no pull Secrets');
  const airGapped = site('air-gapped');
  assert.deepEqual(checkTaskImages(airGapped, CATALOG), []);
  // The composer before the fix: public default task image, no pull Secrets in the task template.
  const glue = find(airGapped, 'Deployment', 'clearml-agent-default');
  const env = glue.spec.template.spec.containers[0].env;
  const i = env.findIndex((e: any) => e.name === 'CLEARML_DOCKER_IMAGE');
  env[i].value = 'ubuntu:22.04';
  // A new ConfigMap object: embedded templates are parsed once per object.
  const at = airGapped.findIndex((o) => o.kind === 'ConfigMap' && o.metadata.name === 'clearml-agent-cuda-template');
  const configMap = structuredClone(airGapped[at]);
  const template = parseManifest(configMap.data['template.yaml'], 'template.yaml') as any;
  delete template.spec.imagePullSecrets;
  configMap.data['template.yaml'] = stringifyValue(template);
  airGapped[at] = configMap;
  assert.deepEqual(checkTaskImages(airGapped, CATALOG).map((f) => [f.check, f.resource, f.path]), [
    ['task-images', 'Deployment/clearml-airgap/clearml-agent-default', `/spec/template/spec/containers/0/env/${i}/value`],
    ['task-images', 'ConfigMap/clearml-airgap/clearml-agent-cuda-template', '/data/template.yaml#/spec/imagePullSecrets'],
  ]);
  // A glue without CLEARML_DOCKER_IMAGE defaults to nvidia/cuda from Docker Hub.
  env.splice(i, 1);
  assert.match(checkTaskImages(airGapped, CATALOG)[0]!.message, /task pods default to nvidia\/cuda/);
});

test('writable-paths: the non-root overlay is clean; what issue 13 items 1-3 found is caught; root, the image\'s own user and other images are not checked', () => {
  for (const name of ['current_version', 'latest', 'enterprise', 'non-root']) assert.deepEqual(checkWritablePaths(intended(name), CATALOG), [], name);
  // The non-root overlay before the fix: no emptyDirs for what the images write, no seeding.
  const objects = intended('non-root');
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const pod = d.spec.template.spec;
    pod.volumes = (pod.volumes ?? []).filter((v: any) => !v.name.startsWith('writable-'));
    for (const c of pod.containers) c.volumeMounts = (c.volumeMounts ?? []).filter((m: any) => !m.name.startsWith('writable-'));
    delete pod.initContainers;
  }
  const found = checkWritablePaths(objects, CATALOG);
  assert.deepEqual(found.map((f) => f.resource).sort(), [
    'Deployment/clearml/clearml-apiserver',
    'Deployment/clearml/clearml-async-delete',
    ...Array(5).fill('Deployment/clearml/clearml-webserver'),
  ]);
  assert.ok(found.some((f) => /\/usr\/share\/nginx\/html\/configuration\.json/.test(f.message) && /runs as uid 1000/.test(f.message)));
  // An emptyDir over the web app without its seed hides it.
  const unseeded = intended('non-root');
  delete find(unseeded, 'Deployment', 'clearml-webserver').spec.template.spec.initContainers;
  assert.deepEqual(checkWritablePaths(unseeded, CATALOG).map((f) => [f.resource, f.path]), [['Deployment/clearml/clearml-webserver', '/spec/template/spec/containers/0/volumeMounts/1']]);
  // A read-only mount does not make a directory writable.
  const readOnly = intended('non-root');
  find(readOnly, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0].volumeMounts.find((m: any) => m.name.startsWith('writable-')).readOnly = true;
  assert.equal(checkWritablePaths(readOnly, CATALOG).length, 1);
  // The k8s glue as non-root: its image cannot, whatever is mounted.
  const glue = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'clearml-agent-cpu', namespace: 'clearml' }, spec: { template: { spec: { securityContext: { runAsNonRoot: true, runAsUser: 1000 }, containers: [{ name: 'k8s-glue', image: `${CATALOG.images.agentK8sGlue.repository}:${CATALOG.images.agentK8sGlue.tag}` }] } } } } as any;
  const blocked = checkWritablePaths([glue], CATALOG);
  assert.equal(blocked.length, 1);
  assert.match(blocked[0]!.message, /\/root is mode 0700/);
  delete glue.spec.template.spec.securityContext;
  assert.deepEqual(checkWritablePaths([glue], CATALOG), [], 'the glue as its image\'s root');
  // Mirrored images are the same image; docker.io/bitnami/redis is not redis.
  const mirrored = intended('non-root');
  for (const d of mirrored.filter((o) => o.kind === 'Deployment')) for (const c of d.spec.template.spec.containers) c.image = `registry.example.internal/mirror/${c.image}`;
  delete find(mirrored, 'Deployment', 'clearml-webserver').spec.template.spec.initContainers;
  assert.equal(checkWritablePaths(mirrored, CATALOG).length, 1, 'mirrored webserver still checked');
  const bitnami = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'redis', namespace: 'clearml' }, spec: { template: { spec: { securityContext: { runAsUser: 1001 }, containers: [{ name: 'redis', image: 'docker.io/bitnami/redis:7.2' }] } } } } as any;
  assert.deepEqual(checkWritablePaths([bitnami], CATALOG), []);
  assert.equal(sameRepository('docker.io/library/redis', 'redis'), true);
  assert.equal(sameRepository('docker.io/bitnami/redis', 'redis'), false);
  assert.equal(sameRepository('registry.example.internal/mirror/redis', 'redis'), true);
});

test('entrypoint-executable: the non-root overlay is clean; the 0744 root-owned entrypoint.sh and update_from_env.py started as shipped by uid 1000 are caught; root, interpreters and other volumes are not', () => {
  for (const name of ['current_version', 'latest', 'enterprise', 'non-root']) assert.deepEqual(checkEntrypointExecutable(intended(name), CATALOG), [], name);
  const paths = (objects: any[]) => checkEntrypointExecutable(objects, CATALOG).map((f) => [f.resource, f.path]);
  // The non-root overlay before the fix: no command, no copy of the utilities.
  const before = intended('non-root');
  for (const d of before.filter((o) => o.kind === 'Deployment')) {
    const pod = d.spec.template.spec;
    for (const c of pod.containers) if (c.command?.[2] === '/opt/clearml/entrypoint.sh') delete c.command;
    pod.volumes = (pod.volumes ?? []).filter((v: any) => v.name !== 'writable-opt-clearml-utilities');
    for (const c of pod.containers) c.volumeMounts = (c.volumeMounts ?? []).filter((m: any) => m.name !== 'writable-opt-clearml-utilities');
    if (pod.initContainers) pod.initContainers = pod.initContainers.filter((ic: any) => ic.name !== 'seed-opt-clearml-utilities');
  }
  const found = checkEntrypointExecutable(before, CATALOG);
  assert.deepEqual(found.map((f) => [f.resource, f.path]), [
    ['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0'],
    ['Deployment/clearml/clearml-fileserver', '/spec/template/spec/containers/0'],
    ['Deployment/clearml/clearml-webserver', '/spec/template/spec/containers/0'],
    ['Deployment/clearml/clearml-webserver', '/spec/template/spec/containers/0/volumeMounts'],
  ]);
  assert.match(found[0]!.message, /runs as uid 1000 and starts the image's ENTRYPOINT \["\/opt\/clearml\/entrypoint.sh"\].*rwxr--r-- 0:0.*Dockerfile:15/);
  assert.match(found[3]!.message, /executes \/opt\/clearml\/utilities\/update_from_env.py .*rwxr--r-- 0:0/);
  // The same pods as root (the classic profiles' uid) start fine.
  for (const d of before.filter((o) => o.kind === 'Deployment')) d.spec.template.spec.securityContext.runAsUser = 0;
  assert.deepEqual(paths(before), []);
  // The script named as command, or by a non-root uid that is only known to be non-root: caught at command/0.
  const named = intended('non-root');
  find(named, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0].command = ['/opt/clearml/entrypoint.sh'];
  const fileserverPod = find(named, 'Deployment', 'clearml-fileserver').spec.template.spec;
  delete fileserverPod.securityContext.runAsUser;
  delete fileserverPod.containers[0].command;
  assert.deepEqual(paths(named), [['Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/command/0'], ['Deployment/clearml/clearml-fileserver', '/spec/template/spec/containers/0']]);
  // A copy made by another uid is not the webserver's own; an unfilled emptyDir hides the file; a ConfigMap there is not judged.
  const otherUid = intended('non-root');
  const web = find(otherUid, 'Deployment', 'clearml-webserver').spec.template.spec;
  web.initContainers.find((ic: any) => ic.name === 'seed-opt-clearml-utilities').securityContext.runAsUser = 2000;
  assert.deepEqual(paths(otherUid), [['Deployment/clearml/clearml-webserver', '/spec/template/spec/containers/0/volumeMounts/5']]);
  web.volumes.find((v: any) => v.name === 'writable-opt-clearml-utilities').configMap = { name: 'utilities', defaultMode: 0o755 };
  delete web.volumes.find((v: any) => v.name === 'writable-opt-clearml-utilities').emptyDir;
  assert.deepEqual(paths(otherUid), []);
  // A command that starts no model file (an interpreter, or another program) is not the entrypoint's: its direct calls are not checked.
  const inline = intended('non-root');
  const inlineWeb = find(inline, 'Deployment', 'clearml-webserver').spec.template.spec;
  inlineWeb.initContainers = inlineWeb.initContainers.filter((ic: any) => ic.name !== 'seed-opt-clearml-utilities');
  inlineWeb.containers[0].command = ['/bin/bash', '-c', 'python3 /opt/clearml/utilities/update_from_env.py /tmp/configuration.json /usr/share/nginx/html/configuration.json && exec nginx -g "daemon off;"'];
  assert.deepEqual(paths(inline), []);
  // env-semantics reads the model's non-root start as the model's, and any other command over the args entrypoint as a defect.
  assert.deepEqual(checkEnvSemantics(intended('non-root'), CATALOG).filter((f) => f.path.endsWith('/command')), []);
  assert.deepEqual(checkEnvSemantics(inline, CATALOG).filter((f) => f.path.endsWith('/command')).map((f) => f.resource), ['Deployment/clearml/clearml-webserver']);
});

test('pre-populate: artifacts into the fileserver\'s storage pass, into an emptyDir warn (issue 13 item 12)', () => {
  for (const name of ['current_version', 'latest', 'enterprise', 'non-root']) assert.deepEqual(checkPrePopulate(intended(name), CATALOG), [], name);
  const objects = intended('non-root');
  const env = find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0].env;
  env.find((e: any) => e.name === 'CLEARML__apiserver__pre_populate__enabled').value = 'true';
  const found = checkPrePopulate(objects, CATALOG);
  assert.deepEqual(found.map((f) => [f.check, f.resource]), [['pre-populate', 'Deployment/clearml/clearml-apiserver']]);
  assert.match(found[0]!.message, /an emptyDir volume and not the fileserver's storage \(\/mnt\/fileserver on pvc:clearml-fileserver-data\)/);
  // Both on the same claim: fine.
  find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec.volumes.find((v: any) => v.name === 'fileserver-data').persistentVolumeClaim = { claimName: 'clearml-fileserver-data' };
  delete find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec.volumes.find((v: any) => v.name === 'fileserver-data').emptyDir;
  assert.deepEqual(checkPrePopulate(objects, CATALOG), []);
});
