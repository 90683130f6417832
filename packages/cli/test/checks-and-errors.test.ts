// `clearml-k8s checks`, `verify --strict` and warnings, the README's generated regions (`compose`
// rewrites them, `compose --check` reports drift), and one error base class for every package.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ReleaseCatalogError } from '@clearml-k8s/base-manifests';
import { YamlError } from '@clearml-k8s/base-manifests/yaml';
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';
import { ComposerError, SiteSpecError } from '@clearml-k8s/overlay-composer';
import { RepositoryIoError } from '@clearml-k8s/repository-io';
import { CHECK_IDS, CHECK_REGISTRY, defineCheck, VerifierError, type CheckDefinition } from '@clearml-k8s/verifier';
import { CliError, usageError } from '../src/cli-error.ts';
import { verifyCommand } from '../src/commands/verify.ts';
import { ERROR_CODE_SOURCES, errorCodes } from '../src/error-codes.ts';
import { errorLine } from '../src/error-line.ts';
import { beginMarker, endMarker, README_REGIONS, renderReadmeRegions, type ReadmeRegion } from '../src/readme-regions.ts';
import { engineSkip, ROOT, runCli, scratchRepository, snapshot } from './support.ts';

/** The CLI in process (`main(argv, io)`), without a step summary file. */
function run(args: string[], cwd = ROOT) {
  return runCli(args, { cwd, extra: { GITHUB_STEP_SUMMARY: '' } });
}

/** A CommandIo that collects what a command writes. */
function collectingIo() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { cwd: ROOT, env: { ...process.env, GITHUB_STEP_SUMMARY: '' }, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
}

test('checks lists the registry with severities; --json gives id, severity, title and description', async () => {
  const table = (await run(['checks']));
  assert.equal(table.code, 0, table.stderr);
  for (const id of CHECK_IDS) assert.match(table.stdout, new RegExp(`│ ${id} +│ (error|warning) +│`));
  assert.match(table.stdout, new RegExp(`${CHECK_IDS.length} checks`));
  const json = (await run(['checks', '--json']));
  assert.equal(json.code, 0);
  const list = JSON.parse(json.stdout);
  assert.deepEqual(list.map((c: any) => c.id), CHECK_IDS);
  assert.deepEqual(list[0], { id: 'build', severity: 'error', title: CHECK_REGISTRY[0].title, description: CHECK_REGISTRY[0].description });
  const extra = (await run(['checks', 'rbac']));
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /^clearml-k8s checks: USAGE: checks rbac: expected no arguments to `checks`/);
  assert.match((await run(['checks', '--engine', 'kustomize'])).stderr, /USAGE: --engine: expected an option of `checks` \(--json\)/);
});

/** A check of severity warning that fires once on every overlay. */
const warningCheck = defineCheck({
  id: 'test-warning',
  severity: 'warning',
  title: 'a warning for the test',
  description: 'fires on the first Deployment',
  needs: 'build',
  run: ({ objects }) => [{ check: 'test-warning', resource: `Deployment/clearml/${objects.find((o) => o.kind === 'Deployment')!.metadata.name}`, path: '', message: 'expected nothing, received a Deployment', hint: 'nothing to fix' }],
});

