// End to end: the real clearml-k8s bin on the real overlays with the real kustomize engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/clearml-k8s.js', import.meta.url));

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

const kubectl = which('kubectl');
const hasEngine = Boolean(process.env.KUSTOMIZE || which('kustomize') || kubectl);
const skip = hasEngine ? false : 'no kustomize engine ($KUSTOMIZE, kustomize or kubectl) on PATH';

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch copy of the generated tree plus the markers the root finder looks for. */
function scratchRepo(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['base', 'overlays']) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  return dir;
}

test('verify passes on the four committed overlays and prints one row each', { skip }, () => {
  const { code, stdout } = run(['verify']);
  assert.equal(code, 0, stdout);
  for (const dir of ['overlays/current_version', 'overlays/latest', 'overlays/enterprise', 'overlays/non-root']) assert.match(stdout, new RegExp(`${dir}\\s.*\\sok\\s`));
  assert.match(stdout, /api 30008, app 30080, files 30081/);
  assert.match(stdout, /4\/4 overlays passed/);
});

test('verify --json has the documented shape', { skip }, () => {
  const { code, stdout } = run(['verify', '--json', 'overlays/current_version', 'overlays/enterprise']);
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(report.overlays.map((o: any) => o.dir), ['overlays/current_version', 'overlays/enterprise']);
  assert.deepEqual(report.overlays[0].nodePorts, { api: 30008, app: 30080, files: 30081 });
  for (const o of report.overlays) for (const key of ['dir', 'ok', 'resources', 'nodePorts', 'findings']) assert.ok(key in o, `overlay report lacks ${key}`);
  assert.deepEqual(report.overlays[1].findings, []);
});

test('a changed nodePort fails verify (naming overlay, Service, path) and compose --check', { skip }, (t) => {
  const repo = scratchRepo(t);
  const file = path.join(repo, 'base/webserver.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('nodePort: 30080', 'nodePort: 30090'));
  const verify = run(['verify', '--json', '--root', repo, path.join(repo, 'overlays/current_version')]);
  assert.equal(verify.code, 1);
  const overlay = JSON.parse(verify.stdout).overlays[0];
  assert.equal(overlay.dir, 'overlays/current_version');
  assert.ok(overlay.findings.some((f: any) => f.check === 'node-ports' && f.resource === 'Service/clearml/clearml-webserver' && f.path === '/spec/ports/0/nodePort'));
  const human = run(['verify', '--root', repo, path.join(repo, 'overlays/current_version')]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /overlays\/current_version \[node-ports\] Service\/clearml\/clearml-webserver \/spec\/ports\/0\/nodePort/);
  const check = run(['compose', '--check', '--root', repo]);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /update base\/webserver\.yaml/);
});

test('compose --check passes on the committed tree; compose restores a damaged tree byte for byte', (t) => {
  assert.equal(run(['compose', '--check']).code, 0);
  const repo = scratchRepo(t);
  const file = path.join(repo, 'overlays/latest/kustomization.yaml');
  writeFileSync(file, 'edited by hand\n');
  writeFileSync(path.join(repo, 'overlays/latest/stale.yaml'), 'kind: Stale\n');
  rmSync(path.join(repo, 'overlays/non-root'), { recursive: true });
  const check = run(['compose', '--check', '--root', repo]);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /update overlays\/latest\/kustomization\.yaml/);
  assert.match(check.stderr, /delete overlays\/latest\/stale\.yaml/);
  assert.match(check.stderr, /create overlays\/non-root\/kustomization\.yaml/);
  assert.equal(run(['compose', '--root', repo]).code, 0);
  assert.equal(run(['compose', '--check', '--root', repo]).code, 0);
  assert.equal(readFileSync(file, 'utf8'), readFileSync(path.join(ROOT, 'overlays/latest/kustomization.yaml'), 'utf8'));
});

test('no kustomize engine: exit 2 with install advice', () => {
  const { code, stderr } = run(['verify'], { env: { PATH: '/nonexistent' } });
  assert.equal(code, 2);
  assert.match(stderr, /KUSTOMIZE_NOT_FOUND/);
  assert.match(stderr, /install kubectl/);
});

test('usage errors exit 2', () => {
  assert.equal(run(['frobnicate']).code, 2);
  assert.equal(run(['compose', '--json']).code, 2);
  assert.equal(run(['verify', '--bogus']).code, 2);
  assert.equal(run(['verify', 'no/such/overlay']).code, 2);
  assert.equal(run([]).code, 2);
  assert.equal(run(['--help']).code, 0);
});

test('credentials prints a Namespace and a Secret with every key, random each time', () => {
  const first = run(['credentials']);
  const second = run(['credentials']);
  assert.equal(first.code, 0);
  assert.match(first.stdout, /kind: Secret/);
  assert.match(first.stdout, /name: clearml-internal-credentials/);
  assert.match(first.stdout, /apiserver_key: [A-Z0-9]{30}\n/);
  assert.notEqual(first.stdout, second.stdout);
});

// kubectl 1.27 embeds kustomize v5.0.1, 1.33 embeds v5.6.0: the overlays must build cleanly with both.
const versioned = kubectl ? ['1.27', '1.33'].map((v) => path.join(path.dirname(realpathSync(kubectl)), `kubectl.${v}`)) : [];
for (const binary of versioned) {
  test(`verify passes with ${path.basename(binary)} kustomize`, { skip: existsSync(binary) ? false : `${path.basename(binary)} not installed beside kubectl` }, () => {
    const { code, stdout } = run(['verify', '--json'], { env: { ...process.env, KUSTOMIZE: `${binary} kustomize` } });
    assert.equal(code, 0, stdout);
    assert.equal(JSON.parse(stdout).overlays.length, 4);
  });
}
