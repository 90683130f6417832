// Conformance of the Pod Security Standards evaluator with the upstream pod-security-admission
// fixtures (every version directory there: v1.33, v1.34, v1.35), read in place from
// ../shared/conformance/pod-security (never copied here), each evaluated at its own version; plus
// unit tests on versions without fixtures (v1.36, v1.37), paths, rule ids and levels.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { checkPodSecurity, namespacePolicies } from '../src/checks/pod-security.ts';
import { BASELINE_ALLOWED_SYSCTLS, baselineAllowedSysctls, evaluatePodSecurity, LATEST_POD_SECURITY_VERSION, parsePodSecurityVersion, podSecurityRules, policyMinor, POD_SECURITY_LEVELS, type PodSecurityLevel, type PodSecurityVersion } from '../src/pod-security.ts';

const FIXTURES_DIR = path.resolve(import.meta.dirname, '../../../../shared/conformance/pod-security');
/** Fixture counts per version directory (both levels, pass and fail), as shipped in ../shared/conformance (NOTICE.md). */
const EXPECTED_FIXTURES: Record<string, number> = { 'v1.33': 128, 'v1.34': 144, 'v1.35': 148 };
const SKIP = existsSync(FIXTURES_DIR) ? false : `conformance fixtures not found at ${FIXTURES_DIR} (they live outside the repository)`;

/** Baseline check ids, lower-cased as in fixture file names. */
const BASELINE_RULES = new Set(['apparmorprofile', 'capabilities_baseline', 'hostnamespaces', 'hostpathvolumes', 'hostports', 'hostprobesandhostlifecycle', 'privileged', 'procmount', 'seccompprofile_baseline', 'selinuxoptions', 'sysctls', 'windowshostprocess']);
/**
 * Restricted checks that replace a baseline check at restricted (OverrideCheckIDs): kubernetes/pod-security-admission@v0.37.0-alpha.2
 * policy/check_restrictedVolumes.go:82, check_capabilities_restricted.go:67, check_seccompProfile_restricted.go:56, check_procMount_restricted.go:52.
 */
const OVERRIDDEN_BY: Record<string, string> = { hostpathvolumes: 'restrictedvolumes', capabilities_baseline: 'capabilities_restricted', seccompprofile_baseline: 'seccompprofile_restricted', procmount: 'procmount_restricted' };

interface Fixture {
  level: 'baseline' | 'restricted';
  version: PodSecurityVersion;
  outcome: 'pass' | 'fail';
  file: string;
  /** Check id the file exercises, lower-cased ('' for base*.yaml). */
  rule: string;
}

/** Version directories present under either level, e.g. ['v1.33', 'v1.34', 'v1.35']. */
function versionDirs(): string[] {
  const found = new Set<string>();
  for (const level of ['baseline', 'restricted']) {
    const dir = path.join(FIXTURES_DIR, level);
    if (existsSync(dir)) for (const v of readdirSync(dir)) if (/^v1\.\d+$/.test(v)) found.add(v);
  }
  return [...found].sort((a, b) => policyMinor(a as PodSecurityVersion) - policyMinor(b as PodSecurityVersion));
}

function listFixtures(version: string): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const outcome of ['pass', 'fail'] as const) {
      const dir = path.join(FIXTURES_DIR, level, version, outcome);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
        const rule = file.startsWith('base') && !file.startsWith('baseline') ? '' : file.replace(/\d*\.yaml$/, '');
        fixtures.push({ level, version: version as PodSecurityVersion, outcome, file: path.join(level, version, outcome, file), rule });
      }
    }
  }
  return fixtures;
}

const load = (fixture: Fixture): unknown => parseManifest(readFileSync(path.join(FIXTURES_DIR, fixture.file), 'utf8'), fixture.file);

test('finds every pod-security fixture version directory, with its fixture count', { skip: SKIP }, () => {
  const versions = versionDirs();
  for (const v of Object.keys(EXPECTED_FIXTURES)) assert.ok(versions.includes(v), `version directory ${v} missing`);
  for (const v of versions) assert.equal(listFixtures(v).length, EXPECTED_FIXTURES[v], `fixtures under */${v}`);
});

