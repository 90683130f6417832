/**
 * The bin's bundle cache (`bin/cli-bundle.js`): a bundle built from the sources is used while every
 * source it was built from is unchanged, refused when one changes, and runs the same CLI as the
 * sources through tsx.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
// @ts-expect-error: plain JavaScript module of the bin, without type declarations
import { buildBundle, freshBundle } from '../bin/cli-bundle.js';
import { BIN, ROOT } from './support.ts';

const read = (file: string) => readFileSync(path.join(ROOT, file));

test('a built bundle is fresh until one of its sources changes; it is the CLI the sources are', async (t) => {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-bundle-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const bundle: string = await buildBundle({ cacheDir });
  assert.equal(freshBundle({ cacheDir }), bundle);
  const manifest = JSON.parse(readFileSync(path.join(cacheDir, 'manifest.json'), 'utf8')) as { sources: string[] };
  // Every workspace module of the CLI is a source of the key (here: the entry and a module of another package).
  assert.ok(manifest.sources.includes('packages/cli/src/main.ts'));
  assert.ok(manifest.sources.includes('packages/overlay-composer/src/patches/compose-overlay.ts'));
  assert.ok(!manifest.sources.some((f) => f.includes('node_modules')));
  // One changed source (as the seam reads it) makes the bundle stale.
  const changed = (file: string) => (file === 'packages/verifier/src/checks/schema.ts' ? Buffer.concat([read(file), Buffer.from('\n// edited\n')]) : read(file));
  assert.equal(freshBundle({ cacheDir, read: changed }), null);
  // So does a source that is gone.
  const gone = (file: string) => {
    if (file === 'packages/base-manifests/src/json-memo.ts') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return read(file);
  };
  assert.equal(freshBundle({ cacheDir, read: gone }), null);
  // And another clone with the same sources (the bundle holds this clone's absolute source URLs).
  assert.equal(freshBundle({ cacheDir, root: path.join(os.tmpdir(), 'another-clone') + path.sep }), null);

  // The bundle's CLI prints what the sources' CLI prints.
  const { main } = (await import(pathToFileURL(bundle).href)) as { main: (argv: string[], io: object) => Promise<number> };
  let out = '';
  const io = { cwd: ROOT, env: process.env, stdout: { write: (s: string) => (out += s), isTTY: false }, stderr: { write: () => true, isTTY: false } };
  assert.equal(await main(['checks', '--json'], io), 0);
  const viaTsx = spawnSync(process.execPath, [BIN, 'checks', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CLEARML_K8S_NO_BUNDLE: '1' } });
  assert.equal(viaTsx.status, 0, viaTsx.stderr);
  assert.equal(out, viaTsx.stdout);
  assert.ok(JSON.parse(out).length > 40, 'the registry of checks is listed');
});
