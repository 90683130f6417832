// The semantic diff: pure unit tests on in-memory objects, golden cases under fixtures/diff rendered
// with the real kustomize engine (UPDATE_GOLDEN=1 rewrites expected.txt / expected.json), and
// renderSource's REF:DIR and error paths.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { formatDiffJson, formatDiffText, renderSource, semanticDiff, VerifierError, type FieldChange } from '../src/index.ts';
import { engine, engineSkip, ROOT } from './support.ts';

const CASES = path.join(ROOT, 'fixtures/diff');
const skip = engineSkip;

function deployment(name: string, podSpec: Record<string, unknown>, extra: Partial<ManifestObject> = {}): ManifestObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'clearml' }, spec: { template: { spec: podSpec } }, ...extra };
}

const changesOf = (a: ManifestObject, b: ManifestObject): FieldChange[] => {
  const diff = semanticDiff([a], [b]);
  assert.equal(diff.changed.length, 1);
  return diff.changed[0]!.changes;
};

test('objects pair by apiVersion, kind, namespace and name; lists are sorted by kind, namespace, name', () => {
  const cm = (name: string, namespace?: string): ManifestObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: namespace ? { name, namespace } : { name }, data: { x: '1' } });
  const hpa = (apiVersion: string): ManifestObject => ({ apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'a' } });
  const a = [cm('z', 'a'), cm('same', 'a'), hpa('autoscaling/v2beta2'), cm('gone', 'b')];
  const b = [cm('same', 'a'), cm('new', 'b'), cm('new', 'a'), hpa('autoscaling/v2'), cm('z', 'a'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }];
  const diff = semanticDiff(a, b);
  assert.equal(diff.equal, false);
  assert.deepEqual(diff.added.map((o) => [o.id, o.apiVersion]), [['ConfigMap/a/new', 'v1'], ['ConfigMap/b/new', 'v1'], ['HorizontalPodAutoscaler/a/web', 'autoscaling/v2'], ['Namespace/a', 'v1']]);
  assert.deepEqual(diff.removed.map((o) => [o.id, o.apiVersion]), [['ConfigMap/b/gone', 'v1'], ['HorizontalPodAutoscaler/a/web', 'autoscaling/v2beta2']]);
  assert.deepEqual(diff.changed, []);
  assert.equal(diff.unchanged, 2);
  assert.deepEqual(semanticDiff(a, [...a].reverse()), { equal: true, namespaces: { onlyInA: [], onlyInB: [], move: null }, added: [], removed: [], changed: [], unchanged: 4 });
});

test('a namespace move: objects pair by kind and name across it, the move is reported once, other fields naming the namespace still differ', () => {
  const ns = (name: string): ManifestObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const sa = (namespace: string): ManifestObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent', namespace } });
  const binding = (namespace: string): ManifestObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'agent' }, subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace }] });
  const a = [ns('clearml'), sa('clearml'), binding('clearml'), { ...deployment('api', { nodeSelector: { app: 'clearml' } }) }];
  const moved = (o: ManifestObject): ManifestObject => ({ ...o, metadata: { ...o.metadata, namespace: 'clearml-acme' } });
  const b = [ns('clearml-acme'), moved(sa('x')), binding('clearml-acme'), moved(deployment('api', {}))];
  const diff = semanticDiff(a, b);
  assert.deepEqual(diff.namespaces, { onlyInA: ['clearml'], onlyInB: ['clearml-acme'], move: { from: 'clearml', to: 'clearml-acme' } });
  assert.deepEqual([diff.added, diff.removed], [[], []]);
  assert.equal(diff.equal, false, 'a move alone is a difference');
  assert.deepEqual(diff.changed.map((o) => [o.id, o.changes.map((c) => [c.kind, c.path, c.old, c.new])]), [
    ['ClusterRoleBinding/agent', [['changed', 'subjects[agent].namespace', 'clearml', 'clearml-acme']]],
    ['Deployment/clearml-acme/api', [['removed', 'spec.template.spec.nodeSelector', { app: 'clearml' }, undefined]]],
  ]);
  assert.equal(diff.unchanged, 2, 'the Namespace and the ServiceAccount pair across the move');
  const text = formatDiffText(diff, { a: 'A', b: 'B' }, { color: false });
  assert.equal(text.split('\n')[2], 'namespace clearml → clearml-acme: objects paired by kind and name across the move');
  assert.deepEqual(JSON.parse(formatDiffJson(diff, { a: 'A', b: 'B' })).namespaceMove, { from: 'clearml', to: 'clearml-acme' });
  const off = semanticDiff(a, b, { namespaceMove: false });
  assert.deepEqual([off.namespaces.move, off.added.length, off.removed.length], [null, 3, 3]);
  // Two namespaces only in B: not one move, so no guess.
  const two = semanticDiff(a, [...b, { ...sa('other'), metadata: { name: 'x', namespace: 'other' } }]);
  assert.equal(two.namespaces.move, null);
  assert.match(formatDiffText(two, { a: 'A', b: 'B' }, { color: false }), /^namespaces differ \(only in A: clearml; only in B: clearml-acme, other\), not one namespace moved: objects paired by kind, namespace and name$/m);
});

