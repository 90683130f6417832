// Verification with the real kustomize engine: the stock overlays pass, every broken fixture is
// caught by exactly its check, and the composer's golden cases render what they were meant to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sortObjects, type ManifestObject } from '@clearml-k8s/base-manifests';
import { PROFILES } from '@clearml-k8s/overlay-composer';
import { parseBuildOutput, parseManifest, parseManifests, stringifyManifests } from '@clearml-k8s/base-manifests/yaml';
import { CHECK_IDS, discoverVersionedEngines, renderOverlay, verifyOverlays, type Engine } from '../src/index.ts';
import { engine, engineSkip, ROOT, REPOSITORY, repositoryAt } from './support.ts';

const skip = engineSkip;
// The oldest and newest versioned kubectl builds, when there are two: every fixture is built with both.
const versioned = await discoverVersionedEngines();
const matrix: Engine[] = versioned.length >= 2 ? [versioned[0]!.engine, versioned[versioned.length - 1]!.engine] : [];

/** The one warning of the NodePort overlays: their server runs on ClearML's public defaults (a site with credentials closes it). */
const PUBLIC_DEFAULTS: [string, string, string, string] = ['public-credentials', 'warning', 'Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/env'];

test('the four stock overlays have zero findings; the NodePort trial ones accept the public-credentials warning, with its reason', { skip }, async () => {
  const result = await verifyOverlays(engine!, { ...REPOSITORY, cache: false });
  assert.deepEqual(result.overlays.map((o) => [o.dir, o.findings, o.accepted.map((f) => [f.check, f.severity, f.resource, f.path])]), [
    ['overlays/current_version', [], [PUBLIC_DEFAULTS]],
    ['overlays/latest', [], [PUBLIC_DEFAULTS]],
    ['overlays/enterprise', [], []],
    ['overlays/non-root', [], [PUBLIC_DEFAULTS]],
  ]);
  for (const o of result.overlays) for (const f of o.accepted) assert.match(f.reason, /^a trial profile: .*deploy overlays\/enterprise or a site with credentials\.secret/);
  assert.equal(result.ok, true);
  assert.ok(result.overlays.every((o) => o.ok), 'a warning does not fail an overlay');
  const byDir = Object.fromEntries(result.overlays.map((o) => [o.dir, o]));
  assert.deepEqual(byDir['overlays/current_version']!.nodePorts, { api: 30008, app: 30080, files: 30081 });
  assert.deepEqual(byDir['overlays/enterprise']!.hosts, ['api.clearml.example.com', 'app.clearml.example.com', 'files.clearml.example.com']);
  assert.deepEqual(byDir['overlays/enterprise']!.nodePorts, {});
});

test('the four stock overlays pass with the oldest and newest engines, with identical output', { skip: skip || (matrix.length < 2 && 'fewer than two versioned kubectl builds (kubectl.1.27 …) found') }, async () => {
  const result = await verifyOverlays(matrix, { ...REPOSITORY, cache: false });
  assert.equal(result.engines.length, 2);
  assert.deepEqual(result.overlays.flatMap((o) => o.findings), []);
  assert.deepEqual(result.overlays.flatMap((o) => o.accepted.map((f) => [f.check, f.severity])), [0, 1, 2].map(() => ['public-credentials', 'warning']));
});

/**
 * Broken fixtures: overlay directory → the one check id that must fire (and nothing else). A fixture
 * is `fixtures/broken/<check id>/`, so that adding a check needs no change here; the exceptions
 * (an overlay in a subdirectory, a second fixture of one check) are listed. `intended-objects` is a
 * hand edit applied to a scratch copy of the repository (HAND_EDIT below), not an overlay.
 */
const BROKEN_EXCEPTIONS: Record<string, [string, string]> = {
  'build-stderr': ['fixtures/broken/build-stderr/overlay', 'build-stderr'],
  'pod-security-agent-template': ['fixtures/broken/pod-security-agent-template', 'pod-security'],
  'network-reachability-database-clients': ['fixtures/broken/network-reachability-database-clients', 'network-reachability'],
  'writable-paths-read-only-root': ['fixtures/broken/writable-paths-read-only-root', 'writable-paths'],
};
const BROKEN: Record<string, string> = Object.fromEntries(
  readdirSync(path.join(ROOT, 'fixtures/broken'))
    .filter((name) => name !== 'intended-objects')
    .sort()
    .map((name) => BROKEN_EXCEPTIONS[name] ?? [`fixtures/broken/${name}`, name]),
);

/** The one broken case that is a hand edit of a generated overlay, applied in a scratch repository. */
const HAND_EDIT = 'fixtures/broken/intended-objects';

