/**
 * A writing session on the repository: the lock, then recovery of any interrupted write, then the
 * caller's work. Every command that writes the tree runs inside one (`compose`, `site add`,
 * `bump`); `compose --check` runs a read-only one (it waits for a writer, recovers nothing, and
 * reports an unfinished write instead).
 */
import { acquireRepositoryLock, DEFAULT_LOCK_WAIT_MS, type RepositoryLock } from './repository-lock.ts';
import { RepositoryIoError } from './repository-io-error.ts';
import { pendingWrites, recoverTree, type PendingWrite, type RecoveredWrite } from './transaction.ts';

/** What a session gives its work. */
export interface RepositorySession {
  lock: RepositoryLock;
  /** Interrupted writes this session finished or discarded before the work (writing sessions). */
  recovered: RecoveredWrite[];
  /** Interrupted writes found and left as they are (read-only sessions). */
  pending: PendingWrite[];
}

/** The lock wait from `$CLEARML_K8S_LOCK_WAIT` (seconds), in milliseconds. @throws RepositoryIoError `SETTING_INVALID` for a value that is not a number of seconds. */
export function lockWaitMs(env: NodeJS.ProcessEnv): number {
  const text = env.CLEARML_K8S_LOCK_WAIT;
  if (text === undefined || text === '') return DEFAULT_LOCK_WAIT_MS;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(seconds <= 3600)) {
    throw new RepositoryIoError({ code: 'SETTING_INVALID', path: '$CLEARML_K8S_LOCK_WAIT', expected: 'a number of seconds from 0 to 3600', received: JSON.stringify(text), hint: 'set it to how long to wait for another run, e.g. 30, or unset it (default 10)' });
  }
  return seconds * 1000;
}

/**
 * Runs `work` in a session on `root`; the lock is released however it ends.
 * @param command this run, for the lock holder file and the journal (`clearml-k8s compose`).
 * @param options.readOnly a run that writes nothing: on a read-only file system it goes on without the lock.
 * @throws RepositoryIoError `LOCKED`, `SETTING_INVALID`, `WRITE_FAILED`, `JOURNAL_INVALID`, `WRITE_INTERRUPTED`; whatever `work` throws.
 */
export async function withRepositorySession<T>(root: string, command: string, work: (session: RepositorySession) => Promise<T>, options: { readOnly?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  const env = options.env ?? process.env;
  const lock = await acquireRepositoryLock(root, command, { waitMs: lockWaitMs(env), readOnly: options.readOnly ?? false, env });
  try {
    const recovered = options.readOnly ? [] : await recoverTree(root);
    const pending = options.readOnly ? pendingWrites(root) : [];
    return await work({ lock, recovered, pending });
  } finally {
    await lock.release();
  }
}
