// End to end: `clearml-k8s diff` (through `main` in process), on the real overlays and on a throwaway
// git repository, with the real kustomize engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { engineSkip, ROOT, runInProcess, scratchRepository, which } from './support.ts';

const skip = engineSkip;
const gitSkip = skip || (which('git') ? false : 'git is not on PATH');

/** The environment without colour switches, so that output to a pipe is plain text. */
function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const key of ['FORCE_COLOR', 'NO_COLOR']) if (!(key in extra)) delete env[key];
  return env;
}

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return runInProcess(args, { cwd: options.cwd ?? ROOT, env: options.env ?? plainEnv() });
}

function git(cwd: string, ...args: string[]) {
  const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('diff base overlays/enterprise exits 1 and lists the Ingresses and the Service type changes, in plain text to a pipe', { skip }, async () => {
  const { code, stdout, stderr } = await run(['diff', 'base', 'overlays/enterprise']);
  assert.equal(code, 1, stderr);
  assert.ok(stdout.startsWith('--- base\n+++ overlays/enterprise\n'), stdout);
  assert.match(stdout, /^\+ Ingress\/clearml\/clearml-apiserver \(networking\.k8s\.io\/v1\)$/m);
  assert.match(stdout, /^~ Service\/clearml\/clearml-webserver\n {4}spec\.ports\[http\]\.nodePort: 30080 → \(removed\)\n {4}spec\.type: "NodePort" → "ClusterIP"\n/m);
  assert.match(stdout, /^ {4}spec\.template\.spec\.containers\[apiserver\]\.env\[CLEARML__apiserver__auth__cookies__domain\]: \(added\) \{"name":"CLEARML__apiserver__auth__cookies__domain","value":"\.clearml\.example\.com"\}$/m);
  assert.match(stdout, /\n3 added, 0 removed, \d+ changed\n$/);
  assert.ok(!stdout.includes('\x1b'), 'no escape codes when stdout is not a TTY');
});

test('colours: FORCE_COLOR turns them on without a TTY, NO_COLOR wins', { skip }, async () => {
  const forced = await run(['diff', 'base', 'overlays/enterprise'], { env: plainEnv({ FORCE_COLOR: '1' }) });
  assert.equal(forced.code, 1);
  assert.match(forced.stdout, /\x1b\[32m\+ Ingress\/clearml\/clearml-apiserver/);
  assert.match(forced.stdout, /\x1b\[33m {4}spec\.type: "NodePort" → "ClusterIP"\x1b\[39m/);
  const none = await run(['diff', 'base', 'overlays/enterprise'], { env: plainEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) });
  assert.ok(!none.stdout.includes('\x1b'));
  assert.equal(forced.stdout.replace(/\x1b\[\d+m/g, ''), none.stdout);
});

test('diff of an overlay with itself exits 0', { skip }, async () => {
  const { code, stdout, stderr } = await run(['diff', 'overlays/current_version', 'overlays/current_version']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^--- overlays\/current_version\n\+\+\+ overlays\/current_version\nno differences \(\d+ objects\)\n$/);
});

test('diff --json has the documented shape', { skip }, async () => {
  const { code, stdout } = await run(['diff', '--json', 'base', 'overlays/enterprise']);
  assert.equal(code, 1);
  const report = JSON.parse(stdout);
  assert.deepEqual(Object.keys(report), ['equal', 'a', 'b', 'namespaceMove', 'namespacesOnlyIn', 'added', 'removed', 'changed', 'unchanged']);
  assert.deepEqual([report.equal, report.a, report.b], [false, 'base', 'overlays/enterprise']);
  assert.deepEqual(report.added.map((o: any) => o.id), ['Ingress/clearml/clearml-apiserver', 'Ingress/clearml/clearml-fileserver', 'Ingress/clearml/clearml-webserver']);
  assert.deepEqual(report.added[0], { id: 'Ingress/clearml/clearml-apiserver', apiVersion: 'networking.k8s.io/v1' });
  assert.deepEqual(report.removed, []);
  const service = report.changed.find((o: any) => o.id === 'Service/clearml/clearml-webserver');
  assert.deepEqual(service.changes, [
    { kind: 'removed', path: 'spec.ports[http].nodePort', pointer: '/spec/ports/0/nodePort', old: 30080 },
    { kind: 'changed', path: 'spec.type', pointer: '/spec/type', old: 'NodePort', new: 'ClusterIP' },
  ]);
  for (const object of report.changed) for (const change of object.changes) assert.deepEqual(Object.keys(change).slice(0, 3), ['kind', 'path', 'pointer']);
});

test('diff HEAD:overlays/current_version overlays/current_version exits 0 and leaves git status as it was', { skip: gitSkip }, async (t) => {
  if (git(ROOT, 'rev-parse', '--git-dir').code !== 0) return t.skip('not a git checkout');
  if (git(ROOT, 'status', '--porcelain', '--', 'base', 'overlays').stdout.trim()) return t.skip('base/ or overlays/ have uncommitted changes: HEAD renders differently from the work tree');
  const before = git(ROOT, 'status', '--porcelain').stdout;
  const { code, stdout, stderr } = await run(['diff', 'HEAD:overlays/current_version', 'overlays/current_version']);
  assert.equal(code, 0, stderr + stdout);
  assert.ok(stdout.startsWith('--- HEAD:overlays/current_version\n+++ overlays/current_version\nno differences'), stdout);
  assert.equal(git(ROOT, 'status', '--porcelain').stdout, before);
});

test('diff HEAD~1:DIR HEAD:DIR in a throwaway repository shows a changed nodePort', { skip: gitSkip }, async (t) => {
  const repo = scratchRepository(t, ['base', 'overlays'], 'clearml-k8s-diff-cli-');
  assert.equal(git(repo, 'init', '-q').code, 0);
  assert.equal(git(repo, 'add', '.').code, 0);
  assert.equal(git(repo, 'commit', '-q', '-m', 'first').code, 0);
  const file = path.join(repo, 'base/webserver.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('nodePort: 30080', 'nodePort: 30090'));
  assert.equal(git(repo, 'commit', '-q', '-am', 'second').code, 0);
  writeFileSync(file, readFileSync(file, 'utf8').replace('nodePort: 30090', 'nodePort: 30091'));
  const before = git(repo, 'status', '--porcelain').stdout;
  assert.equal(before, ' M base/webserver.yaml\n');

  const text = await run(['diff', '--root', repo, 'HEAD~1:overlays/current_version', 'HEAD:overlays/current_version'], { cwd: repo });
  assert.equal(text.code, 1, text.stderr);
  assert.equal(text.stdout, '--- HEAD~1:overlays/current_version\n+++ HEAD:overlays/current_version\n~ Service/clearml/clearml-webserver\n    spec.ports[http].nodePort: 30080 → 30090\n0 added, 0 removed, 1 changed\n');
  const json = JSON.parse((await run(['diff', '--json', '--root', repo, 'HEAD~1:overlays/current_version', 'overlays/current_version'], { cwd: repo })).stdout);
  assert.deepEqual([json.a, json.b], ['HEAD~1:overlays/current_version', 'overlays/current_version']);
  assert.deepEqual(json.changed, [{ id: 'Service/clearml/clearml-webserver', apiVersion: 'v1', changes: [{ kind: 'changed', path: 'spec.ports[http].nodePort', pointer: '/spec/ports/0/nodePort', old: 30080, new: 30091 }] }]);
  assert.equal(git(repo, 'status', '--porcelain').stdout, before, 'index and work tree untouched');
});

test('diff errors exit 2 with what failed and how to fix it', { skip }, async () => {
  const badRef = await run(['diff', 'no-such-ref:overlays/current_version', 'overlays/current_version']);
  assert.equal(badRef.code, 2);
  assert.match(badRef.stderr, /^clearml-k8s diff: GIT_REF_NOT_FOUND: no-such-ref:overlays\/current_version: no such directory, and "no-such-ref" is not a commit in .+; pass an existing overlay directory, or REF:DIR/);
  const missing = await run(['diff', 'overlays/current_version', 'overlays/no-such-overlay']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /DIFF_SOURCE_NOT_FOUND: overlays\/no-such-overlay: expected an overlay directory or REF:DIR, received no such path/);
  assert.equal(missing.stdout, '');
  const both = await run(['diff', 'nope-a', 'nope-b']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^clearml-k8s diff: DIFF_SOURCE_NOT_FOUND: nope-a: .+\nclearml-k8s diff: DIFF_SOURCE_NOT_FOUND: nope-b: .+\n$/);
  const one = await run(['diff', 'base']);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /expected two sources A and B, received 1/);
  assert.match(one.stderr, /Usage: clearml-k8s diff A B \[--json\]/);
});

test('a site that moves the namespace: diff --parent pairs its objects with the parent across the move, says so, and lists the real changes', { skip: engineSkip }, async (t) => {
  const repo = scratchRepository(t, ['base', 'overlays'], 'clearml-k8s-diff-ns-');
  assert.equal((await runInProcess(['site', 'add', 'acme', '--namespace', 'clearml-acme', '--domain', 'ml.acme.io'], { cwd: repo })).code, 0);
  const moved = await runInProcess(['diff', '--parent', 'overlays/sites/acme', '--json'], { cwd: repo });
  assert.equal(moved.code, 1, moved.stderr);
  const json = JSON.parse(moved.stdout) as { namespaceMove: unknown; added: { id: string }[]; removed: unknown[]; changed: { id: string }[] };
  assert.deepEqual(json.namespaceMove, { from: 'clearml', to: 'clearml-acme' });
  assert.deepEqual(json.removed, [], 'nothing of the parent is "removed" for having moved');
  assert.ok(json.added.every((o) => /Ingress/.test(JSON.stringify(o))), JSON.stringify(json.added)); // the site's own Ingresses only
  assert.ok(json.changed.length > 0, 'the site\'s real changes (Services, env) are still listed');
  const text = await runInProcess(['diff', '--parent', 'overlays/sites/acme'], { cwd: repo });
  assert.match(text.stdout, /namespace clearml → clearml-acme: objects paired by kind and name across the move/);
  // Without the pairing every namespaced object is added on one side and removed on the other.
  const plain = JSON.parse((await runInProcess(['diff', 'overlays/current_version', 'overlays/sites/acme', '--json', '--no-namespace-move'], { cwd: repo })).stdout) as { removed: unknown[]; added: unknown[] };
  assert.ok(plain.removed.length > 10 && plain.added.length > 10, `${plain.added.length} added, ${plain.removed.length} removed`);
});
