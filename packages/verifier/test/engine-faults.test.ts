// An engine that hangs, floods its output or prints something that is not Kubernetes objects: each
// is reported, never a crash or a hang. The misbehaving engines are small shell scripts (a test
// seam: no real kustomize misbehaves on demand); the overlay they are given is a real one.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { checkBuild, checkManifests, renderOverlay, VerifierError, verifyOverlays, type Engine } from '../src/index.ts';
import { engine as realEngine, engineSkip, ROOT, REPOSITORY } from './support.ts';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fake engine: a shell script in `dir` (`$1` is the overlay directory). */
function fakeEngine(dir: string, name: string, body: string): Engine {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return { argv: [file], origin: 'test', label: name };
}

/** Whether `pid` runs (a zombie waiting to be reaped by a container's init does not count). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('a hung engine is killed after the timeout, with every process it started; verify ends with BUILD_TIMEOUT', async (t) => {
  const dir = scratch(t);
  const pidFile = path.join(dir, 'sleep.pid');
  const hung = fakeEngine(dir, 'hung-engine', `sleep 60 & echo $! > ${pidFile}; wait`);
  const started = performance.now();
  await assert.rejects(verifyOverlays(hung, { ...REPOSITORY, dirs: ['overlays/current_version', 'overlays/latest'], cache: false, timeoutMs: 700 }), (error: unknown) => {
    assert.ok(error instanceof VerifierError && error.code === 'BUILD_TIMEOUT', String(error));
    assert.match(error.message, /^overlays\/(current_version|latest|\.\.\/base): expected hung-engine to build it within 0\.7 s, received no result after 0\.7 s \(the engine and every process it started were killed\); raise --timeout/);
    return true;
  });
  assert.ok(performance.now() - started < 10_000, 'the run ends soon after the timeout');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(pid), false, 'the engine\'s child (sleep) is gone too');
});

test('output over the cap stops the engine and is a build finding naming the cap, not an exit code', async (t) => {
  const dir = scratch(t);
  const flood = fakeEngine(dir, 'flood-engine', 'yes "apiVersion: v1"');
  const render = await renderOverlay(flood, ROOT, { maxBufferBytes: 64 * 1024 });
  assert.match(render.parseError ?? '', /^the output exceeds 65536 bytes; the engine was stopped$/);
  assert.deepEqual(checkBuild(render, 'o').map((f) => [f.check, /received output that is not one: the output exceeds/.test(f.message)]), [['build', true]]);
});

test('documents that are not Kubernetes objects are a build finding, not a crash in the checks', async (t) => {
  const dir = scratch(t);
  const cases: [string, RegExp][] = [
    ["printf -- '- a\\n- b\\n'", /document 1 is a list, not a Kubernetes object/],
    ["printf -- 'just text\\n'", /document 1 is a string, not a Kubernetes object/],
    ["printf -- 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: ok\\n---\\napiVersion: v1\\nkind: Pod\\n'", /document 2 \(Pod\) has no string metadata\.name/],
    ["printf -- 'kind: Pod\\nmetadata: {name: p}\\n'", /document 1 has no string apiVersion and kind/],
  ];
  for (const [i, [script, pattern]] of cases.entries()) {
    const odd = fakeEngine(dir, `odd-engine-${i}`, script);
    const result = await verifyOverlays(odd, { ...REPOSITORY, dirs: ['overlays/current_version'], cache: false });
    const findings = result.overlays[0]!.findings;
    assert.deepEqual(findings.map((f) => f.check), ['build'], script);
    assert.match(findings[0]!.message, pattern);
  }
});

test('check: a pod template Pod Security cannot read is MANIFEST_INVALID with file, resource and field; a Pod without metadata is checked', async (t) => {
  const dir = scratch(t);
  const options = { engine: async () => realEngine!, stdin: () => '' };
  const cases: [string, string, RegExp][] = [
    ['containers-string.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: oops\n', /containers-string\.yaml: Pod\/p \/spec\/containers: expected a list of at least one container, received a string \("oops"\); fix the manifest/],
    ['init-map.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: n}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n      initContainers: {name: i}\n', /Deployment\/n\/d \/spec\/template\/spec\/initContainers: expected a list of containers, received a mapping/],
    ['host-network-string.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: "yes"\n  containers: [{name: c}]\n', /\/spec\/hostNetwork: expected true or false, received a string/],
    ['template-not-yaml.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tpl}\ndata:\n  template.yaml: "spec: [unclosed"\n', /ConfigMap\/tpl \/data\/template\.yaml \(line 1, column \d+ of the template\): expected a pod template in YAML/],
    ['no-template.yaml', 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {}\n', /Job\/j \/spec\/template: expected a pod template \(a mapping with spec\), received nothing/],
  ];
  for (const [name, text, pattern] of cases) {
    writeFileSync(path.join(dir, name), text);
    await assert.rejects(checkManifests([path.join(dir, name)], 'baseline', dir, options), (error: unknown) => {
      assert.ok(error instanceof VerifierError && error.code === 'MANIFEST_INVALID', `${name}: ${String(error)}`);
      assert.match(error.message, pattern, name);
      return true;
    });
  }
  writeFileSync(path.join(dir, 'anonymous.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  hostPID: true\n  containers: [{name: c}]\n');
  const result = await checkManifests([path.join(dir, 'anonymous.yaml')], 'baseline', dir, options);
  assert.deepEqual(result.findings.map((f) => [f.resource, f.path, f.rule]), [['Pod/(no name)', '/spec/hostPID', 'hostNamespaces']]);
});

test('check on a kustomization directory builds it and checks what it renders', { skip: engineSkip }, async () => {
  const result = await checkManifests(['overlays/non-root'], 'restricted', ROOT, { engine: async () => realEngine!, stdin: () => '' });
  assert.deepEqual(result.files, ['overlays/non-root']);
  assert.ok(result.podTemplates >= 7, `${result.podTemplates} pod templates`);
  assert.equal(result.ok, true, JSON.stringify(result.findings.slice(0, 3)));
  const base = await checkManifests(['overlays/current_version'], 'baseline', ROOT, { engine: async () => realEngine!, stdin: () => '' });
  assert.ok(base.findings.some((f) => f.rule === 'hostPathVolumes'), 'the classic overlay keeps data on hostPath');
  assert.ok(existsSync(path.join(ROOT, 'overlays/current_version/kustomization.yaml')));
});
