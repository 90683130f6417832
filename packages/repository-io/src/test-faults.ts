/**
 * The fault-injection seam of the tests: `$CLEARML_K8S_TEST_FAULTS` names points of a write where
 * the process is killed (a real `SIGKILL`, as `kill -9` sends), an `ENOSPC` is raised, or the
 * writer waits (so a test can kill it from outside at a moment of its choosing). Unset, every
 * fault point is a no-op. Not a user feature: the README's test section names it, nothing else.
 *
 * Syntax: a comma-separated list of `ACTION@PHASE[:N]`, with
 * - ACTION `kill` (SIGKILL to the process itself), `enospc` (throw ENOSPC) or `delay=MS` (sleep);
 * - PHASE `stage` (before the Nth staged file is written), `journal` (before the journal is renamed
 *   into place: the commit point), `rename` (before the Nth rename into the tree), `delete` (before
 *   the Nth stale file is removed), `lock` (after the repository lock is taken);
 * - N counted from 1; without N, every time the phase is reached.
 * Example: `kill@rename:3`, `delay=40@rename`, `enospc@stage:2`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** The phases a fault can name. */
export type FaultPhase = 'stage' | 'journal' | 'rename' | 'delete' | 'lock';

interface Fault {
  action: 'kill' | 'enospc' | 'delay';
  delayMs: number;
  phase: FaultPhase;
  /** 1-based occurrence, or null for every occurrence. */
  at: number | null;
}

const FAULT = /^(kill|enospc|delay=(\d+))@(stage|journal|rename|delete|lock)(?::(\d+))?$/;

function parseFaults(text: string | undefined): Fault[] {
  if (!text) return [];
  return text.split(',').flatMap((entry) => {
    const m = FAULT.exec(entry.trim());
    if (!m) return [];
    return [{ action: m[1]!.startsWith('delay') ? 'delay' : (m[1] as 'kill' | 'enospc'), delayMs: Number(m[2] ?? 0), phase: m[3] as FaultPhase, at: m[4] ? Number(m[4]) : null }];
  });
}

/**
 * Runs the faults configured for the `index`th (1-based) occurrence of `phase`.
 * @throws an `ENOSPC` system error when configured so.
 */
export async function faultPoint(phase: FaultPhase, index: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  for (const fault of parseFaults(env.CLEARML_K8S_TEST_FAULTS)) {
    if (fault.phase !== phase || (fault.at !== null && fault.at !== index)) continue;
    if (fault.action === 'delay') await sleep(fault.delayMs);
    if (fault.action === 'kill') {
      process.kill(process.pid, 'SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000); // nothing runs until the signal lands
    }
    if (fault.action === 'enospc') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }
}
