/**
 * Journaled multi-file writes: a change to many files of the repository happens completely or not at
 * all, even when the process is killed (`kill -9`), the disk fills up or Ctrl-C is pressed.
 *
 * A write goes through the work directory `.clearml-k8s/` in the repository root (so every rename
 * stays on one file system):
 * 1. stage: every new content is written (and fsynced) to `.clearml-k8s/<id>.staging/<n>`;
 * 2. commit: the journal `.clearml-k8s/<id>.journal.json` (targets, staged names, modes, files to
 *    delete) is written to a temporary name, fsynced and renamed into place. Its existence is the
 *    commit point;
 * 3. apply: the staged files are renamed over their targets in journal order (the caller puts the
 *    file that marks completion, such as `site.yaml`, last), then stale files are removed;
 * 4. finish: the staging directory, the journal and (when empty) `.clearml-k8s/` are removed.
 *
 * Recovery (`recoverTree`, run by the next writer under the repository lock) rolls a committed
 * journal forward (renames whatever is still staged; every step is idempotent) and discards staging
 * without a journal. Nothing in the tree changes before the commit point, so a failure there (ENOSPC,
 * EROFS, a kill) leaves the tree as it was. On SIGINT/SIGTERM the same happens at once, in process.
 * The caller must hold the repository lock (`repository-lock.ts`).
 */
import { closeSync, constants, fchmodSync, fsync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { cleanupOnExit } from './exit-cleanup.ts';
import { describeSystemError, errnoCode, RepositoryIoError, systemErrorHint } from './repository-io-error.ts';
import { LOCK_DIR, type RepositoryLock } from './repository-lock.ts';
import { faultPoint } from './test-faults.ts';
import { fileKind, lstatInside } from './user-file.ts';

/** The work directory of writes, relative to the repository root. */
export const WORK_DIR = '.clearml-k8s';

/** One file to write. */
export interface FileWrite {
  /** Repository-relative, `/`-separated. */
  path: string;
  content: string;
  /** Exact permission bits (e.g. `0o600`); default: the existing file's, else 0666 less the umask. */
  mode?: number;
}

/** A change to the tree. */
export interface TreeChangeSet {
  /** Written in this order (put the file that marks completion last). */
  writes: readonly FileWrite[];
  /** Removed after the writes (repository-relative). */
  deletes: readonly string[];
  /** The command making the change, for the journal and messages (`clearml-k8s compose`). */
  command: string;
}

/** The journal of one write (format 1). */
interface Journal {
  format: 1;
  id: string;
  command: string;
  pid: number;
  started: string;
  writes: { path: string; staged: string; mode: number | null }[];
  deletes: string[];
}

/** What recovery did with one interrupted write. */
export interface RecoveredWrite {
  id: string;
  /** The command that was interrupted; null when its journal was never written. */
  command: string | null;
  /** `finished`: a committed write rolled forward; `discarded`: staging without a journal removed. */
  action: 'finished' | 'discarded';
  /** Files written or removed by rolling forward. */
  files: number;
}

/** An interrupted write found without changing anything (`pendingWrites`). */
export interface PendingWrite {
  id: string;
  command: string | null;
  pid: number | null;
  /** True when the journal exists: the tree may be half-written until it is rolled forward. */
  committed: boolean;
}

const JOURNAL_SUFFIX = '.journal.json';
const STAGING_SUFFIX = '.staging';
const SAFE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\0]+$/;

const work = (root: string, ...parts: string[]) => path.join(root, WORK_DIR, ...parts);

function writeFailed(file: string, error: unknown): RepositoryIoError {
  return new RepositoryIoError(
    { code: 'WRITE_FAILED', path: file, expected: 'a writable repository', received: describeSystemError(error), hint: `${systemErrorHint(error, 'check the permissions of the path')}; nothing was changed` },
    { cause: error },
  );
}

