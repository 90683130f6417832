// Issue 14's policy checks on objects built in memory from the composer's own overlays: each test
// shows the check silent on the intended objects and firing, with its id, resource and path, on one defect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClusterPrerequisites, checkIngressRoutes, checkNetworkReachability, checkPolicySelectors, checkRbac, labelSelectorMatches, reachable } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const at = (findings: { check: string; resource: string; path: string }[]) => findings.map((f) => [f.check, f.resource, f.path]);

const pdb = (selector: unknown, name = 'clearml-mongodb') => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'clearml' }, spec: { maxUnavailable: 1, ...(selector === undefined ? {} : { selector }) } });
const netpol = (name: string, podSelector: unknown, spec: object = {}) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'clearml' }, spec: { ...(podSelector === undefined ? {} : { podSelector }), ...spec } });

test('label selectors: matchLabels and every matchExpressions operator; {} selects all; malformed selects nothing', () => {
  const labels = { 'app.kubernetes.io/name': 'clearml-mongodb', tier: 'db' };
  assert.equal(labelSelectorMatches({}, labels), true);
  assert.equal(labelSelectorMatches({ matchLabels: { tier: 'db' } }, labels), true);
  assert.equal(labelSelectorMatches({ matchLabels: { tier: 'web' } }, labels), false);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }] }, labels), true);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, labels), false);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels), true);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels), false);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Near', values: ['db'] }] }, labels), false);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, labels), false);
});

test('policy-selectors: the stock overlays have nothing to report; PDBs and NetworkPolicies that select a pod pass', () => {
  for (const o of TREE.overlays) assert.deepEqual(checkPolicySelectors(o.intended), [], o.profile.name);
  const objects = [
    ...intended('enterprise'),
    pdb({ matchLabels: { 'app.kubernetes.io/name': 'clearml-mongodb' } }),
    pdb({}, 'everything'),
    netpol('deny-all', {}),
    netpol('no-selector', undefined),
    netpol('databases', { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['mongodb', 'redis'] }] }),
  ];
  assert.deepEqual(checkPolicySelectors(objects), []);
});

test('policy-selectors: a PDB or NetworkPolicy that selects no pod of its namespace is reported on its selector', () => {
  const objects = [
    ...intended('enterprise'),
    pdb({ matchLabels: { 'app.kubernetes.io/name': 'clearml-mongo' } }),
    pdb(undefined, 'no-selector'),
    netpol('redis', { matchLabels: { 'app.kubernetes.io/name': 'redis' } }),
    // The right labels in another namespace select nothing here.
    { ...netpol('elsewhere', { matchLabels: { 'app.kubernetes.io/name': 'clearml-mongodb' } }), metadata: { name: 'elsewhere', namespace: 'other' } },
  ];
  assert.deepEqual(at(checkPolicySelectors(objects)), [
    ['policy-selectors', 'PodDisruptionBudget/clearml/clearml-mongodb', '/spec/selector'],
    ['policy-selectors', 'PodDisruptionBudget/clearml/no-selector', '/spec/selector'],
    ['policy-selectors', 'NetworkPolicy/clearml/redis', '/spec/podSelector'],
    ['policy-selectors', 'NetworkPolicy/other/elsewhere', '/spec/podSelector'],
  ]);
});

const component = (values: string[]) => ({ matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values }] });
const denyIngress = netpol('default-deny-ingress', {}, { policyTypes: ['Ingress'] });
const publicServers = netpol('clearml-public', component(['apiserver', 'webserver', 'fileserver']), { policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }] }] });
const databases = (clients: string[]) => netpol('clearml-databases', component(['elasticsearch', 'mongodb', 'redis']), { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: component(clients) }], ports: [{ port: 9200 }, { port: 27017 }, { port: 6379 }] }] });
/** One policy per database, admitting exactly its clients in the stack model. */
const perDatabase = [
  netpol('clearml-elastic', component(['elasticsearch']), { ingress: [{ from: [{ podSelector: component(['apiserver', 'async-delete']) }], ports: [{ port: 9200 }] }] }),
  netpol('clearml-mongodb', component(['mongodb']), { ingress: [{ from: [{ podSelector: component(['apiserver', 'async-delete']) }], ports: [{ port: 27017 }] }] }),
  netpol('clearml-redis', component(['redis']), { ingress: [{ from: [{ podSelector: component(['apiserver', 'async-delete', 'fileserver']) }], ports: [{ port: 6379 }] }] }),
];

