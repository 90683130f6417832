// The check registry as data, the loop that runs it, severities (a warning passes, --strict fails it),
// and findings and VerifierErrors in the one diagnostic shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';
import {
  CHECK_IDS,
  CHECK_REGISTRY,
  CHECKS,
  checkTableMarkdown,
  defineCheck,
  findingDiagnostic,
  formatChecksJson,
  formatChecksTable,
  formatJson,
  formatMarkdown,
  formatReport,
  VERIFIER_ERROR_CODES,
  VerifierError,
  verifyOverlays,
  type CheckDefinition,
} from '../src/index.ts';
import { engine, engineSkip, REPOSITORY } from './support.ts';

test('the registry: unique kebab-case ids, a severity, a one-line title and a description each; CHECKS and CHECK_IDS follow it', () => {
  assert.ok(CHECK_REGISTRY.length >= 23);
  assert.equal(new Set(CHECK_IDS).size, CHECK_IDS.length, 'ids are unique');
  for (const c of CHECK_REGISTRY) {
    assert.match(c.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, c.id);
    assert.ok(['error', 'warning'].includes(c.severity), c.id);
    assert.ok(['render', 'build'].includes(c.needs), c.id);
    assert.ok(c.title && !c.title.includes('\n'), `${c.id}: one-line title`);
    assert.ok(c.description.length > 10, `${c.id}: description`);
    assert.ok(Object.isFrozen(c), `${c.id}: frozen`);
  }
  assert.deepEqual(CHECK_IDS, CHECK_REGISTRY.map((c) => c.id));
  assert.deepEqual(Object.keys(CHECKS), CHECK_IDS);
  assert.equal(CHECKS.rbac, CHECK_REGISTRY.find((c) => c.id === 'rbac')!.title);
  // Only what reads raw engine results and kustomization files runs on a failed build.
  assert.deepEqual(CHECK_REGISTRY.filter((c) => c.needs === 'render').map((c) => c.id), ['build', 'build-stderr', 'engine-mismatch', 'deprecated-field']);
});

test('the registry as a terminal table, as JSON and as the README table', () => {
  const json = JSON.parse(formatChecksJson());
  assert.deepEqual(json.map((c: any) => c.id), CHECK_IDS);
  assert.deepEqual(Object.keys(json[0]), ['id', 'severity', 'title', 'description']);
  const table = formatChecksTable();
  for (const c of CHECK_REGISTRY) assert.match(table, new RegExp(`│ ${c.id} +│ ${c.severity}`));
  const warnings = CHECK_REGISTRY.filter((c) => c.severity === 'warning').map((c) => c.id);
  assert.deepEqual(warnings, ['pre-populate', 'public-credentials']);
  assert.match(table, new RegExp(`\\n${CHECK_IDS.length} checks \\(${CHECK_IDS.length - 2} error, 2 warning`));
  const markdown = checkTableMarkdown().split('\n');
  assert.deepEqual(markdown.slice(0, 2), ['| check | severity | what it asserts |', '|---|---|---|']);
  assert.equal(markdown.length, CHECK_IDS.length + 2);
  assert.equal(markdown[2], '| `build` | error | the engine exits 0 and prints YAML |');
  const piped = defineCheck({ id: 'piped', severity: 'warning', title: 't', description: 'a | b\nc', needs: 'build', run: () => [] });
  assert.equal(checkTableMarkdown([piped]).split('\n')[2], '| `piped` | warning | a \\| b c |');
});

/** A check of severity warning that fires once on any overlay with a Deployment. */
const warningCheck = defineCheck({
  id: 'test-warning',
  severity: 'warning',
  title: 'a warning for the test',
  description: 'fires on the first Deployment',
  needs: 'build',
  run: ({ objects }) => {
    const d = objects.find((o) => o.kind === 'Deployment')!;
    return [{ check: 'test-warning', resource: `Deployment/${d.metadata.namespace}/${d.metadata.name}`, path: '/spec/replicas', message: 'expected nothing in particular, received a Deployment', hint: 'nothing to fix' }];
  },
});

