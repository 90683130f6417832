/**
 * Check `entrypoint-executable`: a ClearML container that runs as a non-root uid can execute the file
 * it starts and every file its entrypoint executes directly. The server image ships
 * `/opt/clearml/entrypoint.sh` and `/opt/clearml/utilities/update_from_env.py` with `COPY --chmod=744`
 * and no `--chown` (root:root, rwxr--r--, clearml/clearml-server@v2.3.0:docker/build/Dockerfile:15-16):
 * uid 1000 may read them but `execve` fails with EACCES, so `ENTRYPOINT ["/opt/clearml/entrypoint.sh"]`
 * never starts, and in webserver mode the entrypoint's direct call of update_from_env.py (entrypoint.sh:60,
 * under `set -e`) stops it. kustomize, the API server and Pod Security "restricted" accept both. The
 * facts are the stack model's: `image.entrypoint` (the ENTRYPOINT and the file it runs, with owner and
 * mode) and `entrypoint.executes` (what the entrypoint runs directly in that mode), each with its source.
 *
 * For each main container of a running workload that is a stack-model component, running as a uid
 * other than 0 (`runAsUser` of the container, else of the pod, else the image's user; `runAsNonRoot`
 * without a uid counts as "some non-root uid"), with gids `runAsGroup` (else 0, Kubernetes' default
 * once `runAsUser` is set; else the image's), `fsGroup` and `supplementalGroups`:
 * - the file it starts must be executable for that uid (`canExecute`): with no `command`, the image's
 *   ENTRYPOINT file; with a `command` whose first word is a file of the model (the entrypoint itself,
 *   given as `/opt/clearml/entrypoint.sh` or by its PATH name), that file. A `command` that starts an
 *   interpreter (`/usr/bin/env bash /opt/clearml/entrypoint.sh`) needs only read permission on the script;
 * - when the image's entrypoint runs (no `command`, or a `command` that names it), each file of
 *   `entrypoint.executes` must be executable for the uid as the image ships it, or the directory it is
 *   in must be a writable emptyDir that an init container of the same image, running as the same uid,
 *   mounts (it fills it with its own copies: a copy belongs to its creator and keeps the mode bits, so
 *   the owner's execute bit applies). An emptyDir no such init container fills hides the file. Other
 *   volumes over that directory (a ConfigMap with its own script) are not judged.
 * Containers of other images are not checked (their files are not the model's facts).
 * @see https://man7.org/linux/man-pages/man2/execve.2.html (EACCES)
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/ (runAsGroup omitted: primary group 0; fsGroup)
 */
