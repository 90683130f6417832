/**
 * The one adapter for `fast-json-patch` (RFC 6902). Default import, because the named ESM
 * exports fail in plain Node; documents are never mutated, except by `applyOperationsInPlace`.
 * @see https://www.rfc-editor.org/rfc/rfc6902
 */
import jsonpatch, { type Operation } from 'fast-json-patch';

/** One RFC 6902 operation, as kustomize reads them from a patch. */
export type PatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/**
 * The operations that turn `from` into `to` (fast-json-patch `compare`, no `test` ops).
 * Arrays are compared index by index. Equal documents (the common case: a build that renders what
 * was intended) answer `[]` after one walk that allocates nothing; `compare` builds the JSON pointer
 * of every nested object it visits, equal or not.
 */
export function diffDocuments(from: unknown, to: unknown): PatchOperation[] {
  if (sameJson(from, to)) return [];
  return jsonpatch.compare(from as object, to as object, false) as PatchOperation[];
}

/**
 * True when `a` and `b` are the same JSON: `===` primitives, or arrays (no holes) or objects with
 * prototype `Object.prototype` (no `toJSON`) with the same keys and equal values, all the way down.
 * Conservative: whenever it answers true, `compare` finds no operation; anything else (NaN, Dates,
 * class instances) answers false and goes to `compare`.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!(i in a) || !(i in b) || !sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (typeof x.toJSON === 'function' || typeof y.toJSON === 'function') return false;
  let keys = 0;
  for (const key in x) {
    if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false;
    keys++;
  }
  for (const _ in y) keys--;
  return keys === 0;
}

/**
 * Applies operations to a copy of `document`, validating each (a failing `test`, a `remove`
 * of a missing path, an `add` under a missing parent all throw).
 * @returns the patched copy; `document` is unchanged.
 * @throws fast-json-patch `JsonPatchError` (name `TEST_OPERATION_FAILED`, `OPERATION_PATH_UNRESOLVABLE`, ...).
 */
export function applyOperations<T>(document: T, operations: readonly PatchOperation[]): T {
  const copy = structuredClone(document);
  return jsonpatch.applyPatch(copy, operations as Operation[], true, true).newDocument as T;
}

/**
 * Applies operations to `document` itself (validated as `applyOperations`). The operations are
 * copied first, so values they carry never become shared with the document.
 * @throws fast-json-patch `JsonPatchError` as `applyOperations`; the document may then be partly patched.
 */
export function applyOperationsInPlace(document: object, operations: readonly PatchOperation[]): void {
  jsonpatch.applyPatch(document, structuredClone(operations) as Operation[], true, true);
}

/** JSON pointers are spelled once, in base-manifests (`json-pointer.ts`). */
export { pointerFromTokens, pointerTokens, valueAt } from '@clearml-k8s/base-manifests';
