// Golden findings on other people's ClearML trees (issue 14, "Honest on trees that are not ours"):
// `verify` runs on the trees in ../shared/foreign (read in place, never copied here) and its findings
// (check, severity, resource, path; not messages) must equal fixtures/foreign-findings/<tree>.json,
// where each finding carries an expert's one-line verdict. `UPDATE_GOLDEN=1` rewrites the goldens,
// keeping the verdicts of findings that remain and writing "TODO verdict" for new ones; the test fails
// while any verdict is "TODO verdict", so a new check's findings on these trees need a verdict.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { verifyOverlays } from '../src/index.ts';
import { engine, engineSkip, REPOSITORY, ROOT } from './support.ts';

/** Where the trees are, and how goldens name it. */
const FOREIGN = path.resolve(ROOT, '../shared/foreign');
const FOREIGN_NAME = '../shared/foreign';
const GOLDEN_DIR = path.join(ROOT, 'fixtures/foreign-findings');
export const TODO_VERDICT = 'TODO verdict';

/** Golden name → overlay directory under ../shared/foreign (see its NOTICE.md). */
const TREES: Record<string, string> = {
  'helm-clearml-7.14.4': 'helm-clearml-7.14.4',
  'helm-clearml-agent': 'helm-clearml-agent',
  'clearml-server-k8s-legacy': 'clearml-server-k8s-legacy/overlays/current_version',
};

interface GoldenFinding {
  check: string;
  severity: string;
  resource: string;
  path: string;
  /** One line: does an expert agree, and why. */
  verdict: string;
}

const keyOf = (f: Omit<GoldenFinding, 'verdict'>) => JSON.stringify([f.check, f.severity, f.resource, f.path]);
/** Absolute paths of the trees (deprecated-field names kustomization files) as `../shared/foreign/...`. */
const portable = (text: string) => text.split(FOREIGN).join(FOREIGN_NAME);

const skip = engineSkip || (!existsSync(FOREIGN) && `no ${FOREIGN_NAME} beside the repository (the foreign trees are not part of it)`);

test('verify on the foreign trees gives exactly the golden findings, each with an expert verdict', { skip }, async () => {
  const dirs = Object.values(TREES).map((d) => path.join(FOREIGN, d));
  const result = await verifyOverlays(engine!, { ...REPOSITORY, dirs, cache: false });
  assert.equal(result.overlays.length, dirs.length);
  const update = process.env.UPDATE_GOLDEN === '1';
  for (const [name, dir] of Object.entries(TREES)) {
    const report = result.overlays.find((o) => path.resolve(ROOT, o.dir) === path.join(FOREIGN, dir) || o.dir === path.join(FOREIGN, dir));
    assert.ok(report, `${name}: no report (received ${result.overlays.map((o) => o.dir).join(', ')})`);
    const actual = report.findings.map((f) => ({ check: f.check, severity: f.severity, resource: portable(f.resource), path: portable(f.path) }));
    const file = path.join(GOLDEN_DIR, `${name}.json`);
    const golden: { tree: string; findings: GoldenFinding[] } | null = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
    if (update) {
      const verdicts = new Map((golden?.findings ?? []).map((f) => [keyOf(f), f.verdict]));
      const findings = actual.map((f) => ({ ...f, verdict: verdicts.get(keyOf(f)) ?? TODO_VERDICT }));
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, `${JSON.stringify({ tree: `${FOREIGN_NAME}/${dir}`, findings }, null, 2)}\n`);
      continue;
    }
    assert.ok(golden, `${name}: no golden ${path.relative(ROOT, file)}; run with UPDATE_GOLDEN=1 and write a verdict for each finding`);
    assert.deepEqual(actual.map(keyOf), golden.findings.map(keyOf), `${name}: findings differ from the golden (UPDATE_GOLDEN=1 rewrites it, keeping verdicts)`);
  }
  for (const name of Object.keys(TREES)) {
    const file = path.join(GOLDEN_DIR, `${name}.json`);
    const golden: { findings: GoldenFinding[] } = JSON.parse(readFileSync(file, 'utf8'));
    const missing = golden.findings.filter((f) => typeof f.verdict !== 'string' || f.verdict.trim() === '' || f.verdict === TODO_VERDICT);
    assert.deepEqual(missing.map(keyOf), [], `${name}: every finding needs an expert verdict in ${path.relative(ROOT, file)}`);
  }
});
