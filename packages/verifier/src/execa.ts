/**
 * The one adapter for `execa`: runs a command without a shell, never throws on a non-zero exit,
 * and measures wall time.
 */
import { execa } from 'execa';

/** What a finished command returned. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  durationMs: number;
}

/**
 * Runs `argv[0]` with the remaining arguments.
 * @param options.cwd working directory; `options.env` extra environment.
 * @returns the result; a command that cannot be spawned yields exit code 127 and the spawn error in `stderr`.
 */
export async function runCommand(argv: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CommandResult> {
  const started = performance.now();
  const [file, ...args] = argv;
  const result = await execa(file!, args, { cwd: options.cwd, env: options.env, reject: false, stripFinalNewline: false, maxBuffer: 256 * 1024 * 1024 });
  const spawnFailed = result.exitCode === undefined;
  return {
    exitCode: spawnFailed ? 127 : result.exitCode!,
    stdout: String(result.stdout ?? ''),
    stderr: spawnFailed ? String(result.stderr || result.shortMessage || '') : String(result.stderr ?? ''),
    durationMs: performance.now() - started,
  };
}
