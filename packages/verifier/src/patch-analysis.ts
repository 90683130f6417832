/**
 * Patch hygiene where kustomize is silent (kubernetes-sigs/kustomize#4379, #4380): replays an
 * overlay's own `patches[]` on the objects it builds on, in process, to find targets that match
 * nothing and `replace` operations that create a field instead of replacing one. The replay also
 * records which patch operation wrote which field, so any finding can name the kustomization file,
 * patch index and operation that set it.
 *
 * Targets are matched by the composer's model of kustomize (`targetMatches`), the same code that
 * proves a composed overlay reproduces its profile.
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { applyOperations, pointerTokens, targetMatches, valueAt } from '@clearml-k8s/overlay-composer';
import type { CheckFinding, FindingSource } from './finding.ts';
import type { PatchEntry } from './kustomization-files.ts';
import { outerPointer } from './pod-templates.ts';

export { parseLabelSelector, targetMatches } from '@clearml-k8s/overlay-composer';

/** A field written by a patch operation: object id, resolved JSON pointer, and where it came from. */
export interface PatchWrite {
  resource: string;
  path: string;
  source: FindingSource;
}

/** The outcome of replaying an overlay's patches. */
export interface PatchAnalysis {
  /** `patch-target` and `patch-replace-creates` findings, in patch order. */
  findings: CheckFinding<'patch-target' | 'patch-replace-creates'>[];
  writes: PatchWrite[];
}

/**
 * Replays `patches` over `parents` (the objects the kustomization builds on) in order.
 * @param file repository-relative kustomization file, for findings and sources.
 * @param rendered the overlay's build output: a target that matches only objects made by a
 *   generator or component (absent from `parents`) is not reported.
 */
export function analysePatches(file: string, patches: readonly PatchEntry[], parents: readonly ManifestObject[], rendered: readonly ManifestObject[]): PatchAnalysis {
  const findings: PatchAnalysis['findings'] = [];
  const writes: PatchWrite[] = [];
  const working = new Map(parents.map((o) => [objectId(o), structuredClone(o) as ManifestObject]));
  for (const patch of patches) {
    const where = `/patches/${patch.index}`;
    if (!patch.target) continue; // kustomize takes the target from a strategic-merge patch itself
    let matched: ManifestObject[];
    try {
      matched = [...working.values()].filter((o) => targetMatches(patch.target!, o));
      if (matched.length === 0 && rendered.some((o) => targetMatches(patch.target!, o))) continue;
    } catch (error) {
      findings.push({ check: 'patch-target', resource: file, path: `${where}/target`, message: `target ${JSON.stringify(patch.target)}: ${(error as Error).message}`, hint: 'write the selector as key=value, key!=value, key in (a,b), key or !key, separated by commas', source: { file, field: 'patches', index: patch.index } });
      continue;
    }
    if (matched.length === 0) {
      findings.push({
        check: 'patch-target',
        resource: file,
        path: `${where}/target`,
        message: `target ${JSON.stringify(patch.target)} matches no resource of ${parents.length} this kustomization builds on; kustomize skips the patch without a word (kustomize#4379)`,
        hint: 'fix the kind, name (an anchored regex) or namespace of the target, or delete the patch',
        source: { file, field: 'patches', index: patch.index },
      });
      continue;
    }
    if (!patch.operations) continue;
    for (const object of matched) {
      const id = objectId(object);
      let current: ManifestObject = object;
      for (const [operation, raw] of patch.operations.entries()) {
        const source: FindingSource = { file, field: 'patches', index: patch.index, operation };
        if (raw?.op === 'replace' && typeof raw.path === 'string' && valueAt(current, raw.path) === undefined) {
          findings.push({
            check: 'patch-replace-creates',
            resource: id,
            path: raw.path,
            message: `replace on ${raw.path}, which does not exist in ${id} before the patch: RFC 6902 says fail, kustomize adds the field (kustomize#4380)`,
            hint: 'use op: add to create the field, or fix the path (a test op in front catches a shifted index)',
            source,
          });
        }
        const resolved = resolvePath(current, raw);
        try {
          current = applyOperations(current, [raw as never]) as ManifestObject;
        } catch {
          break; // kustomize fails the build on this op; the build check reports it
        }
        if (resolved && raw.op !== 'test') writes.push({ resource: id, path: resolved, source });
      }
      working.set(id, current);
    }
  }
  return { findings, writes };
}

/** The concrete pointer an op writes (`/-` resolved to the appended index). */
function resolvePath(object: unknown, op: { op: string; path: string } | undefined): string | null {
  if (!op || typeof op.path !== 'string') return null;
  if (!op.path.endsWith('/-')) return op.path;
  const parent = valueAt(object, op.path.slice(0, -2));
  return Array.isArray(parent) ? `${op.path.slice(0, -2)}/${parent.length}` : null;
}

/**
 * The last patch operation that wrote `path` (or an ancestor of it) in `resource`, if any. A path
 * into an embedded document (`/data/template.yaml#/spec/...`) is traced to the write of its string
 * (`/data/template.yaml`).
 * @returns the source to attach to a finding, or undefined.
 */
export function sourceOf(writes: readonly PatchWrite[], resource: string, path: string): FindingSource | undefined {
  const tokens = pointerTokens(outerPointer(path));
  for (let i = writes.length - 1; i >= 0; i--) {
    const write = writes[i]!;
    if (write.resource !== resource) continue;
    const written = pointerTokens(write.path);
    if (written.length <= tokens.length && written.every((t, k) => t === tokens[k])) return write.source;
  }
  return undefined;
}
