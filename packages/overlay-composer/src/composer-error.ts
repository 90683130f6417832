/** The one error class of the overlay composer. */
import { ClearmlK8sError, messageParts } from '@clearml-k8s/diagnostics';

/** The stable codes of `ComposerError`, each with what it means. */
export const COMPOSER_ERROR_CODES = {
  COMPOSE_OBJECT_REMOVED: 'A profile removes an object of its parent (JSON 6902 patches cannot delete objects).',
  COMPOSE_NOT_EQUIVALENT: "The composed kustomization does not reproduce the profile's objects (a composer bug).",
  PROFILE_UNKNOWN: 'A profile name that is not one of the stock profiles.',
} as const;

/** A stable error code (key of `COMPOSER_ERROR_CODES`). */
export type ComposerErrorCode = keyof typeof COMPOSER_ERROR_CODES;

/**
 * Thrown by the composer. `message` says what failed, what was expected, what was received and
 * how to fix it; `where` names the overlay or object (the profile name for `PROFILE_UNKNOWN`). The
 * diagnostic's expected, received and hint are read from the message (`messageParts`).
 */
export class ComposerError extends ClearmlK8sError<ComposerErrorCode> {
  constructor(code: ComposerErrorCode, message: string, readonly where: string, options?: { cause?: unknown }) {
    super({ code, message, location: code === 'PROFILE_UNKNOWN' ? { argument: where } : { file: where }, ...messageParts(message) }, options);
    this.name = 'ComposerError';
  }
}
