/**
 * Check `selector-clash`: no Service selects the pods of two workloads (the upstream apiserver /
 * async-delete clash: one Service sending API traffic to a pod that does not serve it).
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';

/** One finding per Service selecting the pods of more than one workload, on `/spec/selector`. */
export function checkSelectorClashes(objects: readonly ManifestObject[]): CheckFinding<'selector-clash'>[] {
  return serviceSelections(objects).flatMap((s) => {
    const owners = [...new Set(s.selected.map((t) => objectId(t.owner)))];
    if (owners.length <= 1) return [];
    return [{ check: 'selector-clash' as const, resource: s.id, path: '/spec/selector', message: `selector ${JSON.stringify(s.selector)} selects the pods of ${owners.length} workloads (${owners.join(', ')}); traffic is spread over pods that may not serve it`, hint: 'add a label unique to the intended workload (e.g. app.kubernetes.io/component) to both its pod template and this selector' }];
  });
}

export const selectorClashCheck = defineCheck({
  id: 'selector-clash',
  severity: 'error',
  title: 'no Service selects the pods of more than one workload',
  description: 'no Service selects the pods of two workloads (the upstream apiserver / async-delete clash)',
  needs: 'build',
  run: ({ objects }) => checkSelectorClashes(objects),
});