test('every broken fixture is listed here, and every check id has one', () => {
  const onDisk = readdirSync(path.join(ROOT, 'fixtures/broken')).map((d) => `fixtures/broken/${d}`);
  assert.deepEqual(onDisk.sort(), [...Object.keys(BROKEN).map((d) => d.split('/').slice(0, 3).join('/')), HAND_EDIT].sort());
  assert.deepEqual([...new Set([...Object.values(BROKEN), 'intended-objects'])].sort(), [...CHECK_IDS].sort());
  assert.ok(Object.keys(BROKEN).length >= 20);
});

test('each broken overlay is caught by exactly its check', { skip }, async () => {
  // engine-mismatch needs two engines; without them it is left out (and says so).
  const engines = matrix.length >= 2 ? matrix : [engine!];
  const dirs = Object.keys(BROKEN).filter((d) => engines.length > 1 || BROKEN[d] !== 'engine-mismatch');
  const result = await verifyOverlays(engines, { ...REPOSITORY, dirs, cache: false });
  assert.equal(result.ok, false);
  assert.equal(result.overlays.length, dirs.length);
  for (const report of result.overlays) {
    assert.ok(report.findings.length > 0, `${report.dir}: no finding`);
    // Fixtures built on a NodePort overlay also carry its public-credentials warning (see the stock overlays).
    const own = report.findings.filter((f) => f.check === BROKEN[report.dir] || f.check !== 'public-credentials');
    assert.deepEqual([...new Set(own.map((f) => f.check))], [BROKEN[report.dir]], report.dir);
    for (const f of report.findings.filter((g) => !own.includes(g))) assert.deepEqual([f.check, f.severity, f.resource], PUBLIC_DEFAULTS.slice(0, 3), report.dir);
    for (const f of report.findings) {
      assert.equal(f.overlay, report.dir);
      assert.ok(f.message && f.hint, `${report.dir}: message and hint`);
    }
  }
  const findingsOf = (dir: string) => result.overlays.find((o) => o.dir === dir)!.findings.filter((f) => f.check === BROKEN[dir]);
  assert.deepEqual(findingsOf('fixtures/broken/node-ports').map((f) => [f.resource, f.path, f.source]), [
    ['Service/clearml/clearml-apiserver', '/spec/ports/0/nodePort', { file: 'fixtures/broken/node-ports/kustomization.yaml', field: 'patches', index: 0, operation: 1, line: 7 }],
  ]);
  assert.deepEqual(findingsOf('fixtures/broken/schema').map((f) => [f.resource, f.path]), [['Deployment/clearml/clearml-redis', '/spec/template/spec/containers/0/resources/limit']]);
  assert.match(findingsOf('fixtures/broken/schema')[0]!.message, /did you mean "limits"/);
  assert.deepEqual(findingsOf('fixtures/broken/rbac').map((f) => [f.resource, f.path]), [['Role/clearml/clearml-agent', '/rules/0/verbs/2']]);
  const agentTemplate = findingsOf('fixtures/broken/pod-security-agent-template');
  assert.ok(agentTemplate.every((f) => f.resource === 'ConfigMap/clearml/clearml-agent-cpu-template' && f.path.startsWith('/data/template.yaml#/spec/')), JSON.stringify(agentTemplate));
  assert.ok(agentTemplate.some((f) => f.path === '/data/template.yaml#/spec/containers/0/securityContext/privileged'));
  assert.deepEqual(findingsOf('fixtures/broken/image-override').map((f) => f.source), [{ file: 'fixtures/broken/image-override/kustomization.yaml', field: 'images', index: 0, line: 8 }]);
  // Fixed users off on the enterprise overlay: a warning, so the overlay still passes (verify --strict fails it).
  const openSignIn = result.overlays.find((o) => o.dir === 'fixtures/broken/public-credentials')!;
  assert.deepEqual(openSignIn.findings.map((f) => [f.check, f.severity, f.resource, f.path]), [PUBLIC_DEFAULTS]);
  assert.match(openSignIn.findings[0]!.message, /open sign-in/);
  assert.doesNotMatch(openSignIn.findings[0]!.message, /token secret|system keys/);
  assert.equal(openSignIn.ok, true);
});

