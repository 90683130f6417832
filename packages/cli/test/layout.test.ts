// The layout follows the pipeline: stack model (base-manifests) → profiles and sites → patches →
// kustomize → checks (verifier) → command line. No module imports in a cycle, and no package
// imports one that comes after it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import madge from 'madge';
import { STACK_MODEL } from '@clearml-k8s/base-manifests';
import { ROOT } from './support.ts';

/** The packages in pipeline order: each may import only those before it. */
const ORDER = ['repository-io', 'base-manifests', 'overlay-composer', 'verifier', 'cli'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

async function cycles(dirs: string[]): Promise<string[][]> {
  return (await madge(dirs, { fileExtensions: ['ts'], detectiveOptions: { ts: { skipTypeImports: false } } })).circular();
}

test('no module of any package imports in a cycle (type imports included)', async () => {
  const dirs = ORDER.map((p) => path.join(ROOT, 'packages', p, 'src'));
  assert.deepEqual(await cycles(dirs), []);
});

test('the cycle finder finds a cycle when there is one', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-cycle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = () => b;\n");
  writeFileSync(path.join(dir, 'b.ts'), "import type { a } from './a.ts';\nexport const b = 1 as unknown as typeof a;\n");
  assert.deepEqual(await cycles([dir]), [['a.ts', 'b.ts']]);
});

test('each package imports only the packages before it in the pipeline', () => {
  for (const [i, pkg] of ORDER.entries()) {
    const later = ORDER.slice(i + 1);
    for (const file of sources(path.join(ROOT, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const other of later) assert.ok(!text.includes(`'@clearml-k8s/${other}`), `${path.relative(ROOT, file)} imports @clearml-k8s/${other}, which comes after ${pkg}`);
    }
  }
});

test('the stack model: one module per component under base-manifests/src/stack, each registered once', () => {
  const dir = path.join(ROOT, 'packages/base-manifests/src/stack');
  const modules = readdirSync(dir).filter((f) => !['index.ts', 'component-spec.ts', 'connections.ts', 'database-access.ts', 'sources.ts'].includes(f));
  assert.equal(modules.length, STACK_MODEL.components.length);
  assert.equal(new Set(STACK_MODEL.components.map((c) => c.key)).size, STACK_MODEL.components.length);
  assert.deepEqual(STACK_MODEL.components.map((c) => c.key), ['apiserver', 'webserver', 'fileserver', 'asyncDelete', 'elasticsearch', 'mongodb', 'redis', 'agentK8sGlue', 'agentServices']);
});
