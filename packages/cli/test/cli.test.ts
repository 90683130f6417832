// End to end: the real clearml-k8s bin on the real overlays with the real kustomize engine.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { composeSiteFromText, composeTree, SiteSpecError } from '@clearml-k8s/overlay-composer';
import { BIN, engineSkip, ROOT, snapshot, which } from './support.ts';

const kubectl = which('kubectl');
const skip = engineSkip;

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

const oldestNewest = versioned.filter((b) => existsSync(b));
const matrixSkip = skip || (oldestNewest.length < 2 && 'kubectl.1.27 and kubectl.1.33 not installed beside kubectl');

test('verify --engine twice builds every overlay with both and finds the outputs identical', { skip: matrixSkip }, () => {
  const { code, stdout } = run(['verify', '--json', ...oldestNewest.flatMap((b) => ['--engine', `${b} kustomize`])]);
  assert.equal(code, 0, stdout);
  const report = JSON.parse(stdout);
  assert.deepEqual(report.engines, oldestNewest.map((b) => `${b} kustomize`));
  assert.deepEqual(report.overlays.flatMap((o: any) => o.findings), []);
});

test('verify --matrix says which engines it found and catches an overlay only newer kustomize builds', { skip: matrixSkip }, () => {
  const good = run(['verify', '--matrix']);
  assert.equal(good.code, 0, good.stdout);
  assert.match(good.stderr, /found kubectl\.1\.27 kustomize, .*kubectl\.1\.33 kustomize; building with the oldest \(kubectl\.1\.27 kustomize\) and the newest \(kubectl\.1\.33 kustomize\)/);
  const broken = run(['verify', '--matrix', '--json', 'fixtures/broken/engine-mismatch']);
  assert.equal(broken.code, 1);
  const findings = JSON.parse(broken.stdout).overlays[0].findings;
  assert.deepEqual([...new Set(findings.map((f: any) => f.check))], ['engine-mismatch']);
  assert.match(findings[0].message, /builds with kubectl\.1\.33 kustomize but fails with kubectl\.1\.27 kustomize/);
});

test('verify --engine with a command that does not exist exits 2', () => {
  const { code, stderr } = run(['verify', '--engine', 'kubectl.0.1 kustomize']);
  assert.equal(code, 2);
  assert.match(stderr, /KUSTOMIZE_NOT_FOUND: --engine "kubectl\.0\.1 kustomize"/);
});