for (const version of SKIP ? [] : versionDirs()) {
  test(`pod-security conformance (${version})`, async (t) => {
    for (const fixture of listFixtures(version)) {
      await t.test(fixture.file, () => {
        const violations = evaluatePodSecurity(load(fixture), fixture.level, fixture.version);
        if (fixture.outcome === 'pass') {
          assert.deepEqual(violations, [], `expected admission at ${fixture.level}:${version}`);
          return;
        }
        assert.ok(violations.length > 0, `expected rejection at ${fixture.level}:${version}`);
        const rules = violations.map((v) => v.rule.toLowerCase());
        const expected = fixture.level === 'restricted' && OVERRIDDEN_BY[fixture.rule] && rules.includes(OVERRIDDEN_BY[fixture.rule]!) ? OVERRIDDEN_BY[fixture.rule]! : fixture.rule;
        assert.ok(rules.includes(expected), `expected a ${fixture.rule} violation, got ${rules.join(', ')}`);
        if (fixture.level === 'restricted' && BASELINE_RULES.has(expected)) {
          assert.ok(violations.some((v) => v.level === 'baseline' && v.rule.toLowerCase() === expected), 'expected the baseline rule to be reported at level baseline');
        }
        for (const v of violations) assert.match(v.path, /^\/(spec|metadata)\//);
      });
    }
  });
}

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

test('restricted reports a hostPath volume once, as restrictedVolumes (it overrides hostPathVolumes), baseline as hostPathVolumes', () => {
  const pod = {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [restrictedContainer('app')],
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'host', hostPath: { path: '/a' } }],
    },
  };
  assert.deepEqual(evaluatePodSecurity(pod, 'restricted').map((v) => [v.rule, v.level, v.path]), [['restrictedVolumes', 'restricted', '/spec/volumes/1/hostPath']]);
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline').map((v) => [v.rule, v.level, v.path]), [['hostPathVolumes', 'baseline', '/spec/volumes/1/hostPath']]);
});

// Versions: each rule from the MinimumVersion upstream gives it (kubernetes/pod-security-admission@v0.37.0-alpha.2, policy/).

test('version labels parse as upstream api.ParseVersion; newer than v1.37 and invalid evaluate at latest (v1.37)', () => {
  assert.equal(LATEST_POD_SECURITY_VERSION, 'v1.37');
  assert.deepEqual(parsePodSecurityVersion('latest'), { version: 'latest' });
  assert.deepEqual(parsePodSecurityVersion('v1.35'), { version: 'v1.35' });
  assert.deepEqual(parsePodSecurityVersion('v1.0'), { version: 'v1.0' });
  for (const bad of ['1.35', 'v1.035', 'v2.0', 'v1.', 'Latest', 'v1.35.0', '', 35, undefined]) {
    const parsed = parsePodSecurityVersion(bad);
    assert.equal(parsed.version, 'latest', String(bad));
    assert.match(parsed.error ?? '', /"latest" or "v1.x"/);
  }
  assert.equal(policyMinor('latest'), 37);
  assert.equal(policyMinor(undefined), 37);
  assert.equal(policyMinor('v1.99'), 37);
  assert.equal(policyMinor('v1.34'), 34);
  assert.equal(policyMinor('v1.035' as PodSecurityVersion), 37);
});

test('v1.37 adds the safe sysctls tcp_slow_start_after_idle and tcp_notsent_lowat (check_sysctls.go:84, :112-115); v1.32 tcp_rmem/wmem', () => {
  const pod = (...names: string[]) => ({ spec: { securityContext: { sysctls: names.map((name) => ({ name, value: '1' })) }, containers: [{ name: 'app' }] } });
  const added = pod('net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat');
  for (const version of ['latest', 'v1.37', 'v1.40'] as const) assert.deepEqual(evaluatePodSecurity(added, 'baseline', version), [], version);
  assert.deepEqual(evaluatePodSecurity(added, 'baseline', 'v1.36').map((v) => [v.rule, v.path]), [
    ['sysctls', '/spec/securityContext/sysctls/0/name'],
    ['sysctls', '/spec/securityContext/sysctls/1/name'],
  ]);
  assert.deepEqual(evaluatePodSecurity(pod('net.ipv4.tcp_rmem'), 'restricted', 'v1.32').filter((v) => v.rule === 'sysctls'), []);
  assert.equal(evaluatePodSecurity(pod('net.ipv4.tcp_rmem'), 'baseline', 'v1.31').length, 1);
  assert.equal(evaluatePodSecurity(pod('net.ipv4.ip_local_reserved_ports'), 'baseline', 'v1.26').length, 1);
  assert.deepEqual(evaluatePodSecurity(pod('net.ipv4.ip_local_reserved_ports'), 'baseline', 'v1.27'), []);
  assert.deepEqual(evaluatePodSecurity(pod('kernel.msgmax'), 'baseline').map((v) => v.rule), ['sysctls'], 'an unsafe sysctl stays forbidden at latest');
  assert.equal(BASELINE_ALLOWED_SYSCTLS.length, 14);
  assert.equal(baselineAllowedSysctls(36).length, 12);
});

