// The pure core of preflight: what a build needs of a cluster, and the items for states the stock
// overlays' recordings do not reach (packages/cli/test/preflight.test.ts drives those end to end).
import assert from 'node:assert/strict';
import test from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { evaluatePreflight, preflightNeeds, type ClusterState } from '../src/index.ts';

const deployment = (name: string, spec: Record<string, unknown>): ManifestObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'ml' }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'x:1' }], ...spec } } } }) as ManifestObject;
const claim = (name: string, storageClassName?: string): ManifestObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'ml' }, spec: { ...(storageClassName !== undefined ? { storageClassName } : {}), accessModes: ['ReadWriteOnce'] } }) as ManifestObject;
const state = (over: Partial<ClusterState>): ClusterState => ({
  version: { clientVersion: { major: '1', minor: '34', gitVersion: 'v1.34.5' }, serverVersion: { major: '1', minor: '34', gitVersion: 'v1.34.2' } },
  nodes: null,
  storageClasses: null,
  ingressClasses: null,
  namespace: null,
  objects: {},
  ...over,
});
const failedIds = (items: ReturnType<typeof evaluatePreflight>) => items.filter((i) => !i.ok).map((i) => `${i.id}: ${i.subject}`);

test('needs: hostPath selectors, claims by class (a "" class binds statically), Ingress classes, the namespace', () => {
  const objects = [
    deployment('a', { nodeSelector: { app: 'clearml' }, volumes: [{ name: 'd', hostPath: { path: '/opt/clearml/a' } }] }),
    deployment('b', { nodeSelector: { app: 'clearml' }, volumes: [{ name: 'd', hostPath: { path: '/opt/clearml/b' } }] }),
    deployment('c', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }] }),
    claim('c'),
    claim('fast', 'premium'),
    claim('static', ''),
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'ml', annotations: { 'kubernetes.io/ingress.class': 'haproxy' } }, spec: {} } as ManifestObject,
  ];
  const needs = preflightNeeds(objects, null);
  assert.equal(needs.namespace, 'ml');
  assert.equal(needs.namespaceInBuild, false);
  assert.equal(needs.podSecurity, null);
  assert.deepEqual(needs.hostPathSelectors, [{ selector: { app: 'clearml' }, workloads: ['Deployment/a', 'Deployment/b'] }]);
  assert.deepEqual(needs.claims, [{ storageClassName: null, claims: ['PersistentVolumeClaim/c'] }, { storageClassName: 'premium', claims: ['PersistentVolumeClaim/fast'] }]);
  assert.deepEqual(needs.ingresses, [{ className: 'haproxy', ingresses: ['Ingress/i'] }]);
  assert.deepEqual([needs.nodes, needs.storageClasses, needs.ingressClasses], [true, true, true]);
});

test('a namespace the overlay does not create must exist; hostPath without a nodeSelector is not a node question', () => {
  const needs = preflightNeeds([deployment('a', { volumes: [{ name: 'd', hostPath: { path: '/data' } }] })], { podSecurity: 'baseline', prerequisites: [] });
  const items = evaluatePreflight(needs, state({ nodes: [] }));
  assert.deepEqual(failedIds(items), ['namespace-pod-security: Namespace ml']);
  assert.match(items.find((i) => i.id === 'namespace-pod-security')!.fix!, /^kubectl create namespace ml && kubectl label namespace ml pod-security.kubernetes.io\/enforce=baseline$/);
  assert.match(items.find((i) => i.id === 'node-label')!.detail, /without a nodeSelector: nothing to check/);
});

test('Pod Security: an unknown enforce level counts as restricted; a laxer level passes', () => {
  const needs = preflightNeeds([deployment('a', {})], { podSecurity: 'baseline', prerequisites: [] });
  const ns = (level: string) => ({ metadata: { name: 'ml', labels: { 'pod-security.kubernetes.io/enforce': level } } });
  assert.deepEqual(failedIds(evaluatePreflight(needs, state({ namespace: ns('strict') }))), ['namespace-pod-security: Namespace ml']);
  assert.deepEqual(failedIds(evaluatePreflight(needs, state({ namespace: ns('privileged') }))), []);
  assert.deepEqual(failedIds(evaluatePreflight(needs, state({ namespace: ns('baseline') }))), []);
});

test('the beta default-class annotation counts; a version without a server minor skips the skew item', () => {
  const needs = preflightNeeds([claim('c')], { podSecurity: 'restricted', prerequisites: [] });
  const beta = { metadata: { name: 'old', annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } } };
  assert.deepEqual(failedIds(evaluatePreflight(needs, state({ storageClasses: [beta], namespace: { metadata: { name: 'ml' } } }))), []);
  const noServer = evaluatePreflight(needs, state({ storageClasses: [beta], version: { clientVersion: { major: '1', minor: '30' } }, namespace: { metadata: { name: 'ml' } } }));
  assert.deepEqual(failedIds(noServer), ['server-version: Kubernetes server']);
  assert.ok(!noServer.some((i) => i.id === 'version-skew'));
});
