/**
 * Check `intended-objects`: the kustomize output equals, object for object and field for field,
 * what the composer meant the overlay to render. This proves the generated patches do what the
 * profile says (kustomize silently ignores patches whose target matches nothing, and lets `replace`
 * create fields, kustomize#4379, #4380).
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { diffDocuments, valueAt } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';

/** At most this many differing fields are reported per object. */
const MAX_FIELDS_PER_OBJECT = 20;

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * @param rendered parsed build output.
 * @param intended the composer's objects for this overlay.
 */
export function checkIntendedObjects(rendered: readonly ManifestObject[], intended: readonly ManifestObject[]): CheckFinding<'intended-objects'>[] {
  const findings: CheckFinding<'intended-objects'>[] = [];
  const renderedById = new Map(rendered.map((o) => [objectId(o), o]));
  const intendedIds = new Set(intended.map(objectId));
  for (const want of intended) {
    const id = objectId(want);
    const got = renderedById.get(id);
    if (!got) {
      findings.push({ check: 'intended-objects', resource: id, path: '', message: `the composer intends ${id} but the build has no such object`, hint: "run `clearml-k8s compose` and check the kustomization's resources" });
      continue;
    }
    const operations = diffDocuments(want, got);
    for (const op of operations.slice(0, MAX_FIELDS_PER_OBJECT)) {
      const received = op.op === 'remove' ? undefined : (op as { value?: unknown }).value;
      const expected = op.op === 'add' ? undefined : valueAt(want, op.path);
      findings.push({
        check: 'intended-objects',
        resource: id,
        path: op.path,
        message: `expected ${show(expected)}, received ${show(received)}: the overlay no longer renders what the composer intends`,
        hint: 'run `clearml-k8s compose` (or undo the hand edit)',
      });
    }
  }
  for (const got of rendered) {
    if (!intendedIds.has(objectId(got))) {
      findings.push({ check: 'intended-objects', resource: objectId(got), path: '', message: `the build renders ${objectId(got)}, which the composer does not intend`, hint: 'remove it, or add it to the profile and recompose' });
    }
  }
  return findings;
}

export const intendedObjectsCheck = defineCheck({
  id: 'intended-objects',
  severity: 'error',
  title: 'the build equals, field for field, what the composer intends',
  description: 'the build equals, field for field, what the composer meant the overlay to render',
  needs: 'build',
  run: ({ objects, expectation }) => (expectation.intended ? checkIntendedObjects(objects, expectation.intended) : []),
});
