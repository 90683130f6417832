/** The one error class of the command line: usage mistakes, a `--root` that is not a repository, README regions compose cannot regenerate. */
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';

/** The stable codes of `CliError`, each with what it means. */
export const CLI_ERROR_CODES = {
  USAGE: 'A command line clearml-k8s does not take: an unknown command or flag, a flag of another command, a missing or repeated value.',
  ROOT_INVALID: '`--root` (or the working directory and its ancestors) is not a clearml-k8s clone.',
  README_REGION_INVALID: "README.md's generated regions (`<!-- BEGIN GENERATED … -->` … `<!-- END GENERATED … -->`) are missing, repeated or unclosed.",
} as const;

/** The stable codes of `CliError`. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

/** What a `CliError` carries besides its code. */
export interface CliErrorFields {
  code: CliErrorCode;
  /** The flag, argument or path concerned (`--domain`, `site add NAME`, `/tmp/x`). */
  where: string;
  /** 1-based line in `where` when it is a file. */
  line?: number;
  expected: string;
  received: string;
  hint: string;
}

/** Thrown for bad command lines; `message` is `where: expected …, received …; hint`. The CLI exits 2. */
export class CliError extends ClearmlK8sError<CliErrorCode> {
  readonly where: string;
  constructor(fields: CliErrorFields) {
    const where = fields.line ? `${fields.where}:${fields.line}` : fields.where;
    super({
      code: fields.code,
      message: `${where}: expected ${fields.expected}, received ${fields.received}; ${fields.hint}`,
      location: fields.code === 'USAGE' || fields.where.startsWith('--') ? { argument: fields.where } : { file: fields.where, ...(fields.line ? { line: fields.line } : {}) },
      expected: fields.expected,
      received: fields.received,
      hint: fields.hint,
    });
    this.name = 'CliError';
    this.where = fields.where;
  }
}

/** A `USAGE` error (the hint should say what to type). */
export function usageError(where: string, expected: string, received: string, hint: string): CliError {
  return new CliError({ code: 'USAGE', where, expected, received, hint });
}
