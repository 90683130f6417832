/**
 * The Service checks over the whole build, for any overlay (the API server would only catch the
 * first two at apply time, kubeconform not at all), each in its own module:
 * - `node-port-range` (`./node-port-range.ts`): every nodePort within 30000–32767;
 * - `node-port-unique` (`./node-port-unique.ts`): no nodePort used twice;
 * - `service-selector` (`./service-selector.ts`): every Service with a selector selects at least one pod template;
 * - `selector-clash` (`./selector-clash.ts`): no Service selects the pods of two workloads;
 * - `target-port` (`./target-port.ts`): each port's targetPort reaches every pod template the Service selects.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/
 */
import type { ManifestObject, ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { checkNodePortRange } from './node-port-range.ts';
import { checkNodePortUnique } from './node-port-unique.ts';
import { checkSelectorClashes } from './selector-clash.ts';
import { checkServiceSelectors } from './service-selector.ts';
import { checkTargetPorts } from './target-port.ts';

export { NODE_PORT_RANGE } from './services-common.ts';

/**
 * Runs the five Service checks; findings grouped by check, in registry order.
 * @param catalog the release catalog (`target-port` tells ClearML components by image).
 */
export function checkServices(objects: readonly ManifestObject[], catalog: ReleaseCatalog): CheckFinding<'node-port-range' | 'node-port-unique' | 'service-selector' | 'selector-clash' | 'target-port'>[] {
  return [...checkNodePortRange(objects), ...checkNodePortUnique(objects), ...checkServiceSelectors(objects), ...checkSelectorClashes(objects), ...checkTargetPorts(objects, catalog)];
}
