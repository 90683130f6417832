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

/**
 * The value at a JSON pointer (RFC 6901), or `undefined` when the path does not resolve. A plain
 * walk: fast-json-patch's `getValueByPointer` goes through its whole operation machinery and was
 * the composer's hottest call.
 */
export function valueAt(document: unknown, pointer: string): unknown {
  let node: any = document;
  for (const token of pointerTokens(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else {
      if (!Object.hasOwn(node, token)) return undefined;
      node = node[token];
    }
  }
  return node;
}

/** Splits a JSON pointer into unescaped tokens (`/a~1b/0` → `['a/b', '0']`). */
export function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins tokens into a JSON pointer, escaping `~` and `/`. */
export function pointerFromTokens(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
