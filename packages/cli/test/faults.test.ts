// Faults the data suite cannot express: kill -9 at random moments of compose and site add (the
// writes slowed by the test seam so that a kill lands inside them), concurrent writers, Ctrl-C
// during `diff REF:DIR`, and real ENOSPC and EROFS on a small tmpfs (when this machine lets the
// tests mount one). The runs that are killed, raced or interrupted are real processes of the bin
// (`start`); the runs that check or recover the tree afterwards go through `main` in process (`run`).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BIN, engineSkip, repositoryAt, ROOT, runCli, scratchRepository, snapshot, which, type SnapshotEntry } from './support.ts';

const EXAMPLES = readdirSync(path.join(ROOT, 'fixtures/sites')).sort();

function start(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Resolves once `file` exists (polled every 2 ms; gives up after 30 s). */
async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 15_000 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 2));
}

/** Runs the CLI in `cwd` with `env` over this process's environment (in process unless the run needs the real bin). */
function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return runCli(args, { cwd, extra: env });
}

/** Copies an example's sealed credentials (`sealed-*.yaml`, the user's kubeseal output) into a site directory. */
function copySealedFiles(example: string, siteDir: string): void {
  for (const f of readdirSync(path.join(ROOT, 'fixtures/sites', example)).filter((f) => f.startsWith('sealed-'))) cpSync(path.join(ROOT, 'fixtures/sites', example, f), path.join(siteDir, f));
}

/** A scratch repository with the example sites' specs, not yet composed. */
function withSites(t: { after(fn: () => void): void }): string {
  const repo = scratchRepository(t);
  for (const name of EXAMPLES) {
    mkdirSync(path.join(repo, 'overlays/sites', name), { recursive: true });
    cpSync(path.join(ROOT, 'fixtures/sites', name, 'site.yaml'), path.join(repo, 'overlays/sites', name, 'site.yaml'));
    copySealedFiles(name, path.join(repo, 'overlays/sites', name));
  }
  return repo;
}

/** The tree without the work files of writers and without generated secrets (random by design). */
function tree(dir: string): Record<string, SnapshotEntry> {
  return Object.fromEntries(Object.entries(snapshot(dir)).filter(([p]) => !/^(\.clearml-k8s|node_modules)/.test(p) && !p.endsWith('credentials.env')));
}

