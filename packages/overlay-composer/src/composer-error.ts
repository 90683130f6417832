/** The one error class of the overlay composer. */
export type ComposerErrorCode = 'COMPOSE_OBJECT_REMOVED' | 'COMPOSE_NOT_EQUIVALENT' | 'PROFILE_UNKNOWN';

/**
 * Thrown by the composer. `message` says what failed, what was expected, what was received and
 * how to fix it; `where` names the overlay or object.
 */
export class ComposerError extends Error {
  constructor(readonly code: ComposerErrorCode, message: string, readonly where: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ComposerError';
  }
}
