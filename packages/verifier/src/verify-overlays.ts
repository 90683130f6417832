/**
 * Verifies many overlays in parallel (a pool sized to the CPUs; each build is a process).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listSites, PROFILES, OVERLAYS_DIR, SITES_DIR } from '@clearml-k8s/overlay-composer';
import { engineLabel, type Engine } from './engine.ts';
import { VerifierError } from './verifier-error.ts';
import { loadSchemaValidator } from './schema.ts';
import { expectationFor, verifyOverlay, type OverlayReport, type VerifyContext } from './verify-overlay.ts';

/** The result of a verify run; `ok` when no overlay has findings. */
export interface VerifyResult {
  ok: boolean;
  /** argv of the first engine (the one whose output is checked). */
  engine: string[];
  /** Every engine, as command strings, in the order given. */
  engines: string[];
  overlays: OverlayReport[];
}

/** Repository-relative directories of every stock overlay and, with `root`, every site under it. */
export function defaultOverlayDirs(root?: string): string[] {
  return [...PROFILES.map((p) => `${OVERLAYS_DIR}/${p.name}`), ...(root ? listSites(root).map((name) => `${SITES_DIR}/${name}`) : [])];
}

/**
 * @param engines one or more engines; with several, every overlay is built with each and the
 *   outputs are compared (`engine-mismatch`).
 * @param options.root repository root; relative `dirs` resolve against `options.cwd` (default root).
 * @param options.dirs overlay directories (default: every stock overlay and every site).
 * @param options.concurrency builds at once (default: available CPUs).
 * @throws VerifierError `OVERLAY_NOT_FOUND` when a directory has no kustomization file.
 */
export async function verifyOverlays(engines: Engine | readonly Engine[], options: { root: string; cwd?: string; dirs?: string[]; concurrency?: number }): Promise<VerifyResult> {
  const cwd = options.cwd ?? options.root;
  const dirs = options.dirs?.length ? options.dirs : defaultOverlayDirs(options.root).map((d) => path.join(options.root, d));
  const targets = dirs.map((d) => {
    const absolute = path.resolve(cwd, d);
    const hasKustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((f) => existsSync(path.join(absolute, f)));
    if (!hasKustomization) {
      throw new VerifierError('OVERLAY_NOT_FOUND', `${d}: expected a directory with kustomization.yaml, received ${existsSync(absolute) ? 'a directory without one' : 'no such path'}; pass an overlay directory such as overlays/current_version`, d);
    }
    const relative = path.relative(options.root, absolute);
    return { absolute, display: relative.startsWith('..') ? absolute : relative.split(path.sep).join('/') };
  });
  const list = Array.isArray(engines) ? engines : [engines as Engine];
  const ctx: VerifyContext = { root: options.root, engines: list, schema: await loadSchemaValidator(), parentBuilds: new Map() };
  const reports: OverlayReport[] = new Array(targets.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? os.availableParallelism(), targets.length)) }, async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      reports[index] = await verifyOverlay(ctx, target.absolute, target.display, expectationFor(target.absolute, options.root));
    }
  });
  await Promise.all(workers);
  return { ok: reports.every((r) => r.ok), engine: list[0]!.argv, engines: list.map(engineLabel), overlays: reports };
}
