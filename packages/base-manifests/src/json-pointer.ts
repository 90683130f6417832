/**
 * JSON pointers (RFC 6901), spelled once: split into tokens, join from tokens (escaping `~` as
 * `~0` and `/` as `~1`), and read the value a pointer names.
 * @see https://www.rfc-editor.org/rfc/rfc6901
 */

/** Escapes one reference token: `~` → `~0`, then `/` → `~1` (`example.com/note` → `example.com~1note`). */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Splits a JSON pointer into unescaped tokens (`/a~1b/0` → `['a/b', '0']`; `''` → `[]`). */
export function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Joins tokens into a JSON pointer, escaping each (`['metadata', 'labels', 'a/b']` → `/metadata/labels/a~1b`). */
export function pointerFromTokens(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

/**
 * The value at a JSON pointer, or `undefined` when the path does not resolve (array tokens must be
 * canonical indices; own properties only). A plain walk, no copies.
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
