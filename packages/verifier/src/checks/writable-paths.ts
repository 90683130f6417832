/**
 * Check `writable-paths`: a ClearML container that runs as a non-root uid can write every directory
 * its image writes at start. The server image runs as root and its entrypoint, under `set -e`,
 * writes into root-owned directories (`/var/log/clearml`, the web app's `configuration.json`, nginx's
 * site file, pid and temp paths, the apiserver's generated error package): as uid 1000 the first
 * such write fails and the pod crash-loops, yet kustomize, the API server and Pod Security accept it
 * (the error of clearml-helm-charts#247). The facts are the stack model's `writesAtStart` and
 * `nonRootBlocker` (base-manifests, each with its upstream source).
 *
 * For each running container of a build that is a stack-model component (its image ends with the
 * component's catalog repository and, for the four modes of the server image, its `args`/`command`
 * select that mode; `docker.io/bitnami/redis` is not `redis`), running as a uid other than 0 and
 * other than the image's own user (`runAsUser` of the container, else of the pod, else the image's
 * user; `runAsNonRoot: true` without a uid counts as non-root), since root writes anywhere and the
 * databases' images own their data directories for their own user:
 * - a component whose image cannot run as non-root at all (`nonRootBlocker`: the k8s glue keeps its
 *   program under the 0700 `/root`; agent-services needs the Docker socket) is a finding;
 * - every `writableDirectories` entry must be covered by a writable volume mount of the container
 *   (not `readOnly`; not a configMap, secret, downwardAPI or projected volume);
 * - where the image ships files there (`seedFromImage`: the web app in `/usr/share/nginx/html`), an
 *   `emptyDir` over it must be filled by an init container of the same image that mounts it.
 * With `securityContext.readOnlyRootFilesystem: true` (whatever the uid: a read-only root stops root
 * too), the container must have a writable volume on each directory of `readOnlyRootDirectories`
 * (the start writes above plus the model's `readOnlyRoot.scratch`, e.g. `/tmp`); a component whose
 * writes the model does not all know (`readOnlyRoot.unknown`: the databases, the agents) running
 * read-only is a finding, since its first unlisted write would stop it.
 * Containers of other images are not checked (their writes are not the model's facts).
 */
