/**
 * Presents a verify result: a table (one row per overlay) followed by the findings, or JSON.
 */
import Table from 'cli-table3';
import type { VerifyResult } from './verify-overlays.ts';

/**
 * The human report: overlay, resources, NodePorts or hosts, result, time; then one line per
 * finding (`overlay [check] resource path: message`).
 */
export function formatReport(result: VerifyResult): string {
  const table = new Table({ head: ['overlay', 'resources', 'NodePorts / hosts', 'result', 'time'], style: { head: [], border: [] } });
  for (const o of result.overlays) {
    const exposure = Object.keys(o.nodePorts).length
      ? Object.entries(o.nodePorts).map(([label, port]) => `${label} ${port}`).join(', ')
      : o.hosts.join(', ') || '-';
    table.push([o.dir, String(o.resources), exposure, o.ok ? 'ok' : `FAIL (${o.findings.length})`, `${o.durationMs} ms`]);
  }
  const lines = [table.toString()];
  for (const o of result.overlays) {
    for (const f of o.findings) lines.push(`${o.dir} [${f.check}] ${f.resource}${f.path ? ` ${f.path}` : ''}: ${f.message}`);
  }
  lines.push(`engine: ${result.engine.join(' ')}; ${result.overlays.filter((o) => o.ok).length}/${result.overlays.length} overlays passed`);
  return lines.join('\n') + '\n';
}

/** The `--json` report: `{ok, engine, overlays: [{dir, ok, resources, nodePorts, hosts, findings, durationMs}]}`. */
export function formatJson(result: VerifyResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
