/**
 * Check `accepted-risks` (an error): what an overlay accepts is well formed and still true. An
 * overlay's own top kustomization may accept a WARNING check by id, with a reason, in its
 * Kustomization `metadata.annotations` as `verify.clearml-k8s.io/accept-<check id>: <reason>`
 * (`ACCEPT_ANNOTATION_PREFIX`; kube-linter's `ignore-check.kube-linter.io/<check>` annotations and
 * Polaris's exemptions work the same way). The warnings of that check on that overlay are then
 * reported as accepted, with the reason, and do not count (not even with `--strict`). Not inherited:
 * an overlay built on it has its own kustomization file.
 *
 * It reports an acceptance that names no check of the run, names an error check (errors break or
 * expose a deployment and cannot be accepted), has an empty reason, or matched no finding (stale:
 * the risk is gone, so the annotation must go too). The last needs every other check's findings,
 * so this check runs `after` them (`CheckDefinition.after`).
 */
import { ACCEPT_ANNOTATION_PREFIX } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck, type CheckContext, type CheckDefinition } from './definition.ts';

/** One acceptance of the overlay's top kustomization. */
export interface Acceptance {
  check: string;
  reason: string;
  /** Repository-relative kustomization file. */
  file: string;
  /** JSON pointer of the annotation in it. */
  path: string;
}

/** The acceptances of `context`'s top kustomization, in file order. */
export function acceptancesOf(context: Pick<CheckContext, 'kustomizations'>): Acceptance[] {
  const top = context.kustomizations[0];
  const annotations = top?.content?.metadata?.annotations;
  if (!top || !annotations || typeof annotations !== 'object' || Array.isArray(annotations)) return [];
  return Object.entries(annotations as Record<string, unknown>)
    .filter(([key]) => key.startsWith(ACCEPT_ANNOTATION_PREFIX))
    .map(([key, value]) => ({ check: key.slice(ACCEPT_ANNOTATION_PREFIX.length), reason: typeof value === 'string' ? value.trim() : '', file: top.file, path: `/metadata/annotations/${key.replaceAll('~', '~0').replaceAll('/', '~1')}` }));
}

/** Whether `acceptance` may move findings to `accepted`: a warning check of `checks` and a reason. */
export function acceptanceIsValid(acceptance: Acceptance, checks: readonly CheckDefinition[]): boolean {
  return acceptance.reason !== '' && checks.some((c) => c.id === acceptance.check && c.severity === 'warning');
}

/**
 * The findings of `accepted-risks`.
 * @param earlier every other check's findings on the overlay (with their severity).
 * @param checks the checks of the run.
 */
export function checkAcceptedRisks(context: Pick<CheckContext, 'kustomizations'>, earlier: readonly CheckFinding[], checks: readonly CheckDefinition[]): CheckFinding<'accepted-risks'>[] {
  const findings: CheckFinding<'accepted-risks'>[] = [];
  for (const a of acceptancesOf(context)) {
    const check = checks.find((c) => c.id === a.check);
    const finding = (message: string, hint: string) => findings.push({ check: 'accepted-risks', resource: a.file, path: a.path, message, hint });
    if (!check) finding(`accepts "${a.check}", which is not a check of this run; expected the id of a warning check`, 'fix the id (clearml-k8s checks lists them) or remove the annotation');
    else if (check.severity !== 'warning') finding(`accepts "${a.check}", an error check; expected a warning check (an error breaks or exposes the deployment and cannot be accepted)`, 'fix what the check reports instead, and remove the annotation');
    else if (!a.reason) finding(`accepts "${a.check}" without a reason; expected why the risk is accepted and how to close it`, `write the reason as the annotation's value: ${ACCEPT_ANNOTATION_PREFIX}${a.check}: "…"`);
    else if (!earlier.some((f) => f.check === a.check && (f.severity ?? check.severity) === 'warning')) finding(`accepts "${a.check}", but the check reports nothing here: the acceptance is stale`, 'remove the annotation (the risk it accepted is gone)');
  }
  return findings;
}

export const acceptedRisksCheck = defineCheck({
  id: 'accepted-risks',
  severity: 'error',
  title: "an overlay's accepted warnings name warning checks, give a reason, and still apply",
  description: "`verify.clearml-k8s.io/accept-<check>: <reason>` annotations of the overlay's own Kustomization: a known warning check, a reason, and at least one warning they accept (not stale)",
  // Only on a build that succeeded: otherwise the other checks did not run and every acceptance would look stale.
  needs: 'build',
  run: () => [],
  after: checkAcceptedRisks,
});
