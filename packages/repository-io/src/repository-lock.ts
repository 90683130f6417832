/**
 * The repository lock: one writer at a time (`compose`, `site add`, `bump`). The one adapter for
 * `proper-lockfile`: the lock is the directory `.clearml-k8s.lock` in the repository root (an
 * atomic `mkdir`), kept fresh by its holder (mtime updated every second) and taken over when its
 * mtime is older than 10 s, or older than 2 s when its holder is known to be dead. Who holds it is
 * written beside it, in `.clearml-k8s.lock.json`, so a waiting run can name the holder.
 * @see https://github.com/moxystudio/node-proper-lockfile
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { describeSystemError, errnoCode, RepositoryIoError, systemErrorHint } from './repository-io-error.ts';
import { faultPoint } from './test-faults.ts';

/** The lock directory, relative to the repository root. */
export const LOCK_DIR = '.clearml-k8s.lock';
/** Who holds the lock, relative to the repository root. */
export const LOCK_HOLDER_FILE = '.clearml-k8s.lock.json';
/** How long a run waits for the lock by default, in milliseconds. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;

const STALE_MS = 10_000;
const DEAD_HOLDER_STALE_MS = 2_000;
const UPDATE_MS = 1_000;
const POLL_MS = 100;

/** Who holds the lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The command line, e.g. `clearml-k8s site add acme`. */
  command: string;
  /** ISO 8601 time the lock was taken. */
  since: string;
}

/** A held lock. */
export interface RepositoryLock {
  /** Removes the lock (and the holder file). Safe to call twice. */
  release(): Promise<void>;
  /** The error when another run took the lock over (this run stalled for over 10 s), else null. */
  compromised(): Error | null;
  /** False when the lock could not be taken on a read-only checkout and `readOnly` allowed that. */
  held: boolean;
}

/** Options of `acquireRepositoryLock`. */
export interface AcquireOptions {
  /** How long to wait for another holder, in milliseconds (default `DEFAULT_LOCK_WAIT_MS`). */
  waitMs?: number;
  /** A read-only run (`compose --check`): on a read-only file system, go on without the lock. */
  readOnly?: boolean;
  env?: NodeJS.ProcessEnv;
}

function readHolder(root: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(path.join(root, LOCK_HOLDER_FILE), 'utf8')) as LockHolder;
    return typeof holder?.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Takes the repository lock, waiting up to `waitMs` for another holder.
 * @param root absolute repository root.
 * @param command what this run is, for the holder file (`clearml-k8s compose`).
 * @throws RepositoryIoError `LOCKED` naming the holder when the wait runs out; `WRITE_FAILED` when the
 *   lock directory cannot be created (read-only file system, permissions) and `readOnly` is not set.
 */
export async function acquireRepositoryLock(root: string, command: string, options: AcquireOptions = {}): Promise<RepositoryLock> {
  const env = options.env ?? process.env;
  const lockfilePath = path.join(root, LOCK_DIR);
  let compromise: Error | null = null;
  const attempt = (stale: number) =>
    lockfile.lock(root, { lockfilePath, realpath: false, stale, update: UPDATE_MS, retries: 0, onCompromised: (error) => void (compromise = error) });
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  let unlock: (() => Promise<void>) | null = null;
  for (;;) {
    try {
      unlock = await attempt(STALE_MS);
      break;
    } catch (error) {
      if (errnoCode(error) !== 'ELOCKED') {
        if (options.readOnly && ['EROFS', 'EACCES', 'EPERM'].includes(errnoCode(error) ?? '')) return { held: false, release: async () => {}, compromised: () => null };
        throw new RepositoryIoError({ code: 'WRITE_FAILED', path: LOCK_DIR, expected: 'a repository where the lock directory can be created', received: describeSystemError(error), hint: systemErrorHint(error, 'check the permissions of the repository root') }, { cause: error });
      }
    }
    const holder = readHolder(root);
    if (holder && holder.host === os.hostname() && !alive(holder.pid)) {
      try {
        unlock = await attempt(DEAD_HOLDER_STALE_MS);
        break;
      } catch {
        // not stale yet, or another run was faster
      }
    }
    if (Date.now() >= deadline) {
      const who = holder ? `\`${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : 'another clearml-k8s run (it did not say which)';
      throw new RepositoryIoError({
        code: 'LOCKED',
        path: LOCK_DIR,
        expected: 'no other clearml-k8s run writing this repository',
        received: `a lock held by ${who}`,
        hint: `wait for it to finish and run the command again (a lock whose holder died is taken over after ${STALE_MS / 1000} s)`,
      });
    }
    await sleep(POLL_MS);
  }
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() };
  const holderFile = path.join(root, LOCK_HOLDER_FILE);
  try {
    writeFileSync(`${holderFile}.${process.pid}`, `${JSON.stringify(holder)}\n`);
    renameSync(`${holderFile}.${process.pid}`, holderFile);
  } catch {
    rmSync(`${holderFile}.${process.pid}`, { force: true }); // the lock holds without it; waiters just cannot name us
  }
  await faultPoint('lock', 1, env);
  let released = false;
  return {
    held: true,
    compromised: () => compromise,
    release: async () => {
      if (released) return;
      released = true;
      if (readHolder(root)?.pid === process.pid) rmSync(holderFile, { force: true });
      if (!compromise) await unlock!().catch(() => {});
    },
  };
}
