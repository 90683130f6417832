/**
 * The one adapter for `execa`: runs a command without a shell, never throws on a non-zero exit,
 * measures wall time, and bounds the run: after `timeoutMs` the command and every process it
 * started (its process group) are killed, and output beyond `maxBufferBytes` stops the command.
 */
import { execa } from 'execa';
import { cleanupOnExit } from '@clearml-k8s/repository-io';

/** What a finished command returned. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  durationMs: number;
  /** True when the command was killed because it ran longer than `timeoutMs`. */
  timedOut: boolean;
  /** True when the command was stopped because its output exceeded `maxBufferBytes`. */
  outputTooLarge: boolean;
}

/** Default cap of stdout (and of stderr), in bytes. */
export const DEFAULT_MAX_BUFFER_BYTES = 256 * 1024 * 1024;

/** Options of `runCommand`. */
export interface RunOptions {
  cwd?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Kill the command (and its children) after this long, in milliseconds; default: no limit. */
  timeoutMs?: number;
  /** Stop the command once stdout or stderr exceeds this many bytes (default `DEFAULT_MAX_BUFFER_BYTES`). */
  maxBufferBytes?: number;
  /** Kill the command (and its children) when this signal aborts. */
  signal?: AbortSignal;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs `argv[0]` with the remaining arguments, in a process group of its own (so a timeout, or this
 * process ending, kills everything it started).
 * @returns the result; a command that cannot be spawned yields exit code 127 and the spawn error in `stderr`.
 */
export async function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const [file, ...args] = argv;
  const subprocess = execa(file!, args, { cwd: options.cwd, env: options.env, reject: false, stripFinalNewline: false, maxBuffer: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES, detached: true, stdin: 'ignore' });
  const unregister = cleanupOnExit(() => killGroup(subprocess.pid));
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? null : setTimeout(() => {
    timedOut = true;
    killGroup(subprocess.pid);
  }, options.timeoutMs);
  const abort = () => killGroup(subprocess.pid);
  options.signal?.addEventListener('abort', abort);
  if (options.signal?.aborted) abort();
  try {
    const result = await subprocess;
    const spawnFailed = result.exitCode === undefined && !timedOut && !result.isMaxBuffer && result.signal === undefined;
    if (result.isMaxBuffer) killGroup(subprocess.pid);
    return {
      exitCode: spawnFailed ? 127 : (result.exitCode ?? 128 + 9),
      stdout: String(result.stdout ?? ''),
      stderr: spawnFailed ? String(result.stderr || result.shortMessage || '') : String(result.stderr ?? ''),
      durationMs: performance.now() - started,
      timedOut,
      outputTooLarge: result.isMaxBuffer === true,
    };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    unregister();
  }
}
