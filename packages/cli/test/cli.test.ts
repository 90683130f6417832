// End to end: the clearml-k8s CLI on the real overlays with the real kustomize engine. Runs go
// through `main(argv, io)` in this process; a few smoke tests start the real bin (--version, the
// global help, a usage error, one compose --check, one verify, /dev/stdin, and a changed PATH).
import assert from 'node:assert/strict';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { composeSiteFromText, composeTree, SiteSpecError } from '@clearml-k8s/overlay-composer';
import { discoverVersionedEngines } from '@clearml-k8s/verifier/engine';
import { COMMANDS, VERSION } from '../src/main.ts';
import { engineSkip, ROOT, runBinary, runInProcess, scratchRepository, snapshot, which, type CliOptions } from './support.ts';

const kubectl = which('kubectl');
const skip = engineSkip;

/** `verify` runs without its result cache unless a test asks for it (issue 11). */
function argvOf(args: string[], cache = false): string[] {
  return args[0] === 'verify' && !cache && !args.includes('--no-cache') ? [...args, '--no-cache'] : args;
}

/** Runs the CLI in process (`main` with its own io). */
function run(args: string[], options: CliOptions & { cache?: boolean } = {}) {
  return runInProcess(argvOf(args, options.cache), options);
}

/** Runs the real bin in a child process. */
function runReal(args: string[], options: CliOptions & { cache?: boolean } = {}) {
  return runBinary(argvOf(args, options.cache), options);
}

/** A scratch copy of the generated tree plus the markers the root finder looks for. */
function scratchRepo(t: { after(fn: () => void): void }): string {
  return scratchRepository(t, ['base', 'overlays'], 'clearml-k8s-cli-');
}

test('verify passes on the four committed overlays and prints one row each (the real bin)', { skip }, async () => {
  const { code, stdout } = await runReal(['verify']);
  assert.equal(code, 0, stdout);
  for (const dir of ['overlays/current_version', 'overlays/latest', 'overlays/enterprise', 'overlays/non-root']) assert.match(stdout, new RegExp(`${dir}\\s.*\\sok\\s`));
  assert.match(stdout, /api 30008, app 30080, files 30081/);
  assert.match(stdout, /4\/4 overlays passed with 3 accepted risks/);
});

test('verify: the NodePort overlays show their public defaults as an accepted risk with its reason (even with --strict); an overlay built on one gets the warning', { skip }, async () => {
  const lenient = await run(['verify', 'overlays/current_version']);
  assert.equal(lenient.code, 0, lenient.stdout);
  assert.match(lenient.stdout, /overlays\/current_version\s.*\sok \(1 accepted risk\)\s/);
  assert.match(lenient.stdout, /\[public-credentials\] accepted: .*open sign-in/);
  assert.match(lenient.stdout, /\n    accepted because: a trial profile: like ClearML's docker-compose/);
  const strict = await run(['verify', '--strict', '--json', 'overlays/current_version', 'overlays/enterprise']);
  assert.equal(strict.code, 0, strict.stdout);
  assert.deepEqual(JSON.parse(strict.stdout).overlays.map((o: any) => [o.dir, o.ok, o.findings.length, o.accepted.map((f: any) => f.check)]), [['overlays/current_version', true, 0, ['public-credentials']], ['overlays/enterprise', true, 0, []]]);
  // Not inherited: fixtures/broken/image-tag, built on current_version, has its own kustomization and the warning.
  const built = await run(['verify', '--strict', '--json', 'fixtures/broken/image-tag']);
  assert.equal(built.code, 1, built.stdout);
  const report = JSON.parse(built.stdout).overlays[0];
  assert.deepEqual(report.findings.map((f: any) => [f.check, f.severity]), [['image-tag', 'warning'], ['public-credentials', 'warning']]);
  assert.deepEqual(report.accepted, []);
});

test('verify --json has the documented shape', { skip }, async () => {
  const { code, stdout } = await run(['verify', '--json', 'overlays/current_version', 'overlays/enterprise']);
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(report.overlays.map((o: any) => o.dir), ['overlays/current_version', 'overlays/enterprise']);
  assert.deepEqual(report.overlays[0].nodePorts, { api: 30008, app: 30080, files: 30081 });
  for (const o of report.overlays) for (const key of ['dir', 'ok', 'resources', 'nodePorts', 'findings']) assert.ok(key in o, `overlay report lacks ${key}`);
  assert.deepEqual(report.overlays[1].findings, []);
});

test('a changed nodePort fails verify (naming overlay, Service, path) and compose --check', { skip }, async (t) => {
  const repo = scratchRepo(t);
  const file = path.join(repo, 'base/webserver.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('nodePort: 30080', 'nodePort: 30090'));
  const verify = await run(['verify', '--json', '--root', repo, path.join(repo, 'overlays/current_version')]);
  assert.equal(verify.code, 1);
  const overlay = JSON.parse(verify.stdout).overlays[0];
  assert.equal(overlay.dir, 'overlays/current_version');
  assert.ok(overlay.findings.some((f: any) => f.check === 'node-ports' && f.resource === 'Service/clearml/clearml-webserver' && f.path === '/spec/ports/0/nodePort'));
  const human = await run(['verify', '--root', repo, path.join(repo, 'overlays/current_version')]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /overlays\/current_version \[node-ports\] Service\/clearml\/clearml-webserver \/spec\/ports\/0\/nodePort/);
  const check = await run(['compose', '--check', '--root', repo]);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /update base\/webserver\.yaml/);
});

test('compose --check passes on the committed tree (the real bin); compose restores a damaged tree byte for byte', async (t) => {
  const committed = await runReal(['compose', '--check']);
  assert.equal(committed.code, 0, committed.stderr);
  assert.match(committed.stdout, /^compose --check: \d+ generated files and the generated tables of README.md up to date\n$/);
  const repo = scratchRepo(t);
  const file = path.join(repo, 'overlays/latest/kustomization.yaml');
  writeFileSync(file, 'edited by hand\n');
  // A stale generated file (it carries the generated header) goes; a file compose did not write stays.
  writeFileSync(path.join(repo, 'overlays/latest/stale.yaml'), '# Generated by `clearml-k8s compose` from an older profile.\nkind: Stale\n');
  writeFileSync(path.join(repo, 'overlays/latest/notes.md'), 'my notes\n');
  rmSync(path.join(repo, 'overlays/non-root'), { recursive: true });
  const check = await run(['compose', '--check', '--root', repo]);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /update overlays\/latest\/kustomization\.yaml/);
  assert.match(check.stderr, /delete overlays\/latest\/stale\.yaml/);
  assert.match(check.stderr, /create overlays\/non-root\/kustomization\.yaml/);
  assert.match(check.stderr, /left alone \(not written by compose\): overlays\/latest\/notes\.md/);
  assert.doesNotMatch(check.stderr, /delete overlays\/latest\/notes\.md/);
  assert.equal((await run(['compose', '--root', repo])).code, 0);
  assert.equal((await run(['compose', '--check', '--root', repo])).code, 0);
  assert.equal(readFileSync(file, 'utf8'), readFileSync(path.join(ROOT, 'overlays/latest/kustomization.yaml'), 'utf8'));
  assert.equal(readFileSync(path.join(repo, 'overlays/latest/notes.md'), 'utf8'), 'my notes\n');
  assert.equal(existsSync(path.join(repo, 'overlays/latest/stale.yaml')), false);
});

