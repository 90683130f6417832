/**
 * Env vars a desired object drops, as RFC 6902 `remove` operations. fast-json-patch compares arrays
 * index by index, so dropping one env var early in a list would rewrite every entry after it; an env
 * list is keyed by `name` (its list-map key in the Kubernetes API), so a dropped name is one `remove`.
 * Only `env` lists are aligned: container lists keep their indices (image overrides are found by them).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#environment-variables
 */
import { applyOperationsInPlace, pointerFromTokens, type PatchOperation } from './json-patch.ts';

type Named = { name: string };
const isNamedList = (value: unknown): value is Named[] =>
  Array.isArray(value) && value.every((e) => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string');

/**
 * The `remove` operations for env vars of `from` whose name `to` no longer has, and `from` with
 * them removed (what to diff against `to` for the rest).
 * @param from the parent's object (not modified).
 * @param to the desired object.
 * @returns `removals`, in the order to apply them (per list, highest index first), and `aligned`:
 *   a copy of `from` after them (`from` itself when there are none; do not modify it).
 */
export function envRemovals(from: unknown, to: unknown): { aligned: unknown; removals: PatchOperation[] } {
  const removals: PatchOperation[] = [];
  walk(from, to, [], removals);
  if (removals.length === 0) return { aligned: from, removals };
  const aligned = structuredClone(from) as object;
  applyOperationsInPlace(aligned, removals);
  return { aligned, removals };
}

function walk(from: unknown, to: unknown, tokens: string[], removals: PatchOperation[]): void {
  if (typeof from !== 'object' || from === null || typeof to !== 'object' || to === null) return;
  if (Array.isArray(from)) {
    if (!Array.isArray(to)) return;
    for (let i = 0; i < Math.min(from.length, to.length); i++) walk(from[i], to[i], [...tokens, String(i)], removals);
    return;
  }
  if (Array.isArray(to)) return;
  const target = to as Record<string, unknown>;
  const source = from as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!(key in target)) continue;
    const list = source[key];
    const wanted = target[key];
    if (key === 'env' && isNamedList(list) && isNamedList(wanted)) {
      const keep = new Set(wanted.map((e) => e.name));
      for (let i = list.length - 1; i >= 0; i--) {
        if (keep.has(list[i]!.name)) continue;
        removals.push({ op: 'remove', path: pointerFromTokens([...tokens, key, String(i)]) });
      }
      continue;
    }
    walk(list, wanted, [...tokens, key], removals);
  }
}
