/**
 * Check `engine-mismatch`: with several engines (`--engine …`, `--matrix`), every engine builds the
 * overlay and renders the same objects, field for field.
 */
import { objectId } from '@clearml-k8s/base-manifests';
import { diffDocuments, valueAt } from '@clearml-k8s/overlay-composer';
import { engineLabel, type Engine } from '../engine.ts';
import type { CheckFinding } from '../finding.ts';
import type { RenderResult } from '../render-overlay.ts';
import { defineCheck } from './definition.ts';

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/**
 * Each further engine's build compared with the first, objects paired by `Kind/namespace/name`
 * (output order is not compared), at most 10 differing fields per object.
 * @param renders one per engine, same order as `engines`.
 * @param overlay the overlay as named in the report.
 */
export function compareEngines(engines: readonly Engine[], renders: readonly RenderResult[], overlay: string): CheckFinding<'engine-mismatch'>[] {
  const findings: CheckFinding<'engine-mismatch'>[] = [];
  const [first, ...others] = renders;
  const name = (i: number) => engineLabel(engines[i]!);
  others.forEach((other, k) => {
    const i = k + 1;
    if ((other.exitCode === 0) !== (first!.exitCode === 0)) {
      const failed = other.exitCode === 0 ? 0 : i;
      findings.push({ check: 'engine-mismatch', resource: overlay, path: '', message: `builds with ${name(failed === 0 ? i : 0)} but fails with ${name(failed)}: ${(failed === 0 ? first! : other).stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)}`, hint: 'use only kustomization features every supported kustomize has (v5.0.1 in kubectl 1.27 and later)' });
      return;
    }
    if (other.exitCode !== 0) return;
    const a = new Map(first!.objects.map((o) => [objectId(o), o]));
    const b = new Map(other.objects.map((o) => [objectId(o), o]));
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(id);
      const y = b.get(id);
      if (!x || !y) {
        findings.push({ check: 'engine-mismatch', resource: id, path: '', message: `${name(x ? 0 : i)} renders ${id}, ${name(x ? i : 0)} does not`, hint: 'use only kustomization features every supported kustomize has' });
        continue;
      }
      for (const op of diffDocuments(x, y).slice(0, 10)) {
        findings.push({ check: 'engine-mismatch', resource: id, path: op.path, message: `${name(0)} renders ${show(valueAt(x, op.path))}, ${name(i)} renders ${show(valueAt(y, op.path))}`, hint: 'use only kustomization features every supported kustomize has' });
      }
    }
  });
  return findings;
}

export const engineMismatchCheck = defineCheck({
  id: 'engine-mismatch',
  severity: 'error',
  title: 'every engine given with --engine renders the same objects',
  description: 'every engine builds the overlay, and the outputs are identical object for object and field for field',
  needs: 'render',
  run: (context) => compareEngines(context.engines, context.renders, context.overlay),
});
