/**
 * The one adapter for `jsonc-parser` (Microsoft's JSON scanner and editor, the one VS Code edits
 * settings files with): replaces values of a JSON text in place, so everything else in the text
 * (indentation, line breaks, key order, spacing, a CRLF line end) stays byte for byte.
 * @see https://github.com/microsoft/node-jsonc-parser#readme (`modify`, `applyEdits`)
 *
 * Imported from the package's ES module build (`lib/esm/`, its `module` field): its `main` is a UMD
 * wrapper that requires `./impl/*` through a factory argument, which esbuild cannot follow, so the
 * CLI bundle failed with "Cannot find module './impl/format'".
 */
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser/lib/esm/main.js';

/** A JSON path: object keys and array indices from the root, e.g. `['images', 'redis', 'tag']`. */
export type JsonPath = ReadonlyArray<string | number>;

/**
 * Replaces the value at each path of `text` with the JSON of its new value; nothing else in the
 * text changes (a path the text lacks is inserted by `jsonc-parser` with two-space indentation and
 * the text's line ends).
 * @param text a JSON document.
 * @param changes paths with their new values (JSON values; a string is written as a JSON string).
 * @returns the edited text.
 * @throws Error when `text` is not JSON (the caller has parsed it before, so this is a bug).
 */
export function replaceJsonValues(text: string, changes: ReadonlyArray<{ path: JsonPath; value: unknown }>): string {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length) throw new Error(`replaceJsonValues: expected a JSON text, received one with ${errors.length} syntax error(s) (first at offset ${errors[0]!.offset})`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let edited = text;
  for (const change of changes) {
    edited = applyEdits(edited, modify(edited, [...change.path], change.value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol } }));
  }
  return edited;
}