test('scalars, map keys and type changes: changed, added and removed with B-side (A-side for removals) pointers', () => {
  const a: ManifestObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'clearml', labels: { 'app.kubernetes.io/name': 'web', tier: 'x' } }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 8080, nodePort: 30080 }], externalIPs: ['1.2.3.4'] } };
  const b: ManifestObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'clearml', labels: { 'app.kubernetes.io/name': 'webserver', 'a/b': 'y' } }, spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 8080 }], externalIPs: '1.2.3.4' } };
  assert.deepEqual(changesOf(a, b), [
    { kind: 'added', path: 'metadata.labels["a/b"]', pointer: '/metadata/labels/a~1b', new: 'y' },
    { kind: 'changed', path: 'metadata.labels["app.kubernetes.io/name"]', pointer: '/metadata/labels/app.kubernetes.io~1name', old: 'web', new: 'webserver' },
    { kind: 'removed', path: 'metadata.labels.tier', pointer: '/metadata/labels/tier', old: 'x' },
    { kind: 'changed', path: 'spec.externalIPs', pointer: '/spec/externalIPs', old: ['1.2.3.4'], new: '1.2.3.4' },
    { kind: 'removed', path: 'spec.ports[http].nodePort', pointer: '/spec/ports/0/nodePort', old: 30080 },
    { kind: 'changed', path: 'spec.type', pointer: '/spec/type', old: 'NodePort', new: 'ClusterIP' },
  ]);
});

test('list items match by name: an env var inserted in the middle is one addition, not a cascade', () => {
  const env = (names: string[]) => names.map((name) => ({ name, value: name.toLowerCase() }));
  const a = deployment('api', { containers: [{ name: 'apiserver', env: env(['A', 'C', 'D']) }] });
  const b = deployment('api', { containers: [{ name: 'apiserver', env: [...env(['A', 'B', 'C']), { name: 'D', value: 'changed' }] }] });
  assert.deepEqual(changesOf(a, b), [
    { kind: 'added', path: 'spec.template.spec.containers[apiserver].env[B]', pointer: '/spec/template/spec/containers/0/env/1', new: { name: 'B', value: 'b' } },
    { kind: 'changed', path: 'spec.template.spec.containers[apiserver].env[D].value', pointer: '/spec/template/spec/containers/0/env/3/value', old: 'd', new: 'changed' },
  ]);
});

test('reordered named items are moved (old and new index); a change inside a moved item has its B pointer', () => {
  const a = deployment('api', { containers: [{ name: 'apiserver', image: 'a:1' }, { name: 'sidecar', image: 's:1' }], volumes: [{ name: 'x' }, { name: 'y' }, { name: 'z' }] });
  const b = deployment('api', { containers: [{ name: 'sidecar', image: 's:2' }, { name: 'apiserver', image: 'a:1' }], volumes: [{ name: 'x' }, { name: 'z' }] });
  assert.deepEqual(changesOf(a, b), [
    { kind: 'moved', path: 'spec.template.spec.containers[sidecar]', pointer: '/spec/template/spec/containers/0', old: 1, new: 0 },
    { kind: 'changed', path: 'spec.template.spec.containers[sidecar].image', pointer: '/spec/template/spec/containers/0/image', old: 's:1', new: 's:2' },
    { kind: 'removed', path: 'spec.template.spec.volumes[y]', pointer: '/spec/template/spec/volumes/1', old: { name: 'y' } },
  ]);
});

