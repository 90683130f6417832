/**
 * Findings: what a check reports. Checks return them as data; only the CLI decides the exit code.
 * Every check has a stable id; the checks, their severities and descriptions are the registry
 * (`CHECK_REGISTRY` in `./checks/index.ts`), from which the README's check table is generated.
 */
import type { Diagnostic, Severity } from '@clearml-k8s/diagnostics';

/** Where in the overlay's own kustomization a field was set. */
export interface FindingSource {
  /** Repository-relative kustomization file, e.g. `overlays/non-root/kustomization.yaml`. */
  file: string;
  /** Which list of the kustomization: `patches` or `images`. */
  field: 'patches' | 'images';
  /** Index in that list (0-based). */
  index: number;
  /** Index of the JSON 6902 operation inside the patch (0-based), when it is one. */
  operation?: number;
  /** 1-based line of the list entry in `file`, when known. */
  line?: number;
}

/**
 * What a check returns: a finding before it is tied to an overlay.
 * @typeParam Id the id of the check that reports it.
 */
export interface CheckFinding<Id extends string = string> {
  check: Id;
  /** `Kind/namespace/name` (`Kind/name` for cluster-scoped), or a file for findings about a kustomization. */
  resource: string;
  /** JSON pointer (RFC 6901) of the field, `''` for the whole resource. */
  path: string;
  /** What failed, expected vs received. */
  message: string;
  /** How to fix it, one sentence. */
  hint: string;
  /** Set by the check when it already knows the kustomization entry (patch hygiene, images). */
  source?: FindingSource;
  /**
   * `warning` for a finding of an `error` check that only degrades the deployment (a memory limit
   * far below the component's need, a short rollout deadline, a component without probes); unset: the check's severity. A
   * check's description says which of its findings are warnings. Never raises a warning check's
   * finding to an error.
   */
  severity?: Severity;
}

/** A finding of one overlay, as reported (`verify --json` prints these); `check` is a `CheckId` unless checks were injected (`verifyOverlays({checks})`). */
export interface Finding<Id extends string = string> extends Omit<CheckFinding<Id>, 'severity'> {
  /** The overlay directory as named in the report. */
  overlay: string;
  /** The check's severity (from the registry): `error` fails verify, `warning` only with `--strict`. */
  severity: Severity;
}

/**
 * A finding in the one diagnostic shape of clearml-k8s: `code` is the check id, the location the
 * resource (`Kind/namespace/name`, or the kustomization file) and the JSON pointer of the field.
 */
export function findingDiagnostic<Id extends string>(finding: Finding<Id>): Diagnostic<Id> {
  return { code: finding.check, severity: finding.severity, message: finding.message, location: { resource: finding.resource, pointer: finding.path }, hint: finding.hint };
}
