/**
 * Verifies many overlays in parallel (a pool sized to the CPUs; each build is a process).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { listSites, PROFILES, OVERLAYS_DIR, SITES_DIR, type RepositoryPromises } from '@clearml-k8s/overlay-composer';
import { engineLabel, type Engine } from './engine.ts';
import { VerifierError } from './verifier-error.ts';
import { loadSchemaValidator } from './schema.ts';
import type { CheckDefinition } from './checks/definition.ts';
import { hasKustomization } from './kustomization-files.ts';
import { VerifyCache } from './verify-cache.ts';
import pLimit from 'p-limit';
import { planBatches, renderBatch, type BatchMember, type BatchOutcome } from './batch-render.ts';
import { DEFAULT_BUILD_TIMEOUT_MS, expectationFor, verifyOverlay, type OverlayExpectation, type OverlayReport, type VerifyContext } from './verify-overlay.ts';

/** The result of a verify run; `ok` when no overlay has a finding of severity `error` (with `strict`, any finding). */
export interface VerifyResult {
  ok: boolean;
  /** argv of the first engine (the one whose output is checked). */
  engine: string[];
  /** Every engine, as command strings, in the order given. */
  engines: string[];
  /** Per engine (same order): where its binary was found and its kustomize version, when known (`found beside kubectl; kustomize v5.0.1`), else `''`. */
  engineDetails: string[];
  overlays: OverlayReport[];
  /** Overlays whose report came from the cache (nothing they depend on changed). */
  cached: number;
  /** How the overlays that were not cached were built (`./batch-render.ts`). */
  builds: BuildSummary;
}

/** How a run built its overlays: batched builds (one engine process for several overlays) and the rest. */
export interface BuildSummary {
  /** Batched builds that were used, over all engines. */
  batches: number;
  /** Overlay builds a used batch stood for, over all engines. */
  batchedOverlays: number;
  /** Batches that were rejected and built separately, with the reason (see `renderBatch`). */
  rejected: Array<{ engine: string; overlays: string[]; reason: string }>;
}

/** Progress of a run, reported after each overlay. */
export interface VerifyProgress {
  done: number;
  total: number;
  /** The slowest overlay so far and its time in milliseconds. */
  slowest: { dir: string; durationMs: number } | null;
}

/** Repository-relative directories of every stock overlay and, with `root`, every site under it. */
export function defaultOverlayDirs(root?: string): string[] {
  return [...PROFILES.map((p) => `${OVERLAYS_DIR}/${p.name}`), ...(root ? listSites(root).map((name) => `${SITES_DIR}/${name}`) : [])];
}

/**
 * @param engines one or more engines; with several, every overlay is built with each and the
 *   outputs are compared (`engine-mismatch`).
 * @param options.root repository root; relative `dirs` resolve against `options.cwd` (default root).
 * @param options.catalog the release catalog to verify against.
 * @param options.promises what the composer promises for the directories it writes (from
 *   `new RepositoryPromises(root, composeTree(catalog))`); `null` verifies every directory as a
 *   tree that is not ours.
 * @param options.dirs overlay directories (default: every stock overlay and every site).
 * @param options.concurrency builds at once (default: available CPUs).
 * @param options.cache reuse reports of overlays whose inputs did not change (default true).
 * @param options.timeoutMs each build is killed after this long (default 120 s).
 * @param options.onProgress called after each overlay.
 * @param options.checks the checks to run, in report order (default `CHECK_REGISTRY`); the cache is
 *   not used with them (its key does not cover them).
 * @param options.strict warnings fail too: an overlay is `ok` only without any finding.
 * @param options.batch build the composer's overlays in batches where that is proven equal to
 *   separate builds (default true; `./batch-render.ts`); false builds every overlay by itself.
 * @throws VerifierError `OVERLAY_NOT_FOUND` when a directory has no kustomization file; `BUILD_TIMEOUT`
 *   when a build runs out of time (the engine and its children are killed).
 */
