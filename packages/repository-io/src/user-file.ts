/**
 * Reading files a user controls without trusting them: no symbolic link is followed (inside the
 * repository), FIFOs, devices, sockets and directories are refused before they are read (opened
 * with `O_NONBLOCK`, so a FIFO cannot hang the run), a size cap is enforced while reading (the size
 * `stat` reports is not trusted: `/proc` files report 0), and binary data is refused. Errors never
 * echo the file's contents or a link's target.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import path from 'node:path';
import { describeSystemError, errnoCode, RepositoryIoError, systemErrorHint } from './repository-io-error.ts';

/** What kind of file a `Stats` describes, as a phrase for messages. */
export function fileKind(stat: Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a regular file';
}

/**
 * `lstat` of `relative` under `root`, refusing a symbolic link at any component of the path.
 * @param root absolute repository root (itself may be reached through links: it is the user's choice).
 * @param relative repository-relative path, `/`-separated.
 * @returns the final component's `Stats`, or null when some component does not exist.
 * @throws RepositoryIoError `PATH_SYMLINK` (naming the first link, never its target), `PATH_NOT_REGULAR`
 *   when a component before the last is not a directory, `READ_FAILED` for other errors.
 */
export function lstatInside(root: string, relative: string): Stats | null {
  const parts = relative.split('/').filter((p) => p && p !== '.');
  let stat: Stats | null = null;
  for (let i = 0; i < parts.length; i++) {
    const prefix = parts.slice(0, i + 1).join('/');
    try {
      stat = lstatSync(path.join(root, prefix));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      if (errnoCode(error) === 'ENOTDIR') {
        throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: parts.slice(0, i).join('/'), expected: 'a directory', received: 'a file', hint: 'move the file away: a directory belongs at that path' }, { cause: error });
      }
      throw new RepositoryIoError({ code: 'READ_FAILED', path: prefix, expected: 'a readable path', received: describeSystemError(error), hint: systemErrorHint(error, 'check the path and its permissions') }, { cause: error });
    }
    if (stat.isSymbolicLink()) {
      throw new RepositoryIoError({ code: 'PATH_SYMLINK', path: prefix, expected: i === parts.length - 1 ? 'a regular file or directory' : 'a directory', received: 'a symbolic link (clearml-k8s never follows links inside the repository)', hint: 'replace the link with the file or directory itself' });
    }
    if (i < parts.length - 1 && !stat.isDirectory()) {
      throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: prefix, expected: 'a directory', received: fileKind(stat), hint: 'move it away: a directory belongs at that path' });
    }
  }
  return stat;
}

/** Options of `readUserFile`. */
export interface ReadUserFileOptions {
  /** Largest accepted size in bytes. */
  maxBytes: number;
  /** What the file is, for messages (`the site spec`). */
  what: string;
  /** How the path is shown in errors (default: the path as given). */
  display?: string;
  /**
   * Refuse symbolic links (default true). With `root`, every component of `relative` is checked;
   * without, only the last (`O_NOFOLLOW`).
   */
  noFollow?: boolean;
  /**
   * Also read pipes and character devices (until end of file, up to `maxBytes`): what
   * `check <(kubectl kustomize DIR)` needs; a FIFO without a writer reads as empty. Default false:
   * FIFOs and devices are refused unread.
   */
  streams?: boolean;
}

/**
 * Reads a user-written text file safely.
 * @param file absolute path, or `{ root, relative }` to check every component under a repository root.
 * @returns the UTF-8 text.
 * @throws RepositoryIoError `PATH_SYMLINK`, `PATH_NOT_REGULAR` (directory, FIFO, device, socket),
 *   `FILE_TOO_LARGE`, `FILE_NOT_TEXT` (NUL byte or invalid UTF-8), `READ_FAILED` (missing, permissions).
 */
export function readUserFile(file: string | { root: string; relative: string }, options: ReadUserFileOptions): string {
  const absolute = typeof file === 'string' ? file : path.join(file.root, file.relative);
  const display = options.display ?? (typeof file === 'string' ? file : file.relative);
  const noFollow = options.noFollow ?? true;
  if (typeof file !== 'string' && noFollow && lstatInside(file.root, file.relative) === null) {
    throw new RepositoryIoError({ code: 'READ_FAILED', path: display, expected: `${options.what}`, received: 'no such file (ENOENT)', hint: 'check the path' });
  }
  let fd: number;
  try {
    // O_NONBLOCK always: opening a FIFO nobody writes to must not hang (reads of a stream wait below).
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK | (noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ELOOP') throw new RepositoryIoError({ code: 'PATH_SYMLINK', path: display, expected: `a regular file (${options.what})`, received: 'a symbolic link', hint: 'replace the link with the file itself' }, { cause: error });
    throw new RepositoryIoError({ code: 'READ_FAILED', path: display, expected: `a readable file (${options.what})`, received: describeSystemError(error), hint: systemErrorHint(error, 'check the path and its permissions') }, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() && !(options.streams && (stat.isFIFO() || stat.isCharacterDevice()))) {
      throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: display, expected: `a regular file (${options.what})`, received: fileKind(stat), hint: `put ${options.what} there as a plain file` });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 16, options.maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if (errnoCode(error) === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a pipe with nothing yet: wait for its writer
          continue;
        }
        throw new RepositoryIoError({ code: 'READ_FAILED', path: display, expected: `a readable file (${options.what})`, received: describeSystemError(error), hint: systemErrorHint(error, 'check the file and its permissions') }, { cause: error });
      }
      if (n === 0) break;
      const nul = chunk.subarray(0, n).indexOf(0);
      if (nul >= 0) throw new RepositoryIoError({ code: 'FILE_NOT_TEXT', path: display, expected: `a text file (${options.what})`, received: `binary data (a NUL byte at offset ${total + nul})`, hint: 'give a text file' });
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > options.maxBytes) {
        throw new RepositoryIoError({ code: 'FILE_TOO_LARGE', path: display, expected: `${options.what} of at most ${formatBytes(options.maxBytes)}`, received: `more than ${formatBytes(options.maxBytes)}`, hint: 'give a smaller file' });
      }
    }
    const bytes = Buffer.concat(chunks, total);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (error) {
      throw new RepositoryIoError({ code: 'FILE_NOT_TEXT', path: display, expected: `UTF-8 text (${options.what})`, received: 'bytes that are not UTF-8', hint: 'save the file as UTF-8' }, { cause: error });
    }
  } finally {
    closeSync(fd);
  }
}

/** `1 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}

/**
 * The first `bytes` bytes of a regular file, without following a link at its last component;
 * null when it is missing, a link or not a regular file (used to recognise generated files by
 * their header before deleting them).
 */
export function readHead(absolute: string, bytes: number): string | null {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
