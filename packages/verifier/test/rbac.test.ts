// RBAC least privilege (check `rbac`) and pod templates embedded in ConfigMaps (the k8s glue's
// `template.yaml`): each finding names its resource and JSON pointer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import { analysePatches, checkImages, checkNodePorts, checkObjectReferences, checkPodSecurity, checkRbac, checkSchema, checkServices, defaultNodePorts, loadSchemaValidator, podTemplates, sourceOf, type RbacOptions } from '../src/index.ts';
import { catalogImages } from '@clearml-k8s/overlay-composer';
import { CATALOG, TREE } from './support.ts';

const tree = TREE;
const intended = (name: string) => structuredClone(tree.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const none: RbacOptions = { clusterRoles: [], prerequisites: [] };

const serviceAccount = (name = 'clearml-agent', extra: object = {}) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'clearml' }, ...extra });
const role = (verbs = ['get', 'list', 'watch', 'create', 'delete']) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'clearml-agent', namespace: 'clearml' },
  rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs }],
});
const roleBinding = (subjects: object[] = [{ kind: 'ServiceAccount', name: 'clearml-agent' }], roleName = 'clearml-agent') => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'clearml-agent', namespace: 'clearml' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
  subjects,
});
const agent = (serviceAccountName = 'clearml-agent', spec: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'clearml-agent', namespace: 'clearml' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { serviceAccountName, containers: [{ name: 'agent', image: 'allegroai/clearml-agent-k8s-base:1.24-21' }], ...spec } } },
});
const rbac = (objects: object[], options = none) => checkRbac(objects as ManifestObject[], options).map((f) => [f.check, f.resource, f.path]);

test('rbac: a ServiceAccount, Role and RoleBinding of explicit verbs used by a workload pass', () => {
  assert.deepEqual(rbac([serviceAccount(), role(), roleBinding(), agent()]), []);
  for (const o of tree.overlays) assert.deepEqual(checkRbac(o.intended, none), [], o.profile.name);
});

test('rbac: wildcards in verbs, resources and apiGroups are reported on the list entry', () => {
  const r = role(['get', 'list', '*']);
  r.rules.push({ apiGroups: ['*'], resources: ['pods/*'], verbs: ['get'] });
  assert.deepEqual(rbac([serviceAccount(), r, roleBinding()]), [
    ['rbac', 'Role/clearml/clearml-agent', '/rules/0/verbs/2'],
    ['rbac', 'Role/clearml/clearml-agent', '/rules/1/resources/0'],
    ['rbac', 'Role/clearml/clearml-agent', '/rules/1/apiGroups/0'],
  ]);
});

test('rbac: a ClusterRole and ClusterRoleBinding pass only when the overlay declares them', () => {
  const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'clearml-agent-nodes' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }] };
  const clusterBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'clearml-agent-nodes' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'clearml-agent-nodes' },
    subjects: [{ kind: 'ServiceAccount', name: 'clearml-agent', namespace: 'clearml' }],
  };
  const objects = [serviceAccount(), clusterRole, clusterBinding, agent()];
  assert.deepEqual(rbac(objects), [
    ['rbac', 'ClusterRole/clearml-agent-nodes', '/metadata/name'],
    ['rbac', 'ClusterRoleBinding/clearml-agent-nodes', '/metadata/name'],
  ]);
  assert.deepEqual(rbac(objects, { clusterRoles: ['clearml-agent-nodes'], prerequisites: [] }), [], 'declared: the binding also makes the workload bound');
});