test('reachable: Kubernetes NetworkPolicy semantics (isolation, peers, namespaces, ports, egress)', () => {
  const api = { namespace: 'clearml', labels: { app: 'api' } };
  const db = { namespace: 'clearml', labels: { app: 'db' }, ports: [{ name: 'mongodb', containerPort: 27017 }] };
  const other = { namespace: 'other', labels: { app: 'api' } };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { team: 'ml' } } } as any;
  const to27017 = { port: 27017 };
  assert.equal(reachable([], api, db, to27017).allowed, true, 'no policies: nothing isolated');
  assert.equal(reachable([netpol('deny', {}) as any], api, db, to27017).allowed, false, 'policyTypes defaults to Ingress');
  const allowApi = (rule: object) => netpol('db', { matchLabels: { app: 'db' } }, { ingress: [rule] }) as any;
  assert.equal(reachable([allowApi({ from: [{ podSelector: { matchLabels: { app: 'api' } } }] })], api, db, to27017).allowed, true);
  assert.equal(reachable([allowApi({ from: [{ podSelector: { matchLabels: { app: 'api' } } }] })], other, db, to27017).allowed, false, 'podSelector alone: own namespace only');
  assert.equal(reachable([ns, allowApi({ from: [{ namespaceSelector: { matchLabels: { team: 'ml' } }, podSelector: { matchLabels: { app: 'api' } } }] })], other, db, to27017).allowed, true);
  assert.equal(reachable([allowApi({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }] })], other, db, to27017).allowed, true, 'every namespace has its name label');
  assert.equal(reachable([allowApi({ ports: [{ port: 'mongodb' }] })], api, db, to27017).allowed, true, 'named port of the destination');
  assert.equal(reachable([allowApi({ ports: [{ port: 'mongodb', protocol: 'UDP' }] })], api, db, to27017).allowed, false, 'protocol must match');
  assert.equal(reachable([allowApi({ ports: [{ port: 27000, endPort: 28000 }] })], api, db, to27017).allowed, true, 'endPort range');
  assert.equal(reachable([allowApi({ ports: [{ port: 6379 }] })], api, db, to27017).allowed, false);
  // Policies are additive: one that allows is enough, whatever others isolate.
  const verdict = reachable([netpol('deny', {}) as any, allowApi({})], api, db, to27017);
  assert.deepEqual([verdict.allowed, verdict.ingress.allowedBy], [true, { policy: 'NetworkPolicy/clearml/db', rule: '/spec/ingress/0' }]);
  // Egress: the source is isolated by an egress policy; the destination must be among its rules' peers.
  const egressOnly = netpol('api-egress', { matchLabels: { app: 'api' } }, { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'cache' } } }] }] }) as any;
  const blocked = reachable([egressOnly], api, db, to27017);
  assert.deepEqual([blocked.allowed, blocked.egress.isolatedBy, blocked.ingress.allowed], [false, ['NetworkPolicy/clearml/api-egress'], true]);
  assert.equal(reachable([egressOnly], api, { ...db, labels: { app: 'cache' } }, to27017).allowed, true);
});

test('network-reachability: silent without policies and with policies that let the model through', () => {
  assert.deepEqual(checkNetworkReachability(intended('enterprise'), CATALOG), []);
  const objects = [...intended('enterprise'), denyIngress, publicServers, ...perDatabase];
  assert.deepEqual(checkNetworkReachability(objects as any, CATALOG), []);
  // A namespaceSelector that requires the database's own namespace by name is that namespace.
  const ownByName = netpol('clearml-mongodb', component(['mongodb']), { ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } }, podSelector: component(['apiserver', 'async-delete']) }], ports: [{ port: 27017 }] }] });
  assert.deepEqual(checkNetworkReachability([...intended('enterprise'), denyIngress, publicServers, perDatabase[0], ownByName, perDatabase[2]] as any, CATALOG), []);
});

test('network-reachability: a connection of the model the policies drop is reported on the isolated end', () => {
  const objects = [...intended('enterprise'), denyIngress, publicServers, databases(['apiserver', 'async-delete'])];
  const findings = checkNetworkReachability(objects as any, CATALOG);
  assert.deepEqual(at(findings), [['network-reachability', 'Deployment/clearml/clearml-redis', '/spec/template/metadata/labels']]);
  assert.match(findings[0]!.message, /clearml-fileserver .* connects to clearml-redis port 6379\/TCP/);
});

