// Batched builds (src/batch-render.ts): one engine process for several overlays, split back per
// overlay, used only where it gives exactly what separate builds give. Proven here with the real
// engines on every fixture: the stock overlays, the example sites and every broken fixture.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { composeSiteFromText, PROFILES } from '@clearml-k8s/overlay-composer';
import { batchIdentity, discoverVersionedEngines, planBatches, renderBatch, renderOverlay, verifyOverlays, type BatchMember, type Engine } from '../src/index.ts';
import { engine, engineSkip, repositoryAt, ROOT, TREE } from './support.ts';

const versioned = await discoverVersionedEngines();
/** The engine verify picks, and the oldest and newest versioned builds found. */
const ENGINES: Engine[] = [...(engine ? [engine] : []), ...(versioned.length ? [versioned[0]!.engine] : []), ...(versioned.length > 1 ? [versioned.at(-1)!.engine] : [])];
const EXAMPLE_SITES = readdirSync(path.join(ROOT, 'fixtures/sites')).sort();

/**
 * A scratch repository with the stock overlays and the example sites as `compose` writes them (their
 * goldens); with `ownNamespaces`, each site moved to a namespace of its own (`site-<name>`) and composed again.
 */
function scratchRepository(t: TestContext, options: { ownNamespaces?: boolean } = {}): string {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-batch-test-'));
  t.after(() => rmSync(repo, { recursive: true, force: true }));
  for (const sub of ['base', 'overlays', 'schemas']) cpSync(path.join(ROOT, sub), path.join(repo, sub), { recursive: true });
  writeFileSync(path.join(repo, 'package.json'), '{ "name": "clearml-k8s", "private": true }\n');
  writeFileSync(path.join(repo, 'turbo.json'), '{}\n');
  mkdirSync(path.join(repo, 'packages'));
  for (const name of EXAMPLE_SITES) {
    const dir = path.join(repo, 'overlays/sites', name);
    mkdirSync(dir, { recursive: true });
    if (!options.ownNamespaces) {
      cpSync(path.join(ROOT, 'fixtures/sites', name, 'site.yaml'), path.join(dir, 'site.yaml'));
      cpSync(path.join(ROOT, 'fixtures/sites', name, 'expected'), dir, { recursive: true });
      for (const f of readdirSync(path.join(ROOT, 'fixtures/sites', name)).filter((f) => f.startsWith('sealed-'))) cpSync(path.join(ROOT, 'fixtures/sites', name, f), path.join(dir, f));
      continue;
    }
    const file = `overlays/sites/${name}/site.yaml`;
    const text = `${readFileSync(path.join(ROOT, 'fixtures/sites', name, 'site.yaml'), 'utf8').replace(/^namespace: .*\n/m, '')}namespace: site-${name}\n`;
    writeFileSync(path.join(repo, file), text);
    // Sealed credentials are bound to their namespace: the example's, moved to the site's own.
    const sealed = (basename: string) => {
      const source = path.join(ROOT, 'fixtures/sites', name, basename);
      return existsSync(source) ? readFileSync(source, 'utf8').replaceAll('namespace: clearml\n', `namespace: site-${name}\n`) : null;
    };
    for (const f of readdirSync(path.join(ROOT, 'fixtures/sites', name)).filter((f) => f.startsWith('sealed-'))) writeFileSync(path.join(repo, 'overlays/sites', name, f), sealed(f)!);
    for (const f of composeSiteFromText(name, text, file, TREE, sealed).files) writeFileSync(path.join(repo, f.path), f.content);
  }
  return repo;
}

/** Every overlay directory of the broken fixtures (a fixture's overlay may sit in a subdirectory). */
function brokenFixtureDirs(): string[] {
  const dirs: string[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'kustomization.yaml')) dirs.push(dir);
    for (const e of entries) if (e.isDirectory()) visit(path.join(dir, e.name));
  };
  visit(path.join(ROOT, 'fixtures/broken'));
  return dirs.sort();
}