test('no kustomize engine: exit 2 with install advice (the real bin: PATH is the process\'s)', async () => {
  const { code, stderr } = await runReal(['verify'], { env: { PATH: '/nonexistent' } });
  assert.equal(code, 2);
  assert.match(stderr, /KUSTOMIZE_NOT_FOUND/);
  assert.match(stderr, /install kubectl/);
});

test('the real bin: --version, the global help without arguments, a usage error on stderr with exit 2', async () => {
  const version = await runReal(['--version']);
  assert.deepEqual([version.code, version.stdout, version.stderr], [0, `${VERSION}\n`, '']);
  assert.equal(VERSION, JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  const help = await runReal([]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: clearml-k8s \[--root DIR\] COMMAND \[options\]\n/);
  assert.equal(help.stderr, '');
  const wrong = await runReal(['verify', '--jsno']);
  assert.equal(wrong.code, 2);
  assert.equal(wrong.stdout, '');
  assert.match(wrong.stderr, /^clearml-k8s verify: USAGE: --jsno: expected an option of `verify` \(.*--json.*\), received --jsno; did you mean --json\? /);
});

/** Text with every run of whitespace made one space (help text is wrapped to the width). */
const flat = (text: string) => text.replace(/\s+/g, ' ');

test('usage errors exit 2; no arguments and --help print the global help on stdout, exit 0', async () => {
  assert.equal((await run(['frobnicate'])).code, 2);
  assert.equal((await run(['compose', '--json'])).code, 2);
  assert.equal((await run(['verify', '--bogus'])).code, 2);
  assert.equal((await run(['verify', 'no/such/overlay'])).code, 2);
  const none = await run([]);
  assert.deepEqual([none.code, none.stderr], [0, '']);
  const help = await run(['--help']);
  assert.deepEqual([help.code, help.stdout, help.stderr], [0, none.stdout, '']);
  assert.deepEqual(await run(['-h']), help);
  assert.deepEqual(await run(['help']), help);
  // The global page lists every command with its summary, the global options and the settings.
  for (const spec of COMMANDS) {
    // A group's commands share its line (`site add NAME | site import NAME ...`).
    assert.match(help.stdout, new RegExp(`^  (\\S.* \\| )?${spec.name} `, 'm'), spec.name);
    assert.ok(flat(help.stdout).includes(spec.summary), `${spec.name}: ${spec.summary}`);
  }
  for (const text of ['--root <DIR>', '-V, --version', '-h, --help', '$KUSTOMIZE', '$CLEARML_K8S_LOCK_WAIT', 'Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.']) assert.ok(help.stdout.includes(text), text);
});

test('every command has its own help (--help, -h, help CMD) with its options and notes, and only its own', async () => {
  for (const spec of COMMANDS) {
    const words = spec.name.split(' ');
    const help = await run([...words, '--help']);
    assert.equal(help.code, 0, spec.name);
    assert.equal(help.stderr, '');
    assert.ok(help.stdout.startsWith(`Usage: clearml-k8s ${spec.name}`), help.stdout);
    assert.ok(flat(help.stdout).includes(spec.summary), spec.name);
    for (const option of spec.options ?? []) assert.ok(help.stdout.includes(option.flags) && flat(help.stdout).includes(flat(option.description)), `${spec.name} ${option.flags}`);
    assert.ok(help.stdout.includes('--root <DIR>'), `${spec.name}: the global --root`);
    if (spec.notes) assert.ok(help.stdout.includes(spec.notes), `${spec.name}: notes`);
    assert.deepEqual(await run([...words, '-h']), help, `${spec.name} -h`);
    if (words.length === 1) assert.deepEqual(await run(['help', spec.name]), help, `help ${spec.name}`);
    // Not the global page, and no other command's flags.
    assert.doesNotMatch(help.stdout, /^Commands:/m, spec.name);
    for (const other of COMMANDS.filter((o) => o !== spec)) {
      for (const option of other.options ?? []) if (!(spec.options ?? []).some((o) => o.flags === option.flags)) assert.ok(!help.stdout.includes(option.flags), `${spec.name} help shows ${option.flags} of ${other.name}`);
    }
  }
  const verify = flat((await run(['help', 'verify'])).stdout);
  for (const text of ["--engine 'kubectl.1.27 kustomize'", '$GITHUB_STEP_SUMMARY', '$CLEARML_K8S_BUILD_TIMEOUT', 'default: every stock overlay and every site']) assert.ok(verify.includes(text), text);
  const bump = flat((await run(['bump', '--help'])).stdout);
  for (const text of ['1.x → 2.x not from 1.17', 'MongoDB majors skipped', 'Elasticsearch 7 → 8', 'downgrades', 'unless --force']) assert.ok(bump.includes(text), text);
  assert.match((await run(['help', 'site'])).stdout, /^ {2}site add NAME +write overlays\/sites\/NAME\/site\.yaml/m);
});

test('did you mean: an unknown command or flag is a usage error with commander\'s suggestion', async () => {
  const command = await run(['composee']);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /^clearml-k8s: USAGE: command "composee": expected one of compose, verify, checks, site, diff, bump, check, preflight, credentials, received "composee"; did you mean compose\? /);
  assert.match((await run(['help', 'verfy'])).stderr, /^clearml-k8s: USAGE: command "verfy": .*did you mean verify\? /);
  const option = await run(['check', '--levle', 'restricted', 'base']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /^clearml-k8s check: USAGE: --levle: expected an option of `check` \(--level, --policy-version, --json\), received --levle; did you mean --level\? /);
  const elsewhere = await run(['compose', '--json']);
  assert.match(elsewhere.stderr, /^clearml-k8s compose: USAGE: --json: expected an option of `compose` \(--check\), received --json; --json is an option of `verify`, `checks`, `site prerequisites`, `diff`, `check`, `preflight`; /);
  const sub = await run(['site', 'ad', 'acme']);
  assert.match(sub.stderr, /^clearml-k8s site: USAGE: site ad: expected `site add NAME` or `site import NAME --from-helm <FILE>` or `site prerequisites NAME`, received "ad"; did you mean add\? /);
});