test('network-reachability: a database open to every namespace while the namespace has policies is reported', () => {
  // Only the servers are isolated: the databases stay open to the whole cluster.
  const open = [...intended('enterprise'), publicServers];
  assert.deepEqual(at(checkNetworkReachability(open as any, CATALOG)), ['clearml-elastic', 'clearml-mongodb', 'clearml-redis'].map((n) => ['network-reachability', `Deployment/clearml/${n}`, '/spec/template/metadata/labels']));
  // Any peer that admits more than the model's clients opens MongoDB: reported on the policy's peer (or its rule without from).
  const rest = [denyIngress, publicServers, ...perDatabase];
  const extra = (name: string, rule: object) => netpol(name, component(['mongodb']), { ingress: [rule] });
  const cases: [object, string][] = [
    [{ from: [{ namespaceSelector: {} }] }, '/spec/ingress/0/from/0'],
    [{ from: [{ namespaceSelector: { matchLabels: { team: 'ml' } }, podSelector: component(['apiserver']) }] }, '/spec/ingress/0/from/0'],
    [{ from: [{ podSelector: {} }] }, '/spec/ingress/0/from/0'],
    [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 27017 }] }, '/spec/ingress/0/from/0'],
    [{ ports: [{ port: 'mongodb' }] }, '/spec/ingress/0'],
  ];
  for (const [rule, path] of cases) {
    assert.deepEqual(at(checkNetworkReachability([...intended('enterprise'), ...rest, extra('mongodb-extra', rule)] as any, CATALOG)), [['network-reachability', 'NetworkPolicy/clearml/mongodb-extra', path]], JSON.stringify(rule));
  }
  // A rule on another port admits nothing to 27017.
  assert.deepEqual(checkNetworkReachability([...intended('enterprise'), ...rest, extra('mongodb-extra', { ports: [{ port: 8080 }] })] as any, CATALOG), []);
});

test('network-reachability: a database admits only its clients in the stack model; each other pod template selected is reported', () => {
  // One policy for the three databases from every server: the webserver reaches all three, the fileserver MongoDB and Elasticsearch.
  const objects = [...intended('enterprise'), denyIngress, publicServers, databases(['apiserver', 'async-delete', 'fileserver', 'webserver'])];
  const findings = checkNetworkReachability(objects as any, CATALOG);
  assert.deepEqual(at(findings), Array(5).fill(['network-reachability', 'NetworkPolicy/clearml/clearml-databases', '/spec/ingress/0/from/0']));
  assert.deepEqual(findings.map((f) => /admits (\S+) .* to (\S+) port/.exec(f.message)!.slice(1)), [
    ['Deployment/clearml/clearml-fileserver', 'clearml-elastic'],
    ['Deployment/clearml/clearml-webserver', 'clearml-elastic'],
    ['Deployment/clearml/clearml-fileserver', 'clearml-mongodb'],
    ['Deployment/clearml/clearml-webserver', 'clearml-mongodb'],
    ['Deployment/clearml/clearml-webserver', 'clearml-redis'],
  ]);
});

test('cluster-prerequisites: classes in the build, declared, built in, empty or null are not findings', () => {
  for (const o of TREE.overlays) assert.deepEqual(checkClusterPrerequisites(o.intended, o.profile.prerequisites), [], o.profile.name);
  const objects = intended('enterprise');
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-apiserver');
  api.spec.template.spec.priorityClassName = 'system-cluster-critical';
  objects.find((o) => o.metadata.name === 'clearml-webserver' && o.kind === 'Deployment').spec.template.spec.priorityClassName = 'clearml-high';
  objects.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'clearml-high' }, value: 1000 });
  objects.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'a', namespace: 'clearml' }, spec: { storageClassName: 'gp3' } });
  objects.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'b', namespace: 'clearml' }, spec: { storageClassName: '' } });
  objects.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'c', namespace: 'clearml' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: null } }], template: { spec: { containers: [] } } } });
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) ing.spec.ingressClassName = 'nginx';
  const declared = [{ kind: 'StorageClass', name: 'gp3', clusterScoped: true, documentedIn: 'x' }, { kind: 'IngressClass', name: 'nginx', clusterScoped: true, documentedIn: 'x' }];
  assert.deepEqual(checkClusterPrerequisites(objects, declared), []);
  // Undeclared, the same classes are findings: the cluster must provide them.
  assert.deepEqual(at(checkClusterPrerequisites(objects, [])), [
    ...objects.filter((o) => o.kind === 'Ingress').map((o) => ['cluster-prerequisites', `Ingress/clearml/${o.metadata.name}`, '/spec/ingressClassName']),
    ['cluster-prerequisites', 'PersistentVolumeClaim/clearml/a', '/spec/storageClassName'],
  ]);
});

test('cluster-prerequisites: an undeclared PriorityClass, claim template class and legacy ingress-class annotation are reported', () => {
  const objects = intended('enterprise');
  objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-apiserver').spec.template.spec.priorityClassName = 'clearml-high';
  objects.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'es', namespace: 'clearml' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'fast' } }], template: { spec: { containers: [] } } } });
  const ingress = objects.find((o) => o.kind === 'Ingress');
  ingress.metadata.annotations = { ...ingress.metadata.annotations, 'kubernetes.io/ingress.class': 'traefik' };
  assert.deepEqual(at(checkClusterPrerequisites(objects, [])), [
    ['cluster-prerequisites', 'Deployment/clearml/clearml-apiserver', '/spec/template/spec/priorityClassName'],
    ['cluster-prerequisites', `Ingress/clearml/${ingress.metadata.name}`, '/metadata/annotations/kubernetes.io~1ingress.class'],
    ['cluster-prerequisites', 'StatefulSet/clearml/es', '/spec/volumeClaimTemplates/0/spec/storageClassName'],
  ]);
});

