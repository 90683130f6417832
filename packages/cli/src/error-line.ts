/**
 * How a failure is printed: one line, `clearml-k8s <command>: CODE: message`. Errors of the
 * project's packages are `ClearmlK8sError`s (recognised by class, not by a `code` field) and carry a
 * message in the house order (where: expected …, received …; fix). A bare system error (a Node
 * `Error` with an errno code) is worded once, not as Node prints it (`EISDIR: EISDIR: illegal
 * operation …`). Anything else is a bug: a short line, and the stack only with `CLEARML_K8S_DEBUG=1`.
 */
import { isClearmlK8sError } from '@clearml-k8s/diagnostics';
import { describeSystemError, errnoCode, systemErrorHint } from '@clearml-k8s/repository-io';

/** The codes of the lines printed for errors that are not clearml-k8s's own, each with what it means. */
export const FALLBACK_ERROR_CODES = {
  SYSTEM_ERROR: 'The operating system refused an operation clearml-k8s did not expect to fail (the errno is named, e.g. EACCES).',
  INTERNAL_ERROR: 'A bug in clearml-k8s: please report it with the command you ran (`CLEARML_K8S_DEBUG=1` prints the stack trace).',
} as const;

/** The line to print for `error` (no trailing newline). */
export function errorLine(command: string | undefined, error: unknown, env: NodeJS.ProcessEnv): string {
  const prefix = `clearml-k8s${command ? ` ${command}` : ''}`;
  if (isClearmlK8sError(error)) return `${prefix}: ${error.code}: ${error.message}`;
  if (errnoCode(error)) {
    const e = error as NodeJS.ErrnoException;
    const where = e.path ?? e.syscall ?? 'a file';
    return `${prefix}: SYSTEM_ERROR: ${where}: expected ${e.syscall ? `${e.syscall} to succeed` : 'the operation to succeed'}, received ${describeSystemError(error)}; ${systemErrorHint(error, 'check the path and its permissions, then run the command again')}`;
  }
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const stack = env.CLEARML_K8S_DEBUG === '1' && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `${prefix}: INTERNAL_ERROR: ${message.slice(0, 300)}; this is a bug in clearml-k8s: please report it with the command you ran (CLEARML_K8S_DEBUG=1 prints the stack trace)${stack}`;
}
