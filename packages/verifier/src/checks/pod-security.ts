/**
 * Check `pod-security`: every pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob, Pod, and a ConfigMap's `template.yaml` for the k8s glue's task pods, reported under
 * `/data/template.yaml#/spec/...`) meets the Pod Security level it will be admitted under: the `enforce` label of its
 * namespace in the build, raised to the overlay's declared level when that is stricter. A template
 * whose namespace is not in the build and whose overlay declares nothing is held to `baseline`.
 * The rules are those of the namespace's `pod-security.kubernetes.io/enforce-version` label (`v1.N`
 * or `latest`; absent: `latest`, i.e. v1.37).
 *
 * Label values upstream cannot parse are treated as upstream does (kubernetes/pod-security-admission@v0.37.0-alpha.2:
 * api/helpers.go:99-137, PolicyToEvaluate :181): an invalid level enforces `restricted`, an invalid
 * version `latest`; and since admission refuses to create a Namespace with an invalid Pod Security
 * label (admission/admission.go:249-252), each such label (enforce, audit or warn, level or version)
 * is itself a finding.
 * @see ../pod-security.ts for the rules (kubernetes/pod-security-admission, v1.0 to v1.37).
 */
import { objectId, pointerFromTokens, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { evaluatePodSecurity, LATEST_POD_SECURITY_VERSION, parsePodSecurityVersion, POD_SECURITY_LEVELS, type PodSecurityLevel, type PodSecurityVersion } from '../pod-security.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { ENFORCE_LABEL } from './profile.ts';

/** The namespace label that sets the policy version the enforce level is evaluated at. */
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

/** Level used when neither the namespace nor the overlay declares one. */
export const DEFAULT_POD_SECURITY_LEVEL: PodSecurityLevel = 'baseline';

/** The six Pod Security namespace labels, by mode, and whether each holds a level or a version. */
const POD_SECURITY_LABELS = ['enforce', 'audit', 'warn'].flatMap((mode) => [
  { key: `pod-security.kubernetes.io/${mode}`, kind: 'level' as const },
  { key: `pod-security.kubernetes.io/${mode}-version`, kind: 'version' as const },
]);

function stricter(a: PodSecurityLevel, b: PodSecurityLevel): PodSecurityLevel {
  return POD_SECURITY_LEVELS.indexOf(a) >= POD_SECURITY_LEVELS.indexOf(b) ? a : b;
}

/** What one namespace of the build enforces. */
export interface NamespacePolicy {
  /** From the enforce label; `restricted` when the label is invalid (as upstream); undefined without the label. */
  level: PodSecurityLevel | undefined;
  /** From the enforce-version label; `latest` when absent or invalid (as upstream). */
  version: PodSecurityVersion;
}

/** The enforce policy of each namespace of the build (from its labels). */
export function namespacePolicies(objects: readonly ManifestObject[]): Map<string, NamespacePolicy> {
  const policies = new Map<string, NamespacePolicy>();
  for (const ns of objects) {
    if (ns.kind !== 'Namespace') continue;
    const labels = ns.metadata.labels ?? {};
    const levelLabel = labels[ENFORCE_LABEL];
    const level = levelLabel === undefined ? undefined : POD_SECURITY_LEVELS.includes(levelLabel as PodSecurityLevel) ? (levelLabel as PodSecurityLevel) : 'restricted';
    policies.set(ns.metadata.name, { level, version: parsePodSecurityVersion(labels[ENFORCE_VERSION_LABEL] ?? 'latest').version });
  }
  return policies;
}

/** The level each namespace of the build enforces (from its label; an invalid value enforces `restricted`). */
export function namespaceLevels(objects: readonly ManifestObject[]): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const [name, policy] of namespacePolicies(objects)) if (policy.level) levels.set(name, policy.level);
  return levels;
}

const describeVersion = (version: PodSecurityVersion): string => (version === 'latest' ? `latest (${LATEST_POD_SECURITY_VERSION})` : version);

/** One finding per Pod Security label of a Namespace whose value upstream cannot parse. */
function invalidLabelFindings(objects: readonly ManifestObject[]): CheckFinding<'pod-security'>[] {
  const findings: CheckFinding<'pod-security'>[] = [];
  for (const ns of objects) {
    if (ns.kind !== 'Namespace') continue;
    const labels = ns.metadata.labels ?? {};
    for (const { key, kind } of POD_SECURITY_LABELS) {
      if (!Object.hasOwn(labels, key)) continue;
      const value = labels[key];
      const valid = kind === 'level' ? POD_SECURITY_LEVELS.includes(value as PodSecurityLevel) : !parsePodSecurityVersion(value).error;
      if (valid) continue;
      const expected = kind === 'level' ? `one of ${POD_SECURITY_LEVELS.join(', ')}` : '"latest" or "v1.x" (e.g. "v1.35")';
      const fallback = key === ENFORCE_LABEL ? '; pods would be held to restricted' : key === ENFORCE_VERSION_LABEL ? '; pods would be evaluated at latest' : '';
      findings.push({
        check: 'pod-security',
        resource: objectId(ns),
        path: pointerFromTokens(['metadata', 'labels', key]),
        message: `label ${key}: expected ${expected}, received ${JSON.stringify(value)}; Pod Security admission refuses to create a Namespace with an invalid label${fallback}`,
        hint: kind === 'level' ? `set ${key} to privileged, baseline or restricted` : `set ${key} to latest or v1.<minor>, e.g. ${LATEST_POD_SECURITY_VERSION}, or remove it (latest)`,
      });
    }
  }
  return findings;
}

/**
 * @param declared the overlay's declared level, or null.
 * @returns one finding per invalid Pod Security label of a Namespace, then one per violated rule and field.
 */
export function checkPodSecurity(objects: readonly ManifestObject[], declared: PodSecurityLevel | null): CheckFinding<'pod-security'>[] {
  const policies = namespacePolicies(objects);
  const findings = invalidLabelFindings(objects);
  for (const t of podTemplates(objects)) {
    const policy = policies.get(t.owner.metadata.namespace ?? '');
    const fromNamespace = policy?.level;
    const level = fromNamespace && declared ? stricter(fromNamespace, declared) : fromNamespace ?? declared ?? DEFAULT_POD_SECURITY_LEVEL;
    const version = policy?.version ?? 'latest';
    for (const v of evaluatePodSecurity(t.template, level, version)) {
      findings.push({
        check: 'pod-security',
        resource: objectId(t.owner),
        path: `${t.path}${v.path}`,
        message: `${level} at ${describeVersion(version)} (${v.level} rule ${v.rule}): ${v.message}`,
        hint: v.hint,
      });
    }
  }
  return findings;
}
export const podSecurityCheck = defineCheck({
  id: 'pod-security',
  severity: 'error',
  title: "every pod template meets the Pod Security level of its namespace (or the overlay's declared level)",
  description: "every pod template meets the Pod Security level it is admitted under (below), including the task pod template of a ConfigMap's `template.yaml`",
  needs: 'build',
  run: (context) => checkPodSecurity(context.objects, context.expectation.podSecurity),
});
