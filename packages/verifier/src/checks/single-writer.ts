/**
 * Check `single-writer`: data only one process may write is written by one pod, during rollouts too,
 * and rollouts of the stack get the time their probes need.
 *
 * - **single-writer components** (error): a workload running a stack-model component with
 *   `storage.singleWriter` (MongoDB, Elasticsearch single-node, Redis, the fileserver: base-manifests
 *   `stack/*.ts`) has `replicas` 1 or unset; a Deployment of one uses `strategy: Recreate`, since the
 *   default `RollingUpdate` starts the new pod (maxSurge 25 %, rounded up to 1) while the old one
 *   still writes (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy).
 *   A StatefulSet with one replica is fine (it never runs two pods of one ordinal). An Elasticsearch
 *   configured as a cluster (`discovery.seed_hosts`, `cluster.initial_master_nodes`) may scale.
 * - **ReadWriteOnce claims** (error): a claim of the build whose access modes are only
 *   `ReadWriteOnce`/`ReadWriteOncePod`, mounted by a Deployment or ReplicaSet with `replicas` > 1
 *   or by two workloads: it attaches to one node only, so pods elsewhere stay `ContainerCreating`
 *   (Multi-Attach), and on the same node two writers share it
 *   (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes). Claims not in the
 *   build, and StatefulSets' `volumeClaimTemplates` (one claim per pod), are not checked.
 * - **rollout deadline** (warning): a Deployment of a stack-model component with probes whose
 *   `progressDeadlineSeconds` is below 60 s or below what its first readiness needs: the model's
 *   readiness `initialDelaySeconds` + 3 × `periodSeconds` (the default `failureThreshold`) + the
 *   Deployment's `minReadySeconds`. Past the deadline the rollout is reported failed
 *   (`ProgressDeadlineExceeded`, `kubectl rollout status` exits 1) while the pod is still starting
 *   (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds);
 *   the old kustomize tree had deadlines of 5 to 60 s.
 */
import { objectId, STACK_MODEL, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { hasEnv, stackContainers } from './stack-containers.ts';

/** Below this a rollout deadline is too short for any stack component (seconds). */
export const MIN_PROGRESS_DEADLINE_SECONDS = 60;
const CLUSTER_SETTINGS = ['discovery.seed_hosts', 'cluster.initial_master_nodes', 'ES_SETTING_DISCOVERY_SEED__HOSTS'];
const SINGLE_NODE_ACCESS = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);
const REPLICATED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

type Finding = CheckFinding<'single-writer'>;

const replicasOf = (o: any): number => (typeof o?.spec?.replicas === 'number' ? o.spec.replicas : 1);