test('a usage error prints the error line and that command\'s usage only, on stderr, exit 2', async () => {
  const cases: [string[], string, RegExp][] = [
    [['verify', '--bogus'], 'Usage: clearml-k8s verify [DIR...] [options]', /^clearml-k8s verify: USAGE: --bogus: /],
    [['verify', '--no-cache', '--timeout'], 'Usage: clearml-k8s verify [DIR...] [options]', /^clearml-k8s verify: USAGE: --timeout: expected a value after --timeout <SECONDS>, received none; /],
    [['compose', 'extra'], 'Usage: clearml-k8s compose [--check] [options]', /^clearml-k8s compose: USAGE: compose extra: expected no arguments to `compose`, received the extra argument "extra"; /],
    [['site', 'add', 'acme', 'prod'], 'Usage: clearml-k8s site add NAME [options]', /^clearml-k8s site add: USAGE: site add acme prod: expected `site add NAME`, received the extra argument "prod"; /],
    [['site'], 'Usage: clearml-k8s site add NAME [options]\nUsage: clearml-k8s site import NAME --from-helm <FILE> [--keep-data] [options]\nUsage: clearml-k8s site prerequisites NAME [--json]', /^clearml-k8s site: USAGE: site: expected `site add NAME` or `site import NAME --from-helm <FILE>` or `site prerequisites NAME`, received none; /],
    [['check', '--level', 'strict', 'base'], 'Usage: clearml-k8s check FILE|DIR|-... [--level L] [--policy-version V] [--json] [options]', /^clearml-k8s check: USAGE: --level: expected one of /],
    [['bump'], 'Usage: clearml-k8s bump [--server V] [--mongo V] [--elasticsearch V] [--redis V] [--force] [options]', /^clearml-k8s bump: USAGE: bump: expected at least one of /],
    [['credentials', 'x'], 'Usage: clearml-k8s credentials [options]', /^clearml-k8s credentials: USAGE: credentials x: /],
    [['frobnicate'], 'Usage: clearml-k8s [--root DIR] COMMAND [options]', /^clearml-k8s: USAGE: command "frobnicate": /],
  ];
  for (const [args, usage, line] of cases) {
    const result = await run(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.equal(result.stdout, '', args.join(' '));
    const lines = result.stderr.split('\n');
    assert.match(lines[0]!, line, args.join(' '));
    assert.match(lines[0]!, /^clearml-k8s(?: [a-z ]+)?: USAGE: .+: expected .+, received .+; .+$/);
    assert.equal(lines.slice(1).join('\n'), `${usage}\n`, args.join(' '));
  }
  // Not a usage error: no usage.
  const root = await run(['compose', '--root', '/nonexistent']);
  assert.equal(root.code, 2);
  assert.match(root.stderr, /^clearml-k8s compose: ROOT_INVALID: --root \/nonexistent: .*\n$/);
});

test('strict flags: a single-valued flag twice or empty is a usage error; lists repeat; --root before or after the command', async (t) => {
  const cases: [string[], RegExp][] = [
    [['verify', '--timeout', '5', '--timeout', '6'], /^clearml-k8s verify: USAGE: --timeout: expected the flag once, received it 2 times; give --timeout one value$/m],
    [['verify', '--timeout='], /^clearml-k8s verify: USAGE: --timeout: expected a value, received an empty string; /m],
    [['verify', '--engine', ' '], /^clearml-k8s verify: USAGE: --engine: expected a value, received an empty string; /m],
    [['verify', '--timeout', '--json', 'overlays/latest'], /^clearml-k8s verify: USAGE: --timeout: expected a value after --timeout, received the flag "--json"; give --timeout its value; a value that starts with "-" goes as --timeout=VALUE$/m],
    [['site', 'add', 'acme', '--node-port', 'app=30180', '--node-port', '--domain', 'x'], /^clearml-k8s site add: USAGE: --node-port: expected a value after --node-port, received the flag "--domain"; /m],
    [['--root', ROOT, 'compose', '--root', ROOT], /^clearml-k8s compose: USAGE: --root: expected the flag once, received it 2 times; /m],
    [['bump', '--server', '2.3.1', '--server=2.3.2'], /^clearml-k8s bump: USAGE: --server: expected the flag once, received it 2 times; /m],
  ];
  for (const [args, pattern] of cases) {
    const result = await run(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, pattern, args.join(' '));
  }
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-cwd-'));
  t.after(() => rmSync(elsewhere, { recursive: true, force: true }));
  for (const args of [['--root', ROOT, 'compose', '--check'], ['compose', '--check', `--root=${ROOT}`]]) {
    const result = await run(args, { cwd: elsewhere });
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  }
  assert.equal((await run(['compose', '--check'], { cwd: elsewhere })).code, 2, 'without --root, outside the repository');
});

test('credentials prints the Secret alone (no object the overlay applies) with every key, random each time', async () => {
  const first = await run(['credentials']);
  const second = await run(['credentials']);
  assert.equal(first.code, 0);
  // kubectl create of an object the overlay also holds leaves it without last-applied-configuration:
  // the later kubectl apply -k warns. Only the Secret, which no overlay renders, may be created so.
  assert.deepEqual(parseManifests(first.stdout, 'credentials').map((o) => (o as { kind: string }).kind), ['Secret']);
  assert.match(first.stdout, /kind: Secret/);
  assert.match(first.stdout, /name: clearml-internal-credentials/);
  assert.match(first.stdout, /apiserver_key: [A-Z0-9]{30}\n/);
  assert.notEqual(first.stdout, second.stdout);
});

// kubectl 1.27 embeds kustomize v5.0.1, 1.33 embeds v5.6.0: the overlays must build cleanly with both.
const versioned = kubectl ? ['1.27', '1.33'].map((v) => path.join(path.dirname(realpathSync(kubectl)), `kubectl.${v}`)) : [];
for (const binary of versioned) {
  test(`verify passes with ${path.basename(binary)} kustomize`, { skip: existsSync(binary) ? false : `${path.basename(binary)} not installed beside kubectl` }, async () => {
    const { code, stdout } = await run(['verify', '--json'], { env: { ...process.env, KUSTOMIZE: `${binary} kustomize` } });
    assert.equal(code, 0, stdout);
    assert.equal(JSON.parse(stdout).overlays.length, 4);
  });
}

const oldestNewest = versioned.filter((b) => existsSync(b));
const matrixSkip = skip || (oldestNewest.length < 2 && 'kubectl.1.27 and kubectl.1.33 not installed beside kubectl');

test('verify --engine twice builds every overlay with both and finds the outputs identical', { skip: matrixSkip }, async () => {
  const { code, stdout } = await run(['verify', '--json', ...oldestNewest.flatMap((b) => ['--engine', `${b} kustomize`])]);
  assert.equal(code, 0, stdout);
  const report = JSON.parse(stdout);
  assert.deepEqual(report.engines, oldestNewest.map((b) => `${b} kustomize`));
  // No engine-mismatch, no finding at all: the NodePort overlays' public-credentials warnings are accepted.
  assert.deepEqual(report.overlays.map((o: any) => [o.dir, o.findings, o.accepted.map((f: any) => [f.check, f.severity])]), ['current_version', 'latest', 'enterprise', 'non-root'].map((n) => [`overlays/${n}`, [], n === 'enterprise' ? [] : [['public-credentials', 'warning']]]));
});

// The newest build --matrix finds: kubectl.1.35 from the engine cache (npm run engines:install), else kubectl.1.33.
const newestFound = ((await discoverVersionedEngines()).at(-1)?.engine.label ?? 'kubectl.1.33 kustomize').replaceAll('.', '\\.');

test('verify --matrix says which engines it found and catches an overlay only newer kustomize builds', { skip: matrixSkip }, async () => {
  const good = await run(['verify', '--matrix']);
  assert.equal(good.code, 0, good.stdout);
  assert.match(good.stderr, new RegExp(`found kubectl\\.1\\.27 kustomize, .*${newestFound}; building with the oldest \\(kubectl\\.1\\.27 kustomize\\) and the newest \\(${newestFound}\\)`));
  const broken = await run(['verify', '--matrix', '--json', 'fixtures/broken/engine-mismatch']);
  assert.equal(broken.code, 1);
  // Built on current_version, the fixture also carries its public-credentials warning.
  const findings = JSON.parse(broken.stdout).overlays[0].findings.filter((f: any) => f.check !== 'public-credentials');
  assert.deepEqual([...new Set(findings.map((f: any) => f.check))], ['engine-mismatch']);
  assert.match(findings[0].message, new RegExp(`builds with ${newestFound} but fails with kubectl\\.1\\.27 kustomize`));
});

// Issue 16: a bare engine name is found where --matrix looks, not only on PATH. PATH holds only a link to
// the real kubectl, so kubectl.1.27 (beside the real kubectl, symlinks resolved) is not on PATH.
const beside127 = kubectl ? path.join(path.dirname(realpathSync(kubectl)), 'kubectl.1.27') : '';
const besideSkip = skip || (!existsSync(beside127) && 'kubectl.1.27 is not installed beside kubectl');

test('verify --engine and $KUSTOMIZE find a bare kubectl.1.27 beside the real kubectl when it is not on PATH, and say so (the real bin)', { skip: besideSkip }, async (t) => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-path-'));
  t.after(() => rmSync(bin, { recursive: true, force: true }));
  symlinkSync(kubectl!, path.join(bin, 'kubectl'));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
  delete env.KUSTOMIZE;
  for (const [args, extra] of [[['--engine', 'kubectl.1.27 kustomize'], {}], [[], { KUSTOMIZE: 'kubectl.1.27 kustomize' }]] as const) {
    const { code, stdout, stderr } = await runReal(['verify', ...args, 'overlays/current_version'], { env: { ...env, ...extra } });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^engine: kubectl\.1\.27 kustomize \(found beside kubectl; kustomize v5\.0\.1\); 1\/1 overlays passed/m);
  }
  const json = await runReal(['verify', '--json', '--engine', 'kubectl.1.27 kustomize', 'overlays/current_version'], { env });
  const report = JSON.parse(json.stdout);
  assert.deepEqual([report.engine, report.engines, report.engineDetails], [[beside127, 'kustomize'], ['kubectl.1.27 kustomize'], ['found beside kubectl; kustomize v5.0.1']]);
  const missing = await runReal(['verify', '--engine', 'kubectl.0.1 kustomize', 'overlays/current_version'], { env });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /KUSTOMIZE_NOT_FOUND: --engine "kubectl\.0\.1 kustomize": "kubectl\.0\.1" is not an executable on PATH, beside kubectl or in the engine cache; looked in PATH \(.*\), beside kubectl \(.*\), the engine cache \(.*\)/);
});

