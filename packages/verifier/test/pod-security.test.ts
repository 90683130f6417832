// Conformance of the Pod Security Standards evaluator with the upstream pod-security-admission
// fixtures (v1.33), read in place from ../shared/conformance/pod-security (never copied here), plus
// focused unit tests on paths, rule ids and levels.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { evaluatePodSecurity, POD_SECURITY_LEVELS, type PodSecurityLevel } from '../src/pod-security.ts';

const FIXTURES_DIR = path.resolve(import.meta.dirname, '../../../../shared/conformance/pod-security');
const VERSION = 'v1.33';
const EXPECTED_FIXTURES = 128;
const SKIP = existsSync(FIXTURES_DIR) ? false : `conformance fixtures not found at ${FIXTURES_DIR} (they live outside the repository)`;

/** Baseline check ids, lower-cased as in fixture file names. */
const BASELINE_RULES = new Set(['apparmorprofile', 'capabilities_baseline', 'hostnamespaces', 'hostpathvolumes', 'hostports', 'privileged', 'procmount', 'seccompprofile_baseline', 'selinuxoptions', 'sysctls', 'windowshostprocess']);

interface Fixture {
  level: 'baseline' | 'restricted';
  outcome: 'pass' | 'fail';
  file: string;
  /** Check id the file exercises, lower-cased ('' for base*.yaml). */
  rule: string;
}

function listFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const outcome of ['pass', 'fail'] as const) {
      const dir = path.join(FIXTURES_DIR, level, VERSION, outcome);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
        const rule = file.startsWith('base') && !file.startsWith('baseline') ? '' : file.replace(/\d*\.yaml$/, '');
        fixtures.push({ level, outcome, file: path.join(level, VERSION, outcome, file), rule });
      }
    }
  }
  return fixtures;
}

const load = (fixture: Fixture): unknown => parseManifest(readFileSync(path.join(FIXTURES_DIR, fixture.file), 'utf8'), fixture.file);

test(`finds ${EXPECTED_FIXTURES} pod-security fixtures for ${VERSION}`, { skip: SKIP }, () => {
  assert.equal(listFixtures().length, EXPECTED_FIXTURES);
});

test(`pod-security conformance (${VERSION})`, { skip: SKIP }, async (t) => {
  for (const fixture of listFixtures()) {
    await t.test(fixture.file, () => {
      const violations = evaluatePodSecurity(load(fixture), fixture.level);
      if (fixture.outcome === 'pass') {
        assert.deepEqual(violations, [], `expected admission at ${fixture.level}`);
        return;
      }
      assert.ok(violations.length > 0, `expected rejection at ${fixture.level}`);
      const rules = violations.map((v) => v.rule.toLowerCase());
      assert.ok(rules.includes(fixture.rule), `expected a ${fixture.rule} violation, got ${rules.join(', ')}`);
      if (fixture.level === 'restricted' && BASELINE_RULES.has(fixture.rule)) {
        assert.ok(violations.some((v) => v.level === 'baseline' && v.rule.toLowerCase() === fixture.rule), 'expected the baseline rule to be reported at level baseline');
      }
      for (const v of violations) assert.match(v.path, /^\/(spec|metadata)\//);
    });
  }
});

const restrictedContainer = (name: string, securityContext: Record<string, unknown> = {}) => ({
  name,
  image: 'registry.k8s.io/pause',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
});

test('privileged init container at index 1: rule, level and path', () => {
  const pod = { spec: { containers: [{ name: 'app' }], initContainers: [{ name: 'first' }, { name: 'second', securityContext: { privileged: true } }] } };
  const violations = evaluatePodSecurity(pod, 'baseline');
  assert.deepEqual(violations.map((v) => [v.rule, v.level, v.path]), [['privileged', 'baseline', '/spec/initContainers/1/securityContext/privileged']]);
  assert.match(violations[0]!.message, /init container "second"/);
  assert.ok(violations[0]!.hint.length > 0);
});

test('two privileged containers give two violations', () => {
  const pod = { spec: { containers: [{ name: 'a', securityContext: { privileged: true } }], ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }] } };
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline').map((v) => v.path), ['/spec/containers/0/securityContext/privileged', '/spec/ephemeralContainers/0/securityContext/privileged']);
});

test('restricted: runAsNonRoot on some containers only flags the others', () => {
  const pod = {
    spec: {
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [restrictedContainer('app', { runAsNonRoot: true }), restrictedContainer('sidecar')],
      initContainers: [restrictedContainer('init', { runAsNonRoot: true })],
    },
  };
  const violations = evaluatePodSecurity(pod, 'restricted');
  assert.deepEqual(violations.map((v) => [v.rule, v.level, v.path]), [['runAsNonRoot', 'restricted', '/spec/containers/1/securityContext/runAsNonRoot']]);
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline'), []);
});

test("'privileged' level admits everything; odd input never throws", () => {
  const pod = { spec: { hostNetwork: true, containers: [{ name: 'x', securityContext: { privileged: true } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] } };
  assert.deepEqual(evaluatePodSecurity(pod, 'privileged'), []);
  for (const odd of [undefined, null, 42, 'pod', [], {}, { spec: null }, { spec: { containers: 'x', volumes: [null, 3] } }]) {
    assert.deepEqual(evaluatePodSecurity(odd, 'baseline'), []);
    assert.doesNotThrow(() => evaluatePodSecurity(odd, 'restricted'));
  }
  assert.deepEqual([...POD_SECURITY_LEVELS], ['privileged', 'baseline', 'restricted'] satisfies PodSecurityLevel[]);
});

test('AppArmor annotation path escapes "/" as ~1', () => {
  const pod = { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/container1': 'unconfined' } }, spec: { containers: [{ name: 'container1' }] } };
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline').map((v) => [v.rule, v.path]), [['appArmorProfile', '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1container1']]);
});

test('restricted reports a hostPath volume under both hostPathVolumes (baseline) and restrictedVolumes', () => {
  const pod = {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [restrictedContainer('app')],
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'host', hostPath: { path: '/a' } }],
    },
  };
  assert.deepEqual(evaluatePodSecurity(pod, 'restricted').map((v) => [v.rule, v.level, v.path]), [
    ['hostPathVolumes', 'baseline', '/spec/volumes/1/hostPath'],
    ['restrictedVolumes', 'restricted', '/spec/volumes/1/hostPath'],
  ]);
});
