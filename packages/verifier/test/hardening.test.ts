// Issue 15, hardening: sites with networkPolicies, replicas and priorityClassName, composed in memory and
// checked by the verifier's own checks. The NetworkPolicies the composer derives from the stack model let
// every connection of the model through and admit nothing else to the databases, on NodePort and Ingress
// sites, with agents and with an external database; PDBs select their pods; PriorityClasses are declared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DENY_POLICY, siteIntentFromText, TASK_POD_NAME } from '@clearml-k8s/overlay-composer';
import { checkClusterPrerequisites, checkNetworkReachability, checkPolicySelectors, checkWritablePaths, reachable } from '../src/index.ts';
import { CATALOG, TREE } from './support.ts';

const site = (text: string) => siteIntentFromText('s', text, 'overlays/sites/s/site.yaml', TREE);
const policiesOf = (objects: readonly any[]) => objects.filter((o) => o.kind === 'NetworkPolicy');
const policy = (objects: readonly any[], name: string) => policiesOf(objects).find((o) => o.metadata.name === name);

const NODE_PORT_AGENTS = `profile: current_version
credentials:
  secret: clearml-internal-credentials
agents:
  queues:
    - name: cpu
networkPolicies:
  enabled: true
`;

test('NodePort site with agents: default deny, the model\'s connections, NodePorts from anywhere, task pods to the server; the checks pass', () => {
  const intended = site(NODE_PORT_AGENTS).intended as any[];
  assert.ok(policy(intended, DEFAULT_DENY_POLICY), 'default deny');
  assert.deepEqual(policy(intended, DEFAULT_DENY_POLICY).spec, { podSelector: {}, policyTypes: ['Ingress'] });
  // The three public endpoints: a rule without from on the container port only (NodePort traffic comes from the nodes and outside).
  for (const [name, port] of [['clearml-apiserver', 8008], ['clearml-webserver', 80], ['clearml-fileserver', 8081]] as const) {
    const rules = policy(intended, `${name}-ingress`).spec.ingress;
    assert.ok(rules.some((r: any) => r.from === undefined && JSON.stringify(r.ports) === JSON.stringify([{ protocol: 'TCP', port }])), name);
    assert.ok(rules.some((r: any) => r.from?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/name'] === TASK_POD_NAME), `${name}: task pods`);
    assert.ok(rules.some((r: any) => r.from?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'clearml-agent'), `${name}: the glue (a client in the model)`);
  }
  // The databases admit their clients in the model and nothing else.
  const clients = (name: string) => policy(intended, `${name}-ingress`).spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name']);
  assert.deepEqual(clients('clearml-mongodb'), ['clearml-apiserver', 'clearml-async-delete']);
  assert.deepEqual(clients('clearml-elastic'), ['clearml-apiserver', 'clearml-async-delete']);
  assert.deepEqual(clients('clearml-redis'), ['clearml-apiserver', 'clearml-fileserver', 'clearml-async-delete']);
  assert.deepEqual(checkNetworkReachability(intended, CATALOG), []);
  assert.deepEqual(checkPolicySelectors(intended), []);
  // A task pod (labels of its template) reaches the apiserver, and not MongoDB.
  const template = intended.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'clearml-agent-cpu-template');
  const taskLabels = /labels:\n((?:\s+.+: .+\n)+)/.exec(template.data['template.yaml'])![1]!.trim().split('\n').map((l: string) => l.trim().split(': ')) as [string, string][];
  const task = { namespace: 'clearml', labels: Object.fromEntries(taskLabels) };
  const podOf = (name: string) => ({ namespace: 'clearml', labels: intended.find((o: any) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.metadata.labels });
  assert.equal(reachable(intended, task, podOf('clearml-apiserver'), { port: 8008 }).allowed, true);
  assert.equal(reachable(intended, task, podOf('clearml-mongodb'), { port: 27017 }).allowed, false);
  assert.equal(reachable(intended, podOf('clearml-webserver'), podOf('clearml-redis'), { port: 6379 }).allowed, false);
});

test('Ingress site with an external database: the public endpoints admit only the named controller; the external one gets no policy', () => {
  const intended = site(`profile: current_version
expose: ingress
ingress:
  domain: clearml.example.org
external:
  mongodb:
    host: mongo.db.example.org
networkPolicies:
  enabled: true
  ingressController:
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ingress-nginx
`).intended as any[];
  assert.equal(policy(intended, 'clearml-mongodb-ingress'), undefined);
  const web = policy(intended, 'clearml-webserver-ingress').spec.ingress;
  assert.deepEqual(web, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 80 }] }]);
  assert.ok(policiesOf(intended).every((p) => p.spec.ingress === undefined || p.spec.ingress.every((r: any) => r.from !== undefined)), 'no rule without from on an Ingress site');
  const controller = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
  const webPod = { namespace: 'clearml', labels: intended.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'clearml-webserver').spec.template.metadata.labels };
  assert.equal(reachable(intended, controller, webPod, { port: 80 }).allowed, true);
  assert.equal(reachable(intended, { namespace: 'other', labels: {} }, webPod, { port: 80 }).allowed, false);
  assert.deepEqual(checkNetworkReachability(intended, CATALOG), []);
});

