import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests, stringifyManifests, YamlError } from '../src/yaml.ts';

test('stringifyManifests joins documents, writes the header once, never folds or aliases', () => {
  const shared = { a: 1 };
  const long = 'x'.repeat(200);
  const text = stringifyManifests([{ one: shared, two: shared, long }, { b: 2 }], 'line one\nline two');
  assert.equal(text.split('---\n').length, 2);
  assert.ok(text.startsWith('# line one\n# line two\n'));
  assert.ok(!text.includes('&'), 'no anchors');
  assert.ok(text.includes(`long: ${long}\n`), 'no folding');
});

test('parseManifests reports file, line and column of a syntax error', () => {
  assert.throws(
    () => parseManifests('a: 1\nb: [unclosed\n', 'x.yaml'),
    (error: unknown) => error instanceof YamlError && error.code === 'YAML_INVALID' && error.position.file === 'x.yaml' && error.position.line >= 2,
  );
});

test('parseManifests skips empty documents', () => {
  assert.deepEqual(parseManifests('a: 1\n---\n---\nb: 2\n', 'x.yaml'), [{ a: 1 }, { b: 2 }]);
});
