/**
 * What the container checks share (`probes`, `container-ports`, `database-exposure`): the containers
 * of a pod that run for the pod's life (its `containers` and its sidecars, init containers with
 * `restartPolicy: Always`), each with the JSON pointer of its entry, and the ports they declare.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/ (sidecars: init containers with restartPolicy Always)
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports (containerPort, protocol default TCP)
 */
import type { PodTemplate } from '../pod-templates.ts';

/** One long-running container of a pod template. */
export interface RunningContainer {
  container: any;
  /** `containers` or `initContainers` (a sidecar). */
  list: 'containers' | 'initContainers';
  index: number;
  /** JSON pointer of the container in its owner, e.g. `/spec/template/spec/containers/0`. */
  path: string;
}

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The sidecars (init containers with `restartPolicy: Always`) and the containers of a template, in that order. */
export function runningContainers(template: PodTemplate): RunningContainer[] {
  const out: RunningContainer[] = [];
  const init: unknown = template.spec.initContainers;
  if (Array.isArray(init)) init.forEach((c, index) => isObject(c) && c.restartPolicy === 'Always' && out.push({ container: c, list: 'initContainers', index, path: `${template.path}/spec/initContainers/${index}` }));
  const main: unknown = template.spec.containers;
  if (Array.isArray(main)) main.forEach((c, index) => isObject(c) && out.push({ container: c, list: 'containers', index, path: `${template.path}/spec/containers/${index}` }));
  return out;
}

/** One `ports[]` entry of a container, its protocol defaulted to TCP. */
export interface DeclaredPort {
  name: string | null;
  containerPort: number;
  protocol: string;
  hostPort: number | null;
  /** Index in the container's `ports`. */
  index: number;
}

/** The well-formed `ports` of a container (entries without an integer containerPort are `schema`'s). */
export function declaredPorts(container: any): DeclaredPort[] {
  const ports: unknown = container?.ports;
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((p, index) =>
    isObject(p) && Number.isInteger(p.containerPort)
      ? [{ name: typeof p.name === 'string' ? p.name : null, containerPort: p.containerPort, protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP', hostPort: Number.isInteger(p.hostPort) ? p.hostPort : null, index }]
      : [],
  );
}
