/**
 * Check `target-port`: each port's targetPort (default: port) of a Service reaches a process of every
 * pod template the Service selects.
 * - A named targetPort must be the `name` of a container port of the template: otherwise the
 *   Service gets no endpoints.
 * - A numeric targetPort need not be declared: `containerPort` is informational, and traffic to
 *   any port the process listens on is delivered ("Not specifying a port here DOES NOT prevent
 *   that port from being exposed"). A number that no container declares is a finding only when
 *   the stack model knows every container of the template (`componentOfContainer`) and none of
 *   their components listens on it (their `ports`, each with its upstream source): the legacy
 *   upstream tree's Services target 8008, 8081, 80, 27017 and 6379 with no containerPorts at all,
 *   which works.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports (containerPort is informational)
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 */
import { objectId, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { resolveTargetPort, type PodTemplate } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { serviceSelections } from './services-common.ts';
import { componentOfContainer } from './stack-containers.ts';

/**
 * Why a numeric targetPort that no container declares reaches nothing: the components of the
 * template's containers and their model ports, or null when some container is not a model component
 * (its process may listen there) or one of them listens on the port.
 */
function modelSaysNobodyListens(template: PodTemplate, targetPort: number, catalog: ReleaseCatalog): ComponentSpec[] | null {
  const components: ComponentSpec[] = [];
  for (const container of template.spec.containers ?? []) {
    const component = componentOfContainer(container, catalog);
    if (!component || component.ports.some((p) => p.containerPort === targetPort)) return null;
    components.push(component);
  }
  return components.length > 0 ? components : null;
}

/**
 * One finding per Service port and selected template it does not reach, on `/spec/ports/<i>/targetPort`.
 * @param catalog the release catalog, to tell which ClearML component a container runs.
 */
export function checkTargetPorts(objects: readonly ManifestObject[], catalog: ReleaseCatalog): CheckFinding<'target-port'>[] {
  const findings: CheckFinding<'target-port'>[] = [];
  for (const { service, id, selected } of serviceSelections(objects)) {
    ((service.spec?.ports ?? []) as any[]).forEach((port, i) => {
      const targetPort = port.targetPort ?? port.port;
      for (const template of selected) {
        if (resolveTargetPort(template, targetPort)) continue;
        const declared = (template.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => `${c.name}:${p.name ? `${p.name}/` : ''}${p.containerPort}`));
        if (typeof targetPort === 'number') {
          const components = modelSaysNobodyListens(template, targetPort, catalog);
          if (!components) continue;
          const listens = components.map((c) => `${c.key} on ${c.ports.length ? c.ports.map((p) => p.containerPort).join(', ') : 'no port'} (${c.ports[0]?.source ?? 'its model has no port'})`).join('; ');
          findings.push({
            check: 'target-port',
            resource: id,
            path: `/spec/ports/${i}/targetPort`,
            message: `targetPort ${targetPort} reaches no process of ${objectId(template.owner)}: no container declares it and the stack model says ${listens}; expected one of [${components.flatMap((c) => c.ports.map((p) => p.containerPort)).join(', ')}]`,
            hint: 'target the port the component listens on, or better, its port name',
          });
          continue;
        }
        findings.push({
          check: 'target-port',
          resource: id,
          path: `/spec/ports/${i}/targetPort`,
          message: `targetPort ${JSON.stringify(targetPort)} names no container port of ${objectId(template.owner)}; expected one of [${declared.join(', ')}]`,
          hint: 'target a declared port name, or add the name to the containerPort',
        });
      }
    });
  }
  return findings;
}

export const targetPortCheck = defineCheck({
  id: 'target-port',
  severity: 'error',
  title: 'every Service targetPort reaches the pods it selects: a named port they declare, or a number their process listens on',
  description: 'every named Service targetPort is a port name of every pod it selects; a numeric one that no container declares is reported only when the stack model says the selected ClearML components listen elsewhere (containerPort is informational)',
  needs: 'build',
  run: ({ objects, catalog }) => checkTargetPorts(objects, catalog),
});
