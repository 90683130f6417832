import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOperations, diffDocuments, guardIndexPaths } from '../src/index.ts';

const before = { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1', env: [{ name: 'E', value: '1' }] }] } };
const after = { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2', env: [{ name: 'E', value: '1' }, { name: 'F', value: '2' }] }] } };

test('guarded operations give the same result as the raw diff', () => {
  const guarded = guardIndexPaths(before, diffDocuments(before, after));
  assert.deepEqual(applyOperations(before, guarded), after);
});

test('an index path is preceded by a test of the element name, appends use /-', () => {
  const guarded = guardIndexPaths(before, diffDocuments(before, after));
  assert.deepEqual(guarded[0], { op: 'test', path: '/spec/containers/1/name', value: 'b' });
  assert.ok(guarded.some((o) => o.op === 'add' && o.path === '/spec/containers/1/env/-'));
  assert.equal(guarded.filter((o) => o.op === 'test').length, 1, 'one test guards both ops on the same element');
});

test('after the parent is reordered, the guarded patch fails instead of hitting the wrong element', () => {
  const guarded = guardIndexPaths(before, diffDocuments(before, after));
  const reordered = { spec: { containers: [before.spec.containers[1], before.spec.containers[0]] } };
  assert.throws(() => applyOperations(reordered, guarded), /test/i);
  const unguarded = applyOperations(reordered, [{ op: 'replace', path: '/spec/containers/1/image', value: 'y:2' }]);
  assert.equal(unguarded.spec.containers[1]!.image, 'y:2');
  assert.equal(unguarded.spec.containers[1]!.name, 'a', 'without a test the change silently lands on the wrong container');
});

test('primitive array elements are tested by value', () => {
  const guarded = guardIndexPaths({ args: ['--a', '1'] }, [{ op: 'replace', path: '/args/1', value: '2' }]);
  assert.deepEqual(guarded[0], { op: 'test', path: '/args/1', value: '1' });
});