test('verify --engine with a command that does not exist exits 2', async () => {
  const { code, stderr } = await run(['verify', '--engine', 'kubectl.0.1 kustomize']);
  assert.equal(code, 2);
  assert.match(stderr, /KUSTOMIZE_NOT_FOUND: --engine "kubectl\.0\.1 kustomize"/);
});

test('findings print their fix and the patch that set the field; $GITHUB_STEP_SUMMARY gets Markdown', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-summary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const summary = path.join(dir, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const { code, stdout } = await run(['verify', 'fixtures/broken/pod-security', 'overlays/current_version'], { env: { ...process.env, GITHUB_STEP_SUMMARY: summary } });
  assert.equal(code, 1);
  assert.match(stdout, /fixtures\/broken\/pod-security \[pod-security\] Deployment\/clearml\/clearml-webserver \/spec\/template\/spec\/containers\/0\/securityContext\/allowPrivilegeEscalation: restricted/);
  assert.match(stdout, /\n    fix: .+\n    set by: fixtures\/broken\/pod-security\/kustomization\.yaml:8 patches\[0\] op 1\n/);
  const markdown = readFileSync(summary, 'utf8');
  assert.ok(markdown.startsWith('# earlier step\n### clearml-k8s verify: 1 of 2 overlays fail'), markdown);
  assert.match(markdown, /\| overlays\/current_version \| \d+ \| api 30008, app 30080, files 30081 \| ok \(1 accepted risk\) \|/);
  assert.match(markdown, /\| overlays\/current_version \| `public-credentials` \| Deployment\/clearml\/clearml-apiserver \| `\/spec\/template\/spec\/containers\/0\/env` \| the server is reachable .* \| a trial profile: /);
  assert.match(stdout, /^overlays\/current_version \[public-credentials\] accepted: Deployment\/clearml\/clearml-apiserver \/spec\/template\/spec\/containers\/0\/env: the server is reachable from outside the cluster/m);
  assert.match(markdown, /\| fixtures\/broken\/pod-security \| `pod-security` \| Deployment\/clearml\/clearml-webserver \| `\/spec\/template\/spec\/containers\/0\/securityContext\/allowPrivilegeEscalation` \|/);
});

