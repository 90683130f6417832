// The verify cache's key: a dot-file a kustomization names, or a new lockfile, must change it (issue 11, item 10).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { VerifyCache, type Engine } from '../src/index.ts';
import { CATALOG } from './support.ts';
import { ROOT } from './support.ts';

const ENGINE: Engine = { argv: ['kubectl', 'kustomize'], origin: 'test' };

test('a dot-file of the overlay and the installed dependencies are part of the key', (t) => {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-cache-'));
  t.after(() => rmSync(repo, { recursive: true, force: true }));
  cpSync(path.join(ROOT, 'base'), path.join(repo, 'base'), { recursive: true });
  const overlay = path.join(repo, 'overlays/site');
  mkdirSync(overlay, { recursive: true });
  writeFileSync(path.join(overlay, 'kustomization.yaml'), 'resources: [../../base]\nconfigMapGenerator:\n  - name: settings\n    envs: [.env]\n');
  writeFileSync(path.join(overlay, '.env'), 'LEVEL=info\n');
  const lock = path.join(repo, 'package-lock.json');
  writeFileSync(lock, '{"lockfileVersion": 3, "packages": {"node_modules/yaml": {"version": "2.9.1"}}}\n');
  const key = () => new VerifyCache(repo, [ENGINE], CATALOG, { dependencyFiles: [lock] }).key(overlay, 'overlays/site');
  const first = key();
  assert.equal(key(), first, 'the key is stable');
  writeFileSync(path.join(overlay, '.env'), 'LEVEL=debug\n');
  const second = key();
  assert.notEqual(second, first, 'a changed .env changes the key');
  writeFileSync(lock, '{"lockfileVersion": 3, "packages": {"node_modules/yaml": {"version": "2.9.2"}}}\n');
  assert.notEqual(key(), second, 'a changed lockfile changes the key');
  writeFileSync(path.join(repo, 'base', '.hidden-note'), 'x\n');
  assert.notEqual(key(), second, 'a dot-file of a parent directory is part of the key too');
});