/** Creates the directories of `relative`'s parent under `root`, refusing links and files on the way. */
function ensureParentDirs(root: string, relative: string): void {
  const parts = relative.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const stat = lstatInside(root, prefix);
    if (stat === null) mkdirSync(path.join(root, prefix));
    else if (!stat.isDirectory()) throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: prefix, expected: 'a directory', received: fileKind(stat), hint: 'move it away: a directory belongs at that path' });
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems cannot fsync a directory; the rename is still atomic
  }
}

/** Creates `file` (it must not exist) with `content` and, unless null, exactly `mode`; returns its open descriptor (not yet fsynced). */
function writeNew(file: string, content: string | Buffer, mode: number | null): number {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o666);
  try {
    if (mode !== null) fchmodSync(fd, mode);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function writeDurable(file: string, content: string | Buffer, mode: number | null): void {
  const fd = writeNew(file, content, mode);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Staged files written before their fsyncs run together (the file system commits concurrent fsyncs in fewer journal commits). */
const FSYNC_BATCH = 64;

/** fsyncs then closes every descriptor, all of them even when one fails; rethrows the first failure. */
async function syncAndClose(fds: readonly number[]): Promise<void> {
  const results = await Promise.allSettled(fds.map((fd) => new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())))));
  for (const fd of fds) closeSync(fd);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** One step of rolling a journal forward; idempotent (a step already done is skipped). */
function applyStep(root: string, journal: Journal, step: number): void {
  if (step < journal.writes.length) {
    const write = journal.writes[step]!;
    const staged = work(root, `${journal.id}${STAGING_SUFFIX}`, write.staged);
    try {
      lstatSync(staged);
    } catch {
      return; // renamed already
    }
    ensureParentDirs(root, write.path);
    renameSync(staged, path.join(root, write.path));
    return;
  }
  const file = journal.deletes[step - journal.writes.length]!;
  if (lstatInside(root, file) !== null) rmSync(path.join(root, file), { force: true });
}

function finish(root: string, journal: Journal): void {
  rmSync(work(root, `${journal.id}${STAGING_SUFFIX}`), { recursive: true, force: true });
  rmSync(work(root, `${journal.id}${JOURNAL_SUFFIX}`), { force: true });
  fsyncDir(path.join(root, WORK_DIR));
  removeWorkDirIfEmpty(root);
}

function removeWorkDirIfEmpty(root: string): void {
  try {
    rmdirSync(path.join(root, WORK_DIR));
  } catch {
    // not empty (another write's files) or gone
  }
}