import { canExecute, modeString, mountCovers, objectId, STACK_MODEL, type ComponentSpec, type ImageFile, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { stackContainers } from './stack-containers.ts';

type Finding = CheckFinding<'entrypoint-executable'>;

/** The uid a container runs as: container `runAsUser`, pod `runAsUser`, else the image's; `null` for "non-root, uid unknown". */
function effectiveUid(container: any, podSpec: any, imageUid: number): number | null {
  const uid = container?.securityContext?.runAsUser ?? podSpec?.securityContext?.runAsUser;
  if (typeof uid === 'number') return uid;
  const nonRoot = container?.securityContext?.runAsNonRoot ?? podSpec?.securityContext?.runAsNonRoot;
  return nonRoot === true ? null : imageUid;
}

/** The gids of a container's processes: primary (`runAsGroup`, else 0 once a uid is set, else the image's), `fsGroup`, `supplementalGroups`. */
function effectiveGids(container: any, podSpec: any, spec: ComponentSpec): number[] {
  const group = container?.securityContext?.runAsGroup ?? podSpec?.securityContext?.runAsGroup;
  const uidSet = typeof (container?.securityContext?.runAsUser ?? podSpec?.securityContext?.runAsUser) === 'number';
  const primary = typeof group === 'number' ? group : uidSet ? 0 : spec.image.user.gid;
  const extra = [podSpec?.securityContext?.fsGroup, ...(Array.isArray(podSpec?.securityContext?.supplementalGroups) ? podSpec.securityContext.supplementalGroups : [])];
  return [primary, ...extra.filter((g): g is number => typeof g === 'number')];
}

const describe = (file: ImageFile) => `${file.path} (${modeString(file.mode)} ${file.uid}:${file.gid}, ${file.source})`;
const asUid = (uid: number | null) => (uid === null ? 'a non-root uid' : `uid ${uid}`);
const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/** Findings of `entrypoint-executable` over a build. Never throws: malformed objects are `schema`'s. */
export function checkEntrypointExecutable(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): Finding[] {
  const findings: Finding[] = [];
  for (const { template, container, path, spec } of stackContainers(objects, catalog, model)) {
    const entry = spec.image.entrypoint;
    if (!entry) continue;
    const uid = effectiveUid(container, template.spec, spec.image.user.uid);
    if (uid === 0) continue;
    const gids = effectiveGids(container, template.spec, spec);
    const resource = objectId(template.owner);
    const command: unknown[] | null = Array.isArray(container.command) ? container.command : null;
    const modelFiles = [entry.file, ...(spec.entrypoint.executes ?? [])];
    const namesEntrypoint = (word: unknown) => word === entry.file.path || word === entry.command[0];
    // 1. What the container starts.
    const started = command === null ? entry.file : namesEntrypoint(command[0]) ? entry.file : modelFiles.find((f) => f.path === command[0]);
    if (started && !canExecute(started, uid, gids)) {
      const through = started.interpreter ? [...started.interpreter, started.path] : null;
      findings.push({
        check: 'entrypoint-executable',
        resource,
        path: command === null ? path : `${path}/command/0`,
        message: `${spec.name} (container ${container.name}) runs as ${asUid(uid)} and starts ${command === null ? `the image's ENTRYPOINT ${JSON.stringify(entry.command)} (${entry.source})` : `command ${JSON.stringify(command)}`}, but ${describe(started)} is not executable for that uid: execve fails with permission denied and the container never starts`,
        hint: through
          ? `run it through its interpreter, which needs only read permission: command ${JSON.stringify(through)} with args unchanged (the non-root profile does)`
          : `run ${spec.name} as a uid that may execute ${started.path}`,
      });
    }
    // 2. What the entrypoint executes directly, when it runs.
    const runsEntrypoint = command === null || command.some(namesEntrypoint);
    if (!runsEntrypoint) continue;
    const mounts: any[] = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
    const volumes: any[] = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
    const inits: any[] = Array.isArray(template.spec.initContainers) ? template.spec.initContainers : [];
    for (const file of spec.entrypoint.executes ?? []) {
      if (canExecute(file, uid, gids)) continue;
      const dir = dirOf(file.path);
      const covering = mounts
        .map((m, index) => ({ m, index }))
        .filter(({ m }) => typeof m?.mountPath === 'string' && mountCovers(m.mountPath, dir))
        .sort((a, b) => b.m.mountPath.length - a.m.mountPath.length)[0];
      const push = (at: string, message: string, hint: string) => findings.push({ check: 'entrypoint-executable', resource, path: at, message, hint });
      if (!covering) {
        push(
          `${path}/volumeMounts`,
          `${spec.name} (container ${container.name}) runs as ${asUid(uid)}, and its entrypoint executes ${describe(file)} directly, which that uid may read but not execute: permission denied, and the entrypoint stops`,
          `mount an emptyDir at ${dir} that an init container of ${container.image} running as the same uid fills with cp -R ${dir}/. (the non-root profile's seed-* init containers), so the uid owns the copy`,
        );
        continue;
      }
      const volume = volumes.find((v) => v?.name === covering.m.name);
      if (!volume?.emptyDir) continue; // a ConfigMap, claim or other volume brings its own files: not the model's to judge
      const filledByOwner = inits.some(
        (ic) => ic?.image === container.image && effectiveUid(ic, template.spec, spec.image.user.uid) === uid && (Array.isArray(ic.volumeMounts) ? ic.volumeMounts : []).some((m: any) => m?.name === covering.m.name),
      );
      if (!filledByOwner) {
        push(
          `${path}/volumeMounts/${covering.index}`,
          `${spec.name} (container ${container.name}) mounts the empty volume ${covering.m.name} at ${covering.m.mountPath}, which hides ${file.path} of the image, and no init container of ${container.image} running as ${asUid(uid)} fills it first; its entrypoint executes ${file.path} directly (${file.source}), so it stops`,
          `add an init container of the same image and uid that copies ${dir}/. into the volume (the non-root profile's seed-* init containers)`,
        );
      } else if ((file.mode & 0o100) === 0) {
        push(
          `${path}/volumeMounts/${covering.index}`,
          `${spec.name}: the copy of ${file.path} in ${covering.m.name} belongs to ${asUid(uid)} but keeps mode ${modeString(file.mode)}, which has no owner execute bit (${file.source})`,
          `run ${spec.name} as a uid that may execute ${file.path}`,
        );
      }
    }
  }
  return findings;
}

export const entrypointExecutableCheck = defineCheck({
  id: 'entrypoint-executable',
  severity: 'error',
  title: 'ClearML containers running as non-root can execute the file they start and every file their entrypoint executes directly',
  description:
    'for each container running a stack-model image as a uid other than 0, the file it starts (the image\'s ENTRYPOINT when `command` is unset, or a model file named as `command[0]`) is executable for that uid by the stack model\'s owner and mode (`image.entrypoint`: the server image\'s `entrypoint.sh` is 0744 root:root, so it must run through `bash`); when the image\'s entrypoint runs, each file it executes directly in that mode (`entrypoint.executes`: the webserver\'s `update_from_env.py`, 0744 root:root) is executable as shipped, or its directory is an emptyDir filled by an init container of the same image and uid (the uid owns the copy)',
  needs: 'build',
  run: ({ objects, catalog }) => checkEntrypointExecutable(objects, catalog),
});
