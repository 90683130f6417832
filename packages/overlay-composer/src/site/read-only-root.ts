/**
 * `readOnlyRootFilesystem: true` in a site spec (profile non-root only): each container of the
 * server image (apiserver, webserver, fileserver, async delete) runs with a read-only root
 * filesystem, with a writable volume on every directory the stack model says it writes
 * (`readOnlyRootDirectories`: the start writes the non-root profile already mounts, plus the
 * scratch directory `/tmp`, an `emptyDir`). Its seeding init containers (which write only into their
 * emptyDir) run read-only too. The databases and agents keep a writable root: the model does not know
 * all their writes (`readOnlyRoot.unknown`, with the reason), and a read-only root would stop them on
 * the first write it missed. The verifier's `writable-paths` check proves every known write is covered.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1 (readOnlyRootFilesystem)
 */
import { mountCovers, readOnlyRootDirectories, writableVolumeName, type ComponentSpec, type StackModel } from '@clearml-k8s/base-manifests';

/** Volume kinds the kubelet mounts read-only whatever the mount says (they cover no write). */
const READ_ONLY_VOLUMES = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

/**
 * Makes the pod of one component's Deployment run read-only where the model allows it (mutates `deployment`).
 * @returns the component when it was made read-only, `null` when the model does not know all its writes (left writable).
 * @throws TypeError when the pod has no main container named as the model says.
 */
export function makeRootReadOnly(deployment: any, component: ComponentSpec): ComponentSpec | null {
  const dirs = readOnlyRootDirectories(component);
  if (dirs === null) return null;
  const pod = deployment.spec.template.spec;
  const main = (pod.containers ?? []).find((c: any) => c.name === component.container);
  if (!main) throw new TypeError(`readOnlyRootFilesystem: ${component.name} has no container ${component.container}`);
  const volumes: any[] = pod.volumes ?? [];
  const writable = (m: any) => m.readOnly !== true && volumes.some((v) => v.name === m.name && !READ_ONLY_VOLUMES.some((k) => k in v));
  const mounts: any[] = main.volumeMounts ?? [];
  for (const { dir } of dirs) {
    if (mounts.some((m) => mountCovers(m.mountPath, dir) && writable(m))) continue;
    const name = writableVolumeName(dir);
    volumes.push({ name, emptyDir: {} });
    mounts.push({ name, mountPath: dir });
  }
  pod.volumes = volumes;
  main.volumeMounts = mounts;
  for (const c of [main, ...(pod.initContainers ?? []).filter((i: any) => i.image === main.image)]) c.securityContext = { ...(c.securityContext ?? {}), readOnlyRootFilesystem: true };
  return component;
}

/** The site's components whose root the model lets be read-only, and those it does not (with the reason), in model order. */
export function readOnlyRootPlan(model: StackModel): { readOnly: ComponentSpec[]; writable: { component: ComponentSpec; reason: string }[] } {
  const base = model.components.filter((c) => c.base !== null);
  return {
    readOnly: base.filter((c) => readOnlyRootDirectories(c) !== null),
    writable: base.flatMap((c) => ('unknown' in c.image.readOnlyRoot ? [{ component: c, reason: c.image.readOnlyRoot.unknown }] : [])),
  };
}
