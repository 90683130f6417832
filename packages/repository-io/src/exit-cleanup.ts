/**
 * The one adapter for `signal-exit`: synchronous clean-up that runs however the process ends
 * (normal exit, an uncaught error, or SIGINT, SIGTERM, SIGHUP and the other fatal signals
 * signal-exit lists), so Ctrl-C never leaves temporary copies or a half-staged write behind.
 * A SIGKILL cannot be caught: the journal of `transaction.ts` covers that case.
 * @see https://github.com/tapjs/signal-exit
 */
import { onExit } from 'signal-exit';

/**
 * Registers `cleanup` until the returned function is called.
 * @param cleanup synchronous; errors it throws are ignored (the process is ending).
 * @returns a function that unregisters it (call it once the resource is gone).
 */
export function cleanupOnExit(cleanup: () => void): () => void {
  return onExit(() => {
    try {
      cleanup();
    } catch {
      // the process is ending; the next run's recovery covers what is left
    }
  });
}
