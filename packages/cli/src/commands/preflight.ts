/** `clearml-k8s preflight [--overlay DIR | --site NAME] [--json]`: does kubectl's current cluster have what an overlay needs? Read-only. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import which from 'which';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeTree, RepositoryPromises, SITES_DIR } from '@clearml-k8s/overlay-composer';
import { evaluatePreflight, formatPreflightJson, formatPreflightReport, hasKustomization, preflightNeeds, readClusterState, renderOverlay, resolveEngine, runCommand, VerifierError, type KubectlRunner, type PreflightResult } from '@clearml-k8s/verifier';
import { usageError } from '../cli-error.ts';
import { EXIT, type CommandIo } from '../io.ts';
import { buildTimeoutMs } from './verify.ts';

export interface PreflightOptions {
  /** `--overlay DIR`, relative to the working directory. */
  overlay?: string;
  /** `--site NAME`: `overlays/sites/NAME` of the repository. */
  site?: string;
  json: boolean;
  /** Runs kubectl (tests give recordings; not a flag). Default: `kubectl` on PATH, 60 s per command. */
  kubectl?: KubectlRunner;
}

/** The overlay preflight looks at when neither `--overlay` nor `--site` is given (README, "Deploy": the recommended one). */
export const DEFAULT_PREFLIGHT_OVERLAY = 'overlays/current_version';
/** How long one kubectl read may take, in milliseconds. */
const KUBECTL_TIMEOUT_MS = 60_000;

/**
 * The real kubectl: `kubectl` on `$PATH`, run without a shell, killed after 60 s.
 * @throws VerifierError `KUBECTL_FAILED` when kubectl is not on PATH.
 */
async function realKubectl(env: NodeJS.ProcessEnv): Promise<KubectlRunner> {
  const found = await which('kubectl', { nothrow: true, path: env.PATH ?? '' });
  if (!found) throw new VerifierError('KUBECTL_FAILED', 'kubectl: expected kubectl on PATH, received none; install kubectl 1.27 to 1.35 (https://kubernetes.io/docs/tasks/tools/)', 'PATH');
  return async (args) => {
    const r = await runCommand([found, ...args], { timeoutMs: KUBECTL_TIMEOUT_MS });
    return { exitCode: r.timedOut ? 124 : r.exitCode, stdout: r.stdout, stderr: r.timedOut ? `timed out after ${KUBECTL_TIMEOUT_MS / 1000} s` : r.stderr };
  };
}

/** `dir` relative to the repository root when inside it (with `/`), else absolute. */
function display(root: string, dir: string): string {
  const relative = path.relative(root, dir);
  return relative.startsWith('..') || path.isAbsolute(relative) ? dir : relative.split(path.sep).join('/');
}

/**
 * Builds the overlay with the kustomize engine, works out what it needs of a cluster (hostPath
 * node, StorageClasses, IngressClasses, declared prerequisites, Pod Security level), reads that from
 * kubectl's current context (`kubectl version`, `kubectl get … -o json`; Secrets by name only) and
 * prints one item per need, each failed one with its fix.
 * @returns 0 when every item passed, 1 when one failed.
 * @throws CliError `USAGE` for `--overlay` with `--site`; VerifierError `OVERLAY_NOT_FOUND`,
 *   `KUSTOMIZE_NOT_FOUND`, `BUILD_FAILED`, `BUILD_TIMEOUT`, `KUBECTL_FAILED`, `KUBECTL_OUTPUT_INVALID`;
 *   SiteSpecError for a site whose spec is invalid (the CLI maps them to exit 2).
 */
export async function preflightCommand(root: string, options: PreflightOptions, io: CommandIo): Promise<number> {
  if (options.overlay !== undefined && options.site !== undefined) throw usageError('--site', 'either --overlay DIR or --site NAME', `both (--overlay ${options.overlay} --site ${options.site})`, 'give one of them');
  const given = options.site !== undefined ? `${SITES_DIR}/${options.site}` : (options.overlay ?? DEFAULT_PREFLIGHT_OVERLAY);
  const absolute = options.site !== undefined || options.overlay === undefined ? path.resolve(root, given) : path.resolve(io.cwd, given);
  if (!hasKustomization(absolute)) {
    const where = options.site !== undefined ? `--site ${options.site}` : given;
    throw new VerifierError('OVERLAY_NOT_FOUND', `${where}: expected a directory with kustomization.yaml (${display(root, absolute)}), received ${existsSync(absolute) ? 'a directory without one' : 'no such path'}; pass an overlay such as --overlay overlays/current_version, or a site with --site NAME (clearml-k8s site add NAME)`, where);
  }
  const shown = display(root, absolute);
  const catalog = loadReleaseCatalog(io.env);
  const promise = new RepositoryPromises(root, composeTree(catalog)).of(absolute);
  const engine = await resolveEngine(io.env, { cwd: io.cwd });
  const timeoutMs = buildTimeoutMs(undefined, io.env);
  const build = await renderOverlay(engine, absolute, { timeoutMs });
  if (build.timedOut) throw new VerifierError('BUILD_TIMEOUT', `${shown}: expected the build to finish within ${timeoutMs / 1000} s, received a build still running (killed); raise $CLEARML_K8S_BUILD_TIMEOUT`, shown);
  if (build.exitCode !== 0 || build.parseError) throw new VerifierError('BUILD_FAILED', `${shown}: expected the overlay to build, received ${build.parseError ?? `exit ${build.exitCode}: ${build.stderr.trim().split('\n').slice(-2).join(' ')}`}; run clearml-k8s verify ${shown}`, shown);
  const needs = preflightNeeds(build.objects, promise);
  const state = await readClusterState(options.kubectl ?? (await realKubectl(io.env)), needs);
  const items = evaluatePreflight(needs, state);
  const result: PreflightResult = { overlay: shown, namespace: needs.namespace, ok: items.every((i) => i.ok), items };
  io.stdout.write(options.json ? formatPreflightJson(result) : formatPreflightReport(result));
  return result.ok ? EXIT.ok : EXIT.findings;
}