// Pod Security conformance through the real CLI: upstream's fixtures, classified as upstream says.
const CONFORMANCE = path.resolve(ROOT, '../shared/conformance/pod-security');
const conformanceSkip = existsSync(CONFORMANCE) ? false : `upstream fixtures not found at ../shared/conformance/pod-security (clone the project beside ../shared)`;
const conformanceVersions = conformanceSkip ? [] : [...new Set(['baseline', 'restricted'].flatMap((level) => readdirSync(path.join(CONFORMANCE, level)).filter((v) => /^v1\.\d+$/.test(v))))].sort();
test('conformance fixtures: every version directory is found (v1.33, v1.34, v1.35 at least)', { skip: conformanceSkip }, () => {
  for (const v of ['v1.33', 'v1.34', 'v1.35']) assert.ok(conformanceVersions.includes(v), v);
});
for (const version of conformanceVersions) {
  for (const level of ['baseline', 'restricted']) {
    test(`check --level ${level} --policy-version ${version}: upstream pass fixtures exit 0, every fail fixture has a violation`, async () => {
      const pass = await run(['check', '--json', '--level', level, '--policy-version', version, path.join(CONFORMANCE, level, version, 'pass')]);
      assert.equal(pass.code, 0, pass.stdout);
      assert.ok(JSON.parse(pass.stdout).files.length > 0);
      assert.equal(JSON.parse(pass.stdout).version, version);
      const fail = await run(['check', '--json', '--level', level, '--policy-version', version, path.join(CONFORMANCE, level, version, 'fail')]);
      assert.equal(fail.code, 1);
      const report = JSON.parse(fail.stdout);
      const flagged = new Set(report.findings.map((f: any) => f.file));
      assert.deepEqual(report.files.filter((f: string) => !flagged.has(f)), [], 'fail fixtures without a violation');
    });
  }
}

test('check --policy-version: the v1.35 user-namespace procMount pod fails baseline at v1.34 and passes at v1.35 and latest; a bad version exits 2', { skip: conformanceSkip }, async () => {
  const pod = path.join(CONFORMANCE, 'baseline/v1.35/pass/procmount1.yaml');
  assert.equal((await run(['check', '--policy-version', 'v1.34', pod])).code, 1);
  assert.equal((await run(['check', '--policy-version', 'v1.35', pod])).code, 0);
  assert.equal((await run(['check', pod])).code, 0);
  const bad = await run(['check', '--policy-version', '1.35', pod]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--policy-version: expected "latest" or "v1.<minor>", received "1.35"/);
});

