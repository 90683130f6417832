// Issue 14's policy checks on objects built in memory from the composer's own overlays: each test
// shows the check silent on the intended objects and firing, with its id, resource and path, on one defect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPolicySelectors, labelSelectorMatches } from '../src/index.ts';
import { TREE } from './support.ts';

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