test('verify: a warning is printed and exits 0; with --strict it exits 1', { skip: engineSkip }, async () => {
  const checks: readonly CheckDefinition[] = [...CHECK_REGISTRY, warningCheck];
  // enterprise: the stock overlay without a warning of its own (the NodePort ones have public-credentials).
  const options = { dirs: ['overlays/enterprise'], json: false, engines: [], matrix: false, cache: true, checks };
  const lenient = collectingIo();
  assert.equal(await verifyCommand(ROOT, options, lenient.io), 0, lenient.out.stdout);
  assert.match(lenient.out.stdout, /ok \(1 warning\)/);
  assert.match(lenient.out.stdout, /^overlays\/enterprise \[test-warning\] warning: Deployment\/clearml\/\S+: expected nothing, received a Deployment$/m);
  const strict = collectingIo();
  assert.equal(await verifyCommand(ROOT, { ...options, strict: true }, strict.io), 1);
  assert.match(strict.out.stdout, /FAIL \(1\)/);
  const json = collectingIo();
  assert.equal(await verifyCommand(ROOT, { ...options, json: true }, json.io), 0);
  const report = JSON.parse(json.out.stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(report.overlays[0].findings.map((f: any) => [f.check, f.severity]), [['test-warning', 'warning']]);
});

test('verify --strict passes enterprise and current_version (its one warning accepted), fails a warning nobody accepted and a broken one (exit 1)', { skip: engineSkip }, async () => {
  const ok = (await run(['verify', '--strict', '--no-cache', 'overlays/enterprise', 'overlays/current_version']));
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /\[public-credentials\] accepted: Deployment\/clearml\/clearml-apiserver/);
  const publicDefaults = (await run(['verify', '--strict', '--no-cache', 'fixtures/broken/public-credentials']));
  assert.equal(publicDefaults.code, 1);
  assert.match(publicDefaults.stdout, /FAIL \(1\)/);
  assert.match(publicDefaults.stdout, /\[public-credentials\] warning: Deployment\/clearml\/clearml-apiserver/);
  const broken = (await run(['verify', '--strict', '--no-cache', 'fixtures/broken/rbac']));
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /\[rbac\] Role\/clearml\/clearml-agent \/rules\/0\/verbs\/2/);
});

const region: ReadmeRegion = { name: 'demo', source: 'a test', render: () => '| a |\n|---|\n| 1 |' };

test('README regions: only the lines between the markers are rewritten, idempotently', () => {
  const text = `# Title\r\n\nintro | with a pipe\n<!-- BEGIN GENERATED demo -->\nstale table\n   <!-- END GENERATED demo -->\n\nmy notes, kept\n`;
  const rendered = renderReadmeRegions(text, 'README.md', [region]);
  assert.equal(rendered, `# Title\r\n\nintro | with a pipe\n${beginMarker(region)}\n\n| a |\n|---|\n| 1 |\n\n${endMarker(region)}\n\nmy notes, kept\n`);
  assert.equal(renderReadmeRegions(rendered, 'README.md', [region]), rendered);
});

test('README regions: bad markers are README_REGION_INVALID errors naming the line', () => {
  const attempt = (text: string) => {
    try {
      renderReadmeRegions(text, 'README.md', [region]);
    } catch (error) {
      assert.ok(error instanceof CliError);
      assert.equal(error.code, 'README_REGION_INVALID');
      return error.message;
    }
    assert.fail('no error');
  };
  assert.match(attempt('a\n<!-- BEGIN GENERATED demo -->\nx\n'), /^README\.md:2: expected `<!-- END GENERATED demo -->` after the region, received none until the end of the file; add the END marker/);
  assert.match(attempt('<!-- BEGIN GENERATED demo -->\n<!-- END GENERATED demo -->\n<!-- BEGIN GENERATED demo -->\n<!-- END GENERATED demo -->\n'), /^README\.md:3: expected region "demo" once/);
  assert.match(attempt('<!-- BEGIN GENERATED dmeo -->\n<!-- END GENERATED dmeo -->\n'), /^README\.md:1: expected a generated region named one of "demo", received BEGIN GENERATED dmeo/);
  assert.match(attempt('x\n<!-- END GENERATED demo -->\n'), /^README\.md:2: expected an END marker only after its BEGIN marker/);
  assert.match(attempt('no markers\n'), /^README\.md: expected the generated region "demo" .*received no such markers; put the two marker lines back/);
});

test('the committed README.md is up to date with the check registry and the error codes', () => {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.equal(renderReadmeRegions(text, 'README.md'), text, 'run `npm run compose`');
  for (const r of README_REGIONS) assert.ok(text.includes(beginMarker(r)), r.name);
  for (const { code } of errorCodes()) assert.ok(text.includes(`| \`${code}\` |`), code);
});

