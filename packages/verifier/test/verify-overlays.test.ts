// Verification with the real kustomize engine: the stock overlays pass, every broken fixture is
// caught by exactly its check, and the composer's golden cases render what they were meant to.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sortObjects, type ManifestObject } from '@clearml-k8s/base-manifests';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { renderOverlay, resolveEngine, verifyOverlays, type Engine } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let engine: Engine | null = null;
try {
  engine = await resolveEngine();
} catch {
  engine = null;
}
const skip = engine ? false : 'no kustomize engine ($KUSTOMIZE, kustomize or kubectl) on PATH';

test('the four stock overlays pass every check', { skip }, async () => {
  const result = await verifyOverlays(engine!, { root: ROOT });
  assert.deepEqual(result.overlays.map((o) => [o.dir, o.findings]), [
    ['overlays/current_version', []],
    ['overlays/latest', []],
    ['overlays/enterprise', []],
    ['overlays/non-root', []],
  ]);
  assert.equal(result.ok, true);
  const byDir = Object.fromEntries(result.overlays.map((o) => [o.dir, o]));
  assert.deepEqual(byDir['overlays/current_version']!.nodePorts, { api: 30008, app: 30080, files: 30081 });
  assert.deepEqual(byDir['overlays/enterprise']!.hosts, ['api.clearml.example.com', 'app.clearml.example.com', 'files.clearml.example.com']);
  assert.deepEqual(byDir['overlays/enterprise']!.nodePorts, {});
});

/** Broken fixtures: directory → the one check id that must fire (and nothing else). */
const BROKEN: Record<string, string> = {
  'fixtures/broken/build': 'build',
  'fixtures/broken/build-stderr': 'build-stderr',
  'fixtures/broken/node-ports': 'node-ports',
  'fixtures/broken/node-ports-target': 'node-ports',
  'fixtures/broken/ingress-hosts': 'ingress-hosts',
  'fixtures/broken/intended-objects/current_version': 'intended-objects',
};

test('every broken fixture is listed here', () => {
  const onDisk = readdirSync(path.join(ROOT, 'fixtures/broken')).map((d) => `fixtures/broken/${d}`);
  assert.deepEqual(onDisk.sort(), Object.keys(BROKEN).map((d) => d.split('/').slice(0, 3).join('/')).sort());
});

test('each broken overlay is caught by exactly its check', { skip }, async () => {
  const result = await verifyOverlays(engine!, { root: ROOT, dirs: Object.keys(BROKEN) });
  assert.equal(result.ok, false);
  for (const report of result.overlays) {
    assert.ok(report.findings.length > 0, `${report.dir}: no finding`);
    assert.deepEqual([...new Set(report.findings.map((f) => f.check))], [BROKEN[report.dir]], report.dir);
  }
  const nodePorts = result.overlays.find((o) => o.dir === 'fixtures/broken/node-ports')!.findings;
  assert.deepEqual(nodePorts.map((f) => [f.resource, f.path]), [['Service/clearml/clearml-apiserver', '/spec/ports/0/nodePort']]);
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