test('v1.36 changes no rule (v0.36.2 changes no check); latest is v1.37', () => {
  for (const level of ['baseline', 'restricted'] as const) {
    assert.deepEqual(podSecurityRules(level, 'v1.36'), podSecurityRules(level, 'v1.35'), level);
    assert.deepEqual(podSecurityRules(level, 'latest'), podSecurityRules(level, 'v1.37'), level);
    assert.notDeepEqual(podSecurityRules(level, 'v1.37'), podSecurityRules(level, 'v1.36'), level);
  }
  const sysctls = podSecurityRules('baseline').find((r) => r.id === 'sysctls');
  assert.deepEqual(sysctls, { id: 'sysctls', level: 'baseline', since: 'v1.37', source: 'kubernetes/pod-security-admission@v0.37.0-alpha.2:policy/check_sysctls.go:84' });
  assert.deepEqual(podSecurityRules('privileged'), []);
});

test('rules in force by version: allowPrivilegeEscalation from v1.8, capabilities_restricted v1.22, runAsUser v1.23, probes v1.34, procMount_restricted v1.35', () => {
  const ids = (level: PodSecurityLevel, version: PodSecurityVersion) => podSecurityRules(level, version).map((r) => r.id);
  assert.ok(!ids('restricted', 'v1.7').includes('allowPrivilegeEscalation'));
  assert.ok(ids('restricted', 'v1.8').includes('allowPrivilegeEscalation'));
  assert.ok(ids('restricted', 'v1.21').includes('capabilities_baseline') && !ids('restricted', 'v1.21').includes('capabilities_restricted'));
  assert.ok(!ids('restricted', 'v1.22').includes('capabilities_baseline') && ids('restricted', 'v1.22').includes('capabilities_restricted'));
  assert.ok(!ids('restricted', 'v1.22').includes('runAsUser') && ids('restricted', 'v1.23').includes('runAsUser'));
  assert.ok(ids('restricted', 'v1.18').includes('seccompProfile_baseline') && !ids('restricted', 'v1.18').includes('seccompProfile_restricted'));
  assert.ok(!ids('baseline', 'v1.33').includes('hostProbesAndHostLifecycle') && ids('baseline', 'v1.34').includes('hostProbesAndHostLifecycle'));
  assert.ok(ids('restricted', 'v1.34').includes('procMount') && !ids('restricted', 'v1.34').includes('procMount_restricted'));
  assert.ok(!ids('restricted', 'v1.35').includes('procMount') && ids('restricted', 'v1.35').includes('procMount_restricted'));
  assert.ok(ids('baseline', 'v1.35').includes('procMount') && !ids('baseline', 'v1.35').includes('procMount_restricted'));
});

test('v1.34 hostProbesAndHostLifecycle: a probe or lifecycle host is reported at its field from v1.34, not at v1.33', () => {
  const pod = {
    spec: {
      containers: [{ name: 'app', readinessProbe: { httpGet: { path: '/', port: 8080, host: '' } }, livenessProbe: { tcpSocket: { port: 8080, host: '10.0.0.1' } } }],
      initContainers: [{ name: 'init', lifecycle: { preStop: { httpGet: { port: 80, host: 'metadata.internal' } } } }],
    },
  };
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline', 'v1.33'), []);
  for (const version of ['v1.34', 'latest'] as const) {
    const violations = evaluatePodSecurity(pod, 'baseline', version);
    assert.deepEqual(violations.map((v) => [v.rule, v.level, v.path]), [
      ['hostProbesAndHostLifecycle', 'baseline', '/spec/containers/0/livenessProbe/tcpSocket/host'],
      ['hostProbesAndHostLifecycle', 'baseline', '/spec/initContainers/0/lifecycle/preStop/httpGet/host'],
    ], version);
    assert.match(violations[1]!.message, /init container "init" lifecycle.preStop httpGet sets host: "metadata.internal"/);
  }
});

