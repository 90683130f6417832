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
 * Arrays are compared index by index.
 */
export function diffDocuments(from: unknown, to: unknown): PatchOperation[] {
  return jsonpatch.compare(from as object, to as object, false) as PatchOperation[];
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