test('check: bad level, missing path and invalid YAML exit 2 with where and what', async (t) => {
  assert.equal((await run(['check', '--level', 'strict', 'base'])).code, 2);
  assert.match((await run(['check', '--level', 'strict', 'base'])).stderr, /--level: expected one of privileged, baseline, restricted, received "strict"/);
  assert.match((await run(['check', 'no/such.yaml'])).stderr, /MANIFEST_NOT_FOUND: no\/such\.yaml/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'bad.yaml'), 'kind: Pod\nmetadata:\n  name: [unclosed\n');
  const bad = await run(['check', path.join(dir, 'bad.yaml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /YAML_INVALID/);
  assert.match(bad.stderr, /bad\.yaml:\d+:\d+/);
});

test('check on the committed base builds the kustomization: baseline finds the privileged init container and hostPath volumes', { skip }, async () => {
  const { code, stdout } = await run(['check', 'base']);
  assert.equal(code, 1);
  assert.match(stdout, /^base: Deployment\/clearml\/clearml-elastic \/spec\/template\/spec\/initContainers\/\d\/securityContext\/privileged \[baseline privileged\]/m);
  assert.match(stdout, /\[baseline hostPathVolumes\]/);
  assert.match(stdout, /check: \d+ pod template\(s\) in 1 source\(s\) at baseline/);
});

test('check - reads standard input; check /dev/stdin too (the real bin); a raw file is read as it is', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: busybox:1.36}]\n';
  for (const [target, runner] of [['-', run], ['-', runReal], ['/dev/stdin', runReal]] as const) {
    const result = await runner(['check', target], { stdin: pod });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^-: Pod\/p \/spec\/hostNetwork \[baseline hostNamespaces\]/m);
  }
  writeFileSync(path.join(dir, 'pod.yaml'), pod.replace('hostNetwork: true', 'hostNetwork: false'));
  assert.equal((await run(['check', path.join(dir, 'pod.yaml')])).code, 0);
});

// Sites: the CLI on a scratch copy of the repository's generated tree.

