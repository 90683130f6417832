/** The one error class of the command line: usage mistakes and a `--root` that is not a repository. */

/** The stable codes of `CliError`. */
export type CliErrorCode = 'USAGE' | 'ROOT_INVALID';

/** What a `CliError` carries besides its code. */
export interface CliErrorFields {
  code: CliErrorCode;
  /** The flag, argument or path concerned (`--domain`, `site add NAME`, `/tmp/x`). */
  where: string;
  expected: string;
  received: string;
  hint: string;
}

/** Thrown for bad command lines; `message` is `where: expected …, received …; hint`. The CLI exits 2. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly where: string;
  constructor(fields: CliErrorFields) {
    super(`${fields.where}: expected ${fields.expected}, received ${fields.received}; ${fields.hint}`);
    this.name = 'CliError';
    this.code = fields.code;
    this.where = fields.where;
  }
}

/** A `USAGE` error (the hint should say what to type). */
export function usageError(where: string, expected: string, received: string, hint: string): CliError {
  return new CliError({ code: 'USAGE', where, expected, received, hint });
}
