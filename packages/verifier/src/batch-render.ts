/**
 * Batched builds: one `kustomize build` of a generated kustomization that lists several overlays,
 * split back into one render per overlay. An engine start-up costs about as much as building a small
 * overlay, so building N overlays in one process is much cheaper than N processes.
 *
 * A batched build is used only where it is proven to give each overlay exactly what its own build
 * gives:
 * - the overlays of a batch are ones the composer wrote, whose objects the composer predicts (the
 *   promise's intended objects), and no two of them predict an object of the same identity
 *   (apiVersion group, kind, namespace, name), so the build cannot collide and every object of its
 *   output belongs to exactly one overlay;
 * - kustomize runs its name-reference fix-up again at the top of the batch, where a cluster-scoped
 *   referrer sees the same-named objects of every overlay (kustomize then fails with "found multiple
 *   possible referrals"): an overlay whose ClusterRoleBinding names a ServiceAccount, or whose
 *   PersistentVolume claims a PersistentVolumeClaim, shares no batch with an overlay that has an
 *   object of that kind and name; an overlay with a cluster-scoped kind other than Namespace,
 *   ClusterRole, ClusterRoleBinding, PriorityClass, StorageClass, IngressClass and
 *   PersistentVolume (whose references are not known here) is built by itself;
 * - no overlay sets `sortOptions` or `buildMetadata` (the batch's top kustomization would sort and
 *   annotate differently).
 * After the build, the output is accepted only when the engine exited 0, printed nothing on stderr
 * and valid objects on stdout, and every object's identity is one predicted for exactly one overlay,
 * with each overlay receiving exactly its predicted identities. Anything else (an error, a warning,
 * a timeout, an object nobody predicted, a predicted object missing) rejects the whole batch, and its
 * overlays are built separately, so a report never depends on whether a batch was used.
 *
 * Objects keep the engine's order: kustomize sorts the whole output once, by a total order of the
 * objects' identities, so the subsequence of one overlay is in its own build's order. The test
 * "batched builds equal separate builds" proves it on every fixture with the oldest and newest engines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { parseBuildOutput } from '@clearml-k8s/base-manifests/yaml';
import type { Engine } from './engine.ts';
import { DEFAULT_MAX_BUFFER_BYTES, runCommand } from './execa.ts';
import { readKustomization } from './kustomization-files.ts';
import { engineEnvironment, type RenderOptions, type RenderResult } from './render-overlay.ts';

/** An overlay that may join a batch. */
export interface BatchMember {
  /** Absolute path of the overlay directory. */
  dir: string;
  /** The objects its build must give (the composer's intended objects). */
  predicted: readonly ManifestObject[];
}

/** Largest number of overlays in one batch by default. */
export const DEFAULT_MAX_BATCH_SIZE = 24;

/**
 * The identity kustomize keys its objects by: apiVersion group, kind, namespace and name
 * (`apps|Deployment|clearml|clearml-apiserver`; a cluster-scoped object has an empty namespace).
 */
export function batchIdentity(object: Pick<ManifestObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  return `${group}|${object.kind}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
}

/** Cluster-scoped kinds whose name references are known (see `clusterReferences`). */
const KNOWN_CLUSTER_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'IngressClass', 'PersistentVolume']);

/**
 * The namespaced objects (`Kind/name`) that cluster-scoped objects of `objects` refer to by name:
 * the ServiceAccounts of ClusterRoleBindings' `subjects`, the claims of PersistentVolumes'
 * `claimRef`; null when a cluster-scoped kind outside {@link KNOWN_CLUSTER_KINDS} is present.
 */
function clusterReferences(objects: readonly ManifestObject[]): Set<string> | null {
  const refs = new Set<string>();
  for (const o of objects as any[]) {
    if (o.metadata.namespace) continue;
    if (!KNOWN_CLUSTER_KINDS.has(o.kind)) return null;
    if (o.kind === 'ClusterRoleBinding') for (const s of Array.isArray(o.subjects) ? o.subjects : []) if (s?.kind === 'ServiceAccount') refs.add(`ServiceAccount/${s.name}`);
    if (o.kind === 'PersistentVolume' && o.spec?.claimRef?.name) refs.add(`PersistentVolumeClaim/${o.spec.claimRef.name}`);
  }
  return refs;
}

/** Why `dir`'s own kustomization keeps it out of batches, or null when it may join one. */
function unbatchable(member: BatchMember): string | null {
  const k = readKustomization(member.dir);
  if (!k) return 'no kustomization file';
  if (k.content.sortOptions !== undefined) return 'it sets sortOptions';
  if (k.content.buildMetadata !== undefined) return 'it sets buildMetadata';
  return null;
}

/**
 * Groups overlays into batches whose builds cannot collide (see the module comment), in the given
 * order: each overlay joins the emptiest batch it fits in, or opens one. A batch of one is built
 * like any overlay.
 * @param options.maxSize most overlays in one batch (default {@link DEFAULT_MAX_BATCH_SIZE}).
 * @returns the batches, each a list of members; every member appears in exactly one.
 */
export function planBatches(members: readonly BatchMember[], options: { maxSize?: number } = {}): BatchMember[][] {
  const maxSize = Math.max(1, options.maxSize ?? DEFAULT_MAX_BATCH_SIZE);
  const batches: Array<{ members: BatchMember[]; ids: Set<string>; names: Set<string>; referred: Set<string> }> = [];
  const solo: BatchMember[][] = [];
  for (const member of members) {
    const ids = member.predicted.map(batchIdentity);
    const own = new Set(ids);
    const refs = clusterReferences(member.predicted);
    if (own.size !== ids.length || refs === null || unbatchable(member)) {
      solo.push([member]);
      continue;
    }
    const names = new Set(member.predicted.filter((o) => o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`));
    const fits = batches.filter((b) => b.members.length < maxSize && !ids.some((id) => b.ids.has(id)) && ![...refs].some((r) => b.names.has(r)) && ![...b.referred].some((r) => names.has(r)));
    // The emptiest batch that fits: overlays that must be apart spread over batches instead of
    // leaving a tail of batches of one.
    const fit = fits.reduce<(typeof fits)[number] | undefined>((best, b) => (!best || b.members.length < best.members.length ? b : best), undefined);
    if (fit) {
      fit.members.push(member);
      ids.forEach((id) => fit.ids.add(id));
      names.forEach((n) => fit.names.add(n));
      refs.forEach((r) => fit.referred.add(r));
    } else {
      batches.push({ members: [member], ids: own, names, referred: new Set(refs) });
    }
  }
  return [...batches.map((b) => b.members), ...solo];
}