/** A seeded generator (mulberry32): the kill moments are random but the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SLOW = { CLEARML_K8S_TEST_FAULTS: 'delay=20@stage,delay=40@rename,delay=40@delete' };

// The two kill tests run side by side (each in its own scratch repositories).
describe('SIGKILL during a write', { concurrency: true }, () => {
  for (const [label, args, prepare] of [
    ['compose of six new sites', ['compose'], withSites],
    ['site add with credentials', ['site', 'add', 'acme', '--domain', 'ml.acme.io', '--storage-class', 'standard', '--generate-credentials'], (t: { after(fn: () => void): void }) => scratchRepository(t)],
  ] as const) {
    test(`${label}, killed with SIGKILL at 8 random moments of its write, is recovered by the next compose to exactly the uninterrupted result`, { skip: engineSkip }, async (t) => {
      // The reference run, timed from the moment its write starts (the work directory appears) to its end.
      const reference = prepare(t);
      const timing = start([...args], { cwd: reference, env: SLOW });
      await waitFor(path.join(reference, '.clearml-k8s'));
      const writeStarted = performance.now();
      assert.equal((await timing.done).code, 0);
      const writeMs = performance.now() - writeStarted;
      assert.equal((await run(['compose'], reference)).code, 0);
      const expected = tree(reference);
      // What the next compose leaves when the command was killed before its commit point.
      const baseline = prepare(t);
      assert.equal((await run(['compose'], baseline)).code, 0);
      const untouched = tree(baseline);
      const next = random(11);
      // The 8 kills run side by side (each in its own repository, each timed from its own write's start).
      const moments = Array.from({ length: 8 }, () => next());
      const outcomes = await Promise.all(moments.map(async (moment) => {
        const repo = prepare(t);
        const before = JSON.stringify(tree(repo));
        const { child, done } = start([...args], { cwd: repo, env: SLOW });
        await waitFor(path.join(repo, '.clearml-k8s'));
        const atMs = Math.round(moment * writeMs);
        const timer = setTimeout(() => child.kill('SIGKILL'), atMs);
        const result = await done;
        clearTimeout(timer);
        const killed = result.signal === 'SIGKILL';
        const now = JSON.stringify(tree(repo));
        const half = killed && now !== before && now !== JSON.stringify(expected);
        if (half) {
          const check = await run(['compose', '--check'], repo);
          assert.equal(check.code, 1, `killed at ${atMs} ms with a half-written tree, compose --check must fail: ${check.stderr}`);
          assert.match(check.stderr, /an interrupted write .* is not finished/);
        }
        const recover = await run(['compose'], repo);
        assert.equal(recover.code, 0, recover.stderr);
        const recovered = JSON.stringify(tree(repo));
        // Killed before its commit point the command did nothing; after it, the next compose finished
        // it. Either way one of the two complete trees, never something between.
        const complete = recovered === JSON.stringify(expected);
        assert.ok(complete || recovered === JSON.stringify(untouched), `killed at ${atMs} ms (${killed ? 'SIGKILL' : `exit ${result.code}`}): the recovered tree is neither the complete one nor the one without the change`);
        assert.ok(!existsSync(path.join(repo, '.clearml-k8s')), 'no work directory left');
        assert.ok(!readdirSync(repo, { recursive: true, encoding: 'utf8' }).some((f) => /\.tmp$|\.staging|\.next-\d+$/.test(f)), 'no temporary file left');
        assert.equal((await run(['compose', '--check'], repo)).code, 0);
        return `${atMs} ms into the write: ${killed ? (half ? 'killed mid-write' : 'killed') : 'finished'} → ${complete ? 'complete' : 'not applied'}`;
      }));
      t.diagnostic(outcomes.join('; '));
    });
  }
});

test('two site add runs at once: the second waits for the first, both sites are written whole', { skip: engineSkip }, async (t) => {
  const repo = scratchRepository(t);
  const slow = { CLEARML_K8S_TEST_FAULTS: 'delay=800@lock,delay=20@rename' };
  const a = start(['site', 'add', 'one', '--node-port', 'app=30180'], { cwd: repo, env: slow });
  const b = start(['site', 'add', 'two', '--domain', 'two.example.com'], { cwd: repo, env: slow });
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  assert.equal((await run(['compose', '--check'], repo)).code, 0, 'the tree is exactly what compose generates');
  assert.ok(existsSync(path.join(repo, 'overlays/sites/one/site.yaml')) && existsSync(path.join(repo, 'overlays/sites/two/site.yaml')));
});

test('compose and site add at once, and a second writer that runs out of wait names the holder', { skip: engineSkip }, async (t) => {
  const repo = withSites(t);
  const holder = start(['compose'], { cwd: repo, env: { CLEARML_K8S_TEST_FAULTS: 'delay=3000@lock' } });
  // The holder names itself once it has the lock (then it waits 3 s holding it).
  await waitFor(path.join(repo, '.clearml-k8s.lock.json'));
  assert.ok(existsSync(path.join(repo, '.clearml-k8s.lock.json')), 'the holder took the lock');
  const impatient = await run(['site', 'add', 'acme'], repo, { CLEARML_K8S_LOCK_WAIT: '0.5' });
  assert.equal(impatient.code, 2);
  assert.match(impatient.stderr, new RegExp(`^clearml-k8s site add: LOCKED: \\.clearml-k8s\\.lock: expected no other clearml-k8s run writing this repository, received a lock held by \`clearml-k8s compose\` \\(pid ${holder.child.pid} on .+\\); wait for it to finish`, 'm'));
  const patient = start(['site', 'add', 'acme'], { cwd: repo });
  const [rh, rp] = await Promise.all([holder.done, patient.done]);
  assert.equal(rh.code, 0, rh.stderr);
  assert.equal(rp.code, 0, rp.stderr);
  assert.equal((await run(['compose', '--check'], repo)).code, 0);
});

test('Ctrl-C (SIGINT) during diff REF:DIR removes the temporary copy of the commit', { skip: engineSkip || (which('git') ? false : 'git is not on PATH') }, async (t) => {
  const repo = scratchRepository(t, ['base', 'overlays']);
  for (const args of [['init', '-q'], ['add', '.'], ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'x']]) assert.equal(spawnSync('git', args, { cwd: repo }).status, 0);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-tmpdir-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const slowEngine = path.join(tmp, 'slow-kustomize');
  writeFileSync(slowEngine, '#!/bin/sh\nsleep 20\n');
  chmodSync(slowEngine, 0o755);
  const { child, done } = start(['diff', 'HEAD:overlays/current_version', 'overlays/current_version'], { cwd: repo, env: { TMPDIR: tmp, KUSTOMIZE: `${slowEngine} build` } });
  const copies = () => readdirSync(tmp).filter((n) => n.startsWith('clearml-k8s-diff-'));
  for (let i = 0; i < 1200 && copies().length === 0; i++) await new Promise((r) => setTimeout(r, 25)); // up to 30 s: the bin starts slowly on a loaded machine
  assert.equal(copies().length, 1, 'the copy of the commit exists while diff runs');
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const result = await done;
  assert.equal(result.signal, 'SIGINT');
  assert.deepEqual(copies(), [], 'no copy left behind');
});

/** A tmpfs of `sizeKiB` at a new directory, or the reason it cannot be mounted here. */
function tmpfs(t: { after(fn: () => void): void }, sizeKiB: number): { dir: string } | { skip: string } {
  if (process.getuid?.() !== 0 || !which('mount')) return { skip: 'mounting a tmpfs needs root and mount(8)' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mount -t tmpfs is not permitted here: ${String(mounted.stderr).trim()}` };
  }
  t.after(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}

test('a real full disk (a small tmpfs): compose of new sites fails with ENOSPC, changes nothing, leaves nothing', { skip: engineSkip }, async (t) => {
  const fs = tmpfs(t, 1024);
  if ('skip' in fs) return t.skip(fs.skip);
  const repo = repositoryAt(path.join(fs.dir, 'repo'));
  for (let i = 0; i < 200; i++) {
    mkdirSync(path.join(repo, 'overlays/sites', `s${i}`), { recursive: true });
    // Examples whose spec is their only file: the tmpfs is sized to fill up while compose writes, not while this test copies.
    const plain = EXAMPLES.filter((n) => !readdirSync(path.join(ROOT, 'fixtures/sites', n)).some((f) => f.startsWith('sealed-')));
    cpSync(path.join(ROOT, 'fixtures/sites', plain[i % plain.length]!, 'site.yaml'), path.join(repo, 'overlays/sites', `s${i}`, 'site.yaml'));
  }
  const before = snapshot(repo);
  const result = await run(['compose'], repo);
  assert.equal(result.code, 2, result.stdout);
  assert.match(result.stderr, /^clearml-k8s compose: WRITE_FAILED: overlays\/sites\/s\d+\/[\w-]+\.yaml: expected a writable repository, received no space left on the device \(ENOSPC\); free some space on that file system and run the command again; nothing was changed$/m);
  assert.deepEqual(snapshot(repo), before, 'nothing changed, no temporary file');
});

test('a read-only file system: compose says EROFS (not ENOENT); compose --check still works', { skip: engineSkip }, async (t) => {
  const fs = tmpfs(t, 8192);
  if ('skip' in fs) return t.skip(fs.skip);
  const repo = repositoryAt(path.join(fs.dir, 'repo'));
  mkdirSync(path.join(repo, 'overlays/sites/a'), { recursive: true });
  writeFileSync(path.join(repo, 'overlays/sites/a/site.yaml'), 'profile: latest\n');
  assert.equal(spawnSync('mount', ['-o', 'remount,ro', fs.dir]).status, 0, 'remount read-only');
  const before = snapshot(repo);
  const result = await run(['compose'], repo);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^clearml-k8s compose: WRITE_FAILED: \.clearml-k8s\.lock: expected a repository where the lock directory can be created, received a read-only file system \(EROFS\); run the command in a writable clone/m);
  const check = await run(['compose', '--check'], repo);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stderr, /create overlays\/sites\/a\/kustomization\.yaml/);
  assert.deepEqual(snapshot(repo), before);
});