test('v1.35 user namespaces (hostUsers: false): procMount relaxed at baseline only; runAsNonRoot and runAsUser relaxed at restricted', () => {
  const unmasked = (hostUsers: boolean | undefined) => ({ spec: { ...(hostUsers === undefined ? {} : { hostUsers }), containers: [{ name: 'app', securityContext: { procMount: 'Unmasked' } }] } });
  assert.deepEqual(evaluatePodSecurity(unmasked(false), 'baseline', 'v1.35'), []);
  assert.deepEqual(evaluatePodSecurity(unmasked(false), 'baseline', 'v1.34').map((v) => v.rule), ['procMount']);
  assert.deepEqual(evaluatePodSecurity(unmasked(true), 'baseline', 'v1.35').map((v) => v.rule), ['procMount']);
  assert.deepEqual(evaluatePodSecurity(unmasked(undefined), 'baseline').map((v) => v.rule), ['procMount']);
  const root = (hostUsers: boolean) => ({
    spec: { hostUsers, securityContext: { runAsUser: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } }, containers: [restrictedContainer('app', { procMount: 'Unmasked' })] },
  });
  assert.deepEqual(evaluatePodSecurity(root(false), 'restricted', 'v1.35').map((v) => [v.rule, v.path]), [['procMount_restricted', '/spec/containers/0/securityContext/procMount']]);
  const rules = (pod: unknown, version?: PodSecurityVersion) => [...new Set(evaluatePodSecurity(pod, 'restricted', version).map((v) => v.rule))];
  assert.deepEqual(rules(root(false), 'v1.34'), ['procMount', 'runAsNonRoot', 'runAsUser']);
  assert.deepEqual(rules(root(true)), ['procMount_restricted', 'runAsNonRoot', 'runAsUser']);
});

test('v1.25 exempts Windows pods from allowPrivilegeEscalation, capabilities_restricted and seccompProfile_restricted', () => {
  const pod = { spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app' }] } };
  assert.deepEqual(evaluatePodSecurity(pod, 'restricted', 'v1.25'), []);
  assert.deepEqual(evaluatePodSecurity(pod, 'restricted', 'v1.24').map((v) => v.rule), ['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
  const adds = { spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] } };
  assert.deepEqual(evaluatePodSecurity(adds, 'restricted'), [], 'capabilities_baseline is overridden at restricted, as upstream');
  assert.deepEqual(evaluatePodSecurity(adds, 'baseline').map((v) => v.rule), ['capabilities_baseline']);
});

test('seccomp: v1.0-v1.18 judge the alpha annotations, v1.19+ the seccompProfile fields (check_seccompProfile_baseline.go:64,68)', () => {
  const pod = {
    metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/app': 'docker/default' } },
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'app' }] },
  };
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline', 'v1.18').map((v) => [v.rule, v.path]), [['seccompProfile_baseline', '/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod']]);
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline', 'v1.19').map((v) => [v.rule, v.path]), [['seccompProfile_baseline', '/spec/securityContext/seccompProfile/type']]);
});

test('seLinuxOptions type container_engine_t from v1.31 (check_seLinuxOptions.go:70)', () => {
  const pod = { spec: { securityContext: { seLinuxOptions: { type: 'container_engine_t' } }, containers: [{ name: 'app' }] } };
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline', 'v1.31'), []);
  assert.deepEqual(evaluatePodSecurity(pod, 'baseline', 'v1.30').map((v) => [v.rule, v.path]), [['seLinuxOptions', '/spec/securityContext/seLinuxOptions/type']]);
});

test('fixtures differ by version: v1.34 host-probe pods pass at v1.33, the v1.35 user-namespace procMount pod fails at v1.34', { skip: SKIP }, () => {
  const read = (file: string) => parseManifest(readFileSync(path.join(FIXTURES_DIR, file), 'utf8'), file);
  const probeFails = readdirSync(path.join(FIXTURES_DIR, 'baseline/v1.34/fail')).filter((f) => f.startsWith('hostprobesandhostlifecycle'));
  assert.equal(probeFails.length, 5);
  for (const f of probeFails) {
    const pod = read(`baseline/v1.34/fail/${f}`);
    assert.deepEqual(evaluatePodSecurity(pod, 'baseline', 'v1.33'), [], f);
    assert.deepEqual([...new Set(evaluatePodSecurity(pod, 'baseline', 'v1.34').map((v) => v.rule))], ['hostProbesAndHostLifecycle'], f);
  }
  const userns = read('baseline/v1.35/pass/procmount1.yaml');
  assert.deepEqual(evaluatePodSecurity(userns, 'baseline', 'v1.35'), []);
  assert.deepEqual([...new Set(evaluatePodSecurity(userns, 'baseline', 'v1.34').map((v) => v.rule))], ['procMount']);
});