/** The outcome of one batched build. */
export type BatchOutcome =
  | { ok: true; renders: Map<string, RenderResult>; durationMs: number }
  | { ok: false; reason: string; durationMs: number };

/**
 * Builds `members` as one kustomization (written to a temporary directory, removed afterwards) and
 * splits the output per overlay.
 * @returns `ok: true` with a render per member directory (exit 0, no stderr; `durationMs` the batch's
 *   time shared evenly), or `ok: false` with the reason the batch cannot stand for separate builds.
 * @throws only when the temporary directory cannot be written (then build separately too).
 */
export async function renderBatch(engine: Engine, members: readonly BatchMember[], options: RenderOptions = {}): Promise<BatchOutcome> {
  const started = performance.now();
  const done = (outcome: { ok: false; reason: string } | { ok: true; renders: Map<string, RenderResult> }): BatchOutcome => ({ ...outcome, durationMs: performance.now() - started });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-batch-'));
  try {
    // kustomize accepts only relative paths for directories (an absolute one is "cannot be absolute").
    const resources = members.map((m) => path.relative(scratch, m.dir).split(path.sep).join('/'));
    writeFileSync(path.join(scratch, 'kustomization.yaml'), ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...resources.map((r) => `  - ${JSON.stringify(r)}`), ''].join('\n'));
    const maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    const result = await runCommand([...engine.argv, scratch], { env: engineEnvironment(), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}), maxBufferBytes });
    if (result.timedOut) return done({ ok: false, reason: 'the batched build ran out of time' });
    if (result.outputTooLarge) return done({ ok: false, reason: 'the batched output exceeds the size cap' });
    const said = result.stderr.trim().split('\n').filter((l) => l.trim()).slice(0, 2).join(' ').slice(0, 300);
    if (result.exitCode !== 0) return done({ ok: false, reason: `the batched build exited ${result.exitCode}: ${said}` });
    if (said) return done({ ok: false, reason: `the batched build printed on stderr: ${said}` });
    let objects: ManifestObject[];
    try {
      objects = parseBuildOutput(result.stdout, `batched build of ${members.length} overlays`) as ManifestObject[];
    } catch {
      return done({ ok: false, reason: 'the batched output is not valid YAML' });
    }
    const owner = new Map<string, number>();
    members.forEach((m, i) => m.predicted.forEach((o) => owner.set(batchIdentity(o), i)));
    const split: ManifestObject[][] = members.map(() => []);
    const seen = new Set<string>();
    for (const object of objects) {
      const o = object as Partial<ManifestObject> | null;
      if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
        return done({ ok: false, reason: 'the batched output has a document that is not a Kubernetes object' });
      }
      const id = batchIdentity(object);
      const index = owner.get(id);
      if (index === undefined) return done({ ok: false, reason: `the batched output has ${id}, which no overlay of the batch predicts` });
      if (seen.has(id)) return done({ ok: false, reason: `the batched output has ${id} twice` });
      seen.add(id);
      split[index]!.push(object);
    }
    const missing = members.findIndex((m, i) => split[i]!.length !== m.predicted.length);
    if (missing >= 0) return done({ ok: false, reason: `${members[missing]!.dir}: the batched output lacks objects its promise predicts` });
    const share = (performance.now() - started) / members.length;
    return done({ ok: true, renders: new Map(members.map((m, i) => [m.dir, { exitCode: 0, objects: split[i]!, stderr: '', parseError: null, timedOut: false, durationMs: share }])) });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
