/**
 * The file-system shell of `compose` and `site add`: compares the generated files with the work
 * tree and writes them as one journaled change (`commitTree` of `@clearml-k8s/repository-io`).
 *
 * What compose may touch:
 * - a generated path: written (created or replaced) — unless any component of it is a symbolic link
 *   or it is not a regular file (a directory, a FIFO …): then nothing at all is written;
 * - a file in a generated directory that is not generated now: removed only when its first line is
 *   the generated mark (`GENERATED_MARK`: a file an earlier compose wrote); any other file or
 *   directory there is reported as unknown and left alone;
 * - nothing else, ever.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GENERATED_MARK, type GeneratedFile } from '@clearml-k8s/base-manifests';
import { commitTree, fileKind, lstatInside, readHead, RepositoryIoError, type RepositoryLock } from '@clearml-k8s/repository-io';

/** One difference between the generated tree and the work tree. */
export interface TreeChange {
  /** Repository-relative path. */
  path: string;
  change: 'create' | 'update' | 'delete';
}

/** What writing the generated files would do. */
export interface TreePlan {
  /** Changes, sorted by path; empty when the tree is up to date. */
  changes: TreeChange[];
  /** Entries in generated directories that compose did not write (left alone), sorted; directories end in `/`. */
  unknown: string[];
}

/** Options of `planTree`. */
export interface PlanOptions {
  /** Directories whose generated files compose owns (`base`, `overlays/latest`, every site directory). */
  ownedDirs?: readonly string[];
  /** Files in owned directories that are the user's (site specs, local credentials): never touched, never reported. */
  preserve?: (file: string) => boolean;
  /**
   * Under this directory, refuse to replace an existing file that does not carry the generated mark
   * (default none: `compose` restores hand-edited generated files; `site add` must not overwrite a
   * user's file in a directory that was not a site yet).
   */
  keepForeignFilesIn?: string;
}

/** True when the file's first line is the generated mark. */
function isGenerated(absolute: string): boolean {
  return readHead(absolute, GENERATED_MARK.length)?.startsWith(GENERATED_MARK) ?? false;
}

/**
 * Lists what writing `files` would change under `root`. Reads only; follows no symbolic link.
 * @param root repository root (absolute).
 * @param files the generated files (repository-relative paths).
 * @throws RepositoryIoError `PATH_SYMLINK` when a generated path, its directory or a preserved user file
 *   is a link; `PATH_NOT_REGULAR` when a generated path is a directory, FIFO or device (or an owned
 *   directory is a file); `FILE_NOT_GENERATED` for a user's file at a generated path under `keepForeignFilesIn`.
 */
export async function planTree(root: string, files: readonly GeneratedFile[], options: PlanOptions = {}): Promise<TreePlan> {
  const changes: TreeChange[] = [];
  const unknown: string[] = [];
  const generated = new Set(files.map((f) => f.path));
  for (const file of files) {
    const stat = lstatInside(root, file.path);
    if (stat === null) {
      changes.push({ path: file.path, change: 'create' });
      continue;
    }
    if (!stat.isFile()) {
      throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: file.path, expected: 'a regular file (compose writes it)', received: fileKind(stat), hint: `move ${fileKind(stat).replace(/^an? /, 'the ')} away and run the command again` });
    }
    const current = await readFile(path.join(root, file.path), 'utf8');
    if (current === file.content) continue;
    if (options.keepForeignFilesIn && file.path.startsWith(`${options.keepForeignFilesIn}/`) && !current.startsWith(GENERATED_MARK)) {
      throw new RepositoryIoError({ code: 'FILE_NOT_GENERATED', path: file.path, expected: 'no file, or one clearml-k8s generated', received: 'a file written by someone else (no generated header)', hint: 'move the file away (or pick another site name) and run the command again; nothing was changed' });
    }
    changes.push({ path: file.path, change: 'update' });
  }
  for (const dir of options.ownedDirs ?? []) {
    const stat = lstatInside(root, dir);
    if (stat === null) continue;
    if (!stat.isDirectory()) throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: dir, expected: 'a directory of generated files', received: fileKind(stat), hint: 'move it away and run compose again' });
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (generated.has(file)) continue;
      if (options.preserve?.(file)) {
        if (entry.isSymbolicLink()) throw new RepositoryIoError({ code: 'PATH_SYMLINK', path: file, expected: 'a regular file', received: 'a symbolic link (clearml-k8s never follows links inside the repository)', hint: 'replace the link with the file itself' });
        continue;
      }
      if (entry.isFile() && isGenerated(path.join(root, file))) changes.push({ path: file, change: 'delete' });
      else unknown.push(entry.isDirectory() ? `${file}/` : file);
    }
  }
  return { changes: changes.sort((a, b) => a.path.localeCompare(b.path)), unknown: unknown.sort() };
}

/**
 * Applies planned changes as one journaled write: files are written in the order of `files` (put
 * the one that marks completion last), then stale generated files are removed. Run it inside
 * `withRepositorySession` (the lock must be held).
 * @param options.command the command, for the journal (`clearml-k8s compose`); `options.lock` the session's lock.
 * @throws RepositoryIoError from `commitTree` (`WRITE_FAILED`: nothing was changed; `LOCKED`).
 */
export async function writeTree(root: string, files: readonly GeneratedFile[], changes: readonly TreeChange[], options: { command: string; lock: RepositoryLock; env?: NodeJS.ProcessEnv }): Promise<void> {
  const changed = new Set(changes.filter((c) => c.change !== 'delete').map((c) => c.path));
  await commitTree(
    root,
    {
      command: options.command,
      writes: files.filter((f) => changed.has(f.path)).map((f) => ({ path: f.path, content: f.content, ...(f.mode !== undefined ? { mode: f.mode } : {}) })),
      deletes: changes.filter((c) => c.change === 'delete').map((c) => c.path),
    },
    { lock: options.lock, ...(options.env ? { env: options.env } : {}) },
  );
}
