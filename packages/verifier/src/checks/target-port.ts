/**
 * Check `target-port`: each port's targetPort (default: port) of a Service is a containerPort
 * number or a named port of every pod template the Service selects.
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { resolveTargetPort } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';

/** One finding per Service port and selected template it does not reach, on `/spec/ports/<i>/targetPort`. */
export function checkTargetPorts(objects: readonly ManifestObject[]): CheckFinding<'target-port'>[] {
  const findings: CheckFinding<'target-port'>[] = [];
  for (const { service, id, selected } of serviceSelections(objects)) {
    ((service.spec?.ports ?? []) as any[]).forEach((port, i) => {
      const targetPort = port.targetPort ?? port.port;
      for (const template of selected) {
        if (resolveTargetPort(template, targetPort)) continue;
        const declared = (template.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => `${c.name}:${p.name ? `${p.name}/` : ''}${p.containerPort}`));
        findings.push({
          check: 'target-port',
          resource: id,
          path: `/spec/ports/${i}/targetPort`,
          message: `targetPort ${JSON.stringify(targetPort)} matches no container port of ${objectId(template.owner)}; expected one of [${declared.join(', ')}]`,
          hint: 'target a declared containerPort number or, better, its port name',
        });
      }
    });
  }
  return findings;
}

export const targetPortCheck = defineCheck({
  id: 'target-port',
  severity: 'error',
  title: 'every Service targetPort resolves to a containerPort (number or name) of the pods it selects',
  description: 'every Service targetPort is a containerPort number or port name of every pod it selects',
  needs: 'build',
  run: ({ objects }) => checkTargetPorts(objects),
});
