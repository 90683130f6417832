/** Check `node-port-range`: every nodePort within 30000–32767, the default `--service-node-port-range` (the API server rejects others at apply time). */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { NODE_PORT_RANGE, nodePortInRange, serviceNodePorts } from './services-common.ts';

/** One finding per nodePort out of range, on `/spec/ports/<i>/nodePort`. */
export function checkNodePortRange(objects: readonly ManifestObject[]): CheckFinding<'node-port-range'>[] {
  return serviceNodePorts(objects)
    .filter((p) => !nodePortInRange(p.nodePort))
    .map((p) => ({ check: 'node-port-range' as const, resource: p.service, path: p.path, message: `expected a nodePort in ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}, received ${JSON.stringify(p.nodePort)}; the API server rejects it`, hint: `pick a free port in ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max} (or remove nodePort to let Kubernetes choose)` }));
}

export const nodePortRangeCheck = defineCheck({
  id: 'node-port-range',
  severity: 'error',
  title: 'every nodePort is within 30000–32767',
  description: 'every nodePort is within 30000–32767',
  needs: 'build',
  run: ({ objects }) => checkNodePortRange(objects),
});