// The check: the namespace's enforce-version label decides the policy version (absent: latest).
const namespace = (labels: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'clearml', labels } }) as unknown as ManifestObject;
const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'clearml' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec } } }) as unknown as ManifestObject;
const probeHost = deployment({ containers: [{ name: 'app', image: 'x', readinessProbe: { httpGet: { port: 80, host: 'example.com' } } }] });

test('pod-security check: enforce-version v1.33 admits a probe host that latest (v1.37) and v1.34 reject', () => {
  assert.deepEqual(checkPodSecurity([namespace({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.33' }), probeHost], null), []);
  for (const version of [undefined, 'latest', 'v1.34']) {
    const labels = { 'pod-security.kubernetes.io/enforce': 'baseline', ...(version ? { 'pod-security.kubernetes.io/enforce-version': version } : {}) };
    const findings = checkPodSecurity([namespace(labels), probeHost], null);
    assert.deepEqual(findings.map((f) => [f.resource, f.path]), [['Deployment/clearml/app', '/spec/template/spec/containers/0/readinessProbe/httpGet/host']], String(version));
    assert.match(findings[0]!.message, version === 'v1.34' ? /^baseline at v1\.34 \(baseline rule hostProbesAndHostLifecycle\)/ : /^baseline at latest \(v1\.37\) \(baseline rule hostProbesAndHostLifecycle\)/);
  }
  // The declared level still raises the namespace's level; the version stays the namespace's.
  assert.deepEqual(checkPodSecurity([namespace({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'v1.33' }), probeHost], 'baseline'), []);
  assert.equal(checkPodSecurity([namespace({ 'pod-security.kubernetes.io/enforce': 'privileged' }), probeHost], 'baseline').length, 1);
});

test('pod-security check: invalid Pod Security labels are findings on the Namespace; pods held to restricted / latest as upstream', () => {
  assert.deepEqual(namespacePolicies([namespace({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/enforce-version': '1.33' })]).get('clearml'), { level: 'restricted', version: 'latest' });
  assert.deepEqual(namespacePolicies([namespace({})]).get('clearml'), { level: undefined, version: 'latest' });
  const findings = checkPodSecurity([namespace({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': '1.33', 'pod-security.kubernetes.io/warn-version': 'v1.035', 'pod-security.kubernetes.io/audit': 'restricted' }), probeHost], null);
  assert.deepEqual(findings.map((f) => [f.resource, f.path]), [
    ['Namespace/clearml', '/metadata/labels/pod-security.kubernetes.io~1enforce-version'],
    ['Namespace/clearml', '/metadata/labels/pod-security.kubernetes.io~1warn-version'],
    ['Deployment/clearml/app', '/spec/template/spec/containers/0/readinessProbe/httpGet/host'],
  ]);
  assert.match(findings[0]!.message, /expected "latest" or "v1.x" \(e.g. "v1.35"\), received "1.33"; Pod Security admission refuses to create a Namespace with an invalid label; pods would be evaluated at latest/);
  assert.match(findings[2]!.message, /^baseline at latest \(v1\.37\)/, 'the invalid version evaluates at latest, so the v1.34 rule applies');
  const badLevel = checkPodSecurity([namespace({ 'pod-security.kubernetes.io/enforce': 'strict' }), deployment({ containers: [{ name: 'app', image: 'x' }] })], null);
  assert.deepEqual(badLevel[0]!.path, '/metadata/labels/pod-security.kubernetes.io~1enforce');
  assert.ok(badLevel.slice(1).length > 0 && badLevel.slice(1).every((f) => f.message.startsWith('restricted at latest')), 'an invalid level enforces restricted');
  assert.deepEqual(checkPodSecurity([namespace({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/warn-version': 'v1.37' }), probeHost], null), []);
});