import { objectId, readOnlyRootDirectories, STACK_MODEL, writableDirectories, mountCovers, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { componentOfContainer } from './stack-containers.ts';

/** Volume kinds the kubelet mounts read-only whatever the mount says. */
const READ_ONLY_VOLUMES = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

/** The uid a container runs as: container `runAsUser`, pod `runAsUser`, else the image's; `null` for "non-root, uid unknown". */
function effectiveUid(container: any, podSpec: any, spec: ComponentSpec): number | null {
  const uid = container?.securityContext?.runAsUser ?? podSpec?.securityContext?.runAsUser;
  if (typeof uid === 'number') return uid;
  const nonRoot = container?.securityContext?.runAsNonRoot ?? podSpec?.securityContext?.runAsNonRoot;
  return nonRoot === true ? null : spec.image.user.uid;
}

/** Names of a StatefulSet's volumeClaimTemplates: volumes its pods mount, writable, though not in `spec.volumes`. */
function claimTemplateNames(owner: ManifestObject): string[] {
  const templates = (owner as any)?.kind === 'StatefulSet' ? (owner as any).spec?.volumeClaimTemplates : undefined;
  return Array.isArray(templates) ? templates.map((t: any) => t?.metadata?.name).filter((n: unknown): n is string => typeof n === 'string') : [];
}

/** Findings of `writable-paths` over a build. Never throws: malformed objects are `schema`'s. */
export function checkWritablePaths(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): CheckFinding<'writable-paths'>[] {
  const findings: CheckFinding<'writable-paths'>[] = [];
  for (const t of podTemplates(objects).filter((t) => t.running)) {
    const volumes: any[] = [...(Array.isArray(t.spec.volumes) ? t.spec.volumes : []), ...claimTemplateNames(t.owner).map((name) => ({ name, persistentVolumeClaim: {} }))];
    const initContainers: any[] = Array.isArray(t.spec.initContainers) ? t.spec.initContainers : [];
    const containers: any[] = Array.isArray(t.spec.containers) ? t.spec.containers : [];
    containers.forEach((container, index) => {
      const spec = componentOfContainer(container, catalog, model);
      if (!spec) return;
      const uid = effectiveUid(container, t.spec, spec);
      const path = `${t.path}/spec/containers/${index}`;
      const finding = (at: string, message: string, hint: string) => findings.push({ check: 'writable-paths', resource: objectId(t.owner), path: at, message, hint });
      const mounts: any[] = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
      const coveredWritable = (dir: string) => mounts.find((m) => typeof m?.mountPath === 'string' && mountCovers(m.mountPath, dir) && m.readOnly !== true && volumeIsWritable(volumes, m.name));
      // A read-only root filesystem stops every uid, root included: each directory the model says the image writes needs a volume.
      const reported = new Set<string>();
      if (container?.securityContext?.readOnlyRootFilesystem === true) {
        const dirs = readOnlyRootDirectories(spec);
        if (dirs === null) {
          const unknown = spec.image.readOnlyRoot as { unknown: string; source: string };
          finding(`${path}/securityContext/readOnlyRootFilesystem`, `${spec.name} runs with a read-only root filesystem, but ${unknown.unknown} (${unknown.source}); the first write outside its volumes stops the container`, `drop readOnlyRootFilesystem for ${spec.name} (a site's readOnlyRootFilesystem leaves it writable), or record every directory its image writes in the stack model`);
        } else {
          for (const dir of dirs) {
            if (coveredWritable(dir.dir)) continue;
            reported.add(dir.dir);
            finding(`${path}/volumeMounts`, `${spec.name} runs with a read-only root filesystem, but its image writes ${dir.dir} (${dir.sources.join('; ')}) and no writable volume is mounted there, so the write fails`, `mount an emptyDir at ${dir.dir} (a site's readOnlyRootFilesystem does)`);
          }
        }
      }
      // Root writes anywhere; the image's own user owns what the image prepared for it (the databases' data dirs).
      if (uid === 0 || uid === spec.image.user.uid) return;
      const as = uid === null ? 'as a non-root uid' : `as uid ${uid}`;
      if (spec.image.nonRootBlocker) {
        const b = spec.image.nonRootBlocker;
        finding(`${path}/securityContext`, `${spec.name} (${container.image}) runs ${as}, but ${b.reason} (${b.source})`, `run it as its image's user (uid ${spec.image.user.uid}) on a profile that allows it, or use an image made for it: ${b.imageNeeds}`);
        return;
      }
      for (const writable of writableDirectories(spec)) {
        const what = writable.writes.map((w) => w.path).join(', ');
        const mount = coveredWritable(writable.dir);
        if (!mount) {
          if (reported.has(writable.dir)) continue; // the read-only root finding above names it
          finding(
            `${path}/volumeMounts`,
            `${spec.name} runs ${as}, but its image writes ${what} at start (${writable.writes.map((w) => w.source).join('; ')}); ${writable.dir} is not writable for that uid in the image (root-owned) and no writable volume is mounted there, so the write fails and the container exits`,
            `mount an emptyDir at ${writable.dir}${writable.seedFromImage ? ', seeded from the image by an init container' : ''} (the non-root profile does), or run the container as root`,
          );
          continue;
        }
        if (!writable.seedFromImage || !volumes.some((v) => v?.name === mount.name && v.emptyDir)) continue;
        const seeded = initContainers.some((ic) => ic?.image === container.image && (Array.isArray(ic.volumeMounts) ? ic.volumeMounts : []).some((m: any) => m?.name === mount.name));
        if (!seeded) {
          finding(
            `${path}/volumeMounts/${mounts.indexOf(mount)}`,
            `${spec.name} mounts the empty volume ${mount.name} at ${writable.dir}, which hides what the image ships there (${writable.writes.map((w) => w.source).join('; ')}), and no init container of ${container.image} fills it first`,
            `add an init container of the same image and uid that copies ${writable.dir}/. into the volume (the non-root profile's seed-* init containers)`,
          );
        }
      }
    });
  }
  return findings;
}

function volumeIsWritable(volumes: readonly any[], name: unknown): boolean {
  const volume = volumes.find((v) => v?.name === name);
  return !!volume && !READ_ONLY_VOLUMES.some((kind) => kind in volume);
}

export const writablePathsCheck = defineCheck({
  id: 'writable-paths',
  severity: 'error',
  title: 'ClearML containers running as non-root or with a read-only root filesystem can write every directory their image writes',
  description:
    'for each container running a stack-model image as a uid other than 0, every directory the stack model says the image writes at start (`writesAtStart`) has a writable volume mounted, seeded by an init container of the same image where the image ships files there; images that cannot run as non-root at all (the k8s glue, agent-services: `nonRootBlocker`) are findings; with `readOnlyRootFilesystem: true` (any uid), those directories and the scratch ones the model lists (`readOnlyRoot.scratch`, e.g. `/tmp`) have writable volumes, and a component whose writes the model does not all know (`readOnlyRoot.unknown`: the databases, the agents) is a finding',
  needs: 'build',
  run: ({ objects, catalog }) => checkWritablePaths(objects, catalog),
});
