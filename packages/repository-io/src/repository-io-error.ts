/** The one error class of the repository's file-system shell, and plain words for system errors. */
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';

/** The stable codes of `RepositoryIoError`, each with what it means. */
export const REPOSITORY_IO_ERROR_CODES = {
  PATH_SYMLINK: 'A path the tool reads or writes is (or passes through) a symbolic link; links are never followed.',
  PATH_NOT_REGULAR: 'A path that must be a regular file (or directory) is something else: a directory, FIFO, device or socket.',
  FILE_TOO_LARGE: 'A user-written file is larger than the tool reads.',
  FILE_NOT_TEXT: 'A user-written file holds binary data (a NUL byte) or is not UTF-8.',
  FILE_NOT_GENERATED: 'A file stands where clearml-k8s would write, and clearml-k8s did not generate it.',
  READ_FAILED: 'A file could not be read (permissions, I/O error).',
  WRITE_FAILED: 'Files could not be written (no space, read-only file system, permissions); nothing was changed.',
  LOCKED: 'Another clearml-k8s run holds the repository lock.',
  WRITE_INTERRUPTED: 'An earlier write was interrupted and is not finished yet (`compose` finishes it).',
  JOURNAL_INVALID: 'The journal of an interrupted write cannot be read.',
  SETTING_INVALID: 'An environment setting of clearml-k8s (`$CLEARML_K8S_…`) has a value it cannot use.',
} as const;

/** A stable error code (key of `REPOSITORY_IO_ERROR_CODES`). */
export type RepositoryIoErrorCode = keyof typeof REPOSITORY_IO_ERROR_CODES;

/** What a `RepositoryIoError` carries besides its code. */
export interface RepositoryIoErrorFields {
  code: RepositoryIoErrorCode;
  /** The path concerned, repository-relative where it is inside the repository. */
  path: string;
  /** What the path should be, as a phrase. */
  expected: string;
  /** What was found, as a phrase (never the file's contents, never a link's target). */
  received: string;
  /** How to fix it, in the imperative. */
  hint: string;
}

/** At most this many characters of `received` are shown (the rest is cut with `…`). */
export const RECEIVED_MAX_CHARS = 160;

/** `text` on one line, at most `max` characters. */
export function truncate(text: string, max = RECEIVED_MAX_CHARS): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Thrown by the file-system shell. `message` is `path: expected …, received …; hint`; its diagnostic
 * points at the file (at the setting for `SETTING_INVALID`).
 */
export class RepositoryIoError extends ClearmlK8sError<RepositoryIoErrorCode> {
  readonly path: string;
  readonly expected: string;
  readonly received: string;
  readonly hint: string;

  constructor(fields: RepositoryIoErrorFields, options?: { cause?: unknown }) {
    const received = truncate(fields.received);
    super(
      {
        code: fields.code,
        message: `${fields.path}: expected ${fields.expected}, received ${received}; ${fields.hint}`,
        location: fields.code === 'SETTING_INVALID' ? { argument: fields.path } : { file: fields.path },
        expected: fields.expected,
        received,
        hint: fields.hint,
      },
      options,
    );
    this.name = 'RepositoryIoError';
    this.path = fields.path;
    this.expected = fields.expected;
    this.received = received;
    this.hint = fields.hint;
  }
}

const ERRNO_PHRASES: Record<string, string> = {
  ENOSPC: 'no space left on the device (ENOSPC)',
  EDQUOT: 'the disk quota is exhausted (EDQUOT)',
  EROFS: 'a read-only file system (EROFS)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EISDIR: 'a directory (EISDIR)',
  ENOTDIR: 'a path through something that is not a directory (ENOTDIR)',
  ENOENT: 'no such file or directory (ENOENT)',
  ELOOP: 'a symbolic link (ELOOP)',
  EEXIST: 'something already there (EEXIST)',
  ENOTEMPTY: 'a directory that is not empty (ENOTEMPTY)',
  EMFILE: 'too many open files (EMFILE)',
  ENFILE: 'too many open files in the system (ENFILE)',
  EIO: 'an I/O error (EIO)',
  EXDEV: 'a different file system (EXDEV)',
  EBUSY: 'a busy file (EBUSY)',
  ETXTBSY: 'a busy file (ETXTBSY)',
  ENAMETOOLONG: 'a name that is too long (ENAMETOOLONG)',
};

const ERRNO_HINTS: Record<string, string> = {
  ENOSPC: 'free some space on that file system and run the command again',
  EDQUOT: 'free some space within your quota and run the command again',
  EROFS: 'run the command in a writable clone (the file system is mounted read-only)',
  EACCES: 'check the owner and permissions of the path, or run as its owner',
  EPERM: 'check the owner, permissions and attributes (chattr) of the path',
  EISDIR: 'move the directory away: a file belongs at that path',
  ENOTDIR: 'move the file that stands where a directory belongs',
  EMFILE: 'raise the open-file limit (ulimit -n) and run the command again',
  ENFILE: 'close other programs or raise the system open-file limit, then run the command again',
  EXDEV: 'keep the repository on one file system',
};

/** A system error's code (`ENOSPC`), or undefined for other errors. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * A system error in plain words, once: `no space left on the device (ENOSPC)` (Node's own message
 * repeats the code: `ENOSPC: no space left on device, write`).
 */
export function describeSystemError(error: unknown): string {
  const code = errnoCode(error);
  if (code) return ERRNO_PHRASES[code] ?? `${String((error as Error).message).replace(/^E[A-Z0-9]+: /, '').split(',')[0]} (${code})`;
  return truncate(error instanceof Error ? error.message : String(error));
}

/** What to do about a system error, in the imperative. */
export function systemErrorHint(error: unknown, fallback: string): string {
  const code = errnoCode(error);
  return (code && ERRNO_HINTS[code]) || fallback;
}
