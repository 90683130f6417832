import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOperations, diffDocuments, envRemovals, guardIndexPaths } from '../src/index.ts';

const env = (...names: string[]) => names.map((name) => ({ name, value: name.toLowerCase() }));
const deployment = (containers: { name: string; env?: object[] }[]) => ({ kind: 'Deployment', spec: { template: { spec: { containers } } } });

const CASES: { name: string; from: object; to: object; removals: string[] }[] = [
  {
    name: 'two env vars dropped early in the list: two removes, highest index first, nothing after them rewritten',
    from: deployment([{ name: 'api', env: env('A', 'HOST', 'PORT', 'B', 'C') }]),
    to: deployment([{ name: 'api', env: [...env('A', 'B', 'C'), { name: 'URI', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }]),
    removals: ['/spec/template/spec/containers/0/env/2', '/spec/template/spec/containers/0/env/1'],
  },
  {
    name: 'nothing dropped: no removes (values changed in place stay replaces)',
    from: deployment([{ name: 'api', env: env('A', 'B') }]),
    to: deployment([{ name: 'api', env: [{ name: 'A', value: 'changed' }, { name: 'B', value: 'b' }] }]),
    removals: [],
  },
  {
    name: 'in the second container, by its index',
    from: deployment([{ name: 'init' }, { name: 'api', env: env('A', 'B') }]),
    to: deployment([{ name: 'init' }, { name: 'api', env: env('B') }]),
    removals: ['/spec/template/spec/containers/1/env/0'],
  },
  {
    name: 'a container dropped is not aligned (container indices stay those of the parent)',
    from: deployment([{ name: 'a', env: env('A') }, { name: 'b', env: env('B') }]),
    to: deployment([{ name: 'b', env: env('B') }]),
    removals: ['/spec/template/spec/containers/0/env/0'],
  },
];

for (const c of CASES) {
  test(`envRemovals: ${c.name}`, () => {
    const before = JSON.stringify(c.from);
    const { aligned, removals } = envRemovals(c.from, c.to);
    assert.equal(JSON.stringify(c.from), before, 'the parent is not modified');
    assert.deepEqual(removals.map((o) => [o.op, o.path]), c.removals.map((p) => ['remove', p]));
    const operations = [...removals, ...diffDocuments(aligned, c.to)];
    assert.deepEqual(applyOperations(c.from, operations), c.to, 'removals then the diff of the rest reproduce the desired object');
    assert.deepEqual(applyOperations(c.from, guardIndexPaths(c.from, operations)), c.to, 'and so do the guarded operations');
  });
}

test('envRemovals: each removed env var is guarded by a test of its name', () => {
  const from = deployment([{ name: 'api', env: env('A', 'HOST', 'PORT', 'B') }]);
  const to = deployment([{ name: 'api', env: env('A', 'B') }]);
  const { aligned, removals } = envRemovals(from, to);
  const guarded = guardIndexPaths(from, [...removals, ...diffDocuments(aligned, to)]);
  assert.deepEqual(guarded, [
    { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'api' },
    { op: 'test', path: '/spec/template/spec/containers/0/env/2/name', value: 'PORT' },
    { op: 'remove', path: '/spec/template/spec/containers/0/env/2' },
    { op: 'test', path: '/spec/template/spec/containers/0/env/1/name', value: 'HOST' },
    { op: 'remove', path: '/spec/template/spec/containers/0/env/1' },
  ], 'B keeps its place after the removals: nothing else to patch');
});
