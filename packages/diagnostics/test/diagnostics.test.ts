import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClearmlK8sError, isClearmlK8sError, messageParts } from '../src/index.ts';

test('a ClearmlK8sError carries its diagnostic, severity error unless given', () => {
  const cause = new Error('inner');
  const error = new ClearmlK8sError({ code: 'X_BAD', message: 'a.yaml:3:1: expected a mapping, received a list; write a mapping', location: { file: 'a.yaml', line: 3, column: 1 }, expected: 'a mapping', received: 'a list', hint: 'write a mapping' }, { cause });
  assert.ok(error instanceof Error);
  assert.equal(error.code, 'X_BAD');
  assert.equal(error.message, 'a.yaml:3:1: expected a mapping, received a list; write a mapping');
  assert.equal(error.cause, cause);
  assert.deepEqual(error.diagnostic, { code: 'X_BAD', severity: 'error', message: error.message, location: { file: 'a.yaml', line: 3, column: 1 }, expected: 'a mapping', received: 'a list', hint: 'write a mapping' });
  assert.equal(new ClearmlK8sError({ code: 'Y', severity: 'warning', message: 'm', location: { argument: '--x' }, hint: 'h' }).diagnostic.severity, 'warning');
});

test('only ClearmlK8sErrors are recognised, not errors that merely have a code', () => {
  class Sub extends ClearmlK8sError<'SUB'> {}
  assert.equal(isClearmlK8sError(new Sub({ code: 'SUB', message: 'm', location: { argument: 'a' }, hint: 'h' })), true);
  assert.equal(isClearmlK8sError(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })), false);
  assert.equal(isClearmlK8sError(Object.assign(new Error('x'), { code: 'BUILD_FAILED' })), false);
  assert.equal(isClearmlK8sError({ code: 'USAGE', message: 'x' }), false);
});

test('messageParts reads expected, received and the hint of a message in the house order', () => {
  assert.deepEqual(messageParts('overlays/x: expected a directory with kustomization.yaml, received no such path; pass an overlay directory such as overlays/current_version'), {
    expected: 'a directory with kustomization.yaml',
    received: 'no such path',
    hint: 'pass an overlay directory such as overlays/current_version',
  });
  // A "; " inside parentheses or quotes is not the hint's separator.
  assert.deepEqual(messageParts('f: Pod/x /spec: expected a list, received "a; b"; fix the manifest (the API server would reject it; Pod Security cannot judge it)'), {
    expected: 'a list',
    received: '"a; b"',
    hint: 'fix the manifest (the API server would reject it; Pod Security cannot judge it)',
  });
  // Several segments: received ends at the next one, the hint is the last.
  assert.deepEqual(messageParts('d: expected A within 2 s, received no result (killed); raise --timeout; or wait'), { expected: 'A within 2 s', received: 'no result (killed)', hint: 'or wait' });
  assert.deepEqual(messageParts('$KUSTOMIZE is "k" but "k" is not an executable on PATH; expected a kustomize binary; fix $KUSTOMIZE or unset it'), { expected: 'a kustomize binary', hint: 'fix $KUSTOMIZE or unset it' });
  assert.deepEqual(messageParts('unknown profile "x"; expected one of a, b'), { hint: 'expected one of a, b' });
  assert.deepEqual(messageParts('no separator at all'), { hint: 'no separator at all' });
});
