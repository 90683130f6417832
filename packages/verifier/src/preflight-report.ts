/** How `clearml-k8s preflight` prints its items: a terminal table (cli-table3) or JSON. */
import Table from 'cli-table3';
import type { PreflightItem } from './preflight.ts';

/** What `preflight` reports about one overlay. */
export interface PreflightResult {
  /** The overlay directory, repository-relative when inside the repository. */
  overlay: string;
  namespace: string;
  /** True when every item passed. */
  ok: boolean;
  items: PreflightItem[];
}

/** Width of the detail column, in characters (wrapped at word boundaries). */
const DETAIL_WIDTH = 70;

/**
 * A table: item id, ok/FAIL, subject, what was found; then each failed item's fix as `fix (id, subject): command`,
 * and a last line with the counts.
 */
export function formatPreflightReport(result: PreflightResult): string {
  const table = new Table({ head: ['item', 'result', 'subject', 'found'], colWidths: [24, 8, 34, DETAIL_WIDTH + 2], wordWrap: true, style: { head: [], border: [], compact: true } });
  for (const i of result.items) table.push([i.id, i.ok ? 'ok' : 'FAIL', i.subject, i.detail]);
  const failed = result.items.filter((i) => !i.ok);
  const fixes = failed.map((i) => `fix (${i.id}, ${i.subject}): ${i.fix}\n`).join('');
  const summary = failed.length
    ? `preflight ${result.overlay} (namespace ${result.namespace}): ${failed.length} of ${result.items.length} items failed\n`
    : `preflight ${result.overlay} (namespace ${result.namespace}): all ${result.items.length} items passed\n`;
  return `${table.toString()}\n${fixes}${summary}`;
}

/** `{overlay, namespace, ok, items: [{id, ok, subject, detail, fix?}]}` as indented JSON with a trailing newline. */
export function formatPreflightJson(result: PreflightResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
