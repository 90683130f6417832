/**
 * Check `policy-selectors`: every PodDisruptionBudget and NetworkPolicy of a build selects at least
 * one pod template of the build in its namespace.
 * - A NetworkPolicy applies only to the pods its `spec.podSelector` selects in its own namespace; one
 *   that selects none isolates nothing, so the pods it was written for stay open to every pod of the
 *   cluster (or, for egress, may reach anything). An empty `podSelector` (`{}`, or none) selects every
 *   pod of the namespace: valid.
 * - A PodDisruptionBudget protects only the pods its `spec.selector` selects; one that selects none
 *   lets a node drain evict every replica at once. In `policy/v1` an empty selector (`{}`) selects
 *   every pod of the namespace and a missing one selects none.
 * Severity `error`: one check, and its worse half leaves pods exposed (a NetworkPolicy that protects
 * nothing), which is an error by the verifier's rule; a PDB that selects nothing is never intended
 * either. Pod templates a ConfigMap holds for the k8s glue count (their pods run once the glue creates them).
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { labelSelectorMatches } from '../label-selectors.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';

/** What each kind selects pods with, and how a missing selector reads. */
const SELECTORS: Record<string, { field: string; missing: 'all' | 'none' }> = {
  NetworkPolicy: { field: 'podSelector', missing: 'all' },
  PodDisruptionBudget: { field: 'selector', missing: 'none' },
};

/**
 * One finding per NetworkPolicy or PodDisruptionBudget whose selector selects no pod template of
 * its namespace, on `/spec/podSelector` or `/spec/selector`. Never throws.
 */
export function checkPolicySelectors(objects: readonly ManifestObject[]): CheckFinding<'policy-selectors'>[] {
  const byNamespace = new Map<string, Record<string, string>[]>();
  for (const t of podTemplates(objects)) {
    const ns = t.owner.metadata.namespace ?? '';
    if (!byNamespace.has(ns)) byNamespace.set(ns, []);
    byNamespace.get(ns)!.push(t.labels);
  }
  const findings: CheckFinding<'policy-selectors'>[] = [];
  for (const object of objects) {
    const how = SELECTORS[object.kind];
    if (!how) continue;
    const ns = object.metadata.namespace ?? '';
    const selector = (object as any).spec?.[how.field];
    if (selector === undefined || selector === null) {
      if (how.missing === 'all') continue;
    } else if ((byNamespace.get(ns) ?? []).some((labels) => labelSelectorMatches(selector, labels))) continue;
    const effect = object.kind === 'NetworkPolicy' ? 'it isolates nothing: the pods it was written for accept and send traffic unrestricted' : 'it protects nothing: a node drain may evict every replica at once';
    findings.push({
      check: 'policy-selectors',
      resource: objectId(object),
      path: `/spec/${how.field}`,
      message: `${how.field} ${selector === undefined || selector === null ? '(none; selects no pod in policy/v1)' : JSON.stringify(selector)} selects no pod template of the build in namespace ${ns || '(none)'}; ${effect}`,
      hint: `set ${how.field} to the pod labels of the workload it is for (its spec.template.metadata.labels)`,
    });
  }
  return findings;
}

export const policySelectorsCheck = defineCheck({
  id: 'policy-selectors',
  severity: 'error',
  title: 'every NetworkPolicy and PodDisruptionBudget selects at least one pod template of its namespace',
  description: 'every NetworkPolicy `podSelector` and PodDisruptionBudget `selector` selects at least one pod template of the build in its namespace (`{}` selects all; a PDB without a selector selects none): one that selects nothing isolates or protects nothing',
  needs: 'build',
  run: ({ objects }) => checkPolicySelectors(objects),
});