test('batched builds equal separate builds on every fixture, with every engine found', { skip: engineSkip }, async (t) => {
  const repo = scratchRepository(t, { ownNamespaces: true });
  const sites = EXAMPLE_SITES.map((n) => path.join(repo, 'overlays/sites', n));
  const others = [...PROFILES.map((p) => path.join(repo, 'overlays', p.name)), ...brokenFixtureDirs()];
  const name = (d: string) => path.relative(d.startsWith(repo) ? repo : ROOT, d);
  for (const e of ENGINES) {
    const label = e.label ?? e.argv.join(' ');
    const separate = new Map(await Promise.all([...sites, ...others].map(async (d) => [d, await renderOverlay(e, d)] as const)));
    // A batch may stand only for builds that exit 0 with nothing on stderr. The prediction is the
    // separate build itself, so every such directory takes part, whether the composer wrote it or not.
    const clean = (d: string) => separate.get(d)!.exitCode === 0 && !separate.get(d)!.stderr.trim() && !separate.get(d)!.parseError;
    const member = (d: string): BatchMember => ({ dir: d, predicted: separate.get(d)!.objects });
    assert.ok(sites.every(clean), `${label}: every example site builds cleanly`);
    // The sites together; every other fixture (namespace clearml, so none can share a batch with
    // another) with one site of its own namespace, the sites taken in turn, skipping a site the
    // planner keeps apart from it (a ClusterRoleBinding naming a ServiceAccount the site has too).
    const partner = (d: string, i: number) => sites.map((_, k) => sites[(i + k) % sites.length]!).find((p) => planBatches([member(d), member(p)]).length === 1);
    const batches = [...planBatches(sites.map(member)).filter((b) => b.length > 1), ...others.filter(clean).flatMap((d, i) => (partner(d, i) ? [[member(d), member(partner(d, i)!)]] : []))];
    const proven = new Set<string>();
    for (const batch of batches) {
      if (planBatches(batch).length !== 1) continue; // the planner would not batch these two
      const outcome = await renderBatch(e, batch);
      assert.ok(outcome.ok, `${label}: batch of ${batch.map((m) => name(m.dir)).join(', ')} rejected: ${outcome.ok ? '' : outcome.reason}`);
      for (const m of batch) {
        // Same objects, same fields, same order as the overlay's own build.
        assert.deepEqual(outcome.renders.get(m.dir)!.objects, separate.get(m.dir)!.objects, `${name(m.dir)} with ${label}`);
        proven.add(m.dir);
      }
    }
    const unproven = [...sites, ...others].filter(clean).filter((d) => !proven.has(d)).map(name);
    assert.deepEqual(unproven, [], `${label}: fixtures never batched`);
    assert.ok(proven.size >= 40, `${label}: ${proven.size} fixtures proven`);
  }
});

test('a batch is rejected, never split wrong: an unpredicted object, a missing one, a failing or warning member', { skip: engineSkip }, async (t) => {
  const repo = scratchRepository(t);
  const current = path.join(repo, 'overlays/current_version');
  const cloud = path.join(repo, 'overlays/sites/non-root'); // namespace clearml-restricted
  const [a, b] = await Promise.all([renderOverlay(engine!, current), renderOverlay(engine!, cloud)]);
  const ok = await renderBatch(engine!, [{ dir: current, predicted: a.objects }, { dir: cloud, predicted: b.objects }]);
  assert.ok(ok.ok);
  const unpredicted = await renderBatch(engine!, [{ dir: current, predicted: a.objects.slice(1) }, { dir: cloud, predicted: b.objects }]);
  assert.equal(unpredicted.ok, false);
  assert.match(unpredicted.ok ? '' : unpredicted.reason, /which no overlay of the batch predicts/);
  const extra: ManifestObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-built', namespace: 'clearml' } };
  const missing = await renderBatch(engine!, [{ dir: current, predicted: [...a.objects, extra] }, { dir: cloud, predicted: b.objects }]);
  assert.match(missing.ok ? '' : missing.reason, /lacks objects its promise predicts/);
  const failing = await renderBatch(engine!, [{ dir: path.join(ROOT, 'fixtures/broken/build'), predicted: [] }, { dir: cloud, predicted: b.objects }]);
  assert.match(failing.ok ? '' : failing.reason, /^the batched build exited 1: /);
  const warning = await renderBatch(engine!, [{ dir: path.join(ROOT, 'fixtures/broken/build-stderr/overlay'), predicted: [] }, { dir: cloud, predicted: b.objects }]);
  assert.match(warning.ok ? '' : warning.reason, /^the batched build printed on stderr: /);
});

