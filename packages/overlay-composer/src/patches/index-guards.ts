/**
 * Guards index-based JSON-patch paths. `/spec/ports/1/nodePort` silently hits the wrong element
 * after the base is reordered; a `test` op in front of it makes the build fail loudly instead
 * ("testing value ... failed"). Appends become `/-`.
 * @see ../../../../shared/reference/kustomize-and-verification.md ("Where kustomize is silent")
 */
import { applyOperationsInPlace, pointerFromTokens, pointerTokens, valueAt, type PatchOperation } from './json-patch.ts';

/**
 * For each operation whose path crosses an array index, inserts `test` ops that pin the element's
 * identity: its `name` when it has one (containers, env, ports, volumes), else its whole value.
 * An `add` at the end of an array is rewritten to `/-`. Tests are evaluated against the document
 * as the preceding operations left it, so they hold when kustomize applies the list in order.
 *
 * @param document the object the operations apply to (not modified).
 * @param operations RFC 6902 operations, as produced by `diffDocuments`.
 * @returns the guarded list; applying it to `document` gives the same result as `operations`.
 */
export function guardIndexPaths(document: unknown, operations: readonly PatchOperation[]): PatchOperation[] {
  const current = structuredClone(document) as object; // a private copy, patched in place op by op
  const guarded: PatchOperation[] = [];
  const emitted = new Map<string, string>();
  for (const original of operations) {
    let op = original;
    const tokens = pointerTokens(op.path);
    for (let i = 0; i < tokens.length; i++) {
      const container = valueAt(current, pointerFromTokens(tokens.slice(0, i)));
      const token = tokens[i]!;
      if (!Array.isArray(container) || !/^\d+$/.test(token)) continue;
      const index = Number(token);
      const isLast = i === tokens.length - 1;
      if (isLast && op.op === 'add' && index === container.length) {
        op = { ...op, path: pointerFromTokens([...tokens.slice(0, i), '-']) };
        continue;
      }
      const element: unknown = container[index];
      if (element === undefined) continue;
      const hasName = typeof element === 'object' && element !== null && typeof (element as { name?: unknown }).name === 'string';
      const testPath = pointerFromTokens(hasName ? [...tokens.slice(0, i + 1), 'name'] : tokens.slice(0, i + 1));
      const test: PatchOperation = { op: 'test', path: testPath, value: hasName ? (element as { name: string }).name : structuredClone(element) };
      const key = JSON.stringify(test);
      if (!emitted.has(key)) {
        guarded.push(test);
        emitted.set(key, testPath);
      }
    }
    guarded.push(op);
    const invalidated = op.op === 'test' ? null : invalidatedPrefix(current, op);
    applyOperationsInPlace(current, [op]);
    if (invalidated !== null) {
      for (const [key, testPath] of emitted) if (testPath === invalidated || testPath.startsWith(`${invalidated}/`)) emitted.delete(key);
    }
  }
  return guarded;
}

/**
 * The pointer under which earlier tests may no longer hold after `op`, or `null`: the array whose
 * elements an insert or removal shifts, or the value a replace or remove changes. Appends (`/-`)
 * shift nothing.
 */
function invalidatedPrefix(before: unknown, op: PatchOperation): string | null {
  const tokens = pointerTokens(op.path);
  const last = tokens.at(-1) ?? '';
  if (last === '-') return null;
  const parent = pointerFromTokens(tokens.slice(0, -1));
  if ((op.op === 'add' || op.op === 'remove') && /^\d+$/.test(last) && Array.isArray(valueAt(before, parent))) return parent;
  if (op.op === 'add' && valueAt(before, op.path) === undefined) return null;
  return op.path;
}