test('replicas > 1 get a PodDisruptionBudget and a spread over nodes; one replica gets neither; priority classes are declared unless built in', () => {
  const composed = site(`profile: current_version
placement:
  priorityClassName: clearml-high
components:
  apiserver:
    replicas: 2
  mongodb:
    priorityClassName: system-cluster-critical
`);
  const intended = composed.intended as any[];
  const composition = composed.composition;
  const pdbs = intended.filter((o: any) => o.kind === 'PodDisruptionBudget');
  assert.deepEqual(pdbs.map((p: any) => [p.metadata.name, p.spec]), [['clearml-apiserver', { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'clearml-apiserver', 'app.kubernetes.io/part-of': 'clearml' } } }]]);
  const deployment = (name: string) => intended.find((o: any) => o.kind === 'Deployment' && o.metadata.name === name) as any;
  assert.equal(deployment('clearml-apiserver').spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable, 'ScheduleAnyway');
  assert.equal(deployment('clearml-webserver').spec.template.spec.topologySpreadConstraints, undefined);
  assert.equal(deployment('clearml-webserver').spec.template.spec.priorityClassName, 'clearml-high');
  assert.equal(deployment('clearml-mongodb').spec.template.spec.priorityClassName, 'system-cluster-critical');
  assert.deepEqual(composition.prerequisites.filter((p) => p.kind === 'PriorityClass').map((p) => [p.name, p.group, p.clusterScoped]), [['clearml-high', 'scheduling.k8s.io', true]]);
  assert.deepEqual(checkPolicySelectors(intended), []);
  assert.deepEqual(checkClusterPrerequisites(intended, composition.prerequisites), []);
  // Undeclared, the same class is the cluster-prerequisites finding on every pod that names it.
  assert.equal(checkClusterPrerequisites(intended, []).length, intended.filter((o: any) => o.kind === 'Deployment' && o.spec.template.spec.priorityClassName === 'clearml-high').length);
});

test('readOnlyRootFilesystem on non-root: the server image runs read-only with /tmp an emptyDir, the databases keep a writable root; writable-paths proves it and catches a missing /tmp', () => {
  const intended = site(`profile: non-root
readOnlyRootFilesystem: true
`).intended as any[];
  const deployment = (name: string) => intended.find((o: any) => o.kind === 'Deployment' && o.metadata.name === name) as any;
  for (const name of ['clearml-apiserver', 'clearml-webserver', 'clearml-fileserver', 'clearml-async-delete']) {
    const pod = deployment(name).spec.template.spec;
    assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true, name);
    const tmp = pod.containers[0].volumeMounts.find((m: any) => m.mountPath === '/tmp');
    assert.ok(tmp && pod.volumes.some((v: any) => v.name === tmp.name && v.emptyDir), `${name}: /tmp is an emptyDir`);
  }
  assert.equal(deployment('clearml-webserver').spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem, true, 'the seed init container too');
  for (const name of ['clearml-elastic', 'clearml-mongodb', 'clearml-redis']) assert.equal(deployment(name).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem, undefined, name);
  assert.deepEqual(checkWritablePaths(intended, CATALOG), []);
  // Without the /tmp mount the webserver's first write fails: reported on its mounts.
  const broken = structuredClone(intended);
  const web = broken.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'clearml-webserver').spec.template.spec.containers[0];
  web.volumeMounts = web.volumeMounts.filter((m: any) => m.mountPath !== '/tmp');
  assert.deepEqual(checkWritablePaths(broken, CATALOG).map((f) => [f.resource, f.path]), [['Deployment/clearml/clearml-webserver', '/spec/template/spec/containers/0/volumeMounts']]);
  // Whatever the uid: Redis of current_version (its image user) run read-only is a finding, its writes not all known.
  const root = (TREE.overlays.find((o) => o.profile.name === 'current_version')!.intended as any[]).map((o) => structuredClone(o));
  root.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'clearml-redis').spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystem: true };
  assert.deepEqual(checkWritablePaths(root, CATALOG).map((f) => [f.resource, f.path]), [['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem']]);
});