test('verify reports the same with and without batches, and uses them for the generated overlays', { skip: engineSkip }, async (t) => {
  const repo = scratchRepository(t, { ownNamespaces: true });
  const strip = (r: Awaited<ReturnType<typeof verifyOverlays>>) => r.overlays.map(({ durationMs: _, ...o }) => o);
  const engines = ENGINES.length > 1 ? [ENGINES[0]!, ENGINES.at(-1)!] : ENGINES;
  const batched = await verifyOverlays(engines, { ...repositoryAt(repo), cache: false });
  const separate = await verifyOverlays(engines, { ...repositoryAt(repo), cache: false, batch: false });
  assert.deepEqual(strip(batched), strip(separate));
  assert.equal(batched.overlays.length, PROFILES.length + EXAMPLE_SITES.length);
  assert.deepEqual(batched.builds.rejected, []);
  // The 4 stock overlays share their objects' identities (namespace clearml): 4 batches per engine,
  // and every overlay of the run is in one of them.
  assert.equal(batched.builds.batches, 4 * engines.length, JSON.stringify(batched.builds));
  assert.equal(batched.builds.batchedOverlays, batched.overlays.length * engines.length);
  assert.deepEqual(separate.builds, { batches: 0, batchedOverlays: 0, rejected: [] });
});

test('planBatches: no shared identity, no ambiguous cluster-scoped reference, unknown cluster kinds and sortOptions alone', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-plan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const member = (name: string, objects: ManifestObject[], kustomization = 'resources: []\n'): BatchMember => {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'kustomization.yaml'), kustomization);
    return { dir: path.join(dir, name), predicted: objects };
  };
  const obj = (kind: string, name: string, namespace?: string, extra: object = {}): ManifestObject => ({ apiVersion: kind === 'ClusterRoleBinding' ? 'rbac.authorization.k8s.io/v1' : 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra });
  const a = member('a', [obj('Service', 'api', 'one'), obj('ServiceAccount', 'agent', 'one'), obj('ClusterRoleBinding', 'a-agent', undefined, { subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'one' }] })]);
  const b = member('b', [obj('Service', 'api', 'two')]);
  const c = member('c', [obj('Service', 'api', 'one')]); // same identity as a's Service
  const d = member('d', [obj('ServiceAccount', 'agent', 'four')]); // a's binding would see it too
  const e = member('e', [obj('Service', 'api', 'five'), obj('MutatingWebhookConfiguration', 'hook')]);
  const f = member('f', [obj('Service', 'api', 'six')], 'sortOptions:\n  order: fifo\nresources: []\n');
  const g = member('g', [obj('Service', 'api', 'seven')]);
  const plan = planBatches([a, b, c, d, e, f, g]).map((batch) => batch.map((m) => path.basename(m.dir)));
  assert.deepEqual(plan, [['a', 'b', 'g'], ['c', 'd'], ['e'], ['f']]);
  assert.deepEqual(planBatches([a, b, g], { maxSize: 2 }).map((batch) => batch.map((m) => path.basename(m.dir))), [['a', 'b'], ['g']]);
  assert.equal(batchIdentity(obj('ClusterRoleBinding', 'x')), 'rbac.authorization.k8s.io|ClusterRoleBinding||x');
});
