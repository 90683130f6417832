/**
 * Presents a verify result: a table (one row per overlay) followed by the findings, as JSON, or as
 * GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY`.
 */
import Table from 'cli-table3';
import type { Finding, FindingSource } from './finding.ts';
import type { AcceptedFinding, OverlayReport } from './verify-overlay.ts';
import type { VerifyResult } from './verify-overlays.ts';

/** `overlays/x/kustomization.yaml:12 patches[3] op 2`: where a field was set. */
export function formatSource(source: FindingSource): string {
  return `${source.file}${source.line ? `:${source.line}` : ''} ${source.field}[${source.index}]${source.operation !== undefined ? ` op ${source.operation}` : ''}`;
}

function warningsOf(o: OverlayReport): number {
  return o.findings.filter((f) => f.severity === 'warning').length;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Warnings the overlay accepts (older cached reports have none). */
function acceptedOf(o: OverlayReport): AcceptedFinding[] {
  return o.accepted ?? [];
}

/** `ok`, `ok (2 warnings)`, `ok (1 accepted risk)` or `FAIL (n)` (n counts every finding, accepted ones apart). */
function resultOf(o: OverlayReport): string {
  const notes = [warningsOf(o) ? plural(warningsOf(o), 'warning') : '', acceptedOf(o).length ? plural(acceptedOf(o).length, 'accepted risk') : ''].filter(Boolean);
  return o.ok ? (notes.length ? `ok (${notes.join(', ')})` : 'ok') : `FAIL (${o.findings.length}${acceptedOf(o).length ? `; ${plural(acceptedOf(o).length, 'accepted risk')}` : ''})`;
}

/** An accepted warning as text lines: `overlay [check] accepted: resource path: message`, then the reason. */
export function formatAccepted(f: AcceptedFinding): string {
  return [`${f.overlay} [${f.check}] accepted: ${f.resource}${f.path ? ` ${f.path}` : ''}: ${f.message}`, `    accepted because: ${f.reason}`].join('\n');
}

/** An engine of the engines line: its label, then where it was found and its kustomize, when known. */
function describe(label: string, detail: string | undefined): string {
  return detail ? `${label} (${detail})` : label;
}

function exposureOf(o: OverlayReport): string {
  return Object.keys(o.nodePorts).length ? Object.entries(o.nodePorts).map(([label, port]) => `${label} ${port}`).join(', ') : o.hosts.join(', ') || '-';
}

/** One finding as text lines: `overlay [check] resource path: message` (`[check] warning:` for a warning), then fix and source. */
export function formatFinding(f: Finding): string {
  const lines = [`${f.overlay} [${f.check}] ${f.severity === 'warning' ? 'warning: ' : ''}${f.resource}${f.path ? ` ${f.path}` : ''}: ${f.message}`, `    fix: ${f.hint}`];
  if (f.source) lines.push(`    set by: ${formatSource(f.source)}`);
  return lines.join('\n');
}

/**
 * The human report: overlay, resources, NodePorts or hosts, result, time; then every finding with
 * its fix hint and, when a patch of the overlay set the field, the patch.
 */
export function formatReport(result: VerifyResult): string {
  const table = new Table({ head: ['overlay', 'resources', 'NodePorts / hosts', 'result', 'time'], style: { head: [], border: [] } });
  for (const o of result.overlays) table.push([o.dir, String(o.resources), exposureOf(o), resultOf(o), o.cached ? 'cached' : `${o.durationMs} ms`]);
  const lines = [table.toString()];
  for (const o of result.overlays) for (const f of o.findings) lines.push(formatFinding(f));
  for (const o of result.overlays) for (const f of acceptedOf(o)) lines.push(formatAccepted(f));
  const warnings = result.overlays.reduce((n, o) => n + warningsOf(o), 0);
  const accepted = result.overlays.reduce((n, o) => n + acceptedOf(o).length, 0);
  const notes = [warnings ? plural(warnings, 'warning') : '', accepted ? plural(accepted, 'accepted risk') : ''].filter(Boolean).join(' and ');
  lines.push(`engine${result.engines.length > 1 ? 's' : ''}: ${result.engines.map((e, i) => describe(e, result.engineDetails?.[i])).join(' | ')}; ${result.overlays.filter((o) => o.ok).length}/${result.overlays.length} overlays passed${notes ? ` with ${notes}` : ''}${result.cached ? ` (${result.cached} unchanged, from the cache)` : ''}`);
  return lines.join('\n') + '\n';
}

/** The `--json` report: `{ok, engine, engines, engineDetails, overlays: [{dir, ok, resources, nodePorts, hosts, findings: [{overlay, check, severity, resource, path, message, hint, source?}], accepted: [{…, reason}], durationMs, cached?}], cached, builds}` (README "Verify" shows it; `packages/cli/test/readme-json-shapes.test.ts` compares). */
export function formatJson(result: VerifyResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown summary: a result table per overlay and a findings table (at most 200 rows). */
export function formatMarkdown(result: VerifyResult): string {
  const lines = [
    `### clearml-k8s verify: ${result.ok ? 'all overlays pass' : `${result.overlays.filter((o) => !o.ok).length} of ${result.overlays.length} overlays fail`}`,
    '',
    `Engine${result.engines.length > 1 ? 's' : ''}: ${result.engines.map((e, i) => `\`${e}\`${result.engineDetails?.[i] ? ` (${result.engineDetails[i]})` : ''}`).join(', ')}`,
    '',
    '| overlay | resources | NodePorts / hosts | result |',
    '| --- | ---: | --- | --- |',
    ...result.overlays.map((o) => `| ${cell(o.dir)} | ${o.resources} | ${cell(exposureOf(o))} | ${resultOf(o)} |`),
  ];
  const findings = result.overlays.flatMap((o) => o.findings);
  if (findings.length) {
    lines.push('', '| overlay | check | resource | path | finding | fix | set by |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const f of findings.slice(0, 200)) {
      lines.push(`| ${cell(f.overlay)} | \`${f.check}\`${f.severity === 'warning' ? ' (warning)' : ''} | ${cell(f.resource)} | \`${cell(f.path || '/')}\` | ${cell(f.message)} | ${cell(f.hint)} | ${f.source ? cell(formatSource(f.source)) : ''} |`);
    }
    if (findings.length > 200) lines.push('', `… and ${findings.length - 200} more findings (see the job log).`);
  }
  const accepted = result.overlays.flatMap(acceptedOf);
  if (accepted.length) {
    lines.push('', '| overlay | accepted | resource | path | finding | accepted because |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of accepted.slice(0, 200)) lines.push(`| ${cell(f.overlay)} | \`${f.check}\` | ${cell(f.resource)} | \`${cell(f.path || '/')}\` | ${cell(f.message)} | ${cell(f.reason)} |`);
  }
  return lines.join('\n') + '\n';
}
