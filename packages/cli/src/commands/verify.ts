/** `clearml-k8s verify [DIR...] [--engine CMD]... [--matrix] [--json] [--strict]`: build overlays with the real kustomize and check them. */
import { appendFileSync } from 'node:fs';
import { describeSystemError, pendingWrites } from '@clearml-k8s/repository-io';
import { DEFAULT_BUILD_TIMEOUT_MS, discoverVersionedEngines, engineLabel, formatJson, formatMarkdown, formatReport, resolveEngine, resolveEngineCommand, VerifierError, verifyOverlays, withKustomizeVersion, type CheckDefinition, type Engine } from '@clearml-k8s/verifier';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeTree, RepositoryPromises } from '@clearml-k8s/overlay-composer';
import { EXIT, type CommandIo } from '../io.ts';

export interface VerifyOptions {
  dirs: string[];
  json: boolean;
  /** Engine commands from `--engine` (each e.g. `kubectl.1.27 kustomize` or a kustomize binary). */
  engines: string[];
  /** Use the oldest and newest versioned kubectl builds found. */
  matrix: boolean;
  /** Reuse reports of unchanged overlays (default true; `--no-cache` turns it off). */
  cache: boolean;
  /** Batch builds of generated overlays (default true; `--no-batch` turns it off). */
  batch?: boolean;
  /** `--timeout SECONDS` as given (default `$CLEARML_K8S_BUILD_TIMEOUT`, else 120). */
  timeout?: string;
  /** `--strict`: findings of severity `warning` fail the run too. */
  strict?: boolean;
  /** The checks to run instead of the registry (for tests and embedders; not a flag). */
  checks?: readonly CheckDefinition[];
}

/**
 * The per-build timeout in milliseconds: `--timeout`, else `$CLEARML_K8S_BUILD_TIMEOUT`, else the default.
 * @throws VerifierError `TIMEOUT_INVALID` for anything but a number of seconds in 1–86400.
 */
export function buildTimeoutMs(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  const [where, text] = flag !== undefined ? ['--timeout', flag] : ['$CLEARML_K8S_BUILD_TIMEOUT', env.CLEARML_K8S_BUILD_TIMEOUT];
  if (text === undefined || text === '') return DEFAULT_BUILD_TIMEOUT_MS;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(seconds >= 1 && seconds <= 86_400)) {
    throw new VerifierError('TIMEOUT_INVALID', `${where}: expected a number of seconds from 1 to 86400, received ${JSON.stringify(text)}; give how long one kustomize build may take, e.g. ${where === '--timeout' ? '--timeout 300' : 'CLEARML_K8S_BUILD_TIMEOUT=300'} (default ${DEFAULT_BUILD_TIMEOUT_MS / 1000})`, where);
  }
  return seconds * 1000;
}

/** Progress shown on a terminal once a run takes longer than this (milliseconds). */
const PROGRESS_AFTER_MS = 2000;

/**
 * The engines to build with: `--engine` commands, else with `--matrix` the oldest and newest
 * versioned kubectl builds (a note on stderr says which were found), else `$KUSTOMIZE` /
 * kustomize / kubectl kustomize. A bare command name of `--engine` or `$KUSTOMIZE` (e.g.
 * `kubectl.1.27`) is found where `--matrix` looks (PATH, beside kubectl, the engine cache), and the
 * engine's label says where and which kustomize it embeds.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND` when an `--engine` or `$KUSTOMIZE` command is not found.
 */
export async function selectEngines(options: Pick<VerifyOptions, 'engines' | 'matrix'>, io: CommandIo): Promise<Engine[]> {
  if (options.engines.length) {
    const engines = await Promise.all(options.engines.map((command) => resolveEngineCommand(command, '--engine', io.env, { cwd: io.cwd })));
    return Promise.all(engines.map(withKustomizeVersion));
  }
  if (options.matrix) {
    const found = await discoverVersionedEngines(io.env);
    if (found.length === 0) {
      const engine = await resolveEngine(io.env, { cwd: io.cwd });
      io.stderr.write(`verify --matrix: no versioned kubectl builds (kubectl.1.27 …) found on PATH or beside kubectl; building with ${engineLabel(engine)} only\n`);
      return [engine];
    }
    const chosen = found.length === 1 ? [found[0]!] : [found[0]!, found[found.length - 1]!];
    io.stderr.write(`verify --matrix: found ${found.map((f) => f.engine.label).join(', ')}; building with ${chosen.length === 1 ? 'the only one' : `the oldest (${chosen[0]!.engine.label}) and the newest (${chosen[1]!.engine.label})`}\n`);
    return chosen.map((c) => c.engine);
  }
  const engine = await resolveEngine(io.env, { cwd: io.cwd });
  return [io.env.KUSTOMIZE?.trim() ? await withKustomizeVersion(engine) : engine];
}

/**
 * Verifies `dirs` (default: every stock overlay and every site under `overlays/sites/`) and prints the table or JSON; appends a Markdown
 * summary to `$GITHUB_STEP_SUMMARY` when it is set.
 * A summary file that cannot be written is a warning, not a failure.
 * @returns 0 without findings of severity `error` (warnings are printed), 1 with them; with
 *   `strict`, 1 with any finding.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND`, `OVERLAY_NOT_FOUND`, `BUILD_TIMEOUT`, `TIMEOUT_INVALID` (the CLI maps them to exit 2).
 */
export async function verifyCommand(root: string, options: VerifyOptions, io: CommandIo): Promise<number> {
  const timeoutMs = buildTimeoutMs(options.timeout, io.env);
  const engines = await selectEngines(options, io);
  const unfinished = pendingWrites(root).filter((p) => p.committed);
  if (unfinished.length) io.stderr.write(`verify: warning: an interrupted write${unfinished[0]!.command ? ` of \`${unfinished[0]!.command}\`` : ''} is not finished (journal in .clearml-k8s/); the tree may be half-written: run \`clearml-k8s compose\` to finish it\n`);
  const started = performance.now();
  const tty = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  let shown = false;
  const catalog = loadReleaseCatalog(io.env);
  const result = await verifyOverlays(engines, {
    root,
    catalog,
    promises: new RepositoryPromises(root, composeTree(catalog)),
    cwd: io.cwd,
    dirs: options.dirs,
    cache: options.cache,
    batch: options.batch ?? true,
    timeoutMs,
    strict: options.strict ?? false,
    ...(options.checks ? { checks: options.checks } : {}),
    onProgress: tty
      ? ({ done, total, slowest }) => {
          if (performance.now() - started < PROGRESS_AFTER_MS) return;
          shown = true;
          io.stderr.write(`\r\x1b[Kverify: ${done}/${total} overlays${slowest ? `, slowest ${slowest.dir} (${slowest.durationMs} ms)` : ''}`);
        }
      : undefined,
  });
  if (shown) io.stderr.write('\r\x1b[K');
  io.stdout.write(options.json ? formatJson(result) : formatReport(result));
  if (io.env.GITHUB_STEP_SUMMARY) {
    try {
      appendFileSync(io.env.GITHUB_STEP_SUMMARY, formatMarkdown(result));
    } catch (error) {
      // the summary is a courtesy: a run's verdict does not depend on it
      io.stderr.write(`verify: warning: could not append the Markdown summary to $GITHUB_STEP_SUMMARY (${io.env.GITHUB_STEP_SUMMARY}): ${describeSystemError(error)}\n`);
    }
  }
  return result.ok ? EXIT.ok : EXIT.findings;
}
