/**
 * Prints a `SemanticDiff`: a compact text form (stable, compared byte for byte by golden tests) and a
 * JSON form for tools.
 */
import picocolors from 'picocolors';
import type { FieldChange, SemanticDiff } from './semantic-diff.ts';

/** The names the two sides are printed with (e.g. `overlays/current_version`, `HEAD~1:overlays/enterprise`). */
export interface DiffLabels {
  a: string;
  b: string;
}

/** Longest value printed in text before it is cut with `…` (JSON output is never cut). */
export const MAX_TEXT_VALUE = 120;

function value(v: unknown): string {
  const text = v === undefined ? 'undefined' : JSON.stringify(v);
  return text.length > MAX_TEXT_VALUE ? `${text.slice(0, MAX_TEXT_VALUE - 1)}…` : text;
}

function changeLine(change: FieldChange): string {
  switch (change.kind) {
    case 'added':
      return `${change.path}: (added) ${value(change.new)}`;
    case 'removed':
      return `${change.path}: ${value(change.old)} → (removed)`;
    case 'changed':
      return `${change.path}: ${value(change.old)} → ${value(change.new)}`;
    case 'moved':
      return `${change.path}: (moved) ${change.old} → ${change.new}`;
  }
}

/**
 * The line that says how namespaces were paired, or `null` when both sides use the same ones:
 * `namespace clearml → clearml-acme: objects paired by kind and name across the move`, or, with no
 * move inferred, which namespaces only one side uses and that objects were paired by namespace.
 */
export function namespaceLine(namespaces: SemanticDiff['namespaces']): string | null {
  const { move, onlyInA, onlyInB } = namespaces;
  if (move) return `namespace ${move.from} → ${move.to}: objects paired by kind and name across the move`;
  if (!onlyInA.length && !onlyInB.length) return null;
  if (onlyInA.length === 1 && onlyInB.length === 1) return `namespace ${onlyInA[0]} → ${onlyInB[0]} not followed (namespace move off): objects paired by kind, namespace and name`;
  const list = (names: string[]) => names.join(', ') || 'none';
  return `namespaces differ (only in A: ${list(onlyInA)}; only in B: ${list(onlyInB)}), not one namespace moved: objects paired by kind, namespace and name`;
}

/**
 * The text form:
 * ```
 * --- A
 * +++ B
 * namespace nA → nB: objects paired by kind and name across the move   (only when the sides' namespaces differ; see namespaceLine)
 * + Kind/namespace/name (apiVersion)        one line per object only in B
 * - Kind/namespace/name (apiVersion)        one line per object only in A
 * ~ Kind/namespace/name                     per changed object, then one indented line per field:
 *     path: old → new                       changed (values as compact JSON, cut at 120 characters)
 *     path: (added) new
 *     path: old → (removed)
 *     path: (moved) oldIndex → newIndex
 * 3 added, 0 removed, 5 changed
 * ```
 * Equal sides print `no differences (N objects)` after the header; sides that differ only by a namespace
 * move print the move and `no other differences (N objects)`. A changed object's apiVersion is
 * printed too when another listed object has the same id with a different apiVersion.
 * @param options.color ANSI colours (green added, red removed, yellow changed, cyan moved).
 */
export function formatDiffText(diff: SemanticDiff, labels: DiffLabels, options: { color: boolean }): string {
  const c = picocolors.createColors(options.color);
  const lines = [c.bold(c.red(`--- ${labels.a}`)), c.bold(c.green(`+++ ${labels.b}`))];
  const namespaces = namespaceLine(diff.namespaces);
  if (namespaces) lines.push(c.cyan(namespaces));
  const objects = `${diff.unchanged} object${diff.unchanged === 1 ? '' : 's'}`;
  if (diff.equal) return `${[...lines, `no differences (${objects})`].join('\n')}\n`;
  if (!diff.added.length && !diff.removed.length && !diff.changed.length) return `${[...lines, `no other differences (${objects})`].join('\n')}\n`;
  const versions = new Map<string, Set<string>>();
  for (const o of [...diff.added, ...diff.removed, ...diff.changed]) versions.set(o.id, (versions.get(o.id) ?? new Set()).add(o.apiVersion));
  for (const o of diff.added) lines.push(c.green(`+ ${o.id} (${o.apiVersion})`));
  for (const o of diff.removed) lines.push(c.red(`- ${o.id} (${o.apiVersion})`));
  const paint = { added: c.green, removed: c.red, changed: c.yellow, moved: c.cyan };
  for (const o of diff.changed) {
    lines.push(c.yellow(`~ ${o.id}${versions.get(o.id)!.size > 1 ? ` (${o.apiVersion})` : ''}`));
    for (const change of o.changes) lines.push(paint[change.kind](`    ${changeLine(change)}`));
  }
  lines.push(`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`);
  return `${lines.join('\n')}\n`;
}

/**
 * The JSON form (2-space indented, newline-terminated):
 * `{equal, a, b, namespaceMove: {from, to} | null, namespacesOnlyIn: {a: [..], b: [..]},
 *   added: [{id, apiVersion}], removed: [{id, apiVersion}],
 *   changed: [{id, apiVersion, changes: [{kind, path, pointer, old?, new?}]}], unchanged}`;
 * `a` and `b` are the labels; values are never cut; `moved` has `old`/`new` indices. With a
 * `namespaceMove`, changed objects carry B's id and removed ones A's.
 */
export function formatDiffJson(diff: SemanticDiff, labels: DiffLabels): string {
  const ref = (o: { id: string; apiVersion: string }) => ({ id: o.id, apiVersion: o.apiVersion });
  return `${JSON.stringify(
    {
      equal: diff.equal,
      a: labels.a,
      b: labels.b,
      namespaceMove: diff.namespaces.move,
      namespacesOnlyIn: { a: diff.namespaces.onlyInA, b: diff.namespaces.onlyInB },
      added: diff.added.map(ref),
      removed: diff.removed.map(ref),
      changed: diff.changed.map((o) => ({ ...ref(o), changes: o.changes })),
      unchanged: diff.unchanged,
    },
    null,
    2,
  )}\n`;
}
