/**
 * A semantic diff of two renderings: objects paired by apiVersion/kind/namespace/name, and for each
 * pair every changed field, with list items matched by `name` (as Kubernetes merges containers, env,
 * ports, volumes, volumeMounts …) and by position otherwise. The field diff is jsondiffpatch's; this
 * module turns its delta into a flat, sorted list of changes with readable paths and JSON pointers.
 */
import { create, type Delta } from 'jsondiffpatch';
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { inferNamespaceMove, intoNamespace, type NamespacePairing } from './namespace-move.ts';

/** One object, as listed among the added or removed ones. */
export interface DiffObjectRef {
  /** `Kind/namespace/name` (`Kind/name` when cluster-scoped), as `objectId` prints it. */
  id: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * One changed field of a paired object.
 * - `added`: the field or list item exists only in B (`new` is its value);
 * - `removed`: only in A (`old` is its value);
 * - `changed`: both have it, with different values (`old` → `new`; also a change of type);
 * - `moved`: a list item present in both whose position changed relative to the others (matched by
 *   `name`; `old` and `new` are its indices in A and in B). Reported for every list, since order
 *   matters for some (containers, env for `$(VAR)` expansion).
 */
export interface FieldChange {
  kind: 'added' | 'removed' | 'changed' | 'moved';
  /** Readable path: `spec.template.spec.containers[apiserver].env[X].value`, `metadata.labels["app.kubernetes.io/name"]`, `spec.rules[0].host`. */
  path: string;
  /** RFC 6901 pointer into B (into A for `removed`), with list indices: `/spec/ports/0/nodePort`. */
  pointer: string;
  old?: unknown;
  new?: unknown;
}

/** An object present on both sides with at least one changed field. */
export interface ChangedObject extends DiffObjectRef {
  /** Sorted by path (list items by name, or numerically by index), then removed, added, changed, moved. */
  changes: FieldChange[];
}

/** The result of `semanticDiff`. Each list is sorted by kind, then namespace, then name (then apiVersion). */
export interface SemanticDiff {
  /** No object added, removed or changed, and no namespace move. */
  equal: boolean;
  /**
   * The namespaces only one side uses and the move inferred from them (`inferNamespaceMove`). With a
   * move, A's objects in `move.from` pair with B's of the same kind and name in `move.to` (and the
   * Namespace `from` with the Namespace `to`); changed objects are listed by B's id, removed ones by A's.
   */
  namespaces: NamespacePairing;
  /** Objects only in B. */
  added: DiffObjectRef[];
  /** Objects only in A. */
  removed: DiffObjectRef[];
  changed: ChangedObject[];
  /** Objects identical on both sides. */
  unchanged: number;
}

/** A step of a path: an object key, or a list item (shown by `name` when it has a unique one). */
type Segment = { key: string } | { index: number; aIndex: number; name: string | null };

interface RawChange {
  kind: FieldChange['kind'];
  segments: Segment[];
  /** Pointer side: B for everything but removals. */
  side: 'a' | 'b';
  old?: unknown;
  new?: unknown;
}

/** How list items are matched: by a string `name` when they have one, else by position. */
function itemHash(item: object, index?: number): string {
  const name = (item as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `name:${name}` : `$$index:${index}`;
}

const differ = create({ objectHash: itemHash, arrays: { detectMove: true, includeValueOnMove: false }, cloneDiffValues: true });

function refOf(object: ManifestObject): DiffObjectRef {
  const ref: DiffObjectRef = { id: objectId(object), apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  return ref;
}

function compareRefs(x: DiffObjectRef, y: DiffObjectRef): number {
  const keys = (r: DiffObjectRef) => [r.kind, r.namespace ?? '', r.name, r.apiVersion];
  const [a, b] = [keys(x), keys(y)];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

const pairKey = (o: ManifestObject) => JSON.stringify([o.apiVersion, o.kind, o.metadata.namespace ?? '', o.metadata.name]);

/**
 * Compares two renderings. Pure: the inputs are not modified.
 *
 * Objects pair by apiVersion, kind, namespace and name (a changed apiVersion is a removal plus an
 * addition). When the sides differ by one namespace move (`inferNamespaceMove`: exactly one
 * namespace only in A and one only in B), A's objects are first put into B's namespace
 * (`intoNamespace`: `metadata.namespace`, and the Namespace object's name) so they pair by kind and
 * name across the move; the move is reported once in `namespaces.move`, and any other field naming
 * the namespace (a RoleBinding subject, a URL) still differs and is listed. Within a pair, maps compare by key; lists match items by their string `name` where
 * items have one (containers, initContainers, env, ports, volumes, volumeMounts …) and by position
 * otherwise (envFrom, rules, args …); a scalar list item replaced in place is one `changed`.
 *
 * @param a the objects of side A (e.g. the old rendering); @param b those of side B.
 * @param options.namespaceMove `false` pairs by namespace even when one moved (default: infer a move).
 * @returns added, removed and changed objects, each sorted by kind, namespace, name.
 */
export function semanticDiff(a: readonly ManifestObject[], b: readonly ManifestObject[], options: { namespaceMove?: boolean } = {}): SemanticDiff {
  const namespaces = inferNamespaceMove(a, b, { infer: options.namespaceMove });
  const move = namespaces.move;
  // The original A object of each rewritten one: removed objects are listed as A has them.
  const original = new Map<ManifestObject, ManifestObject>();
  const moved = move ? a.map((o) => { const m = intoNamespace(o, move); original.set(m, o); return m; }) : a;
  const left = new Map(moved.map((o) => [pairKey(o), o]));
  const right = new Map(b.map((o) => [pairKey(o), o]));
  const added: DiffObjectRef[] = [];
  const removed: DiffObjectRef[] = [];
  const changed: ChangedObject[] = [];
  let unchanged = 0;
  for (const [key, object] of left) if (!right.has(key)) removed.push(refOf(original.get(object) ?? object));
  for (const [key, after] of right) {
    const before = left.get(key);
    if (!before) {
      added.push(refOf(after));
      continue;
    }
    const delta = differ.diff(before, after);
    const changes = delta === undefined ? [] : fieldChanges(delta, before, after);
    if (changes.length) changed.push({ ...refOf(after), changes });
    else unchanged++;
  }
  added.sort(compareRefs);
  removed.sort(compareRefs);
  changed.sort(compareRefs);
  return { equal: !move && !added.length && !removed.length && !changed.length, namespaces, added, removed, changed, unchanged };
}

/** Turns a jsondiffpatch delta of one object pair into sorted field changes. */
function fieldChanges(delta: Delta, before: unknown, after: unknown): FieldChange[] {
  const raw: RawChange[] = [];
  walk(delta, before, after, [], raw);
  raw.sort(compareRaw);
  return raw.map((c) => {
    const change: FieldChange = { kind: c.kind, path: formatPath(c.segments), pointer: formatPointer(c.segments, c.side) };
    if (c.kind !== 'added') change.old = c.old;
    if (c.kind !== 'removed') change.new = c.new;
    return change;
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks a delta. Leaf deltas: `[new]` added, `[old, new]` changed, `[old, 0, 0]` removed,
 * `[diff, 0, 2]` text diff (not enabled here; read from the values), `['', to, 3]` moved (array
 * level). Array deltas (`_t: 'a'`): key `N` is the index in B, `_N` the index in A.
 */
function walk(delta: Delta, a: unknown, b: unknown, segments: Segment[], out: RawChange[]): void {
  if (Array.isArray(delta)) {
    if (delta.length === 1) out.push({ kind: 'added', segments, side: 'b', new: delta[0] });
    else if (delta.length === 2) out.push({ kind: 'changed', segments, side: 'b', old: delta[0], new: delta[1] });
    else if (delta[2] === 0) out.push({ kind: 'removed', segments, side: 'a', old: delta[0] });
    else out.push({ kind: 'changed', segments, side: 'b', old: a, new: b });
    return;
  }
  const record: unknown = delta;
  if (!isRecord(record)) return;
  if (record._t === 'a' && Array.isArray(a) && Array.isArray(b)) {
    walkArray(record, a, b, segments, out);
    return;
  }
  for (const [key, child] of Object.entries(record)) {
    walk(child as Delta, isRecord(a) ? a[key] : undefined, isRecord(b) ? b[key] : undefined, [...segments, { key }], out);
  }
}

/** The display name of `list[index]`: its `name` when it is a string unique in the list. */
function itemName(list: readonly unknown[], index: number): string | null {
  const name = (list[index] as { name?: unknown } | null)?.name;
  if (typeof name !== 'string') return null;
  return list.filter((item) => (item as { name?: unknown } | null)?.name === name).length === 1 ? name : null;
}

/** Whether an item is matched by position (no string `name`): such a removal plus addition at one index is a change. */
function positional(item: unknown): boolean {
  return !(typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string');
}

function walkArray(delta: Record<string, unknown>, a: readonly unknown[], b: readonly unknown[], segments: Segment[], out: RawChange[]): void {
  const removedAt = new Map<number, unknown>();
  const addedAt = new Map<number, unknown>();
  for (const [key, child] of Object.entries(delta)) {
    if (key === '_t') continue;
    const d = child as unknown[];
    if (key.startsWith('_')) {
      const from = Number(key.slice(1));
      if (d[2] === 3) {
        const to = d[1] as number;
        out.push({ kind: 'moved', segments: [...segments, { index: to, aIndex: from, name: itemName(b, to) }], side: 'b', old: from, new: to });
      } else {
        removedAt.set(from, d[0]);
      }
      continue;
    }
    const to = Number(key);
    if (Array.isArray(d) && d.length === 1) {
      addedAt.set(to, d[0]);
      continue;
    }
    // A matched item changed inside: find its index in A by the same hash the differ used.
    const hash = itemHash(b[to] as object, to);
    const from = typeof b[to] === 'object' && b[to] !== null ? a.findIndex((item, i) => typeof item === 'object' && item !== null && itemHash(item, i) === hash) : to;
    walk(child as Delta, a[from], b[to], [...segments, { index: to, aIndex: from, name: itemName(b, to) }], out);
  }
  for (const [from, old] of removedAt) {
    if (addedAt.has(from) && positional(old) && positional(addedAt.get(from))) {
      out.push({ kind: 'changed', segments: [...segments, { index: from, aIndex: from, name: null }], side: 'b', old, new: addedAt.get(from) });
      addedAt.delete(from);
    } else {
      out.push({ kind: 'removed', segments: [...segments, { index: from, aIndex: from, name: itemName(a, from) }], side: 'a', old });
    }
  }
  for (const [to, value] of addedAt) out.push({ kind: 'added', segments: [...segments, { index: to, aIndex: to, name: itemName(b, to) }], side: 'b', new: value });
}

const KIND_ORDER: Record<FieldChange['kind'], number> = { removed: 0, added: 1, changed: 2, moved: 3 };

function compareSegment(x: Segment, y: Segment): number {
  if ('key' in x && 'key' in y) return x.key === y.key ? 0 : x.key < y.key ? -1 : 1;
  if ('key' in x) return -1;
  if ('key' in y) return 1;
  if (x.name !== null && y.name !== null) return x.name === y.name ? 0 : x.name < y.name ? -1 : 1;
  if (x.name !== null) return 1;
  if (y.name !== null) return -1;
  return x.index - y.index;
}

function compareRaw(x: RawChange, y: RawChange): number {
  for (let i = 0; i < Math.min(x.segments.length, y.segments.length); i++) {
    const c = compareSegment(x.segments[i]!, y.segments[i]!);
    if (c) return c;
  }
  return x.segments.length - y.segments.length || KIND_ORDER[x.kind] - KIND_ORDER[y.kind];
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;
const PLAIN_NAME = /^[A-Za-z0-9_.-]+$/;

/** `spec.ports[http].nodePort`, `metadata.labels["app.kubernetes.io/name"]`, `spec.rules[0].host`. */
function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if ('key' in segment) out += PLAIN_KEY.test(segment.key) ? `${out ? '.' : ''}${segment.key}` : `[${JSON.stringify(segment.key)}]`;
    else if (segment.name === null) out += `[${segment.index}]`;
    else out += PLAIN_NAME.test(segment.name) && !/^\d+$/.test(segment.name) ? `[${segment.name}]` : `[${JSON.stringify(segment.name)}]`;
  }
  return out;
}

/** RFC 6901 pointer on one side (list indices of that side). */
function formatPointer(segments: readonly Segment[], side: 'a' | 'b'): string {
  return segments.map((s) => '/' + ('key' in s ? s.key.replace(/~/g, '~0').replace(/\//g, '~1') : String(side === 'a' ? s.aIndex : s.index))).join('');
}