/** A scratch repository: base/, overlays/ and schemas/ of this one. */
function scratchSiteRepo(t: { after(fn: () => void): void }): string {
  const dir = scratchRepo(t);
  cpSync(path.join(ROOT, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  return dir;
}

const EXAMPLE_SITES = readdirSync(path.join(ROOT, 'fixtures/sites')).sort();

/**
 * The release catalog the example sites' goldens (fixtures/sites/NAME/expected/) are composed with: the
 * v2.3.0 catalog, kept in fixtures/ so that a `bump` of the committed catalog does not turn the goldens
 * stale (issue 16). A golden is the spec's composition at known sources, so the pin is its point; that
 * sites follow the committed catalog after a bump is bump.test.ts's (air-gapped, at the bumped version).
 */
const GOLDEN_CATALOG = path.join(ROOT, 'fixtures/release-catalog-v2.3.0.json');

// The oldest and newest kubectl builds found anywhere (kubectl.1.27 beside kubectl, kubectl.1.35 from the engine cache).
const foundEngines = await discoverVersionedEngines();
const oldestAndNewest = foundEngines.length >= 2 ? [foundEngines[0]!.engine.argv.join(' '), foundEngines.at(-1)!.engine.argv.join(' ')] : [];

test('the example sites compose and verify with zero findings with the oldest and newest engines', { skip: skip || (oldestAndNewest.length < 2 && 'fewer than two versioned kubectl builds found') }, async (t) => {
  const repo = scratchSiteRepo(t);
  // The goldens are the example sites composed with the catalog they were written with (see GOLDEN_CATALOG).
  const env = { ...process.env, CLEARML_K8S_RELEASE_CATALOG: GOLDEN_CATALOG };
  for (const name of EXAMPLE_SITES) {
    mkdirSync(path.join(repo, 'overlays/sites', name), { recursive: true });
    cpSync(path.join(ROOT, 'fixtures/sites', name, 'site.yaml'), path.join(repo, 'overlays/sites', name, 'site.yaml'));
    // The user's sealed credentials beside the spec (flux-sealed-secret), as the user commits them.
    for (const f of readdirSync(path.join(ROOT, 'fixtures/sites', name)).filter((f) => f.startsWith('sealed-'))) cpSync(path.join(ROOT, 'fixtures/sites', name, f), path.join(repo, 'overlays/sites', name, f));
  }
  const compose = await run(['compose', '--root', repo], { env });
  assert.equal(compose.code, 0, compose.stderr);
  assert.match(compose.stdout, new RegExp(`\\(${EXAMPLE_SITES.length} sites\\)`));
  for (const name of EXAMPLE_SITES) {
    for (const file of readdirSync(path.join(ROOT, 'fixtures/sites', name, 'expected'))) {
      assert.equal(readFileSync(path.join(repo, 'overlays/sites', name, file), 'utf8'), readFileSync(path.join(ROOT, 'fixtures/sites', name, 'expected', file), 'utf8'), `${name}/${file}`);
    }
  }
  assert.equal((await run(['compose', '--check', '--root', repo], { env })).code, 0);
  const verify = await run(['verify', '--json', '--strict', '--root', repo, ...oldestAndNewest.flatMap((e) => ['--engine', e])], { env });
  assert.equal(verify.code, 0, verify.stdout);
  const report = JSON.parse(verify.stdout);
  assert.deepEqual(report.engines, oldestAndNewest);
  // Zero findings everywhere; only the three trial overlays' accepted public-credentials warning.
  assert.deepEqual(report.overlays.flatMap((o: any) => o.findings), []);
  assert.deepEqual(report.overlays.filter((o: any) => o.accepted.length).map((o: any) => [o.dir, o.accepted.map((f: any) => f.check)]), ['current_version', 'latest', 'non-root'].map((n) => [`overlays/${n}`, ['public-credentials']]));
  assert.deepEqual(report.overlays.map((o: any) => o.dir), ['overlays/current_version', 'overlays/latest', 'overlays/enterprise', 'overlays/non-root', ...EXAMPLE_SITES.map((n) => `overlays/sites/${n}`)]);
  const byDir = Object.fromEntries(report.overlays.map((o: any) => [o.dir, o]));
  assert.deepEqual(byDir['overlays/sites/on-prem'].nodePorts, { api: 30008, app: 30180, files: 30081 });
  assert.deepEqual(byDir['overlays/sites/non-root'].nodePorts, { api: 31008, app: 31080, files: 31081 });
  assert.deepEqual(byDir['overlays/sites/cloud'].hosts, ['api.clearml.acme.io', 'app.clearml.acme.io', 'files.clearml.acme.io']);
});

test('a site whose rendering drifts from its spec fails verify on the site\'s own NodePort', { skip }, async (t) => {
  const repo = scratchSiteRepo(t);
  mkdirSync(path.join(repo, 'overlays/sites/on-prem'), { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/sites/on-prem/site.yaml'), path.join(repo, 'overlays/sites/on-prem/site.yaml'));
  assert.equal((await run(['compose', '--root', repo])).code, 0);
  const spec = path.join(repo, 'overlays/sites/on-prem/site.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('app: 30180', 'app: 30280'));
  const verify = await run(['verify', '--json', '--root', repo, path.join(repo, 'overlays/sites/on-prem')]);
  assert.equal(verify.code, 1);
  const findings = JSON.parse(verify.stdout).overlays[0].findings;
  assert.ok(findings.some((f: any) => f.check === 'node-ports' && /expected nodePort 30280 \(app\), received 30180/.test(f.message)), verify.stdout);
  assert.equal((await run(['compose', '--check', '--root', repo])).code, 1);
});

test('site add writes the spec with its modeline and the composed site; verify passes; credentials stay out of git', { skip }, async (t) => {
  const repo = scratchSiteRepo(t);
  const add = await run(['site', 'add', 'acme', '--root', repo, '--domain', 'ml.acme.io', '--storage-class', 'standard', '--generate-credentials']);
  assert.equal(add.code, 0, add.stderr);
  const dir = path.join(repo, 'overlays/sites/acme');
  const spec = readFileSync(path.join(dir, 'site.yaml'), 'utf8');
  assert.ok(spec.startsWith('# yaml-language-server: $schema=../../../schemas/site.schema.json\n'));
  assert.match(spec, /expose: ingress\ningress:\n  domain: ml\.acme\.io\nstorage:\n  type: pvc\n  storageClass: standard\ncredentials:\n  secret: clearml-internal-credentials\n/);
  assert.deepEqual(readdirSync(dir).sort(), ['credentials.env', 'ingresses.yaml', 'kustomization.yaml', 'persistent-volume-claims.yaml', 'site.yaml']);
  assert.match(readFileSync(path.join(dir, 'credentials.env'), 'utf8'), /^secure_auth_token_secret=[A-Za-z0-9]{60}\n/);
  // The fixed users, one line (kubectl --from-env-file takes the rest of the line as the value).
  assert.match(readFileSync(path.join(dir, 'credentials.env'), 'utf8'), /\nfixed_users=\[\{"username":"admin","password":"[A-Za-z0-9]{24}","name":"Admin"\}\]\n/);
  assert.equal(statSync(path.join(dir, 'credentials.env')).mode & 0o777, 0o600, 'credentials.env is readable by its owner only');
  assert.match(add.stdout, /kubectl -n clearml create secret generic clearml-internal-credentials --from-env-file=overlays\/sites\/acme\/credentials\.env/);
  const ignored = spawnSync('git', ['check-ignore', '--no-index', '-q', 'overlays/sites/acme/credentials.env'], { cwd: ROOT });
  assert.equal(ignored.status, 0, 'credentials.env is git-ignored');
  const verify = await run(['verify', '--root', repo, dir]);
  assert.equal(verify.code, 0, verify.stdout);
  assert.equal((await run(['compose', '--check', '--root', repo])).code, 0, 'compose keeps site.yaml and credentials.env');
  const before = snapshot(repo);
  const again = await run(['site', 'add', 'acme', '--root', repo]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /SITE_EXISTS/);
  assert.deepEqual(snapshot(repo), before);
});

test('site add with a bad name or bad flags exits 2 and writes nothing', { skip }, async (t) => {
  const repo = scratchSiteRepo(t);
  const before = snapshot(repo);
  const cases: [string[], RegExp][] = [
    [['site', 'add', 'Acme_Prod'], /SITE_NAME_INVALID/],
    [['site', 'add', 'acme', '--domain', 'ml_acme'], /SITE_DNS_NAME: overlays\/sites\/acme\/site\.yaml:\d+:\d+: \/ingress\/domain: expected/],
    [['site', 'add', 'acme', '--node-port', 'app=80'], /SITE_NODE_PORT_RANGE: overlays\/sites\/acme\/site\.yaml:\d+:\d+: \/nodePorts\/app/],
    [['site', 'add', 'acme', '--profile', 'prod'], /SITE_ENUM/],
    [['site', 'add', 'acme', '--node-port', 'web=30080'], /USAGE: --node-port: expected LABEL=PORT/],
    [['site', 'add', 'acme', '--node-port', 'app=30180', '--node-port', 'app=30181'], /USAGE: --node-port: expected one --node-port for app/],
    [['site', 'add', 'acme', '--domain', ''], /USAGE: --domain: expected a value, received an empty string/],
    [['site', 'add', 'acme', '--profile', 'latest', '--profile', 'enterprise'], /USAGE: --profile: expected the flag once, received it 2 times/],
    [['site', 'add'], /USAGE: site add NAME: expected a site NAME/],
    [['site', 'remove', 'acme'], /USAGE: site remove: expected `site add NAME`/],
  ];
  for (const [args, pattern] of cases) {
    const result = await run([...args, '--root', repo]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern, args.join(' '));
  }
  assert.deepEqual(snapshot(repo), before);
});

test('site import --from-helm --keep-data writes the example site from-helm, lists what it could not map, and refuses bad input writing nothing (issue 15)', { skip }, async (t) => {
  const repo = scratchSiteRepo(t);
  const values = path.join(ROOT, 'fixtures/sites/from-helm/values.yaml');
  const before = snapshot(repo);
  const cases: [string[], RegExp][] = [
    [['site', 'import', 'from-helm'], /USAGE: --from-helm: expected the Helm values file/],
    [['site', 'import', 'from-helm', '--from-helm', 'missing.yaml'], /READ_FAILED: missing\.yaml/],
    [['site', 'import', 'From_Helm', '--from-helm', values], /SITE_NAME_INVALID/],
    [['site', 'import', 'from-helm', '--from-helm', values, '--release', 'Bad_Release'], /USAGE: --release: expected a Helm release name/],
    [['site', 'import', 'from-helm', '--from-helm', values, '--namespace', 'ML'], /SITE_K8S_NAME: overlays\/sites\/from-helm\/site\.yaml:\d+:\d+: \/namespace/],
  ];
  const badYaml = path.join(repo, 'bad-values.yaml');
  writeFileSync(badYaml, 'apiserver:\n  replicaCount: 1\n   podAnnotations: {}\n');
  cases.push([['site', 'import', 'from-helm', '--from-helm', badYaml], /YAML_INVALID: .*bad-values\.yaml:\d+:\d+: invalid YAML/]);
  const after = snapshot(repo);
  for (const [args, pattern] of cases) {
    const result = await run([...args, '--root', repo], { cwd: repo });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern, args.join(' '));
  }
  assert.deepEqual(snapshot(repo), after, 'nothing written');
  assert.notDeepEqual(before, after);
  const imported = await run(['site', 'import', 'from-helm', '--from-helm', values, '--keep-data', '--root', repo]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(readFileSync(path.join(repo, 'overlays/sites/from-helm/site.yaml'), 'utf8'), readFileSync(path.join(ROOT, 'fixtures/sites/from-helm/site.yaml'), 'utf8'));
  assert.match(imported.stdout, /^not mapped \(1 value\):\n {2}clearml\.existingSecret: /m);
  assert.match(imported.stdout, /check PersistentVolumeClaim clearml\/clearml-mongodb: kubectl -n clearml get persistentvolumeclaim clearml-mongodb /);
  for (const file of readdirSync(path.join(ROOT, 'fixtures/sites/from-helm/expected'))) {
    assert.equal(readFileSync(path.join(repo, 'overlays/sites/from-helm', file), 'utf8'), readFileSync(path.join(ROOT, 'fixtures/sites/from-helm/expected', file), 'utf8'), file);
  }
  assert.equal((await run(['compose', '--check', '--root', repo])).code, 0);
});

test('every invalid spec under fixtures/sites-invalid makes compose exit 2 with its error, and the tree stays byte-identical', { skip }, async (t) => {
  const cases = readdirSync(path.join(ROOT, 'fixtures/sites-invalid')).filter((f) => f.endsWith('.yaml')).sort();
  assert.ok(cases.length >= 25);
  const overlays = composeTree(loadReleaseCatalog());
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
      const result = await run(['compose', '--root', repo]);
      const after = snapshot(repo);
      const ok = expected instanceof SiteSpecError && result.code === 2 && result.stderr.includes(`${expected.code}: overlays/sites/bad/site.yaml:${expected.line}:${expected.column}: `) && JSON.stringify(before) === JSON.stringify(after);
      if (!ok) failures.push(`${file}: exit ${result.code}, expected ${expected?.code ?? 'an error'}; stderr: ${result.stderr.trim()}`);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  assert.deepEqual(failures, []);
});

test('site prerequisites: what a site needs before kubectl apply -k, in order, each with its command; it follows site.yaml', async (t) => {
  const dir = scratchRepo(t);
  assert.equal((await run(['site', 'add', 'acme', '--domain', 'ml.acme.io', '--storage-class', 'standard'], { cwd: dir })).code, 0);
  const list = async () => {
    const r = await run(['site', 'prerequisites', 'acme', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { kind: string; name: string; action: string; command: string; documentedIn: string }[];
  };
  const first = await list();
  assert.deepEqual(first.map((p) => `${p.kind} ${p.name} ${p.action}`), ['Namespace clearml create', 'Secret clearml-tls create', 'StorageClass standard check']);
  assert.equal(first[0]!.command, 'kubectl create namespace clearml --save-config');
  assert.equal(first[1]!.command, 'kubectl -n clearml create secret tls clearml-tls --cert=tls.crt --key=tls.key');
  assert.equal(first[1]!.documentedIn, 'README.md#tls-secret');
  // An edit of site.yaml (no compose run) shows in the next listing.
  const spec = path.join(dir, 'overlays/sites/acme/site.yaml');
  writeFileSync(spec, `${readFileSync(spec, 'utf8')}namespace: ml\nimages:\n  pullSecrets: [corp-registry]\n`);
  const second = await list();
  assert.equal(second[0]!.command, 'kubectl create namespace ml --save-config');
  assert.ok(second.some((p) => p.command === 'kubectl -n ml create secret docker-registry corp-registry --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD'), JSON.stringify(second));
  const unknown = await run(['site', 'prerequisites', 'acm'], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /SITE_REQUIRED: overlays\/sites\/acm\/site\.yaml: expected an existing site.*did you mean acme\?/);
});