test('a warning finding is reported but passes; with strict it fails', { skip: engineSkip }, async () => {
  const checks: readonly CheckDefinition[] = [...CHECK_REGISTRY, warningCheck];
  // enterprise: the stock overlay without warnings of its own (the NodePort ones have public-credentials).
  const dirs = ['overlays/enterprise'];
  const lenient = await verifyOverlays(engine!, { ...REPOSITORY, dirs, checks });
  assert.equal(lenient.cached, 0, 'injected checks never use the cache');
  assert.equal(lenient.ok, true);
  const [report] = lenient.overlays;
  assert.equal(report!.ok, true);
  assert.deepEqual(report!.findings.map((f) => [f.check, f.severity, f.overlay]), [['test-warning', 'warning', 'overlays/enterprise']]);
  const text = formatReport(lenient);
  assert.match(text, /overlays\/enterprise\s.*\sok \(1 warning\)\s/);
  assert.match(text, /^overlays\/enterprise \[test-warning\] warning: Deployment\/clearml\/\S+ \/spec\/replicas: expected nothing in particular/m);
  assert.match(text, /1\/1 overlays passed with 1 warning/);
  assert.match(formatMarkdown(lenient), /\| `test-warning` \(warning\) \|/);
  assert.equal(JSON.parse(formatJson(lenient)).overlays[0].findings[0].severity, 'warning');

  const strict = await verifyOverlays(engine!, { ...REPOSITORY, dirs, checks, strict: true });
  assert.equal(strict.ok, false);
  assert.equal(strict.overlays[0]!.ok, false);
  assert.match(formatReport(strict), /FAIL \(1\)/);
  assert.match(formatReport(strict), /0\/1 overlays passed with 1 warning/);
});

test('an error finding fails; every stock overlay passes with strict, the NodePort ones only through their accepted warning', { skip: engineSkip }, async () => {
  const errorCheck = defineCheck({ ...warningCheck, id: 'test-error', severity: 'error', run: (context) => warningCheck.run(context).map((f) => ({ ...f, check: 'test-error' as const })) });
  const failing = await verifyOverlays(engine!, { ...REPOSITORY, dirs: ['overlays/current_version'], checks: [errorCheck] });
  assert.equal(failing.ok, false);
  assert.deepEqual(failing.overlays[0]!.findings.map((f) => f.severity), ['error']);
  assert.equal((await verifyOverlays(engine!, { ...REPOSITORY, dirs: ['overlays/enterprise'], cache: false, strict: true })).ok, true);
  const strict = await verifyOverlays(engine!, { ...REPOSITORY, dirs: ['overlays/current_version', 'overlays/latest', 'overlays/non-root'], cache: false, strict: true });
  assert.equal(strict.ok, true);
  assert.deepEqual(strict.overlays.map((o) => [o.dir, o.ok, o.findings, o.accepted.map((f) => [f.check, f.severity])]), ['current_version', 'latest', 'non-root'].map((n) => [`overlays/${n}`, true, [], [['public-credentials', 'warning']]]));
});

test('a check that returns another check\'s finding is a bug, not a finding', { skip: engineSkip }, async () => {
  const liar = { ...warningCheck, id: 'liar' } as CheckDefinition;
  await assert.rejects(verifyOverlays(engine!, { ...REPOSITORY, dirs: ['overlays/current_version'], checks: [liar] }), /check liar returned a finding of "test-warning"/);
});

test('checks that need a build do not run on a failed one', { skip: engineSkip }, async () => {
  const ran: string[] = [];
  const probe = (needs: 'render' | 'build') => defineCheck({ id: `probe-${needs}`, severity: 'error', title: 't', description: 'd', needs, run: () => (ran.push(needs), []) });
  const result = await verifyOverlays(engine!, { ...REPOSITORY, dirs: ['fixtures/broken/build'], checks: [probe('render'), probe('build')] });
  assert.deepEqual(ran, ['render']);
  assert.equal(result.ok, true, 'no check reported anything');
});

test('findings and VerifierErrors share the diagnostic shape', () => {
  const finding = { overlay: 'o', check: 'node-ports', severity: 'error', resource: 'Service/clearml/clearml-apiserver', path: '/spec/ports/0/nodePort', message: 'expected nodePort 30008 (api), received 30009', hint: 'set it back to 30008' } as const;
  assert.deepEqual(findingDiagnostic(finding), { code: 'node-ports', severity: 'error', message: finding.message, location: { resource: finding.resource, pointer: finding.path }, hint: finding.hint });

  const notFound = new VerifierError('OVERLAY_NOT_FOUND', 'x: expected a directory with kustomization.yaml, received no such path; pass an overlay directory such as overlays/current_version', 'x');
  assert.ok(notFound instanceof ClearmlK8sError);
  assert.equal(notFound.name, 'VerifierError');
  assert.equal(notFound.where, 'x');
  assert.deepEqual(notFound.diagnostic, { code: 'OVERLAY_NOT_FOUND', severity: 'error', message: notFound.message, location: { file: 'x' }, expected: 'a directory with kustomization.yaml', received: 'no such path', hint: 'pass an overlay directory such as overlays/current_version' });
  assert.deepEqual(new VerifierError('TIMEOUT_INVALID', '--timeout: expected a number of seconds from 1 to 86400, received "0"; give how long', '--timeout').diagnostic.location, { argument: '--timeout' });
  assert.ok(Object.keys(VERIFIER_ERROR_CODES).includes('BUILD_TIMEOUT'));
});
