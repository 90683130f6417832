/**
 * What the stack checks (`resources`, `elasticsearch-settings`, `mongodb-settings`, `single-writer`,
 * `persistent-data`) share: the running containers of a build that are stack-model components
 * (`componentOfContainer`: image repository and entrypoint), with their pod template and the
 * JSON pointer of their entry.
 */
import { STACK_MODEL, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { componentOfContainer } from './writable-paths.ts';

/** One container of a running pod template that runs a stack-model component. */
export interface StackContainer {
  template: PodTemplate;
  container: any;
  /** JSON pointer of the container in its owner, e.g. `/spec/template/spec/containers/0`. */
  path: string;
  spec: ComponentSpec;
}

/** Workloads that run to completion: their pods use a component's image as a tool (a Helm test pod's curl), not as the server. */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

/**
 * Every main container (`spec.containers`) of a running pod template that is a stack-model
 * component, in object order. Pods that run to completion (Jobs, CronJobs, `restartPolicy` `Never`
 * or `OnFailure`, e.g. a Helm test hook that runs `curl` in the Elasticsearch image) are left out:
 * a component is a long-running server.
 */
export function stackContainers(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): StackContainer[] {
  return podTemplates(objects)
    .filter((t) => t.running && !RUN_TO_COMPLETION.has(t.owner.kind) && !['Never', 'OnFailure'].includes(t.spec.restartPolicy))
    .flatMap((template) =>
      (Array.isArray(template.spec.containers) ? template.spec.containers : []).flatMap((container: any, i: number) => {
        const spec = componentOfContainer(container, catalog, model);
        return spec ? [{ template, container, path: `${template.path}/spec/containers/${i}`, spec }] : [];
      }),
    );
}

/** The env entries of a container (`[]` when `env` is not a list). */
export function envList(container: any): any[] {
  return Array.isArray(container?.env) ? container.env : [];
}

/** A literal env value of a container with its index, or null when unset or set from a reference (`valueFrom`). */
export function envEntry(container: any, name: string): { value: string; index: number } | null {
  const list = envList(container);
  // The last entry of a name wins in the pod (Kubernetes keeps the last duplicate).
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (e?.name !== name) continue;
    return e.valueFrom === undefined && e.value !== undefined && e.value !== null ? { value: String(e.value), index: i } : null;
  }
  return null;
}

/** Whether the container sets env `name` at all (a literal or a `valueFrom`). */
export function hasEnv(container: any, name: string): boolean {
  return envList(container).some((e) => e?.name === name);
}
