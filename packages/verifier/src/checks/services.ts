/**
 * Service checks over the whole build, for any overlay (the API server would only catch the first
 * two at apply time, kubeconform not at all):
 * - `node-port-range`: every nodePort within 30000–32767 (the default `--service-node-port-range`);
 * - `node-port-unique`: no nodePort used twice;
 * - `service-selector`: every Service with a selector selects at least one pod template;
 * - `selector-clash`: no Service selects the pods of two workloads (the upstream apiserver /
 *   async-delete clash: one Service sending API traffic to a pod that does not serve it);
 * - `target-port`: each port's targetPort (default: port) is a containerPort number or a named
 *   port of every pod template the Service selects.
 * Templates embedded in ConfigMaps (`running: false`, the k8s glue's task pods) are not selectable.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, resolveTargetPort, selectorMatches } from '../pod-templates.ts';

/** The default NodePort range of kube-apiserver (`--service-node-port-range`). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** Runs the five Service checks. */
export function checkServices(objects: readonly ManifestObject[]): CheckFinding[] {
  const findings: CheckFinding[] = [];
  // Only templates the build runs: a ConfigMap's embedded template is never selected by a Service.
  const templates = podTemplates(objects).filter((t) => t.running);
  const nodePortOwners = new Map<number, string>();
  for (const service of objects.filter((o) => o.kind === 'Service') as any[]) {
    const id = objectId(service);
    const ports: any[] = service.spec?.ports ?? [];
    ports.forEach((port, i) => {
      if (port.nodePort === undefined) return;
      const path = `/spec/ports/${i}/nodePort`;
      if (!Number.isInteger(port.nodePort) || port.nodePort < NODE_PORT_RANGE.min || port.nodePort > NODE_PORT_RANGE.max) {
        findings.push({ check: 'node-port-range', resource: id, path, message: `expected a nodePort in ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max}, received ${JSON.stringify(port.nodePort)}; the API server rejects it`, hint: `pick a free port in ${NODE_PORT_RANGE.min}–${NODE_PORT_RANGE.max} (or remove nodePort to let Kubernetes choose)` });
        return;
      }
      const owner = nodePortOwners.get(port.nodePort);
      if (owner) {
        findings.push({ check: 'node-port-unique', resource: id, path, message: `nodePort ${port.nodePort} is already used by ${owner}; the second Service fails to apply ("provided port is already allocated")`, hint: 'give each Service port its own nodePort' });
      } else {
        nodePortOwners.set(port.nodePort, `${id} ${path}`);
      }
    });
    const selector: Record<string, string> | undefined = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || service.spec?.type === 'ExternalName') continue;
    const selected = templates.filter((t) => (t.owner.metadata.namespace ?? '') === (service.metadata.namespace ?? '') && selectorMatches(selector, t.labels));
    if (selected.length === 0) {
      findings.push({ check: 'service-selector', resource: id, path: '/spec/selector', message: `selector ${JSON.stringify(selector)} matches no pod template in namespace ${service.metadata.namespace ?? '(none)'}; the Service has no endpoints`, hint: "set the selector to the pod labels of the workload it fronts (its Deployment's spec.template.metadata.labels)" });
      continue;
    }
    const owners = [...new Set(selected.map((t) => objectId(t.owner)))];
    if (owners.length > 1) {
      findings.push({ check: 'selector-clash', resource: id, path: '/spec/selector', message: `selector ${JSON.stringify(selector)} selects the pods of ${owners.length} workloads (${owners.join(', ')}); traffic is spread over pods that may not serve it`, hint: 'add a label unique to the intended workload (e.g. app.kubernetes.io/component) to both its pod template and this selector' });
    }
    ports.forEach((port, i) => {
      const targetPort = port.targetPort ?? port.port;
      for (const template of selected) {
        if (!resolveTargetPort(template, targetPort)) {
          const declared = (template.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => `${c.name}:${p.name ? `${p.name}/` : ''}${p.containerPort}`));
          findings.push({
            check: 'target-port',
            resource: id,
            path: `/spec/ports/${i}/targetPort`,
            message: `targetPort ${JSON.stringify(targetPort)} matches no container port of ${objectId(template.owner)}; expected one of [${declared.join(', ')}]`,
            hint: 'target a declared containerPort number or, better, its port name',
          });
        }
      }
    });
  }
  return findings;
}
