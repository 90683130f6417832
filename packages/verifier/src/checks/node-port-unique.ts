/** Check `node-port-unique`: no nodePort used twice in the build (the second Service fails to apply). Ports out of range are `node-port-range`'s. */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { nodePortInRange, serviceNodePorts } from './services-common.ts';

/** One finding per reuse of a nodePort, on the later Service's `/spec/ports/<i>/nodePort`. */
export function checkNodePortUnique(objects: readonly ManifestObject[]): CheckFinding<'node-port-unique'>[] {
  const findings: CheckFinding<'node-port-unique'>[] = [];
  const owners = new Map<number, string>();
  for (const p of serviceNodePorts(objects)) {
    if (!nodePortInRange(p.nodePort)) continue;
    const owner = owners.get(p.nodePort);
    if (owner) {
      findings.push({ check: 'node-port-unique', resource: p.service, path: p.path, message: `nodePort ${p.nodePort} is already used by ${owner}; the second Service fails to apply ("provided port is already allocated")`, hint: 'give each Service port its own nodePort' });
    } else {
      owners.set(p.nodePort, `${p.service} ${p.path}`);
    }
  }
  return findings;
}

export const nodePortUniqueCheck = defineCheck({
  id: 'node-port-unique',
  severity: 'error',
  title: 'no nodePort is used twice in the build',
  description: 'no nodePort is used twice in the build',
  needs: 'build',
  run: ({ objects }) => checkNodePortUnique(objects),
});
