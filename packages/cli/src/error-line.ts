/**
 * How a failure is printed: one line, `clearml-k8s <command>: CODE: message`. Errors of the
 * project's packages carry a string `code` and a message in the house order (where: expected …,
 * received …; fix). A bare system error (a Node `Error` with an errno code) is worded once, not as
 * Node prints it (`EISDIR: EISDIR: illegal operation …`). Anything else is a bug: a short line, and
 * the stack only with `CLEARML_K8S_DEBUG=1`.
 */
import { describeSystemError, errnoCode, systemErrorHint } from '@clearml-k8s/repository-io';

/** The line to print for `error` (no trailing newline). */
export function errorLine(command: string | undefined, error: unknown, env: NodeJS.ProcessEnv): string {
  const prefix = `clearml-k8s${command ? ` ${command}` : ''}`;
  const errno = errnoCode(error);
  if (errno) {
    const e = error as NodeJS.ErrnoException;
    const where = e.path ?? e.syscall ?? 'a file';
    return `${prefix}: SYSTEM_ERROR: ${where}: expected ${e.syscall ? `${e.syscall} to succeed` : 'the operation to succeed'}, received ${describeSystemError(error)}; ${systemErrorHint(error, 'check the path and its permissions, then run the command again')}`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return `${prefix}: ${code}: ${error.message}`;
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const stack = env.CLEARML_K8S_DEBUG === '1' && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `${prefix}: INTERNAL_ERROR: ${message.slice(0, 300)}; this is a bug in clearml-k8s: please report it with the command you ran (CLEARML_K8S_DEBUG=1 prints the stack trace)${stack}`;
}