test('rbac: a binding to a missing Role or ServiceAccount names roleRef or the subject', () => {
  const binding = roleBinding([{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'clearml-agent' }, { kind: 'ServiceAccount', name: 'operator-sa' }], 'clearml-agnet');
  const findings = checkRbac([serviceAccount(), role(), binding] as ManifestObject[], none);
  assert.deepEqual(findings.map((f) => [f.resource, f.path]), [
    ['RoleBinding/clearml/clearml-agent', '/roleRef/name'],
    ['RoleBinding/clearml/clearml-agent', '/subjects/2/name'],
  ]);
  assert.match(findings[0]!.message, /Role clearml\/clearml-agnet/);
  assert.match(findings[1]!.message, /ServiceAccount clearml\/operator-sa/);
  assert.deepEqual(rbac([serviceAccount(), role(), roleBinding([{ kind: 'ServiceAccount', name: 'operator-sa' }])], { clusterRoles: [], prerequisites: [{ kind: 'ServiceAccount', name: 'operator-sa' }] }), [], 'a prerequisite ServiceAccount');
  assert.deepEqual(rbac([serviceAccount(), role(), roleBinding([{ kind: 'ServiceAccount', name: 'clearml-agent', namespace: 'other' }])]).map((f) => f[2]), ['/subjects/0/name'], 'the subject namespace counts');
});

test('rbac: a ServiceAccount no binding names needs no permissions and is no finding (the Helm chart\'s own accounts)', () => {
  assert.deepEqual(rbac([serviceAccount(), agent()]), [], 'an unbound ServiceAccount of the build');
  assert.deepEqual(rbac([serviceAccount(), role(), roleBinding(), agent()]), [], 'a bound one');
  assert.deepEqual(rbac([serviceAccount(), role(), roleBinding([{ kind: 'ServiceAccount', name: 'clearml-agnet' }]), agent()]).map((f) => f[2]), ['/subjects/0/name'], 'a binding that names a missing one still is');
});

test('rbac: objects without a namespace resolve into the build\'s one explicit namespace (a helm template -n render)', () => {
  const unnamespaced = <T extends { metadata: Record<string, unknown> }>(o: T): T => ({ ...o, metadata: { ...o.metadata, namespace: undefined } });
  // The ServiceAccount, Role and binding carry no namespace, the subject names "clearml", a ConfigMap is in it.
  const inClearml = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'clearml' } };
  const objects = [unnamespaced(serviceAccount()), unnamespaced(role()), unnamespaced(roleBinding([{ kind: 'ServiceAccount', name: 'clearml-agent', namespace: 'clearml' }])), unnamespaced(agent()), inClearml];
  assert.deepEqual(rbac(objects), []);
  // With two explicit namespaces there is no single one to fall back on: the subject is not found.
  const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y', namespace: 'other' } };
  assert.deepEqual(rbac([...objects, other]).map((f) => f[2]), ['/subjects/0/name']);
  assert.deepEqual(rbac(objects.slice(0, 4)).map((f) => f[2]), ['/subjects/0/name'], 'no explicit namespace at all: the subject in clearml is not the unnamespaced account');
});

/** A ConfigMap holding the glue's task pod template. */
const templateConfigMap = (doc: object, name = 'clearml-agent-cpu-template') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'clearml' }, data: { 'template.yaml': stringifyValue(doc) } });
const restrictedTask = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { labels: { 'app.kubernetes.io/name': 'clearml-apiserver', 'app.kubernetes.io/part-of': 'clearml' } },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, ports: [{ name: 'http', containerPort: 9999 }] }],
  },
};

test('podTemplates: a ConfigMap template.yaml with spec.containers is a pod template that no Service runs', () => {
  const objects = [templateConfigMap(restrictedTask), templateConfigMap({ spec: {} }, 'no-containers'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'clearml' }, data: { 'template.yaml': 'a: [' } }] as ManifestObject[];
  const templates = podTemplates(objects);
  assert.deepEqual(templates.map((t) => [t.owner.metadata.name, t.path, t.running, t.labels]), [['clearml-agent-cpu-template', '/data/template.yaml#', false, restrictedTask.metadata.labels]]);
});