export async function verifyOverlays(
  engines: Engine | readonly Engine[],
  options: { root: string; catalog: ReleaseCatalog; promises: RepositoryPromises | null; cwd?: string; dirs?: string[]; concurrency?: number; cache?: boolean; timeoutMs?: number; onProgress?: (progress: VerifyProgress) => void; checks?: readonly CheckDefinition[]; strict?: boolean; batch?: boolean },
): Promise<VerifyResult> {
  const cwd = options.cwd ?? options.root;
  const dirs = options.dirs?.length ? options.dirs : defaultOverlayDirs(options.root).map((d) => path.join(options.root, d));
  const targets = dirs.map((d) => {
    const absolute = path.resolve(cwd, d);
    if (!hasKustomization(absolute)) {
      throw new VerifierError('OVERLAY_NOT_FOUND', `${d}: expected a directory with kustomization.yaml, received ${existsSync(absolute) ? 'a directory without one' : 'no such path'}; pass an overlay directory such as overlays/current_version`, d);
    }
    const relative = path.relative(options.root, absolute);
    return { absolute, display: relative.startsWith('..') ? absolute : relative.split(path.sep).join('/') };
  });
  const list = Array.isArray(engines) ? engines : [engines as Engine];
  const abort = new AbortController();
  const ctx: VerifyContext = { root: options.root, catalog: options.catalog, engines: list, schema: await loadSchemaValidator(), parentBuilds: new Map(), signal: abort.signal, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.checks ? { checks: options.checks } : {}) };
  const cache = options.cache === false || options.checks ? null : new VerifyCache(options.root, list, options.catalog);
  // Cache lookups and expectations first, so the overlays left to build can be planned into batches.
  const planned = targets.map((target) => {
    const key = cache?.key(target.absolute, target.display);
    const hit = key ? cache!.get(key) : null;
    return { target, key, hit, expectation: hit ? null : expectationFor(target.absolute, options.promises) };
  });
  const builds: BuildSummary = { batches: 0, batchedOverlays: 0, rejected: [] };
  const members: BatchMember[] = planned.flatMap(({ target, hit, expectation }) => (!hit && expectation?.intended && expectation.promise && !expectation.promise.inherited ? [{ dir: target.absolute, predicted: expectation.intended }] : []));
  const batches = options.batch === false ? [] : planBatches(members).filter((b) => b.length > 1);
  // One engine process per CPU for the batches; they start now and are awaited by the overlays.
  const limit = pLimit(Math.max(1, os.availableParallelism()));
  const batchOf = new Map<string, number>();
  batches.forEach((b, i) => b.forEach((m) => batchOf.set(m.dir, i)));
  const timeoutMs = options.timeoutMs;
  const displayOf = (dir: string) => targets.find((t) => t.absolute === dir)?.display ?? dir;
  const outcomes = list.map((engine) =>
    batches.map((batch) =>
      limit(async (): Promise<BatchOutcome> => {
        if (abort.signal.aborted) return { ok: false, reason: 'the run stopped', durationMs: 0 };
        try {
          const outcome = await renderBatch(engine, batch, { timeoutMs: timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS, signal: abort.signal });
          if (outcome.ok) {
            builds.batches++;
            builds.batchedOverlays += batch.length;
          } else {
            builds.rejected.push({ engine: engineLabel(engine), overlays: batch.map((m) => displayOf(m.dir)), reason: outcome.reason });
          }
          return outcome;
        } catch (error) {
          return { ok: false, reason: `the batch could not be written: ${(error as Error).message}`, durationMs: 0 };
        }
      }),
    ),
  );
  ctx.batchedRender = async (engine, dir) => {
    const batch = batchOf.get(dir);
    const e = list.indexOf(engine);
    if (batch === undefined || e < 0) return null;
    const outcome = await outcomes[e]![batch]!;
    return outcome.ok ? (outcome.renders.get(dir) ?? null) : null;
  };
  // Work in batch order: cached reports, then each batch's overlays, then the rest.
  const order = planned.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
  function rank(i: number): number {
    const p = planned[i]!;
    if (p.hit) return -1;
    return batchOf.get(p.target.absolute) ?? batches.length;
  }
  const reports: OverlayReport[] = new Array(targets.length);
  let next = 0;
  let done = 0;
  let cached = 0;
  let failed = false;
  let slowest: VerifyProgress['slowest'] = null;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? os.availableParallelism(), targets.length)) }, async () => {
    while (next < order.length && !failed) {
      const index = order[next++]!;
      const { target, key, hit, expectation } = planned[index]!;
      if (hit) cached++;
      let report: OverlayReport;
      try {
        report = hit ? { ...hit, cached: true } : await verifyOverlay(ctx, target.absolute, target.display, expectation as OverlayExpectation);
      } catch (error) {
        failed = true;
        abort.abort(); // kill the builds still running: the run ends with this error
        throw error;
      }
      if (key && !hit) cache!.set(key, report);
      reports[index] = options.strict ? { ...report, ok: report.findings.length === 0 } : report;
      done++;
      if (!hit && (!slowest || report.durationMs > slowest.durationMs)) slowest = { dir: report.dir, durationMs: report.durationMs };
      options.onProgress?.({ done, total: targets.length, slowest });
    }
  });
  await Promise.all(workers);
  return { ok: reports.every((r) => r.ok), engine: list[0]!.argv, engines: list.map(engineLabel), engineDetails: list.map((e) => e.detail ?? ''), overlays: reports, cached, builds };
}
