/**
 * Verifies one overlay directory: build it with every engine, read its kustomization files, replay
 * its patches on what it builds on, then run every check that applies. Findings on fields that one
 * of the overlay's own patch operations wrote name that kustomization file, patch and operation.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ManifestObject, ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseBuildOutput, parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { GITOPS_FILE } from '@clearml-k8s/overlay-composer';
import type { Exposure } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, type CheckContext, type CheckDefinition } from './checks/index.ts';
import type { GitopsFile } from './checks/definition.ts';
import { acceptancesOf, acceptanceIsValid } from './checks/accepted-risks.ts';
import type { ImageOverride } from './checks/images.ts';
import type { OverlayExpectation } from './expectation.ts';
import { observedHosts } from './checks/ingress-hosts.ts';
import { observedNodePorts } from './checks/node-ports.ts';
import { buildMemoScope } from './build-memo.ts';
import { engineLabel, type Engine } from './engine.ts';
import type { CheckFinding, Finding } from './finding.ts';
import { localDirectories, localResourceFiles, ownKustomizations, patchEntries } from './kustomization-files.ts';
import { analysePatches, sourceOf, type PatchAnalysis } from './patch-analysis.ts';
import { renderOverlay, type RenderResult } from './render-overlay.ts';
import { VerifierError } from './verifier-error.ts';
import type { SchemaValidator } from './schema.ts';

export { compareEngines } from './checks/engine-mismatch.ts';
export { expectationFor, type OverlayExpectation } from './expectation.ts';

/** The report of one overlay. */
export interface OverlayReport {
  /** The directory as given (repository-relative when under the root). */
  dir: string;
  /** No finding of severity `error` (with `verifyOverlays({strict: true})`: no finding at all). */
  ok: boolean;
  /** Number of objects rendered (by the first engine). */
  resources: number;
  /** NodePorts of the endpoints in the build, by host label (`api`, `app`, `files`). */
  nodePorts: Record<string, number>;
  /** Ingress hosts in the build. */
  hosts: string[];
  findings: Finding[];
  /**
   * Warnings the overlay's own kustomization accepts (`accepted-risks`), each with the reason; they
   * do not count for `ok`, not even with `strict`.
   */
  accepted: AcceptedFinding[];
  /** Wall time of the builds and checks, in milliseconds (of the run that produced the report). */
  durationMs: number;
  /** Set when the report was reused from the verify cache. */
  cached?: boolean;
}

/** A warning the overlay accepts, with the reason its kustomization gives. */
export interface AcceptedFinding extends Finding {
  reason: string;
}

/** Shared state of one verify run. */
export interface VerifyContext {
  root: string;
  /** The release catalog the run verifies against (named in image findings). */
  catalog: ReleaseCatalog;
  /** The engines; the first one's output is checked, the others are compared with it. */
  engines: readonly Engine[];
  schema: SchemaValidator;
  /** Builds of parent directories, shared by the overlays of the run (absolute dir → render). */
  parentBuilds: Map<string, Promise<RenderResult>>;
  /** Each build is killed after this long, in milliseconds (default `DEFAULT_BUILD_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Aborted when the run fails for good: builds still running are killed. */
  signal?: AbortSignal;
  /** The checks to run, in report order (default `CHECK_REGISTRY`). */
  checks?: readonly CheckDefinition[];
  /**
   * The render of `dir` by `engine` from a batched build of the run, or null when there is none
   * (the directory is not in a batch, or its batch was rejected): then it is built by itself.
   */
  batchedRender?: (engine: Engine, dir: string) => Promise<RenderResult | null>;
}

