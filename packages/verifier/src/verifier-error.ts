/** The one error class of the verifier: usage and environment problems (exit 2), never findings. */
export type VerifierErrorCode =
  | 'KUSTOMIZE_NOT_FOUND'
  | 'OVERLAY_NOT_FOUND'
  | 'MANIFEST_NOT_FOUND'
  | 'MANIFEST_INVALID'
  | 'DIFF_SOURCE_NOT_FOUND'
  | 'GIT_REF_NOT_FOUND'
  | 'GIT_FAILED'
  | 'BUILD_FAILED'
  | 'BUILD_TIMEOUT'
  | 'TIMEOUT_INVALID';

export class VerifierError extends Error {
  constructor(readonly code: VerifierErrorCode, message: string, readonly where: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerifierError';
  }
}