test('items without a name match by index; a scalar replaced in place is one change; removals point into A', () => {
  const a = deployment('api', { containers: [{ name: 'c', args: ['--port', '8008', '--debug'], envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 's1' } }] }, { name: 'd', ports: [{ name: 'p', containerPort: 1 }, { name: 'q', containerPort: 2, hostPort: 2 }] }] });
  const b = deployment('api', { containers: [{ name: 'new' }, { name: 'c', args: ['--port', '8080'], envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 's2' } }, { prefix: 'X_' }] }, { name: 'd', ports: [{ name: 'p', containerPort: 1 }, { name: 'q', containerPort: 2 }] }] });
  assert.deepEqual(changesOf(a, b), [
    { kind: 'changed', path: 'spec.template.spec.containers[c].args[1]', pointer: '/spec/template/spec/containers/1/args/1', old: '8008', new: '8080' },
    { kind: 'removed', path: 'spec.template.spec.containers[c].args[2]', pointer: '/spec/template/spec/containers/0/args/2', old: '--debug' },
    { kind: 'changed', path: 'spec.template.spec.containers[c].envFrom[1].secretRef.name', pointer: '/spec/template/spec/containers/1/envFrom/1/secretRef/name', old: 's1', new: 's2' },
    { kind: 'added', path: 'spec.template.spec.containers[c].envFrom[2]', pointer: '/spec/template/spec/containers/1/envFrom/2', new: { prefix: 'X_' } },
    { kind: 'removed', path: 'spec.template.spec.containers[d].ports[q].hostPort', pointer: '/spec/template/spec/containers/1/ports/1/hostPort', old: 2 },
    { kind: 'added', path: 'spec.template.spec.containers[new]', pointer: '/spec/template/spec/containers/0', new: { name: 'new' } },
  ]);
});

test('odd names are quoted, numeric names too; duplicate names fall back to the index (indices sort before names)', () => {
  const a = deployment('api', { containers: [{ name: 'c', env: [{ name: 'my var', value: '1' }, { name: '80', value: '1' }, { name: 'dup', value: '1' }, { name: 'dup', value: '2' }] }] });
  const b = deployment('api', { containers: [{ name: 'c', env: [{ name: 'my var', value: '2' }, { name: '80', value: '2' }, { name: 'dup', value: '1' }, { name: 'dup', value: '3' }] }] });
  assert.deepEqual(changesOf(a, b).map((c) => c.path), [
    'spec.template.spec.containers[c].env[3].value',
    'spec.template.spec.containers[c].env["80"].value',
    'spec.template.spec.containers[c].env["my var"].value',
  ]);
});

test('the inputs are not modified and the changes do not alias them', () => {
  const a = deployment('api', { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }] });
  const b = deployment('api', { containers: [{ name: 'c', env: [] }] });
  const [before, after] = [JSON.stringify(a), JSON.stringify(b)];
  const change = changesOf(a, b)[0]!;
  (change.old as { value: string }).value = 'mutated';
  assert.equal(JSON.stringify(a), before);
  assert.equal(JSON.stringify(b), after);
});