/** `dir` built by `engine`: from the run's batched build when there is one, else by itself. */
async function render(ctx: VerifyContext, engine: Engine, dir: string, timeoutMs: number): Promise<RenderResult> {
  const batched = ctx.batchedRender ? await ctx.batchedRender(engine, dir) : null;
  return batched ?? renderOverlay(engine, dir, { timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

/** How long one `kustomize build` may take by default, in milliseconds (a small overlay takes 0.1 s). */
export const DEFAULT_BUILD_TIMEOUT_MS = 120_000;

function inferExposure(objects: readonly ManifestObject[]): Exposure | null {
  const apiHost = observedHosts(objects).find((h) => h.startsWith('api.'));
  if (apiHost) return { kind: 'ingress', baseDomain: apiHost.slice('api.'.length) };
  const api = objects.find((o: any) => o.kind === 'Service' && o.metadata.name === 'clearml-apiserver') as any;
  return api?.spec?.type === 'NodePort' ? { kind: 'nodePort' } : null;
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

/**
 * Runs `checks` over one overlay's context, in order, then their `after` hooks: what `verifyOverlay`
 * does between building and reporting (the benchmark times exactly this).
 * @param built whether the checked build succeeded (checks that need a build are skipped otherwise).
 * @returns every finding with its severity set, with the check that raised it, in registry order.
 * @throws Error when a check returns a finding of another check's id (a bug in that check).
 */
export function runChecks(context: CheckContext, checks: readonly CheckDefinition[], built: boolean): Array<{ finding: CheckFinding; check: CheckDefinition }> {
  const raised: Array<{ finding: CheckFinding; check: CheckDefinition }> = [];
  const collect = (check: CheckDefinition, found: readonly CheckFinding[]) => {
    for (const f of found) {
      if (f.check !== check.id) throw new Error(`check ${check.id} returned a finding of ${JSON.stringify(f.check)}`);
      raised.push({ finding: { ...f, severity: f.severity ?? check.severity }, check });
    }
  };
  const applies = (check: CheckDefinition) => !(check.needs === 'build' && !built);
  // Views of the build that several checks read (pod templates, Service selections, stack
  // containers) are computed once for all of them: one memo scope per context (build-memo.ts).
  const inScope = buildMemoScope();
  for (const check of checks) if (applies(check)) collect(check, inScope(() => check.run(context)));
  const earlier = raised.map((r) => r.finding);
  for (const check of checks) if (check.after && applies(check)) collect(check, inScope(() => check.after!(context, earlier, checks)));
  return raised;
}

/**
 * Builds `absoluteDir` with every engine of `ctx` and runs the checks.
 * @param displayDir how the overlay is named in the report.
 */
export async function verifyOverlay(ctx: VerifyContext, absoluteDir: string, displayDir: string, expectation: OverlayExpectation): Promise<OverlayReport> {
  const started = performance.now();
  const kustomizations = ownKustomizations(absoluteDir);
  const top = kustomizations[0];
  const parentDirs = top ? localDirectories(top).filter((d) => !(top.content.components ?? []).some((c: string) => path.resolve(top.dir, c) === d)) : [];
  const buildParent = (dir: string) => {
    let build = ctx.parentBuilds.get(dir);
    if (!build) ctx.parentBuilds.set(dir, (build = render(ctx, ctx.engines[0]!, dir, timeoutMs)));
    return build;
  };
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  const [renders, parentRenders] = await Promise.all([Promise.all(ctx.engines.map((e) => render(ctx, e, absoluteDir, timeoutMs))), Promise.all(parentDirs.map(buildParent))]);
  const hung = [...renders.map((r, i) => ({ r, engine: ctx.engines[i]!, dir: displayDir })), ...parentRenders.map((r, i) => ({ r, engine: ctx.engines[0]!, dir: relative(ctx.root, parentDirs[i]!) }))].find((b) => b.r.timedOut);
  if (hung) {
    const seconds = `${timeoutMs / 1000} s`;
    throw new VerifierError('BUILD_TIMEOUT', `${hung.dir}: expected ${engineLabel(hung.engine)} to build it within ${seconds}, received no result after ${seconds} (the engine and every process it started were killed); raise --timeout SECONDS (or $CLEARML_K8S_BUILD_TIMEOUT), or find what the engine waits for (a remote resource, a slow disk)`, hung.dir);
  }
  // Checks run on the first engine's build, or on the first that succeeded when only some did
  // (then `engine-mismatch` is the finding, not `build`).
  const primary = renders.find((r) => r.exitCode === 0) ?? renders[0]!;
  const objects = primary.objects;
  const built = primary.exitCode === 0 && !primary.parseError;
  const own = kustomizations.map((k) => ({ file: relative(ctx.root, k.file), content: k.content }));
  const imageOverrides: ImageOverride[] = own.flatMap(({ file, content }) => (Array.isArray(content.images) ? content.images : []).map((entry: any, index: number) => ({ file, index, entry: entry ?? {} })));
  let patches: PatchAnalysis | null = null;
  if (built && top && parentRenders.every((r) => r.exitCode === 0)) {
    const parents = [...parentRenders.flatMap((r) => r.objects), ...localResourceFiles(top).flatMap((f) => safeParse(f))];
    patches = analysePatches(relative(ctx.root, top.file), patchEntries(top), parents, objects);
  }
  const gitops = readGitopsFile(absoluteDir, relative(ctx.root, path.join(absoluteDir, GITOPS_FILE)));
  // Kinds whose schemas load asynchronously (ES-module model packages) are loaded before the checks run.
  await ctx.schema.prepare([...objects, ...(gitops?.documents ?? [])]);
  const context: CheckContext = {
    overlay: displayDir,
    engines: ctx.engines,
    renders,
    primary,
    objects,
    expectation,
    exposure: expectation.exposure ?? inferExposure(objects),
    kustomizations: own,
    imageOverrides,
    patches,
    gitops,
    schema: ctx.schema,
    catalog: ctx.catalog,
  };
  const lineIn = new Map(kustomizations.map((k) => [relative(ctx.root, k.file), k]));
  const writes = patches?.writes ?? [];
  const checks = ctx.checks ?? CHECK_REGISTRY;
  const raised = runChecks(context, checks, built);
  // Warnings the overlay's own kustomization accepts (with a reason) are reported apart.
  const accepting = new Map(acceptancesOf(context).filter((a) => acceptanceIsValid(a, checks)).map((a) => [a.check, a.reason]));
  const findings: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  for (const { finding: f } of [...raised].sort((a, b) => checks.indexOf(a.check) - checks.indexOf(b.check))) {
    // Tie the finding to the kustomization entry that set the field, with its line.
    const found = f.source ?? sourceOf(writes, f.resource, f.path);
    const line = found ? lineIn.get(found.file)?.lineOf(`/${found.field}/${found.index}`) : null;
    const source = found && line ? { ...found, line } : found;
    const full: Finding = { overlay: displayDir, check: f.check, severity: f.severity!, resource: f.resource, path: f.path, message: f.message, hint: f.hint, ...(source ? { source } : {}) };
    const reason = full.severity === 'warning' ? accepting.get(f.check) : undefined;
    if (reason !== undefined) accepted.push({ ...full, reason });
    else findings.push(full);
  }
  return {
    dir: displayDir,
    ok: findings.every((f) => f.severity !== 'error'),
    resources: objects.length,
    nodePorts: observedNodePorts(objects),
    hosts: observedHosts(objects),
    findings,
    accepted,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The overlay's `gitops.yaml` (documents, or why it does not parse), or null when there is none. */
function readGitopsFile(absoluteDir: string, display: string): GitopsFile | null {
  const file = path.join(absoluteDir, GITOPS_FILE);
  if (!existsSync(file)) return null;
  try {
    return { file: display, documents: parseManifests(readFileSync(file, 'utf8'), display), parseError: null };
  } catch (error) {
    return { file: display, documents: [], parseError: String((error as Error).message).split('\n')[0]! };
  }
}

function safeParse(file: string): ManifestObject[] {
  try {
    return parseBuildOutput(readFileSync(file, 'utf8'), file) as ManifestObject[];
  } catch {
    return []; // the build reports unreadable resources
  }
}
