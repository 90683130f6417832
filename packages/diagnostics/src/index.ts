/**
 * The one shape of everything clearml-k8s reports, an error that stops a command as much as a
 * finding of `verify`, and the base class of every error the packages throw. This package depends on
 * nothing; every other package depends on it.
 *
 * An error line printed by the CLI is `clearml-k8s <command>: <code>: <message>`, where `message` is
 * in the house order `where: expected …, received …; fix`.
 */

/** How bad a diagnostic is: an `error` fails the command (exit 1 or 2); a `warning` is reported and exits 0 (`verify --strict` fails on it too). */
export type Severity = 'error' | 'warning';

/** Every severity, most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning'];

/**
 * Where a diagnostic points:
 * - a file (repository-relative where it is inside the repository; `-` for standard input), with the
 *   1-based line and column when known and the JSON pointer of the field inside it when known;
 * - a Kubernetes object (`Kind/namespace/name`, `Kind/name` when cluster-scoped) and the JSON pointer
 *   (RFC 6901) of the field (`''` for the whole object); a finding about a kustomization names its
 *   file as `resource`;
 * - a command-line argument, flag or environment setting (`--timeout`, `$KUSTOMIZE`, `site add NAME`).
 */
export type DiagnosticLocation = { file: string; line?: number; column?: number; pointer?: string } | { resource: string; pointer: string } | { argument: string };

/**
 * What went wrong, where, and how to fix it.
 * @typeParam Code the stable codes of the reporter: an error class's code union, or the check ids of `verify`.
 */
export interface Diagnostic<Code extends string = string> {
  /** Stable, upper-case for errors (`PATH_SYMLINK`), the check id for findings (`node-ports`). */
  code: Code;
  severity: Severity;
  /** The whole sentence as printed (for errors: `where: expected …, received …; fix`). */
  message: string;
  location: DiagnosticLocation;
  /** What the input should be, as a phrase, when the reporter knows it. */
  expected?: string;
  /** What was found, as a phrase (never a file's contents), when the reporter knows it. */
  received?: string;
  /** How to fix it, in the imperative. */
  hint: string;
}

/** A table of the codes one error class can throw: code → one line saying what it means (the README's error table is printed from these). */
export type ErrorCodeTable = Readonly<Record<string, string>>;

/** What a `ClearmlK8sError` is built from: a diagnostic whose severity defaults to `error`. */
export type DiagnosticInit<Code extends string> = Omit<Diagnostic<Code>, 'severity'> & { severity?: Severity };

/**
 * The base class of every error clearml-k8s throws on purpose (bad input, a missing engine, a lock
 * held by another run …). The CLI prints `code` and `message` and exits 2; anything that is not a
 * `ClearmlK8sError` is a system error or a bug.
 */
export class ClearmlK8sError<Code extends string = string> extends Error {
  /** The stable code (same as `diagnostic.code`). */
  readonly code: Code;
  /** The error as a diagnostic (its `message` is this error's message). */
  readonly diagnostic: Diagnostic<Code>;

  constructor(diagnostic: DiagnosticInit<Code>, options?: { cause?: unknown }) {
    super(diagnostic.message, options);
    this.name = 'ClearmlK8sError';
    this.code = diagnostic.code;
    this.diagnostic = { ...diagnostic, severity: diagnostic.severity ?? 'error' };
  }
}

/** True for errors of clearml-k8s's own packages (by class, not by the shape of a `code` field). */
export function isClearmlK8sError(error: unknown): error is ClearmlK8sError {
  return error instanceof ClearmlK8sError;
}

/** Positions of the `; ` separators of `text` outside parentheses, brackets and double quotes. */
function topLevelSeparators(text: string): number[] {
  const at: number[] = [];
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ';' && text[i + 1] === ' ' && depth === 0) at.push(i);
  }
  return at;
}

/**
 * The parts of a message written in the house order, for error classes that are given a finished
 * sentence rather than its parts: `hint` is what follows the last `; ` outside parentheses and quotes
 * (the whole message when there is none), `expected` and `received` come from the first
 * `expected …, received …` before it (`expected` alone when there is no `, received`).
 * @example messageParts('x: expected a file, received a directory; move it') → {expected: 'a file', received: 'a directory', hint: 'move it'}
 */
export function messageParts(message: string): Pick<Diagnostic, 'expected' | 'received' | 'hint'> {
  const separators = topLevelSeparators(message);
  const last = separators[separators.length - 1];
  if (last === undefined) return { hint: message };
  const hint = message.slice(last + 2);
  const body = message.slice(0, last);
  const pair = body.match(/\bexpected (.+?), received (.+)$/s);
  if (pair) {
    // `received` ends at the next top-level separator of the body (the rest is part of the hint's lead-in).
    const start = pair.index! + pair[0].length - pair[2]!.length;
    const end = separators.find((s) => s >= start && s < last) ?? last;
    return { expected: pair[1]!, received: message.slice(start, end), hint };
  }
  const alone = body.match(/\bexpected ([^;]+)/);
  return alone ? { expected: alone[1]!.trim(), hint } : { hint };
}
