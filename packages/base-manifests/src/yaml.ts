/**
 * The one adapter for the YAML libraries: every YAML file this project writes goes through
 * `stringifyManifests`, every YAML it reads through `parseManifests` (the `yaml` library, with
 * positions for error messages), with options pinned so output is byte-stable; kustomize's own
 * output goes through `parseBuildOutput` (js-yaml, several times faster, no positions needed).
 * @see https://eemeli.org/yaml/#options
 */
import jsYaml from 'js-yaml';
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';
import { Document, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit, type Scalar, type YAMLError } from 'yaml';
import { memoByJson } from './json-memo.ts';
import { pointerTokens } from './json-pointer.ts';

/**
 * Pinned stringify options: no line folding (`lineWidth: 0`), no anchors for repeated objects
 * (`aliasDuplicateObjects: false`), block sequences indented under their key like kubectl prints.
 */
const STRINGIFY_OPTIONS = { lineWidth: 0, minContentWidth: 0, indentSeq: true } as const;
const DOCUMENT_OPTIONS = { aliasDuplicateObjects: false } as const;

/**
 * At most this many alias nodes are expanded when a document is read (the `yaml` library's
 * `maxAliasCount`): a "billion laughs" document fails fast instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * Plain scalars that some YAML reader would not read as a string: YAML 1.1 (what kustomize uses for
 * JSON 6902 patch values, through sigs.k8s.io/yaml and go-yaml v2: `yes`, `on`, `y`, `0o17`, `1_000`,
 * `1:20`, `2024-01-01` become booleans, numbers or timestamps) or YAML 1.2 core (`true`, `0x1F`,
 * `1e3`, `.inf`, `null`, `~`). Strings like these are written double-quoted.
 * @see https://yaml.org/type/bool.html (YAML 1.1 booleans)
 * @see https://github.com/kubernetes-sigs/kustomize/blob/master/api/filters/patchjson6902/patchjson6902.go
 */
const AMBIGUOUS_PLAIN_SCALARS = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|N|n|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0o?[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
  /^<<$/,
];

/** True when `text`, written as a plain scalar, would be read as something other than a string by YAML 1.1 or 1.2. */
export function isAmbiguousPlainScalar(text: string): boolean {
  return AMBIGUOUS_PLAIN_SCALARS.some((re) => re.test(text));
}

/** A document of `value` whose ambiguous strings (keys included) are double-quoted. */
function quotedDocument(value: unknown): Document {
  const doc = new Document(value, DOCUMENT_OPTIONS);
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string' && !node.type && isAmbiguousPlainScalar(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc;
}

/** Where a parse error happened: file, 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** The stable codes of `YamlError`, each with what it means. */
export const YAML_ERROR_CODES = {
  YAML_INVALID: 'A YAML file (a manifest, a kustomization, a patch) cannot be parsed: syntax, indentation, duplicate keys, too many aliases.',
} as const;

/** A stable error code (key of `YAML_ERROR_CODES`). */
export type YamlErrorCode = keyof typeof YAML_ERROR_CODES;

/**
 * Thrown when a YAML file cannot be parsed; `code` is always `YAML_INVALID`. `message` is
 * `file:line:column: invalid YAML: reason; hint`; `reason` is the parser's first line, never more
 * of the file than that.
 */
export class YamlError extends ClearmlK8sError<YamlErrorCode> {
  constructor(readonly position: SourcePosition, readonly reason: string, readonly hint: string, options?: { cause?: unknown }) {
    super(
      {
        code: 'YAML_INVALID',
        message: `${position.file}:${position.line}:${position.column}: invalid YAML: ${reason}; ${hint}`,
        location: { file: position.file, line: position.line, column: position.column },
        expected: 'valid YAML',
        received: reason,
        hint,
      },
      options,
    );
    this.name = 'YamlError';
  }
}

/**
 * Serialises JSON values as one YAML stream: documents joined by `---`, LF line endings, one
 * trailing newline. An optional header comment (one `#` line per line of text) precedes the first
 * document.
 *
 * @param documents plain JSON values (objects in the order they should appear).
 * @param header text of the leading comment, without `#`.
 * @returns the YAML text; identical input gives identical bytes.
 */
export function stringifyManifests(documents: readonly unknown[], header?: string): string {
  const parts = documents.map((value, index) => {
    // The header as the yaml library writes a document's leading comment (each line after "#",
    // an empty line empty, then one empty line before the content); the content is rendered as
    // any document (and so shared with identical ones).
    if (index === 0 && header) return `${header.split('\n').map((line) => (line ? `# ${line}` : '')).join('\n')}\n\n${stringifyValue(value)}`;
    return stringifyValue(value);
  });
  return parts.join('---\n');
}

/**
 * A block-literal-friendly YAML rendering of one value, used for inline patch bodies. Renderings
 * are kept by the value's JSON text (`memoByJson`): compose renders the same patch bodies and objects
 * for many sites, and the rendering is a pure function of the (plain JSON) value.
 */
export const stringifyValue: (value: unknown) => string = memoByJson((value) => quotedDocument(value).toString(STRINGIFY_OPTIONS), 20_000);