test('compose --check fails on a stale README table (naming README.md); compose rewrites only the region', async (t) => {
  const repo = scratchRepository(t);
  copyFileSync(path.join(ROOT, 'README.md'), path.join(repo, 'README.md'));
  const file = path.join(repo, 'README.md');
  const fresh = readFileSync(file, 'utf8');
  const stale = fresh.replace('| `rbac` | error |', '| `rbac` | warning |').replace('\n## Verify\n', '\n## Verify\n\nA paragraph of my own.\n');
  assert.notEqual(stale, fresh);
  writeFileSync(file, stale);
  const before = snapshot(repo);
  const check = (await run(['compose', '--check'], repo));
  assert.equal(check.code, 1);
  assert.match(check.stderr, /^ {2}update README\.md$/m);
  assert.deepEqual(snapshot(repo), before, '--check writes nothing');
  const compose = (await run(['compose'], repo));
  assert.equal(compose.code, 0, compose.stderr);
  assert.match(compose.stdout, /^update README\.md$/m);
  assert.equal(readFileSync(file, 'utf8'), fresh.replace('\n## Verify\n', '\n## Verify\n\nA paragraph of my own.\n'), 'the table is regenerated, the paragraph kept');
  assert.equal((await run(['compose', '--check'], repo)).code, 0);
});

test('compose refuses a README with a broken region (exit 2, the line named) and writes nothing', async (t) => {
  const repo = scratchRepository(t);
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace('<!-- END GENERATED checks -->\n', '');
  writeFileSync(path.join(repo, 'README.md'), text);
  writeFileSync(path.join(repo, 'base/kustomization.yaml'), 'stale\n'); // compose would restore it
  const before = snapshot(repo);
  const result = (await run(['compose'], repo));
  assert.equal(result.code, 2);
  const lineOf = (marker: string) => text.split('\n').findIndex((l) => l.startsWith(marker)) + 1;
  const [opened, next] = [lineOf('<!-- BEGIN GENERATED checks'), lineOf('<!-- BEGIN GENERATED error-codes')];
  assert.match(result.stderr, new RegExp(`^clearml-k8s compose: README_REGION_INVALID: README\\.md:${next}: expected the END marker of region "checks" \\(opened on line ${opened}\\) first, received BEGIN GENERATED error-codes;`));
  assert.deepEqual(snapshot(repo), before);
});