test('a hand edit of a generated overlay is caught by exactly intended-objects', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-hand-edit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['base', 'overlays/current_version']) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  const file = path.join(dir, 'overlays/current_version/kustomization.yaml');
  const generated = parseManifest(readFileSync(file, 'utf8'), file) as { patches?: unknown[] };
  const edit = parseManifest(readFileSync(path.join(ROOT, HAND_EDIT, 'hand-edit.yaml'), 'utf8'), HAND_EDIT) as { patches: unknown[] };
  writeFileSync(file, stringifyManifests([{ ...generated, patches: [...(generated.patches ?? []), ...edit.patches] }]));
  const result = await verifyOverlays(engine!, { ...repositoryAt(dir), dirs: ['overlays/current_version'], cache: false });
  // current_version's own public-credentials warning stays; the hand edit is the one error.
  const findings = result.overlays[0]!.findings.filter((f) => f.check !== 'public-credentials');
  assert.deepEqual([...new Set(findings.map((f) => f.check))], ['intended-objects'], JSON.stringify(findings));
  assert.ok(findings.some((f) => f.resource === 'Deployment/clearml/clearml-redis' && f.path.startsWith('/metadata/annotations')), JSON.stringify(findings));
});

test('a tree that is not ours, in a directory named like a stock overlay, gets no stock-overlay expectations', { skip }, async () => {
  // The abandoned upstream kustomize tree keeps its overlay in overlays/current_version.
  const legacy = path.join(ROOT, '../shared/foreign/clearml-server-k8s-legacy/overlays/current_version');
  const result = await verifyOverlays(engine!, { ...REPOSITORY, dirs: [legacy], cache: false });
  const checks = new Set(result.overlays[0]!.findings.map((f) => f.check));
  for (const ours of ['intended-objects', 'profile', 'image-catalog']) assert.ok(!checks.has(ours as never), `${ours} on a tree that is not ours: ${[...checks].join(', ')}`);
});

test('golden composer cases render their desired objects with the real engine', { skip }, async () => {
  const casesDir = path.join(ROOT, 'fixtures/composer');
  for (const name of readdirSync(casesDir)) {
    const render = await renderOverlay(engine!, path.join(casesDir, name, 'overlay'));
    assert.equal(render.exitCode, 0, `${name}: ${render.stderr}`);
    assert.equal(render.stderr, '', name);
    const desired = parseManifests(readFileSync(path.join(casesDir, name, 'desired.yaml'), 'utf8'), name) as ManifestObject[];
    assert.deepEqual(sortObjects(render.objects), sortObjects(desired), name);
  }
});

test('the README documents every check id, in the order of the registry', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| `([a-z-]+)` \| /gm)].map((m) => m[1]).filter((id) => (CHECK_IDS as string[]).includes(id!));
  assert.deepEqual(documented, CHECK_IDS);
});

test('the fast parser of build output reads every overlay exactly as the positional parser does', { skip }, async () => {
  const dirs = [...PROFILES.map((p) => `overlays/${p.name}`), 'base', ...readdirSync(path.join(ROOT, 'fixtures/broken')).map((d) => `fixtures/broken/${d}`).filter((d) => existsSync(path.join(ROOT, d, 'kustomization.yaml')))];
  for (const dir of dirs) {
    const result = spawnSync(engine!.argv[0]!, [...engine!.argv.slice(1), path.join(ROOT, dir)], { encoding: 'utf8' });
    if (result.status !== 0) continue;
    assert.deepEqual(parseBuildOutput(result.stdout, dir), parseManifests(result.stdout, dir), dir);
  }
});

test('the verify cache reuses reports of unchanged overlays and rebuilds only what a change reaches', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['base', 'overlays']) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  const first = await verifyOverlays(engine!, repositoryAt(dir));
  assert.equal(first.cached, 0);
  const second = await verifyOverlays(engine!, repositoryAt(dir));
  assert.equal(second.cached, 4);
  assert.deepEqual(second.overlays.map((o) => [o.dir, o.ok, o.cached]), first.overlays.map((o) => [o.dir, o.ok, true]));
  // enterprise and non-root build on current_version: a change there reaches three overlays, not latest.
  const file = path.join(dir, 'overlays/current_version/kustomization.yaml');
  writeFileSync(file, readFileSync(file, 'utf8') + '\n# a comment\n');
  const third = await verifyOverlays(engine!, repositoryAt(dir));
  assert.deepEqual(third.overlays.filter((o) => o.cached).map((o) => o.dir), ['overlays/latest']);
  const uncached = await verifyOverlays(engine!, { ...repositoryAt(dir), cache: false });
  assert.equal(uncached.cached, 0);
});

test('progress is reported after every overlay, with the slowest so far', { skip }, async () => {
  const seen: { done: number; total: number; slowest: string | undefined }[] = [];
  await verifyOverlays(engine!, { ...REPOSITORY, cache: false, onProgress: (p) => seen.push({ done: p.done, total: p.total, slowest: p.slowest?.dir }) });
  assert.deepEqual(seen.map((p) => [p.done, p.total]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
  assert.ok(seen.every((p) => p.slowest?.startsWith('overlays/')));
});
