/**
 * Check `pod-security`: every pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob, Pod, and a ConfigMap's `template.yaml` for the k8s glue's task pods, reported under
 * `/data/template.yaml#/spec/...`) meets the Pod Security level it will be admitted under: the `enforce` label of its
 * namespace in the build, raised to the overlay's declared level when that is stricter. A template
 * whose namespace is not in the build and whose overlay declares nothing is held to `baseline`.
 * @see ../pod-security.ts for the rules (kubernetes/pod-security-admission, v1.33).
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { evaluatePodSecurity, POD_SECURITY_LEVELS, type PodSecurityLevel } from '../pod-security.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { ENFORCE_LABEL } from './profile.ts';

/** Level used when neither the namespace nor the overlay declares one. */
export const DEFAULT_POD_SECURITY_LEVEL: PodSecurityLevel = 'baseline';

function stricter(a: PodSecurityLevel, b: PodSecurityLevel): PodSecurityLevel {
  return POD_SECURITY_LEVELS.indexOf(a) >= POD_SECURITY_LEVELS.indexOf(b) ? a : b;
}

/** The level each namespace of the build enforces (from its label). */
export function namespaceLevels(objects: readonly ManifestObject[]): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const level = ns.metadata.labels?.[ENFORCE_LABEL] as PodSecurityLevel | undefined;
    if (level && POD_SECURITY_LEVELS.includes(level)) levels.set(ns.metadata.name, level);
  }
  return levels;
}

/**
 * @param declared the overlay's declared level, or null.
 * @returns one finding per violated rule and field.
 */
export function checkPodSecurity(objects: readonly ManifestObject[], declared: PodSecurityLevel | null): CheckFinding<'pod-security'>[] {
  const levels = namespaceLevels(objects);
  const findings: CheckFinding<'pod-security'>[] = [];
  for (const t of podTemplates(objects)) {
    const fromNamespace = levels.get(t.owner.metadata.namespace ?? '');
    const level = fromNamespace && declared ? stricter(fromNamespace, declared) : fromNamespace ?? declared ?? DEFAULT_POD_SECURITY_LEVEL;
    for (const v of evaluatePodSecurity(t.template, level)) {
      findings.push({
        check: 'pod-security',
        resource: objectId(t.owner),
        path: `${t.path}${v.path}`,
        message: `${level} (${v.level} rule ${v.rule}): ${v.message}`,
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