test('text: header, +/-/~ lines, long values cut at 120 characters, summary; colours only when asked', () => {
  const a = deployment('api', { containers: [{ name: 'c', image: 'x'.repeat(200) }] });
  const b = deployment('api', { containers: [{ name: 'c', image: 'y' }] });
  const cm: ManifestObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: 'clearml' } };
  const diff = semanticDiff([a, cm], [b]);
  const text = formatDiffText(diff, { a: 'A', b: 'B' }, { color: false });
  assert.equal(text, `--- A\n+++ B\n- ConfigMap/clearml/gone (v1)\n~ Deployment/clearml/api\n    spec.template.spec.containers[c].image: "${'x'.repeat(118)}… → "y"\n0 added, 1 removed, 1 changed\n`);
  const colored = formatDiffText(diff, { a: 'A', b: 'B' }, { color: true });
  assert.match(colored, /\x1b\[31m- ConfigMap\/clearml\/gone \(v1\)\x1b\[39m/);
  assert.match(colored, /\x1b\[33m    spec\.template/);
  assert.equal(colored.replace(/\x1b\[\d+m/g, ''), text);
  assert.equal(formatDiffText(semanticDiff([a], [a]), { a: 'A', b: 'B' }, { color: false }), '--- A\n+++ B\nno differences (1 object)\n');
  const json = JSON.parse(formatDiffJson(diff, { a: 'A', b: 'B' }));
  assert.deepEqual(Object.keys(json), ['equal', 'a', 'b', 'namespaceMove', 'namespacesOnlyIn', 'added', 'removed', 'changed', 'unchanged']);
  assert.equal(json.changed[0].changes[0].old.length, 200, 'JSON values are never cut');
});

// Golden cases: each fixtures/diff/<case>/ has a/ and b/ kustomizations and the expected output.
const cases = readdirSync(CASES).filter((name) => existsSync(path.join(CASES, name, 'a'))).sort();

test('the golden cases cover the documented situations', () => {
  for (const name of ['added-object', 'removed-object', 'changed-fields', 'list-items-by-name', 'equal', 'labels-with-dots']) assert.ok(cases.includes(name), name);
});

for (const name of cases) {
  test(`golden: ${name}`, { skip }, async () => {
    const dir = path.join(CASES, name);
    const [a, b] = await Promise.all(['a', 'b'].map((side) => renderSource(side, { root: dir, cwd: dir, engine: engine! })));
    const diff = semanticDiff(a!.objects, b!.objects);
    assert.equal(diff.equal, name === 'equal');
    const actual = { 'expected.txt': formatDiffText(diff, { a: a!.label, b: b!.label }, { color: false }), 'expected.json': formatDiffJson(diff, { a: a!.label, b: b!.label }) };
    for (const [file, text] of Object.entries(actual)) {
      const expectedPath = path.join(dir, file);
      if (process.env.UPDATE_GOLDEN) writeFileSync(expectedPath, text);
      assert.equal(text, readFileSync(expectedPath, 'utf8'), `${name}/${file} (UPDATE_GOLDEN=1 rewrites it)`);
    }
  });
}

// renderSource: REF:DIR from a throwaway repository, and the errors.
function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('REF:DIR renders the directory as committed, leaves index and work tree alone, and removes its temporary tree', { skip }, async (t) => {
  const repo = tempDir(t, 'clearml-k8s-diff-repo-');
  git(repo, 'init', '-q');
  cpSync(path.join(CASES, 'changed-fields/a'), path.join(repo, 'site'), { recursive: true });
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'a');
  rmSync(path.join(repo, 'site'), { recursive: true });
  cpSync(path.join(CASES, 'changed-fields/b'), path.join(repo, 'site'), { recursive: true });
  writeFileSync(path.join(repo, 'untracked.txt'), 'x');
  const status = git(repo, 'status', '--porcelain');
  const tmpBefore = readdirSync(os.tmpdir()).filter((f) => f.startsWith('clearml-k8s-diff-') && !f.startsWith('clearml-k8s-diff-repo-')).sort();
  const old = await renderSource('HEAD:site', { root: repo, cwd: repo, engine: engine! });
  const fromSubdir = await renderSource('HEAD:.', { root: repo, cwd: path.join(repo, 'site'), engine: engine! });
  const now = await renderSource('site', { root: repo, cwd: repo, engine: engine! });
  assert.equal(old.label, 'HEAD:site');
  assert.equal(fromSubdir.label, 'HEAD:site');
  assert.equal(now.label, 'site');
  const reference = await renderSource('a', { root: ROOT, cwd: path.join(CASES, 'changed-fields'), engine: engine! });
  assert.deepEqual(old.objects, reference.objects);
  assert.deepEqual(fromSubdir.objects, reference.objects);
  assert.equal(semanticDiff(old.objects, now.objects).changed.length, 3);
  assert.equal(git(repo, 'status', '--porcelain'), status);
  assert.deepEqual(readdirSync(os.tmpdir()).filter((f) => f.startsWith('clearml-k8s-diff-') && !f.startsWith('clearml-k8s-diff-repo-')).sort(), tmpBefore);
});

test('renderSource errors say what failed and how to fix it', { skip }, async (t) => {
  const options = { root: ROOT, cwd: ROOT, engine: engine! };
  const rejects = (source: string, code: string, pattern: RegExp, opts = options) =>
    assert.rejects(renderSource(source, opts), (e: unknown) => e instanceof VerifierError && e.code === code && pattern.test(e.message), `${source}: expected ${code}`);
  await rejects('overlays/no-such-overlay', 'DIFF_SOURCE_NOT_FOUND', /overlays\/no-such-overlay: expected an overlay directory or REF:DIR, received no such path.*HEAD~1:overlays\/current_version/);
  await rejects('packages', 'DIFF_SOURCE_NOT_FOUND', /received a directory without one/);
  await rejects('no-such-ref-xyz:overlays/current_version', 'GIT_REF_NOT_FOUND', /"no-such-ref-xyz" is not a commit in .*git log --oneline/);
  await rejects('--exec=x:overlays', 'GIT_REF_NOT_FOUND', /is not a commit/);
  await rejects('HEAD:overlays/no-such-overlay', 'DIFF_SOURCE_NOT_FOUND', /HEAD:overlays\/no-such-overlay: expected a directory with kustomization\.yaml at HEAD \([0-9a-f]{12}\), received no such path; pass a directory that HEAD has \(git ls-tree --name-only HEAD overlays\/ lists them\)/);
  const outside = tempDir(t, 'clearml-k8s-diff-nogit-');
  await rejects('HEAD:x', 'GIT_REF_NOT_FOUND', /not inside a git repository/, { ...options, root: outside, cwd: outside });
  const broken = tempDir(t, 'clearml-k8s-diff-broken-');
  mkdirSync(path.join(broken, 'o'));
  writeFileSync(path.join(broken, 'o/kustomization.yaml'), 'resources:\n  - missing.yaml\n');
  await rejects('o', 'BUILD_FAILED', /^o: .+ failed \(exit 1\): .*missing\.yaml.*; fix the kustomization \(run `.+ o` to reproduce\)$/s, { ...options, root: broken, cwd: broken });
});