function newId(): string {
  return `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Writes `change` to the tree under `root`: all of it, or (until the commit point) nothing.
 * @param options.lock the caller's lock: when another run took it over, nothing is committed.
 * @throws RepositoryIoError `WRITE_FAILED` when staging fails (ENOSPC, EROFS, EACCES …): nothing was
 *   changed and nothing is left behind; `LOCKED` when the lock was lost before the commit point; `PATH_SYMLINK` / `PATH_NOT_REGULAR` for a target whose
 *   directory is a link or a file; `WRITE_INTERRUPTED` when applying a committed write fails (the
 *   next `compose` finishes it).
 */
export async function commitTree(root: string, change: TreeChangeSet, options: { env?: NodeJS.ProcessEnv; lock?: RepositoryLock } = {}): Promise<void> {
  const env = options.env ?? process.env;
  if (change.writes.length === 0 && change.deletes.length === 0) return;
  for (const p of [...change.writes.map((w) => w.path), ...change.deletes]) {
    if (!SAFE_PATH.test(p)) throw new Error(`commitTree: "${p}" is not a normalised repository-relative path`);
  }
  const id = newId();
  const staging = work(root, `${id}${STAGING_SUFFIX}`);
  const journal: Journal = { format: 1, id, command: change.command, pid: process.pid, started: new Date().toISOString(), writes: [], deletes: [...change.deletes] };
  let state: 'staging' | 'committed' | 'done' = 'staging';
  let step = 0;
  const steps = change.writes.length + change.deletes.length;
  const unregister = cleanupOnExit(() => {
    if (state === 'staging') {
      rmSync(staging, { recursive: true, force: true });
      rmSync(work(root, `${id}${JOURNAL_SUFFIX}.tmp`), { force: true });
      removeWorkDirIfEmpty(root);
    } else if (state === 'committed') {
      for (let s = step; s < steps; s++) applyStep(root, journal, s);
      finish(root, journal);
    }
  });
  try {
    // 1. Stage.
    let stagingFor = WORK_DIR;
    try {
      mkdirSync(staging, { recursive: true });
      // Written in order (a fault point before each), fsynced a batch at a time: every staged file
      // is on disk before the journal is written.
      let open: number[] = [];
      try {
        for (const [n, write] of change.writes.entries()) {
          stagingFor = write.path;
          await faultPoint('stage', n + 1, env);
          let mode = write.mode ?? null;
          if (mode === null) {
            const existing = lstatInside(root, write.path);
            if (existing?.isFile()) mode = existing.mode & 0o7777;
          }
          open.push(writeNew(path.join(staging, String(n)), write.content, mode));
          journal.writes.push({ path: write.path, staged: String(n), mode });
          if (open.length === FSYNC_BATCH) {
            const batch = open;
            open = [];
            await syncAndClose(batch);
          }
        }
        stagingFor = WORK_DIR;
        const batch = open;
        open = [];
        await syncAndClose(batch);
      } finally {
        for (const fd of open) closeSync(fd);
      }
      // 2. Commit.
      stagingFor = WORK_DIR;
      const temp = work(root, `${id}${JOURNAL_SUFFIX}.tmp`);
      writeDurable(temp, `${JSON.stringify(journal)}\n`, null);
      await faultPoint('journal', 1, env);
      const lost = options.lock?.compromised();
      if (lost) {
        throw new RepositoryIoError({ code: 'LOCKED', path: LOCK_DIR, expected: 'the repository lock held until the write is committed', received: `a lock taken over by another run (${lost.message})`, hint: 'run the command again; nothing was changed' }, { cause: lost });
      }
      renameSync(temp, work(root, `${id}${JOURNAL_SUFFIX}`));
      fsyncDir(path.join(root, WORK_DIR));
      state = 'committed';
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      rmSync(work(root, `${id}${JOURNAL_SUFFIX}.tmp`), { force: true });
      removeWorkDirIfEmpty(root);
      state = 'done';
      if (error instanceof RepositoryIoError || !errnoCode(error)) throw error;
      throw writeFailed(stagingFor, error);
    }
    // 3. Apply, 4. finish.
    try {
      for (; step < steps; step++) {
        await faultPoint(step < change.writes.length ? 'rename' : 'delete', step < change.writes.length ? step + 1 : step - change.writes.length + 1, env);
        applyStep(root, journal, step);
      }
      finish(root, journal);
      state = 'done';
    } catch (error) {
      state = 'done'; // the journal stays: the next run rolls it forward
      throw new RepositoryIoError(
        { code: 'WRITE_INTERRUPTED', path: error instanceof RepositoryIoError ? error.path : WORK_DIR, expected: 'every staged file renamed into place', received: error instanceof RepositoryIoError ? error.message : describeSystemError(error), hint: `fix that, then run \`clearml-k8s compose\`: it finishes the interrupted write (journal ${WORK_DIR}/${id}${JOURNAL_SUFFIX})` },
        { cause: error },
      );
    }
  } finally {
    unregister();
  }
}

function readJournal(root: string, name: string): Journal {
  const file = `${WORK_DIR}/${name}`;
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Journal;
  } catch (error) {
    throw new RepositoryIoError({ code: 'JOURNAL_INVALID', path: file, expected: 'the JSON journal of an interrupted write', received: describeSystemError(error), hint: `remove ${WORK_DIR}/ and run \`clearml-k8s compose\` (it rewrites every generated file)` }, { cause: error });
  }
  const valid =
    journal?.format === 1 &&
    `${journal.id}${JOURNAL_SUFFIX}` === name &&
    Array.isArray(journal.writes) &&
    Array.isArray(journal.deletes) &&
    journal.writes.every((w) => typeof w?.path === 'string' && SAFE_PATH.test(w.path) && /^\d+$/.test(String(w.staged)) && (w.mode === null || Number.isInteger(w.mode))) &&
    journal.deletes.every((d) => typeof d === 'string' && SAFE_PATH.test(d));
  if (!valid) throw new RepositoryIoError({ code: 'JOURNAL_INVALID', path: file, expected: 'a journal of format 1 with repository-relative paths', received: 'something else', hint: `remove ${WORK_DIR}/ and run \`clearml-k8s compose\` (it rewrites every generated file)` });
  return journal;
}

