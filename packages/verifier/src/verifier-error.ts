/** The one error class of the verifier: usage and environment problems (exit 2), never findings. */
import { ClearmlK8sError, messageParts } from '@clearml-k8s/diagnostics';

/** The stable codes of `VerifierError`, each with what it means. */
export const VERIFIER_ERROR_CODES = {
  KUSTOMIZE_NOT_FOUND: 'No kustomize engine: `--engine`, `$KUSTOMIZE`, `kustomize` or `kubectl` is not an executable on PATH.',
  OVERLAY_NOT_FOUND: 'A directory given to `verify` has no kustomization file.',
  MANIFEST_NOT_FOUND: 'A path given to `check` does not exist.',
  MANIFEST_INVALID: '`check` cannot judge a manifest: a malformed pod template, a `template.yaml` that is not YAML, a kustomization that does not build.',
  DIFF_SOURCE_NOT_FOUND: 'A source of `diff` is not an overlay directory (or REF:DIR names none at that commit).',
  GIT_REF_NOT_FOUND: 'REF:DIR of `diff` names a ref that is not a commit, or there is no git repository.',
  GIT_FAILED: 'git could not write the tree of a ref for `diff`.',
  BUILD_FAILED: 'An overlay that `diff` or `bump` must render does not build.',
  BUILD_TIMEOUT: 'A `kustomize build` ran longer than `--timeout` (it was killed with every process it started).',
  TIMEOUT_INVALID: '`--timeout` or `$CLEARML_K8S_BUILD_TIMEOUT` is not a number of seconds from 1 to 86400.',
  KUBECTL_FAILED: '`preflight` could not run a `kubectl` read, or kubectl exited non-zero (no cluster in the current context, forbidden, not installed).',
  KUBECTL_OUTPUT_INVALID: '`preflight` got output from `kubectl` that is not the JSON it asked for.',
} as const;

/** A stable error code (key of `VERIFIER_ERROR_CODES`). */
export type VerifierErrorCode = keyof typeof VERIFIER_ERROR_CODES;

/** Codes whose `where` is a flag or an environment setting rather than a path. */
const ARGUMENT_CODES: ReadonlySet<VerifierErrorCode> = new Set(['KUSTOMIZE_NOT_FOUND', 'TIMEOUT_INVALID']);

/**
 * `message` is in the house order (`where: expected …, received …; fix`); `where` names the overlay,
 * file or source (or the flag or setting: `--engine`, `$KUSTOMIZE`, `--timeout`). The diagnostic's
 * expected, received and hint are read from the message (`messageParts`).
 */
export class VerifierError extends ClearmlK8sError<VerifierErrorCode> {
  constructor(code: VerifierErrorCode, message: string, readonly where: string, options?: { cause?: unknown }) {
    super({ code, message, location: ARGUMENT_CODES.has(code) ? { argument: where } : { file: where }, ...messageParts(message) }, options);
    this.name = 'VerifierError';
  }
}