/** Findings of `single-writer` over a build. Never throws. */
export function checkSingleWriter(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): Finding[] {
  const findings: Finding[] = [];
  const push = (owner: ManifestObject, path: string, message: string, hint: string, severity?: 'warning') => findings.push({ check: 'single-writer', resource: objectId(owner), path, message, hint, ...(severity ? { severity } : {}) });
  const seen = new Set<string>();
  for (const { template, container, spec } of stackContainers(objects, catalog, model)) {
    const owner = template.owner as any;
    const key = `${objectId(owner)}:${spec.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const cluster = spec.key === 'elasticsearch' && CLUSTER_SETTINGS.some((s) => hasEnv(container, s));
    if (spec.storage.singleWriter && !cluster) {
      if (REPLICATED.has(owner.kind) && replicasOf(owner) > 1) {
        push(owner, '/spec/replicas', `${spec.name} writes its data as a single writer (${spec.storage.source}), but ${owner.kind} ${owner.metadata?.name} runs ${owner.spec.replicas} replicas of it`, 'set replicas to 1');
      }
      const strategy = owner.spec?.strategy?.type ?? 'RollingUpdate';
      if (owner.kind === 'Deployment' && strategy !== 'Recreate') {
        push(
          owner,
          owner.spec?.strategy ? '/spec/strategy' : '/spec',
          `${spec.name} writes its data as a single writer (${spec.storage.source}), but its Deployment rolls out with ${strategy}${owner.spec?.strategy ? '' : ' (the default)'}: the new pod starts while the old one still writes the same data (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy)`,
          'set spec.strategy to {type: Recreate} (the base does)',
        );
      }
    }
    const readiness = spec.probes?.readiness;
    const deadline = owner.spec?.progressDeadlineSeconds;
    if (owner.kind === 'Deployment' && readiness && typeof deadline === 'number') {
      const minReady = typeof owner.spec?.minReadySeconds === 'number' ? owner.spec.minReadySeconds : 0;
      const needed = Math.max(MIN_PROGRESS_DEADLINE_SECONDS, readiness.initialDelaySeconds + 3 * readiness.periodSeconds + minReady);
      if (deadline < needed) {
        push(
          owner,
          '/spec/progressDeadlineSeconds',
          `${spec.name}'s Deployment gives its rollout ${deadline} s, less than the ${needed} s it needs (at least ${MIN_PROGRESS_DEADLINE_SECONDS} s; readiness after ${readiness.initialDelaySeconds} s + 3 periods of ${readiness.periodSeconds} s${minReady ? ` + minReadySeconds ${minReady}` : ''}): the rollout is reported failed (ProgressDeadlineExceeded) while the pod is still starting (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds)`,
          `raise progressDeadlineSeconds to at least ${needed}, or remove it (default 600)`,
          'warning',
        );
      }
    }
  }
  // ReadWriteOnce claims of the build: who mounts them.
  const claims = new Map(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o: any) => [`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o]));
  const mountedBy = new Map<string, { owner: any; path: string }[]>();
  for (const t of podTemplates(objects).filter((t) => t.running)) {
    const namespace = (t.owner as any).metadata?.namespace ?? '';
    const volumes: any[] = Array.isArray(t.spec.volumes) ? t.spec.volumes : [];
    volumes.forEach((v, i) => {
      const name = v?.persistentVolumeClaim?.claimName;
      const claim = typeof name === 'string' ? claims.get(`${namespace}/${name}`) : undefined;
      const modes: unknown[] = Array.isArray(claim?.spec?.accessModes) ? claim.spec.accessModes : [];
      if (!claim || modes.length === 0 || !modes.every((m) => SINGLE_NODE_ACCESS.has(m as string))) return;
      const key = `${namespace}/${name}`;
      mountedBy.set(key, [...(mountedBy.get(key) ?? []), { owner: t.owner, path: `${t.path}/spec/volumes/${i}` }]);
    });
  }
  for (const [key, users] of mountedBy) {
    const modes = claims.get(key).spec.accessModes.join(', ');
    const owners = [...new Map(users.map((u) => [objectId(u.owner), u])).values()];
    for (const u of owners) {
      if (['Deployment', 'ReplicaSet', 'ReplicationController'].includes(u.owner.kind) && replicasOf(u.owner) > 1) {
        push(u.owner, u.path, `claim ${key.split('/')[1]} is ${modes} (one node), but ${u.owner.kind} ${u.owner.metadata?.name} runs ${u.owner.spec.replicas} replicas mounting it: pods on other nodes hang in ContainerCreating (Multi-Attach), pods on the same node write it together (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)`, 'run one replica, or use a ReadWriteMany claim for data that several pods may share');
      }
    }
    if (owners.length > 1) {
      for (const u of owners.slice(1)) {
        push(u.owner, u.path, `claim ${key.split('/')[1]} is ${modes} (one node), but ${owners.map((o) => objectId(o.owner)).join(' and ')} both mount it: unless scheduled onto the same node, one of them hangs in ContainerCreating (Multi-Attach) (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)`, 'give each workload its own claim, pin them to one node, or use a ReadWriteMany claim');
      }
    }
  }
  return findings;
}

export const singleWriterCheck = defineCheck({
  id: 'single-writer',
  severity: 'error',
  title: 'single-writer data has one writer, during rollouts too; ReadWriteOnce claims have one workload of one replica',
  description:
    'workloads of stack-model components with `storage.singleWriter` (MongoDB, single-node Elasticsearch, Redis, fileserver) run one replica and, as Deployments, `strategy: Recreate`; a ReadWriteOnce claim is mounted by one workload of one replica; a stack Deployment\'s `progressDeadlineSeconds` covers its readiness (at least 60 s; warning)',
  needs: 'build',
  run: ({ objects, catalog }) => checkSingleWriter(objects, catalog),
});
