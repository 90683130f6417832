/**
 * Check `persistent-data`: the data a ClearML component owns survives its pod. The stack model
 * says which directories hold a component's own data (`ownedStorage`: MongoDB's `/data/db` and
 * `/data/configdb`, Elasticsearch's data, Redis's `/data`, the fileserver's `/mnt/fileserver`).
 * Kustomize, the API server and Pod Security accept each of the following, and each loses or
 * blocks the data:
 * - the directory on an `emptyDir`, or on no volume at all (the container's writable layer): gone
 *   when the pod is deleted or rescheduled
 *   (https://kubernetes.io/docs/concepts/storage/volumes/#emptydir);
 * - a `readOnly` mount of it: the database cannot write and stops;
 * - a claim of the build with `volumeMode: Block` mounted through `volumeMounts`: a raw block device
 *   must be attached with `volumeDevices`, so the pod never starts
 *   (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#raw-block-volume-support);
 * - a `hostPath` of it on a pod that is not pinned to one node (no `nodeName`, no `nodeSelector`, no
 *   required node affinity): rescheduled onto another node it starts on an empty directory
 *   (https://kubernetes.io/docs/concepts/storage/volumes/#hostpath). The base pins node storage to
 *   the node labelled `app=clearml`.
 * Claims from a StatefulSet's `volumeClaimTemplates` are persistent. Other volume kinds (NFS, CSI…)
 * are taken as persistent.
 */
import { objectId, ownedStorage, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { stackContainers } from './stack-containers.ts';

/** Whether a pod spec is pinned to one node (or a labelled set the base treats as one). */
function pinnedToNode(pod: any): boolean {
  if (typeof pod?.nodeName === 'string' && pod.nodeName) return true;
  if (pod?.nodeSelector && typeof pod.nodeSelector === 'object' && Object.keys(pod.nodeSelector).length > 0) return true;
  const required = pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return Array.isArray(required) && required.length > 0;
}

/** Findings of `persistent-data` over a build. Never throws: malformed objects are `schema`'s. */
export function checkPersistentData(objects: readonly ManifestObject[], catalog: ReleaseCatalog): CheckFinding<'persistent-data'>[] {
  const findings: CheckFinding<'persistent-data'>[] = [];
  const blockClaims = new Set(
    objects
      .filter((o: any) => o.kind === 'PersistentVolumeClaim' && o.spec?.volumeMode === 'Block')
      .map((o: any) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`),
  );
  for (const { template, container, path, spec } of stackContainers(objects, catalog)) {
    const owner = template.owner as any;
    const namespace = owner.metadata?.namespace ?? '';
    const volumes: any[] = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
    const claimTemplates = new Set(owner.kind === 'StatefulSet' && Array.isArray(owner.spec?.volumeClaimTemplates) ? owner.spec.volumeClaimTemplates.map((t: any) => t?.metadata?.name) : []);
    const mounts: any[] = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
    for (const owned of ownedStorage(spec)) {
      const dir = owned.dir.mountPath;
      const at = mounts.findIndex((m) => typeof m?.mountPath === 'string' && m.mountPath.replace(/\/+$/, '') === dir);
      const finding = (where: string, message: string, hint: string) => findings.push({ check: 'persistent-data', resource: objectId(template.owner), path: where, message, hint });
      if (at < 0) {
        finding(`${path}/volumeMounts`, `${spec.name} keeps its data in ${dir} (${owned.claim.source}), but no volume is mounted there: the data lives in the container's writable layer and is lost with the pod`, `mount a PersistentVolumeClaim (or the node directory the base uses) at ${dir}`);
        continue;
      }
      const mount = mounts[at];
      const mountPath = `${path}/volumeMounts/${at}`;
      if (mount.readOnly === true) finding(`${mountPath}/readOnly`, `${spec.name} mounts its data directory ${dir} read-only: it cannot write its data and stops`, 'drop readOnly: true from the data mount');
      if (claimTemplates.has(mount.name)) continue;
      const volume = volumes.find((v) => v?.name === mount.name);
      if (!volume) continue; // an undeclared volume is the API server's error (schema, references)
      const volumePath = `${template.path}/spec/volumes/${volumes.indexOf(volume)}`;
      if (volume.emptyDir) {
        finding(`${volumePath}/emptyDir`, `${spec.name} keeps its data in ${dir} on the emptyDir ${volume.name}: it is deleted with the pod, so every restart elsewhere, drain or rollout starts ${spec.name} empty`, `use a PersistentVolumeClaim (storage.type: pvc in a site spec) or node storage for ${volume.name}`);
      } else if (volume.persistentVolumeClaim?.claimName && blockClaims.has(`${namespace}/${volume.persistentVolumeClaim.claimName}`)) {
        finding(`${mountPath}`, `${spec.name} mounts the claim ${volume.persistentVolumeClaim.claimName}, whose volumeMode is Block, as a file system at ${dir}: a raw block claim can only be attached with volumeDevices, so the pod never starts`, `set volumeMode: Filesystem (the default) on ${volume.persistentVolumeClaim.claimName}`);
      } else if (volume.hostPath && !pinnedToNode(template.spec)) {
        finding(`${volumePath}/hostPath`, `${spec.name} keeps its data in the node directory ${volume.hostPath.path}, but its pods are not pinned to one node: rescheduled onto another node, it starts on an empty directory there`, 'pin the pods to the node that holds the data (the base uses nodeSelector app=clearml, on exactly one labelled node), or use a PersistentVolumeClaim');
      }
    }
  }
  return findings;
}

export const persistentDataCheck = defineCheck({
  id: 'persistent-data',
  severity: 'error',
  title: 'the data a ClearML component owns survives its pod',
  description:
    'each data directory the stack model says a component owns (`ownedStorage`) is mounted, writable, not on an `emptyDir`, not from a `volumeMode: Block` claim through `volumeMounts`, and, on `hostPath`, on pods pinned to one node',
  needs: 'build',
  run: ({ objects, catalog }) => checkPersistentData(objects, catalog),
});