test('findings print their fix and the patch that set the field; $GITHUB_STEP_SUMMARY gets Markdown', { skip }, (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-summary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const summary = path.join(dir, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const { code, stdout } = run(['verify', 'fixtures/broken/pod-security', 'overlays/current_version'], { env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
  assert.equal(code, 1);
  assert.match(stdout, /fixtures\/broken\/pod-security \[pod-security\] Deployment\/clearml\/clearml-webserver \/spec\/template\/spec\/containers\/0\/securityContext\/allowPrivilegeEscalation: restricted/);
  assert.match(stdout, /\n    fix: .+\n    set by: fixtures\/broken\/pod-security\/kustomization\.yaml:8 patches\[0\] op 1\n/);
  const markdown = readFileSync(summary, 'utf8');
  assert.ok(markdown.startsWith('# earlier step\n### clearml-k8s verify: 1 of 2 overlays fail'), markdown);
  assert.match(markdown, /\| overlays\/current_version \| \d+ \| api 30008, app 30080, files 30081 \| ok \|/);
  assert.match(markdown, /\| fixtures\/broken\/pod-security \| `pod-security` \| Deployment\/clearml\/clearml-webserver \| `\/spec\/template\/spec\/containers\/0\/securityContext\/allowPrivilegeEscalation` \|/);
});

// Pod Security conformance through the real CLI: upstream's fixtures, classified as upstream says.
const CONFORMANCE = path.resolve(ROOT, '../shared/conformance/pod-security');
const conformanceSkip = existsSync(CONFORMANCE) ? false : `upstream fixtures not found at ../shared/conformance/pod-security (clone the project beside ../shared)`;
for (const level of ['baseline', 'restricted']) {
  test(`check --level ${level}: upstream pass fixtures exit 0, every fail fixture has a violation`, { skip: conformanceSkip }, () => {
    const pass = run(['check', '--json', '--level', level, path.join(CONFORMANCE, level, 'v1.33/pass')]);
    assert.equal(pass.code, 0, pass.stdout);
    assert.ok(JSON.parse(pass.stdout).files.length > 0);
    const fail = run(['check', '--json', '--level', level, path.join(CONFORMANCE, level, 'v1.33/fail')]);
    assert.equal(fail.code, 1);
    const report = JSON.parse(fail.stdout);
    const flagged = new Set(report.findings.map((f: any) => f.file));
    assert.deepEqual(report.files.filter((f: string) => !flagged.has(f)), [], 'fail fixtures without a violation');
  });
}

test('check: bad level, missing path and invalid YAML exit 2 with where and what', (t) => {
  assert.equal(run(['check', '--level', 'strict', 'base']).code, 2);
  assert.match(run(['check', '--level', 'strict', 'base']).stderr, /--level: expected one of privileged, baseline, restricted, received "strict"/);
  assert.match(run(['check', 'no/such.yaml']).stderr, /MANIFEST_NOT_FOUND: no\/such\.yaml/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'bad.yaml'), 'kind: Pod\nmetadata:\n  name: [unclosed\n');
  const bad = run(['check', path.join(dir, 'bad.yaml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /YAML_INVALID/);
  assert.match(bad.stderr, /bad\.yaml:\d+:\d+/);
});

test('check on the committed base: baseline finds the privileged init container and hostPath volumes', () => {
  const { code, stdout } = run(['check', 'base']);
  assert.equal(code, 1);
  assert.match(stdout, /base\/elasticsearch\.yaml: Deployment\/clearml\/clearml-elastic \/spec\/template\/spec\/initContainers\/\d\/securityContext\/privileged \[baseline privileged\]/);
  assert.match(stdout, /\[baseline hostPathVolumes\]/);
});

// Sites: the real CLI on a scratch copy of the repository's generated tree.

/** A scratch repository: base/, overlays/ and schemas/ of this one. */
function scratchSiteRepo(t: { after(fn: () => void): void }): string {
  const dir = scratchRepo(t);
  cpSync(path.join(ROOT, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  return dir;
}

function runAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const EXAMPLE_SITES = readdirSync(path.join(ROOT, 'fixtures/sites')).sort();

test('the example sites compose and verify clean with the oldest and newest engines', { skip: matrixSkip }, (t) => {
  const repo = scratchSiteRepo(t);
  for (const name of EXAMPLE_SITES) {
    mkdirSync(path.join(repo, 'overlays/sites', name), { recursive: true });
    cpSync(path.join(ROOT, 'fixtures/sites', name, 'site.yaml'), path.join(repo, 'overlays/sites', name, 'site.yaml'));
  }
  const compose = run(['compose', '--root', repo]);
  assert.equal(compose.code, 0, compose.stderr);
  assert.match(compose.stdout, new RegExp(`\\(${EXAMPLE_SITES.length} sites\\)`));
  for (const name of EXAMPLE_SITES) {
    for (const file of readdirSync(path.join(ROOT, 'fixtures/sites', name, 'expected'))) {
      assert.equal(readFileSync(path.join(repo, 'overlays/sites', name, file), 'utf8'), readFileSync(path.join(ROOT, 'fixtures/sites', name, 'expected', file), 'utf8'), `${name}/${file}`);
    }
  }
  assert.equal(run(['compose', '--check', '--root', repo]).code, 0);
  const verify = run(['verify', '--json', '--root', repo, ...oldestNewest.flatMap((b) => ['--engine', `${b} kustomize`])]);
  assert.equal(verify.code, 0, verify.stdout);
  const report = JSON.parse(verify.stdout);
  assert.deepEqual(report.overlays.map((o: any) => o.dir), ['overlays/current_version', 'overlays/latest', 'overlays/enterprise', 'overlays/non-root', ...EXAMPLE_SITES.map((n) => `overlays/sites/${n}`)]);
  const byDir = Object.fromEntries(report.overlays.map((o: any) => [o.dir, o]));
  assert.deepEqual(byDir['overlays/sites/on-prem'].nodePorts, { api: 30008, app: 30180, files: 30081 });
  assert.deepEqual(byDir['overlays/sites/non-root'].nodePorts, { api: 31008, app: 31080, files: 31081 });
  assert.deepEqual(byDir['overlays/sites/cloud'].hosts, ['api.clearml.acme.io', 'app.clearml.acme.io', 'files.clearml.acme.io']);
});

test('a site whose rendering drifts from its spec fails verify on the site\'s own NodePort', { skip }, (t) => {
  const repo = scratchSiteRepo(t);
  mkdirSync(path.join(repo, 'overlays/sites/on-prem'), { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/sites/on-prem/site.yaml'), path.join(repo, 'overlays/sites/on-prem/site.yaml'));
  assert.equal(run(['compose', '--root', repo]).code, 0);
  const spec = path.join(repo, 'overlays/sites/on-prem/site.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('app: 30180', 'app: 30280'));
  const verify = run(['verify', '--json', '--root', repo, path.join(repo, 'overlays/sites/on-prem')]);
  assert.equal(verify.code, 1);
  const findings = JSON.parse(verify.stdout).overlays[0].findings;
  assert.ok(findings.some((f: any) => f.check === 'node-ports' && /expected nodePort 30280 \(app\), received 30180/.test(f.message)), verify.stdout);
  assert.equal(run(['compose', '--check', '--root', repo]).code, 1);
});

test('site add writes the spec with its modeline and the composed site; verify passes; credentials stay out of git', { skip }, (t) => {
  const repo = scratchSiteRepo(t);
  const add = run(['site', 'add', 'acme', '--root', repo, '--domain', 'ml.acme.io', '--storage-class', 'standard', '--generate-credentials']);
  assert.equal(add.code, 0, add.stderr);
  const dir = path.join(repo, 'overlays/sites/acme');
  const spec = readFileSync(path.join(dir, 'site.yaml'), 'utf8');
  assert.ok(spec.startsWith('# yaml-language-server: $schema=../../../schemas/site.schema.json\n'));
  assert.match(spec, /expose: ingress\ningress:\n  domain: ml\.acme\.io\nstorage:\n  type: pvc\n  storageClass: standard\ncredentials:\n  secret: clearml-internal-credentials\n/);
  assert.deepEqual(readdirSync(dir).sort(), ['credentials.env', 'ingresses.yaml', 'kustomization.yaml', 'persistent-volume-claims.yaml', 'site.yaml']);
  assert.match(readFileSync(path.join(dir, 'credentials.env'), 'utf8'), /^secure_auth_token_secret=[A-Za-z0-9]{60}\n/);
  assert.match(add.stdout, /kubectl -n clearml create secret generic clearml-internal-credentials --from-env-file=overlays\/sites\/acme\/credentials\.env/);
  const ignored = spawnSync('git', ['check-ignore', '--no-index', '-q', 'overlays/sites/acme/credentials.env'], { cwd: ROOT });
  assert.equal(ignored.status, 0, 'credentials.env is git-ignored');
  const verify = run(['verify', '--root', repo, dir]);
  assert.equal(verify.code, 0, verify.stdout);
  assert.equal(run(['compose', '--check', '--root', repo]).code, 0, 'compose keeps site.yaml and credentials.env');
  const before = snapshot(repo);
  const again = run(['site', 'add', 'acme', '--root', repo]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /SITE_EXISTS/);
  assert.deepEqual(snapshot(repo), before);
});

test('site add with a bad name or bad flags exits 2 and writes nothing', { skip }, (t) => {
  const repo = scratchSiteRepo(t);
  const before = snapshot(repo);
  const cases: [string[], RegExp][] = [
    [['site', 'add', 'Acme_Prod'], /SITE_NAME_INVALID/],
    [['site', 'add', 'acme', '--domain', 'ml_acme'], /SITE_DNS_NAME: overlays\/sites\/acme\/site\.yaml:\d+:\d+: \/ingress\/domain: expected/],
    [['site', 'add', 'acme', '--node-port', 'app=80'], /SITE_NODE_PORT_RANGE: overlays\/sites\/acme\/site\.yaml:\d+:\d+: \/nodePorts\/app/],
    [['site', 'add', 'acme', '--profile', 'prod'], /SITE_ENUM/],
    [['site', 'add', 'acme', '--node-port', 'web=30080'], /--node-port: expected LABEL=PORT/],
    [['site', 'add'], /expected a site NAME/],
    [['site', 'remove', 'acme'], /expected `site add NAME`|unexpected argument "remove"/],
  ];
  for (const [args, pattern] of cases) {
    const result = run([...args, '--root', repo]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern, args.join(' '));
  }
  assert.deepEqual(snapshot(repo), before);
});

test('every invalid spec under fixtures/sites-invalid makes compose exit 2 with its error, and the tree stays byte-identical', { skip }, async (t) => {
  const cases = readdirSync(path.join(ROOT, 'fixtures/sites-invalid')).filter((f) => f.endsWith('.yaml')).sort();
  assert.ok(cases.length >= 25);
  const overlays = composeTree().overlays;
  const queue = [...cases];
  const failures: string[] = [];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const repo = scratchSiteRepo(t);
      mkdirSync(path.join(repo, 'overlays/sites/on-prem'), { recursive: true });
      cpSync(path.join(ROOT, 'fixtures/sites/on-prem/site.yaml'), path.join(repo, 'overlays/sites/on-prem/site.yaml'));
      mkdirSync(path.join(repo, 'overlays/sites/bad'), { recursive: true });
      const text = readFileSync(path.join(ROOT, 'fixtures/sites-invalid', file), 'utf8');
      writeFileSync(path.join(repo, 'overlays/sites/bad/site.yaml'), text);
      let expected: SiteSpecError | null = null;
      try {
        composeSiteFromText('bad', text, 'overlays/sites/bad/site.yaml', overlays);
      } catch (error) {
        expected = error as SiteSpecError;
      }
      const before = snapshot(repo);
      const result = await runAsync(['compose', '--root', repo]);
      const after = snapshot(repo);
      const ok = expected instanceof SiteSpecError && result.code === 2 && result.stderr.includes(`${expected.code}: overlays/sites/bad/site.yaml:${expected.line}:${expected.column}: `) && JSON.stringify(before) === JSON.stringify(after);
      if (!ok) failures.push(`${file}: exit ${result.code}, expected ${expected?.code ?? 'an error'}; stderr: ${result.stderr.trim()}`);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  assert.deepEqual(failures, []);
});
