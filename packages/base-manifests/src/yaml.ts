/**
 * The one adapter for the YAML libraries: every YAML file this project writes goes through
 * `stringifyManifests`, every YAML it reads through `parseManifests` (the `yaml` library, with
 * positions for error messages), with options pinned so output is byte-stable; kustomize's own
 * output goes through `parseBuildOutput` (js-yaml, several times faster, no positions needed).
 * @see https://eemeli.org/yaml/#options
 */
import jsYaml from 'js-yaml';
import { Document, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type YAMLError } from 'yaml';

/**
 * Pinned stringify options: no line folding (`lineWidth: 0`), no anchors for repeated objects
 * (`aliasDuplicateObjects: false`), block sequences indented under their key like kubectl prints.
 */
const STRINGIFY_OPTIONS = { lineWidth: 0, minContentWidth: 0, indentSeq: true } as const;
const DOCUMENT_OPTIONS = { aliasDuplicateObjects: false } as const;

/** Where a parse error happened: file, 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Thrown when a YAML file cannot be parsed; `code` is always `YAML_INVALID`. */
export class YamlError extends Error {
  readonly code = 'YAML_INVALID';
  constructor(message: string, readonly position: SourcePosition, options?: { cause?: unknown }) {
    super(message, options);
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
    const doc = new Document(value, DOCUMENT_OPTIONS);
    if (index === 0 && header) doc.commentBefore = header.split('\n').map((line) => (line ? ` ${line}` : '')).join('\n');
    return doc.toString(STRINGIFY_OPTIONS);
  });
  return parts.join('---\n');
}

/** A block-literal-friendly YAML rendering of one value, used for inline patch bodies. */
export function stringifyValue(value: unknown): string {
  return new Document(value, DOCUMENT_OPTIONS).toString(STRINGIFY_OPTIONS);
}

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
    const value: unknown = doc.toJS({ maxAliasCount: -1 });
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
  return doc.toJS();
}

function throwFirstError(errors: readonly YAMLError[], lineCounter: LineCounter, file: string): void {
  const error = errors[0];
  if (!error) return;
  const pos = lineCounter.linePos(error.pos[0]);
  throw new YamlError(`${file}:${pos.line}:${pos.col}: invalid YAML: ${error.message.split('\n')[0]}; fix the syntax at that position`, { file, line: pos.line, column: pos.col }, { cause: error });
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
    value: doc.toJS(),
    positionOf(pointer, part = 'value') {
      const keys = pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
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