test('pod-security: a ConfigMap template is held to its namespace level and reported under /data/template.yaml#', () => {
  const objects = intended('non-root');
  objects.push(templateConfigMap(restrictedTask));
  assert.deepEqual(checkPodSecurity(objects, null), [], 'restricted template in a restricted namespace');
  const task = structuredClone(restrictedTask) as any;
  task.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
  objects[objects.length - 1] = templateConfigMap(task);
  assert.deepEqual(checkPodSecurity(objects, null).map((f) => [f.resource, f.path, f.message.split(' ')[0]]), [
    ['ConfigMap/clearml/clearml-agent-cpu-template', '/data/template.yaml#/spec/containers/0/securityContext/allowPrivilegeEscalation', 'restricted'],
  ]);
  const privileged = intended('current_version');
  privileged.push(templateConfigMap(task));
  assert.deepEqual(checkPodSecurity(privileged, null), [], 'the privileged namespace admits it');
});

test('service checks ignore ConfigMap templates, even with matching labels and ports', () => {
  for (const name of ['current_version', 'enterprise']) {
    const objects = intended(name);
    objects.push(templateConfigMap(restrictedTask));
    assert.deepEqual(checkServices(objects, CATALOG), [], name);
    if (name === 'current_version') assert.deepEqual(checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }, CATALOG), []);
  }
});

test('images and references follow ConfigMap templates; a container without an image is the glue\'s', () => {
  const task = structuredClone(restrictedTask) as any;
  task.spec.containers.push({ name: 'sidecar', image: 'busybox:latest', envFrom: [{ secretRef: { name: 'missing' } }] });
  const objects = [templateConfigMap(task)] as ManifestObject[];
  assert.deepEqual(checkImages(objects, 'pinned', [], catalogImages(CATALOG, 'pinned'), CATALOG).map((f) => [f.check, f.path]), [['image-tag', '/data/template.yaml#/spec/containers/1/image']]);
  assert.deepEqual(checkObjectReferences(objects, []).map((f) => f.path), ['/data/template.yaml#/spec/containers/1/envFrom/0/secretRef/name']);
  task.spec.serviceAccountName = 'clearml-task';
  assert.deepEqual(checkObjectReferences([templateConfigMap(task)] as ManifestObject[], []).map((f) => f.path), ['/data/template.yaml#/spec/serviceAccountName', '/data/template.yaml#/spec/containers/1/envFrom/0/secretRef/name']);
  assert.deepEqual(checkObjectReferences([templateConfigMap(task), serviceAccount('clearml-task')] as ManifestObject[], []).map((f) => f.path), ['/data/template.yaml#/spec/containers/1/envFrom/0/secretRef/name']);
});

test('schema: an embedded template is validated as a Pod, placeholders aside', async () => {
  const validator = await loadSchemaValidator();
  assert.deepEqual(checkSchema([templateConfigMap(restrictedTask)] as ManifestObject[], validator), []);
  const task = structuredClone(restrictedTask) as any;
  task.spec.containers[0].securityContxt = {};
  task.spec.containers[0].resources = { limits: { memory: 'lots' } };
  const findings = checkSchema([templateConfigMap(task)] as ManifestObject[], validator);
  assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]).sort(), [
    ['schema', 'ConfigMap/clearml/clearml-agent-cpu-template', '/data/template.yaml#/spec/containers/0/resources/limits/memory'],
    ['schema', 'ConfigMap/clearml/clearml-agent-cpu-template', '/data/template.yaml#/spec/containers/0/securityContxt'],
  ]);
});

test('sourceOf: a finding inside an embedded template is traced to the patch that wrote template.yaml', () => {
  const before = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'clearml-agent-cpu-template', namespace: 'clearml' }, data: { 'template.yaml': 'spec: {containers: []}' } }] as ManifestObject[];
  const after = structuredClone(before) as any[];
  after[0].data['template.yaml'] = 'spec: {containers: [{securityContext: {privileged: true}}]}';
  const entry = { index: 0, target: { kind: 'ConfigMap', name: 'clearml-agent-cpu-template' }, operations: [{ op: 'replace', path: '/data/template.yaml', value: after[0].data['template.yaml'] }], error: null } as any;
  const { writes } = analysePatches('k.yaml', [entry], before, after);
  assert.equal(sourceOf(writes, 'ConfigMap/clearml/clearml-agent-cpu-template', '/data/template.yaml#/spec/containers/0/securityContext/privileged')?.index, 0);
});
