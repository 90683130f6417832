// Golden tests: each case under fixtures/composer/<case>/ has a parent overlay, the desired
// objects, and the committed overlay/ the composer must write, byte for byte.
// UPDATE_GOLDEN=1 rewrites the goldens (review the diff before committing).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { composeOverlay } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CASES_DIR = 'fixtures/composer';

function read(rel: string): ManifestObject[] {
  return parseManifests(readFileSync(path.join(ROOT, rel), 'utf8'), rel) as ManifestObject[];
}

/** Composes one golden case from its files. */
export function composeCase(name: string) {
  const dir = `${CASES_DIR}/${name}`;
  return composeOverlay({
    dir: `${dir}/overlay`,
    parentDir: `${dir}/parent`,
    parentObjects: read(`${dir}/parent/objects.yaml`),
    desiredObjects: read(`${dir}/desired.yaml`),
    source: `${dir}/desired.yaml`,
  });
}

const cases = readdirSync(path.join(ROOT, CASES_DIR)).sort();

test('there are golden cases', () => {
  assert.ok(cases.length >= 5, `expected at least 5 cases under ${CASES_DIR}, found ${cases.length}`);
});

for (const name of cases) {
  test(`golden overlay: ${name}`, () => {
    const composed = composeCase(name);
    const overlayDir = path.join(ROOT, CASES_DIR, name, 'overlay');
    if (process.env.UPDATE_GOLDEN) {
      rmSync(overlayDir, { recursive: true, force: true });
      mkdirSync(overlayDir, { recursive: true });
      for (const file of composed.files) writeFileSync(path.join(ROOT, file.path), file.content);
    }
    const expected = readdirSync(overlayDir).sort();
    assert.deepEqual(composed.files.map((f) => path.basename(f.path)).sort(), expected);
    for (const file of composed.files) assert.equal(file.content, readFileSync(path.join(ROOT, file.path), 'utf8'), file.path);
  });
}

test('the stack model, profiles and sites compose the committed tree byte for byte (base/, overlays/, schemas/)', async () => {
  const { loadReleaseCatalog } = await import('@clearml-k8s/base-manifests');
  const { composeRepository } = await import('../src/index.ts');
  const { files } = composeRepository(ROOT, loadReleaseCatalog({}));
  assert.ok(files.some((f) => f.path === 'base/apiserver.yaml') && files.some((f) => f.path === 'schemas/site.schema.json'));
  const differing = files.filter((f) => readFileSync(path.join(ROOT, f.path), 'utf8') !== f.content).map((f) => f.path);
  assert.deepEqual(differing, []);
});
