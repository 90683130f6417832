/**
 * `non-root`: every pod admissible under Pod Security "restricted", enforced on the namespace.
 * Pods run as a non-root uid with seccomp RuntimeDefault; containers drop ALL capabilities and
 * cannot escalate. Node storage (hostPath, forbidden by "baseline") becomes PersistentVolumeClaims
 * for data and emptyDir for logs and config; the privileged Elasticsearch init containers are gone,
 * so `vm.max_map_count` must be set on the nodes (README, "Elasticsearch node prerequisites").
 * The webserver's nginx binds port 80 as non-root through the namespaced safe sysctl
 * `net.ipv4.ip_unprivileged_port_start` (allowed by "restricted").
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 * @see ../../../../../shared/reference/kustomize-and-verification.md ("Pod Security Standards")
 */
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { ES_UID, NAMESPACE, NODE_STORAGE, PART_OF, STACK, toManifestObject, type ManifestObject, type NodeStorageDirectory } from '@clearml-k8s/base-manifests';
import { mapObjects, podContainers, type Profile } from '../profile.ts';

/** uid (and gid, fsGroup) each component runs as: the images' own users where they have one. */
export const NON_ROOT_UIDS: Record<string, number> = {
  [STACK.apiserver.name]: 1000,
  [STACK.webserver.name]: 1000,
  [STACK.fileserver.name]: 1000,
  [STACK.asyncDelete.name]: 1000,
  [STACK.elasticsearch.name]: ES_UID,
  [STACK.mongo.name]: 999,
  [STACK.redis.name]: 999,
};

/** PVC sizes, as the ClearML Helm chart 7.x sizes them. */
export const PVC_SIZES: { dir: NodeStorageDirectory; owner: string; size: string }[] = [
  { dir: NODE_STORAGE.fileserverData, owner: STACK.fileserver.name, size: '50Gi' },
  { dir: NODE_STORAGE.elasticsearchData, owner: STACK.elasticsearch.name, size: '50Gi' },
  { dir: NODE_STORAGE.mongoDb, owner: STACK.mongo.name, size: '50Gi' },
  { dir: NODE_STORAGE.mongoConfigDb, owner: STACK.mongo.name, size: '1Gi' },
  { dir: NODE_STORAGE.redisData, owner: STACK.redis.name, size: '5Gi' },
];

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

function restrictPod(deployment: any): void {
  const name = deployment.metadata.name as string;
  const uid = NON_ROOT_UIDS[name];
  const pod = deployment.spec.template.spec;
  delete pod.initContainers;
  delete pod.nodeSelector;
  pod.securityContext = {
    ...(pod.securityContext ?? {}),
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(name === STACK.webserver.name ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
  };
  for (const container of podContainers(deployment)) {
    container.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  }
  for (const volume of pod.volumes ?? []) {
    if (!volume.hostPath) continue;
    delete volume.hostPath;
    const claim = PVC_SIZES.find((p) => p.dir.volume === volume.name && p.owner === name);
    if (claim) volume.persistentVolumeClaim = { claimName: claimName(claim.dir) };
    else volume.emptyDir = {};
  }
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
  apply: (parent) => {
    let objects = mapObjects(parent, { kind: 'Namespace', name: NAMESPACE }, (ns) => {
      ns.metadata.labels = {
        ...ns.metadata.labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      };
    });
    objects = mapObjects(objects, { kind: 'Deployment' }, restrictPod);
    return [...objects, ...PVC_SIZES.map((p) => persistentVolumeClaim(p.dir, p.size))];
  },
};