function workEntries(root: string): string[] {
  const stat = lstatInside(root, WORK_DIR);
  if (stat === null) return [];
  if (!stat.isDirectory()) throw new RepositoryIoError({ code: 'PATH_NOT_REGULAR', path: WORK_DIR, expected: 'the work directory of clearml-k8s writes', received: fileKind(stat), hint: `remove ${WORK_DIR}` });
  return readdirSync(path.join(root, WORK_DIR)).sort();
}

/**
 * Finishes every committed write left by an earlier run and removes staging that never got a
 * journal. The caller holds the repository lock.
 * @returns what was done, oldest first; empty when nothing was pending.
 * @throws RepositoryIoError `JOURNAL_INVALID`; `WRITE_INTERRUPTED` when a step fails again.
 */
export async function recoverTree(root: string): Promise<RecoveredWrite[]> {
  const done: RecoveredWrite[] = [];
  const entries = workEntries(root);
  for (const name of entries.filter((e) => e.endsWith(JOURNAL_SUFFIX))) {
    const journal = readJournal(root, name);
    const steps = journal.writes.length + journal.deletes.length;
    try {
      for (let s = 0; s < steps; s++) applyStep(root, journal, s);
      finish(root, journal);
    } catch (error) {
      throw new RepositoryIoError(
        { code: 'WRITE_INTERRUPTED', path: error instanceof RepositoryIoError ? error.path : `${WORK_DIR}/${name}`, expected: `the interrupted \`${journal.command}\` to finish`, received: error instanceof RepositoryIoError ? error.message : describeSystemError(error), hint: 'fix that and run the command again' },
        { cause: error },
      );
    }
    done.push({ id: journal.id, command: journal.command, action: 'finished', files: steps });
  }
  for (const name of workEntries(root)) {
    if (name.endsWith(STAGING_SUFFIX) || name.endsWith(`${JOURNAL_SUFFIX}.tmp`)) {
      rmSync(path.join(root, WORK_DIR, name), { recursive: true, force: true });
      if (name.endsWith(STAGING_SUFFIX)) done.push({ id: name.slice(0, -STAGING_SUFFIX.length), command: null, action: 'discarded', files: 0 });
    }
  }
  removeWorkDirIfEmpty(root);
  return done;
}

/** Interrupted writes under `root`, found without changing anything (for `compose --check` and `verify`). */
export function pendingWrites(root: string): PendingWrite[] {
  let entries: string[];
  try {
    entries = workEntries(root);
  } catch {
    return [{ id: WORK_DIR, command: null, pid: null, committed: true }];
  }
  const pending: PendingWrite[] = [];
  for (const name of entries) {
    if (name.endsWith(JOURNAL_SUFFIX)) {
      let journal: Partial<Journal> = {};
      try {
        journal = readJournal(root, name);
      } catch {
        // reported as committed all the same: the tree may be half-written
      }
      pending.push({ id: name.slice(0, -JOURNAL_SUFFIX.length), command: journal.command ?? null, pid: journal.pid ?? null, committed: true });
    } else if (name.endsWith(STAGING_SUFFIX) && !entries.includes(`${name.slice(0, -STAGING_SUFFIX.length)}${JOURNAL_SUFFIX}`)) {
      pending.push({ id: name.slice(0, -STAGING_SUFFIX.length), command: null, pid: null, committed: false });
    }
  }
  return pending;
}