/**
 * Parses a YAML stream into its documents, skipping empty ones (a trailing `---`).
 *
 * @param text the file's contents.
 * @param file the name to put in errors (repository-relative path or `<stdout of kustomize>`).
 * @returns one JSON value per non-empty document.
 * @throws YamlError (`YAML_INVALID`) with file, line and column of the first error.
 */
export function parseManifests(text: string, file: string): unknown[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    throwFirstError(doc.errors, lineCounter, file);
    const value = toJS(doc, lineCounter, file);
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/**
 * Parses a single-document YAML file.
 * @throws YamlError (`YAML_INVALID`) as `parseManifests`.
 */
export function parseManifest(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  throwFirstError(doc.errors, lineCounter, file);
  return toJS(doc, lineCounter, file);
}

/**
 * `doc.toJS()` with aliases capped at `MAX_ALIAS_COUNT`; an unresolved alias (`*nothing`) or too many
 * become a YamlError at the first alias node instead of a ReferenceError.
 */
function toJS(doc: Document.Parsed, lineCounter: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let offset = 0;
    const unresolved = /Unresolved alias[^:]*: (.*)$/.exec(error.message)?.[1];
    visit(doc, {
      Alias(_key, node) {
        if (unresolved !== undefined && node.source !== unresolved) return undefined;
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = lineCounter.linePos(offset);
    const why = unresolved !== undefined ? `the alias *${unresolved} names no anchor before it` : `more than ${MAX_ALIAS_COUNT} aliases to expand (a document that grows exponentially)`;
    const fix = unresolved !== undefined ? 'define the anchor (&name) before the alias, or write the value itself' : 'write the values out instead of aliasing them';
    throw new YamlError({ file, line: pos.line, column: pos.col }, why, fix, { cause: error });
  }
}

function throwFirstError(errors: readonly YAMLError[], lineCounter: LineCounter, file: string): void {
  const error = errors[0];
  if (!error) return;
  const pos = lineCounter.linePos(error.pos[0]);
  const reason = (error.message.split('\n')[0] ?? '').slice(0, 200);
  throw new YamlError({ file, line: pos.line, column: pos.col }, reason, 'fix the syntax at that position', { cause: error });
}

/**
 * Parses a single-document YAML file and keeps the line and column of its nodes, for messages that
 * point at a field.
 * @returns the value and `positionOf(pointer, part)`: the 1-based `{line, column}` where the node
 *   at a JSON pointer (RFC 6901) starts, or `null` when there is no such node. `part: 'key'` gives
 *   the position of the mapping key naming the node instead (the node itself when it is a sequence
 *   item or the document). Keys match by their string form (`30008:` is found by `/30008`).
 * @throws YamlError (`YAML_INVALID`) as `parseManifest`.
 */
export function parseManifestWithPositions(text: string, file: string): {
  value: unknown;
  positionOf(pointer: string, part?: 'key' | 'value'): { line: number; column: number } | null;
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  throwFirstError(doc.errors, lineCounter, file);
  type Ranged = { range?: [number, number, number] | null } | null | undefined;
  const at = (node: Ranged) => {
    const offset = node?.range?.[0];
    if (offset === undefined) return null;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return {
    value: toJS(doc, lineCounter, file),
    positionOf(pointer, part = 'value') {
      const keys = pointerTokens(pointer);
      let node: unknown = doc.contents;
      let keyNode: unknown = null;
      for (const key of keys) {
        keyNode = null;
        if (isMap(node)) {
          const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === key);
          if (!pair) return null;
          [keyNode, node] = [pair.key, pair.value];
        } else if (isSeq(node) && /^\d+$/.test(key)) {
          node = node.items[Number(key)];
        } else return null;
        if (node === undefined) return null;
      }
      return (part === 'key' && at(keyNode as Ranged)) || at(node as Ranged) || at(keyNode as Ranged);
    },
  };
}

/**
 * Parses one YAML document quickly, as `parseBuildOutput` does a stream: js-yaml with the YAML 1.2
 * core schema, and `parseManifest` again when js-yaml rejects the text, for the error and its
 * position. For files read many times where positions are not needed up front (kustomization files
 * and patches during `verify`).
 * @throws YamlError (`YAML_INVALID`) as `parseManifest`.
 */
export function parseManifestFast(text: string, file: string): unknown {
  try {
    return jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) ?? null;
  } catch {
    return parseManifest(text, file);
  }
}

/**
 * Parses machine-written YAML streams (kustomize build output) quickly: js-yaml with the YAML 1.2
 * core schema (no timestamps or merge keys, like `parseManifests`), without node positions. When
 * js-yaml rejects the text, `parseManifests` parses it again to report the error with its position.
 * @returns one JSON value per non-empty document.
 * @throws YamlError (`YAML_INVALID`) as `parseManifests`.
 */
export function parseBuildOutput(text: string, file: string): unknown[] {
  try {
    return jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA }).filter((value: unknown) => value !== null && value !== undefined);
  } catch {
    return parseManifests(text, file);
  }
}