test('every error class extends ClearmlK8sError and carries its diagnostic; fields and messages are as before', () => {
  const errors: ClearmlK8sError[] = [
    new RepositoryIoError({ code: 'PATH_SYMLINK', path: 'overlays/sites/a/site.yaml', expected: 'a regular file', received: 'a symbolic link', hint: 'replace the link' }),
    new RepositoryIoError({ code: 'SETTING_INVALID', path: '$CLEARML_K8S_LOCK_WAIT', expected: 'a number', received: '"x"', hint: 'unset it' }),
    new ReleaseCatalogError('c.json', 'images.redis.tag', 'an OCI tag', '"a b"', 'fix it'),
    new YamlError({ file: 'k.yaml', line: 3, column: 7 }, 'bad indentation', 'fix the indentation'),
    new ComposerError('PROFILE_UNKNOWN', 'unknown profile "x"; expected one of current_version, latest', 'x'),
    new SiteSpecError({ code: 'SITE_NODE_PORT_RANGE', file: 'overlays/sites/acme/site.yaml', line: 4, column: 8, path: '/nodePorts/app', expected: 'a NodePort in 30000-32767', received: '80', hint: 'pick a port' }),
    new VerifierError('BUILD_FAILED', 'overlays/current_version does not build: boom; run clearml-k8s verify', 'overlays/current_version'),
    usageError('--level', 'one of baseline, restricted', '"x"', 'e.g. --level restricted'),
  ];
  for (const e of errors) {
    assert.ok(e instanceof ClearmlK8sError, e.name);
    assert.equal(e.diagnostic.code, e.code);
    assert.equal(e.diagnostic.message, e.message);
    assert.equal(e.diagnostic.severity, 'error');
    assert.ok(e.diagnostic.hint, `${e.name}: hint`);
  }
  const [io, setting, catalog, yaml, composer, site, verifier, usage] = errors;
  assert.equal(io!.message, 'overlays/sites/a/site.yaml: expected a regular file, received a symbolic link; replace the link');
  assert.deepEqual([io!.diagnostic.location, setting!.diagnostic.location], [{ file: 'overlays/sites/a/site.yaml' }, { argument: '$CLEARML_K8S_LOCK_WAIT' }]);
  assert.equal((io as RepositoryIoError).path, 'overlays/sites/a/site.yaml');
  assert.equal(catalog!.message, 'c.json: images.redis.tag: expected an OCI tag, received "a b"; fix it');
  assert.deepEqual(catalog!.diagnostic.location, { file: 'c.json', pointer: '/images/redis/tag' });
  assert.equal(catalog!.code, 'RELEASE_CATALOG_INVALID');
  assert.equal(yaml!.message, 'k.yaml:3:7: invalid YAML: bad indentation; fix the indentation');
  assert.deepEqual(yaml!.diagnostic.location, { file: 'k.yaml', line: 3, column: 7 });
  assert.equal(yaml!.code, 'YAML_INVALID');
  assert.deepEqual([composer!.diagnostic.location, composer!.diagnostic.hint], [{ argument: 'x' }, 'expected one of current_version, latest']);
  assert.equal(site!.message, 'overlays/sites/acme/site.yaml:4:8: /nodePorts/app: expected a NodePort in 30000-32767, received 80; pick a port');
  assert.deepEqual(site!.diagnostic.location, { file: 'overlays/sites/acme/site.yaml', line: 4, column: 8, pointer: '/nodePorts/app' });
  assert.deepEqual([site!.diagnostic.expected, site!.diagnostic.received], ['a NodePort in 30000-32767', '80']);
  assert.equal(verifier!.diagnostic.hint, 'run clearml-k8s verify');
  assert.equal(usage!.message, '--level: expected one of baseline, restricted, received "x"; e.g. --level restricted');
  assert.deepEqual(usage!.diagnostic.location, { argument: '--level' });
});

test('error codes are unique across packages, each with a one-line meaning', () => {
  const codes = errorCodes();
  assert.equal(new Set(codes.map((c) => c.code)).size, codes.length, JSON.stringify(codes.map((c) => c.code)));
  for (const c of codes) {
    assert.match(c.code, /^[A-Z][A-Z0-9_]+$/);
    assert.ok(c.meaning && !c.meaning.includes('\n'), c.code);
  }
  assert.deepEqual([...new Set(ERROR_CODE_SOURCES.map((s) => s.package))], ['@clearml-k8s/repository-io', '@clearml-k8s/base-manifests', '@clearml-k8s/overlay-composer', '@clearml-k8s/verifier', '@clearml-k8s/cli']);
});

test('the CLI recognises its errors by class: a Node system error is SYSTEM_ERROR, a coded plain Error INTERNAL_ERROR', () => {
  const env = {};
  assert.equal(errorLine('verify', new VerifierError('OVERLAY_NOT_FOUND', 'x: expected a directory with kustomization.yaml, received no such path; pass one', 'x'), env), 'clearml-k8s verify: OVERLAY_NOT_FOUND: x: expected a directory with kustomization.yaml, received no such path; pass one');
  let enoent: unknown;
  try {
    readFileSync(path.join(ROOT, 'no-such-file'));
  } catch (error) {
    enoent = error;
  }
  assert.match(errorLine('compose', enoent, env), /^clearml-k8s compose: SYSTEM_ERROR: \S+no-such-file: expected open to succeed, received no such file or directory \(ENOENT\); /);
  assert.match(errorLine('bump', Object.assign(new Error('looks like ours'), { code: 'BUILD_FAILED' }), env), /^clearml-k8s bump: INTERNAL_ERROR: looks like ours; this is a bug in clearml-k8s/);
  assert.match(errorLine(undefined, 'a string', env), /^clearml-k8s: INTERNAL_ERROR: a string;/);
});
