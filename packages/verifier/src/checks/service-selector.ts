/** Check `service-selector`: every Service with a selector selects at least one pod template of its namespace (else it has no endpoints). */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';

/** One finding per Service that selects nothing, on `/spec/selector`. */
export function checkServiceSelectors(objects: readonly ManifestObject[]): CheckFinding<'service-selector'>[] {
  return serviceSelections(objects)
    .filter((s) => s.selected.length === 0)
    .map((s) => ({ check: 'service-selector' as const, resource: s.id, path: '/spec/selector', message: `selector ${JSON.stringify(s.selector)} matches no pod template in namespace ${s.service.metadata.namespace ?? '(none)'}; the Service has no endpoints`, hint: "set the selector to the pod labels of the workload it fronts (its Deployment's spec.template.metadata.labels)" }));
}

export const serviceSelectorCheck = defineCheck({
  id: 'service-selector',
  severity: 'error',
  title: 'every Service selector matches at least one pod template',
  description: 'every Service selector matches at least one pod template',
  needs: 'build',
  run: ({ objects }) => checkServiceSelectors(objects),
});
