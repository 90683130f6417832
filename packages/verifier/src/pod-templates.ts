/**
 * Pod templates of a build and how Services reach them: label selection and targetPort
 * resolution (a number matches `containerPort`, a name matches `ports[].name`).
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';

/** A pod template and the object that owns it. */
export interface PodTemplate {
  owner: ManifestObject;
  /** JSON pointer of the template in its owner: `/spec/template`, `/spec/jobTemplate/spec/template`, or `''` for a Pod. */
  path: string;
  /** The template itself (`{metadata, spec}`), for Pod Security. */
  template: { metadata?: Record<string, any>; spec: Record<string, any> };
  labels: Record<string, string>;
  spec: { containers?: Container[]; initContainers?: Container[]; [field: string]: any };
}

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
}

/** Where each workload kind keeps its pod template (JSON pointer). */
const TEMPLATE_AT: Record<string, string> = {
  Deployment: '/spec/template',
  StatefulSet: '/spec/template',
  DaemonSet: '/spec/template',
  ReplicaSet: '/spec/template',
  ReplicationController: '/spec/template',
  Job: '/spec/template',
  CronJob: '/spec/jobTemplate/spec/template',
  Pod: '',
};

/** Every pod template in the build (workloads and bare Pods). */
export function podTemplates(objects: readonly ManifestObject[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const owner of objects) {
    const path = TEMPLATE_AT[owner.kind];
    if (path === undefined) continue;
    const template = path.split('/').slice(1).reduce<any>((node, key) => node?.[key], owner);
    if (template?.spec && typeof template.spec === 'object') templates.push({ owner, path, template, labels: template.metadata?.labels ?? {}, spec: template.spec });
  }
  return templates;
}

/** True when every `selector` entry is among `labels` (an empty selector selects nothing, as for Services). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The container port a Service targetPort reaches in a template, or `null`. */
export function resolveTargetPort(template: PodTemplate, targetPort: string | number): { container: string; containerPort: number } | null {
  for (const container of template.spec.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (typeof targetPort === 'number' ? port.containerPort === targetPort : port.name === targetPort) {
        return { container: container.name, containerPort: port.containerPort };
      }
    }
  }
  return null;
}
