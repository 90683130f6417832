// memoByJson: a pure function's answers kept by the JSON text of the input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoByJson } from '../src/index.ts';

test('memoByJson: equal JSON computes once, other JSON computes again, the bound starts afresh', () => {
  const seen: unknown[] = [];
  const render = memoByJson((input: unknown) => {
    seen.push(input);
    return `answer ${seen.length}`;
  }, 2);
  assert.equal(render({ a: [1, 2] }), 'answer 1');
  assert.equal(render({ a: [1, 2] }), 'answer 1', 'a second, equal (not identical) object is a hit');
  assert.equal(seen.length, 1);
  assert.equal(render({ a: [2, 1] }), 'answer 2');
  assert.equal(seen.length, 2, 'other JSON is computed');
  render({ b: 1 }); // the third key: the memo starts afresh
  render({ a: [1, 2] });
  assert.equal(seen.length, 4, 'after the bound, an earlier input is computed again');
  render(undefined);
  render(undefined);
  assert.equal(seen.length, 6, 'an input without JSON text is computed every time');
});
