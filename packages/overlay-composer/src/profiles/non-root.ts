/**
 * `non-root`: every pod admissible under Pod Security "restricted", enforced on the namespace.
 * Pods run as a non-root uid with seccomp RuntimeDefault; containers drop ALL capabilities and
 * cannot escalate. Node storage (hostPath, forbidden by "baseline") becomes PersistentVolumeClaims
 * for data and emptyDir for logs and config; the privileged Elasticsearch init containers are gone,
 * so `vm.max_map_count` must be set on the nodes (README, "Elasticsearch node prerequisites").
 * The webserver's nginx binds port 80 as non-root through the namespaced safe sysctl
 * `net.ipv4.ip_unprivileged_port_start` (allowed by "restricted"). Every directory the stack model
 * says an image writes at start gets an emptyDir, seeded from the image where it ships files there
 * (`makeStartWritesWritable`). The server image's entrypoint.sh (and, in webserver mode,
 * update_from_env.py) is mode 0744 root:root, readable but not executable by the uid: the server
 * containers run it through bash, and the webserver gets its own copy of update_from_env.py
 * (`startAsNonRoot`, the model's `nonRoot.start`). Proven statically only: no cluster has run these pods.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 * @see ../../../../../shared/reference/kustomize-and-verification.md ("Pod Security Standards")
 */
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { mountCovers, NAMESPACE, ownedStorage, PART_OF, STACK_MODEL, toManifestObject, writableDirectories, writableVolumeName, type ComponentSpec, type ManifestObject, type NodeStorageDirectory, type StackModel } from '@clearml-k8s/base-manifests';
import { prePopulateWhereArtifactsReachFileserver } from '../pre-populate.ts';
import { mapObjects, podContainers, TRIAL_CREDENTIALS_RISK, type Profile } from './profile.ts';

/** uid (and gid, fsGroup) each component runs as, by Deployment name: the model's `nonRoot`. */
export function nonRootUids(model: StackModel = STACK_MODEL): Record<string, number> {
  return Object.fromEntries(model.components.filter((c) => c.base).map((c) => [c.name, c.nonRoot.uid]));
}

/** One claim of PVC profiles: the directory it replaces, the owning Deployment, its size. */
export interface ClaimSize {
  dir: NodeStorageDirectory;
  owner: string;
  size: string;
}

/** The claims PVC profiles create: every directory a component owns, with the model's size. */
export function claimSizes(model: StackModel = STACK_MODEL): ClaimSize[] {
  return model.components.filter((c) => c.base).flatMap((c) => ownedStorage(c).map((m) => ({ dir: m.dir, owner: c.name, size: m.claim.size })));
}

/** Name of the PVC that replaces a node storage directory. */
export function claimName(dir: NodeStorageDirectory): string {
  return `clearml-${dir.volume}`;
}

/** A ReadWriteOnce claim for a node storage directory (default StorageClass). */
export function persistentVolumeClaim(dir: NodeStorageDirectory, size: string): ManifestObject {
  return toManifestObject(
    new PersistentVolumeClaim({
      metadata: { name: claimName(dir), namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
    }),
  );
}

/** The container security context "restricted" asks for. */
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/** The lowest port a process may bind without privileges unless the pod lowers it (Linux default). */
const UNPRIVILEGED_PORT_START = 1024;

function restrictPod(deployment: any, model: StackModel): void {
  const name = deployment.metadata.name as string;
  const spec = model.components.find((c) => c.name === name);
  if (!spec) throw new TypeError(`non-root: ${name} is not a component of the stack model`);
  const pod = deployment.spec.template.spec;
  const bindsPrivilegedPort = spec.ports.some((p) => p.containerPort < UNPRIVILEGED_PORT_START);
  delete pod.initContainers;
  delete pod.nodeSelector;
  pod.securityContext = {
    ...(pod.securityContext ?? {}),
    runAsNonRoot: true,
    runAsUser: spec.nonRoot.uid,
    runAsGroup: spec.nonRoot.gid,
    fsGroup: spec.nonRoot.gid,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(bindsPrivilegedPort ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
  };
  for (const container of podContainers(deployment)) container.securityContext = structuredClone(RESTRICTED_CONTAINER);
  const owned = ownedStorage(spec);
  for (const volume of pod.volumes ?? []) {
    if (!volume.hostPath) continue;
    delete volume.hostPath;
    const claim = owned.find((m) => m.dir.volume === volume.name);
    if (claim) volume.persistentVolumeClaim = { claimName: claimName(claim.dir) };
    else volume.emptyDir = {};
  }
  makeStartWritesWritable(pod, spec);
  startAsNonRoot(pod, spec);
}

/**
 * Where the image as shipped cannot be started by the non-root uid (the model's `nonRoot.start`: the
 * server image's entrypoint and update_from_env.py are mode 0744 root:root), the main container runs
 * the entrypoint through its interpreter (`command`, `args` unchanged) and each directory of
 * `ownedCopies` becomes an emptyDir an init container of the same image and uid fills, so the uid owns
 * the copies and their owner execute bit applies. Root profiles never get here.
 * @throws TypeError when the pod has no main container named as the model says.
 */
function startAsNonRoot(pod: any, spec: ComponentSpec): void {
  const start = spec.nonRoot.start;
  if (!start) return;
  const main = (pod.containers ?? []).find((c: any) => c.name === spec.container);
  if (!main) throw new TypeError(`non-root: ${spec.name} has no container ${spec.container}`);
  if (start.command) main.command = [...start.command];
  for (const dir of start.ownedCopies) mountEmptyDir(pod, main, dir, true);
}

/** Where a seeding init container mounts the emptyDir it fills. */
const SEED_MOUNT = '/seed';
/** Resources of a seeding init container (one `cp` of the image's files). */
const SEED_RESOURCES = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } };

/**
 * The image writes at start into root-owned directories (`writesAtStart` of the stack model), which
 * the non-root uid cannot. Each such directory that no volume of the main container covers gets an
 * `emptyDir` (`writableVolumeName`), writable through the pod's `fsGroup`; where the image ships
 * files there the process needs (`seedFromImage`: nginx's web app), an init container of the same
 * image and uid, restricted like the rest, first copies them into it (`cp -R dir/. /seed/`).
 * @throws TypeError when the pod has no main container named as the model says.
 */
function makeStartWritesWritable(pod: any, spec: ComponentSpec): void {
  const main = (pod.containers ?? []).find((c: any) => c.name === spec.container);
  if (!main) throw new TypeError(`non-root: ${spec.name} has no container ${spec.container}`);
  for (const writable of writableDirectories(spec)) {
    if ((main.volumeMounts ?? []).some((m: any) => !m.readOnly && mountCovers(m.mountPath, writable.dir))) continue;
    mountEmptyDir(pod, main, writable.dir, writable.seedFromImage);
  }
}

/**
 * Mounts an emptyDir (`writableVolumeName(dir)`) at `dir` on the main container; with `seed`, an init
 * container of the same image (and the pod's uid), restricted like the rest, first copies what the image
 * ships there into it (`cp -R dir/. /seed/`).
 */
function mountEmptyDir(pod: any, main: any, dir: string, seed: boolean): void {
  const volume = writableVolumeName(dir);
  pod.volumes = [...(pod.volumes ?? []), { name: volume, emptyDir: {} }];
  main.volumeMounts = [...(main.volumeMounts ?? []), { name: volume, mountPath: dir }];
  if (!seed) return;
  pod.initContainers = [
    ...(pod.initContainers ?? []),
    {
      name: volume.replace(/^writable-/, 'seed-'),
      image: main.image,
      ...(main.imagePullPolicy ? { imagePullPolicy: main.imagePullPolicy } : {}),
      command: ['cp', '-R', `${dir}/.`, `${SEED_MOUNT}/`],
      resources: structuredClone(SEED_RESOURCES),
      securityContext: structuredClone(RESTRICTED_CONTAINER),
      volumeMounts: [{ name: volume, mountPath: SEED_MOUNT }],
    },
  ];
}

export const nonRootProfile: Profile = {
  name: 'non-root',
  parent: 'current_version',
  summary: 'Pod Security "restricted" enforced: non-root, no privilege escalation, PVCs instead of hostPath.',
  source: 'packages/overlay-composer/src/profiles/non-root.ts',
  exposure: { kind: 'nodePort' },
  podSecurity: 'restricted',
  imagePolicy: 'pinned',
  prerequisites: [],
  acceptedRisks: [TRIAL_CREDENTIALS_RISK],
  apply: (parent, { model }) => {
    let objects = mapObjects(parent, { kind: 'Namespace', name: NAMESPACE }, (ns) => {
      ns.metadata.labels = {
        ...ns.metadata.labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      };
    });
    objects = mapObjects(objects, { kind: 'Deployment' }, (d) => restrictPod(d, model));
    objects = prePopulateWhereArtifactsReachFileserver(objects);
    return [...objects, ...claimSizes(model).map((p) => persistentVolumeClaim(p.dir, p.size))];
  },
};
