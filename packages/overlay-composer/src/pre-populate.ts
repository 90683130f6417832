/**
 * Pre-population only where its artifacts reach the fileserver. The apiserver unpacks the example
 * projects' artifacts into its `/mnt/fileserver` (`PRE_POPULATE` in the stack model, with sources),
 * which is the fileserver's storage only when both mount the same node directory. Profiles and
 * sites that turn node storage into claims give the apiserver an emptyDir there (the fileserver's
 * claim is ReadWriteOnce and its own), so the examples' artifacts would be unpacked into a
 * directory nobody serves and 404 in the web app: there pre-population is turned off.
 */
import { NODE_STORAGE, PRE_POPULATE, STACK, type ManifestObject } from '@clearml-k8s/base-manifests';
import { mapObjects } from './profiles/profile.ts';

/**
 * `objects` with the apiserver's pre-population turned off (`PRE_POPULATE.enabledEnv: "false"`)
 * when its fileserver-data volume is not a hostPath; unchanged otherwise, or without an apiserver
 * Deployment. The emptyDir at `/mnt/fileserver` stays (nothing writes it then): removing it would
 * turn one replaced value into a dozen renumbering patch operations.
 */
export function prePopulateWhereArtifactsReachFileserver(objects: readonly ManifestObject[]): ManifestObject[] {
  return mapObjects(objects, { kind: 'Deployment', name: STACK.apiserver.name }, (d: any) => {
    const pod = d.spec.template.spec;
    const volume = (pod.volumes ?? []).find((v: any) => v.name === NODE_STORAGE.fileserverData.volume);
    if (!volume || volume.hostPath) return;
    for (const container of pod.containers ?? []) {
      for (const e of container.env ?? []) if (e.name === PRE_POPULATE.enabledEnv) e.value = 'false';
    }
  });
}