test('rbac: bindings to built-in ClusterRoles are not "missing"; cluster-admin, admin and edit are reported for what they grant', () => {
  const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', role: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: `to-${role}`, ...(kind === 'RoleBinding' ? { namespace: 'clearml' } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'clearml' }] });
  const options = { clusterRoles: ['to-cluster-admin', 'to-view', 'to-system:auth-delegator'], prerequisites: [] };
  const quiet = [binding('RoleBinding', 'view'), binding('ClusterRoleBinding', 'view'), binding('ClusterRoleBinding', 'system:auth-delegator')];
  assert.deepEqual(checkRbac(quiet as any, options), []);
  const loud = [binding('RoleBinding', 'edit'), binding('RoleBinding', 'admin'), binding('ClusterRoleBinding', 'cluster-admin')];
  const findings = checkRbac(loud as any, options);
  assert.deepEqual(at(findings), [['rbac', 'RoleBinding/clearml/to-edit', '/roleRef/name'], ['rbac', 'RoleBinding/clearml/to-admin', '/roleRef/name'], ['rbac', 'ClusterRoleBinding/to-cluster-admin', '/roleRef/name']]);
  assert.match(findings[2]!.message, /^grants cluster-admin: full control of every resource in every namespace/);
  assert.doesNotMatch(findings.map((f) => f.message).join('\n'), /expected a ClusterRole of the build/);
});

const ingressOf = (objects: any[], name: string) => objects.find((o) => o.kind === 'Ingress' && o.metadata.name === name);

test('ingress-routes: the enterprise Ingresses and a prefix with strip_prefix set pass', () => {
  assert.deepEqual(checkIngressRoutes(intended('enterprise'), CATALOG), []);
  for (const o of TREE.overlays) assert.deepEqual(checkIngressRoutes(o.intended, CATALOG), [], o.profile.name);
  const objects = intended('enterprise');
  ingressOf(objects, 'clearml-apiserver').spec.rules[0].http.paths[0].path = '/clearml';
  objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-apiserver').spec.template.spec.containers[0].env.push({ name: 'CLEARML__apiserver__request__strip_prefix', value: '/clearml' });
  assert.deepEqual(checkIngressRoutes(objects, CATALOG), []);
});

test('ingress-routes: rewrite-target, Exact on /, a host without its root, and swapped api./files. hosts are reported', () => {
  const objects = intended('enterprise');
  ingressOf(objects, 'clearml-apiserver').metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target'] = '/';
  ingressOf(objects, 'clearml-fileserver').spec.rules[0].http.paths[0].pathType = 'Exact';
  ingressOf(objects, 'clearml-apiserver').spec.rules[0].http.paths[0].path = '/api';
  // api. and files. of another domain, swapped (ingress-hosts checks only the expected hosts).
  const swapped = structuredClone(ingressOf(objects, 'clearml-apiserver'));
  swapped.metadata = { name: 'swapped', namespace: 'clearml' };
  swapped.spec = { rules: [{ host: 'files.other.example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'clearml-apiserver', port: { number: 8008 } } } }] } }] };
  objects.push(swapped);
  assert.deepEqual(at(checkIngressRoutes(objects, CATALOG, new Set(['api.clearml.example.com', 'app.clearml.example.com', 'files.clearml.example.com']))), [
    ['ingress-routes', 'Ingress/clearml/clearml-apiserver', '/metadata/annotations/nginx.ingress.kubernetes.io~1rewrite-target'],
    ['ingress-routes', 'Ingress/clearml/clearml-apiserver', '/spec/rules/0/http/paths/0/path'],
    ['ingress-routes', 'Ingress/clearml/clearml-fileserver', '/spec/rules/0/http/paths/0/pathType'],
    ['ingress-routes', 'Ingress/clearml/swapped', '/spec/rules/0/http/paths/0/backend/service'],
  ]);
  // The identity rewrite keeps the path.
  const identity = intended('enterprise');
  const api = ingressOf(identity, 'clearml-apiserver');
  api.metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target'] = '/$1';
  api.spec.rules[0].http.paths[0] = { ...api.spec.rules[0].http.paths[0], path: '/(.*)', pathType: 'ImplementationSpecific' };
  assert.deepEqual(checkIngressRoutes(identity, CATALOG), []);
  // The same rewrite to / is reported.
  api.metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target'] = '/';
  assert.deepEqual(at(checkIngressRoutes(identity, CATALOG)), [['ingress-routes', 'Ingress/clearml/clearml-apiserver', '/metadata/annotations/nginx.ingress.kubernetes.io~1rewrite-target']]);
});
