/**
 * Classic node storage: hostPath directories under `/opt/clearml` on the one node labelled
 * `app=clearml` (seed docs, "Prerequisites"), laid out exactly as upstream's docker-compose file
 * lays them out, so a node that ran compose keeps its data when it moves to Kubernetes
 * (README, "Moving from docker-compose").
 *
 * `COMPOSE_VOLUMES` is the fact: every volume of every service of the compose file, transcribed
 * with its line. `NODE_STORAGE` is what the base mounts; each entry cites the compose line(s) it
 * copies, and `packages/base-manifests/test/compose-layout.test.ts` checks the committed `base/`
 * against `COMPOSE_VOLUMES` (host path and container path, per service).
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml
 */
import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { at, COMPOSE } from './stack/sources.ts';

/** Root of node storage on the labelled node (compose's host paths all start here, but the Docker socket). */
export const NODE_STORAGE_ROOT = '/opt/clearml';

/**
 * One volume of one compose service: `host` → `container`. `host: null` is an anonymous volume
 * (`- /container/path`): Docker keeps it under its own data root, never on a path of the host.
 */
export interface ComposeVolume {
  /** The compose service, e.g. `apiserver`, `async_delete`, `agent-services`. */
  service: string;
  host: string | null;
  container: string;
  /** `clearml/clearml-server@v2.3.0:docker/docker-compose.yml:<line>`. */
  source: string;
}

/** Every volume of clearml-server v2.3.0's `docker/docker-compose.yml`, in file order. */
export const COMPOSE_VOLUMES: readonly ComposeVolume[] = [
  { service: 'apiserver', host: '/opt/clearml/logs', container: '/var/log/clearml', source: at(COMPOSE, 11) },
  { service: 'apiserver', host: '/opt/clearml/config', container: '/opt/clearml/config', source: at(COMPOSE, 12) },
  { service: 'apiserver', host: '/opt/clearml/data/fileserver', container: '/mnt/fileserver', source: at(COMPOSE, 13) },
  { service: 'elasticsearch', host: '/opt/clearml/data/elastic_7', container: '/usr/share/elasticsearch/data', source: at(COMPOSE, 66) },
  { service: 'elasticsearch', host: null, container: '/usr/share/elasticsearch/logs', source: at(COMPOSE, 67) },
  { service: 'fileserver', host: '/opt/clearml/logs', container: '/var/log/clearml', source: at(COMPOSE, 81) },
  { service: 'fileserver', host: '/opt/clearml/data/fileserver', container: '/mnt/fileserver', source: at(COMPOSE, 82) },
  { service: 'fileserver', host: '/opt/clearml/config', container: '/opt/clearml/config', source: at(COMPOSE, 83) },
  { service: 'mongo', host: '/opt/clearml/data/mongo_4/db', container: '/data/db', source: at(COMPOSE, 95) },
  { service: 'mongo', host: '/opt/clearml/data/mongo_4/configdb', container: '/data/configdb', source: at(COMPOSE, 96) },
  { service: 'redis', host: '/opt/clearml/data/redis', container: '/data', source: at(COMPOSE, 105) },
  // webserver (lines 107-121): no volumes.
  { service: 'async_delete', host: '/opt/clearml/logs', container: '/var/log/clearml', source: at(COMPOSE, 151) },
  { service: 'async_delete', host: '/opt/clearml/config', container: '/opt/clearml/config', source: at(COMPOSE, 152) },
  { service: 'agent-services', host: '/var/run/docker.sock', container: '/var/run/docker.sock', source: at(COMPOSE, 184) },
  { service: 'agent-services', host: '/opt/clearml/agent', container: '/root/.clearml', source: at(COMPOSE, 185) },
];

/** One directory of node storage: volume name, directory under the root, mount path in the container. */
export interface NodeStorageDirectory {
  /** Volume name; PVC profiles name the claim that replaces it `clearml-<volume>`. */
  volume: string;
  /** Path below `NODE_STORAGE_ROOT`, e.g. `data/fileserver`. */
  hostSubPath: string;
  mountPath: string;
  /** The compose line(s) with the same host path and container path. */
  source: string;
}

/**
 * A directory of one container that compose keeps in an anonymous volume: nothing on the node.
 * The base mounts an `emptyDir` (lives as long as the pod).
 */
export interface ScratchDirectory {
  volume: string;
  mountPath: string;
  /** The compose line of the anonymous volume. */
  source: string;
}

/** A directory a component mounts: node storage (hostPath) or scratch (emptyDir). */
export type StorageDirectory = NodeStorageDirectory | ScratchDirectory;

/** Node storage, as compose lays it out (host path = `/opt/clearml/<hostSubPath>`, same container path). */
export const NODE_STORAGE = {
  logs: { volume: 'clearml-logs', hostSubPath: 'logs', mountPath: '/var/log/clearml', source: at(COMPOSE, '11,81,151') },
  config: { volume: 'clearml-config', hostSubPath: 'config', mountPath: '/opt/clearml/config', source: at(COMPOSE, '12,83,152') },
  fileserverData: { volume: 'fileserver-data', hostSubPath: 'data/fileserver', mountPath: '/mnt/fileserver', source: at(COMPOSE, '13,82') },
  /** The directory is still called `elastic_7` although compose runs Elasticsearch 8. */
  elasticsearchData: { volume: 'elasticsearch-data', hostSubPath: 'data/elastic_7', mountPath: '/usr/share/elasticsearch/data', source: at(COMPOSE, 66) },
  mongoDb: { volume: 'mongodb-db', hostSubPath: 'data/mongo_4/db', mountPath: '/data/db', source: at(COMPOSE, 95) },
  mongoConfigDb: { volume: 'mongodb-configdb', hostSubPath: 'data/mongo_4/configdb', mountPath: '/data/configdb', source: at(COMPOSE, 96) },
  redisData: { volume: 'redis-data', hostSubPath: 'data/redis', mountPath: '/data', source: at(COMPOSE, 105) },
} as const satisfies Record<string, NodeStorageDirectory>;

/** Scratch directories: compose's anonymous volumes, `emptyDir` in the base. */
export const SCRATCH_STORAGE = {
  /** Elasticsearch's log directory: an anonymous volume in compose, so no host directory to keep. */
  elasticsearchLogs: { volume: 'elasticsearch-logs', mountPath: '/usr/share/elasticsearch/logs', source: at(COMPOSE, 67) },
} as const satisfies Record<string, ScratchDirectory>;

/** Whether a directory is on the node (hostPath) rather than scratch. */
export function isNodeStorage(dir: StorageDirectory): dir is NodeStorageDirectory {
  return 'hostSubPath' in dir;
}

/** Absolute host path of a node storage directory, e.g. `/opt/clearml/data/elastic_7`. */
export function hostPathOf(dir: NodeStorageDirectory): string {
  return `${NODE_STORAGE_ROOT}/${dir.hostSubPath}`;
}

/** The hostPath volume of a node storage directory (`DirectoryOrCreate`). */
export function hostPathVolume(dir: NodeStorageDirectory): IVolume {
  return { name: dir.volume, hostPath: { path: hostPathOf(dir), type: 'DirectoryOrCreate' } };
}

/** The volume of a directory: hostPath for node storage, `emptyDir` for scratch. */
export function storageVolume(dir: StorageDirectory): IVolume {
  return isNodeStorage(dir) ? hostPathVolume(dir) : { name: dir.volume, emptyDir: {} };
}

/** The mount of a directory into a container. */
export function volumeMount(dir: StorageDirectory): IVolumeMount {
  return { name: dir.volume, mountPath: dir.mountPath };
}

/** A Deployment as parsed from YAML (only the fields `composeLayoutMismatches` reads). */
interface DeploymentLike {
  metadata: { name: string };
  spec?: { template?: { spec?: { volumes?: IVolume[]; containers?: { name: string; volumeMounts?: IVolumeMount[] }[]; initContainers?: { name: string; volumeMounts?: IVolumeMount[] }[] } } };
}

/**
 * How a Deployment's storage differs from compose's volumes of one service, one sentence per
 * difference (empty: it matches). Checks, for every container: a hostPath volume is a compose volume
 * of the service, mounted at compose's container path; an emptyDir is never mounted where compose
 * keeps data on the host. And for the main (first) container: every compose volume is there, host
 * volumes as hostPath at the same path, anonymous volumes as emptyDir. Other volume kinds
 * (ConfigMaps, Secrets, claims) are not node storage and are not checked.
 * @param service compose service name (`apiserver`, `mongo`, `async_delete`, `agent-services` ...).
 * @param root the node storage root the Deployment uses for compose's `/opt/clearml` (a site's `hostPathRoot`).
 */
export function composeLayoutMismatches(deployment: DeploymentLike, service: string, root: string = NODE_STORAGE_ROOT): string[] {
  const rows = COMPOSE_VOLUMES.filter((r) => r.service === service);
  const pod = deployment.spec?.template?.spec ?? {};
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const name = deployment.metadata.name;
  const base = root.replace(/\/+$/, '');
  const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
  // The compose host path a hostPath stands for; a path left under /opt/clearml by a site with another root matches nothing.
  const composeHost = (p: string) => (under(p, base) ? NODE_STORAGE_ROOT + p.slice(base.length) : under(p, NODE_STORAGE_ROOT) ? `${p} (outside ${base})` : p);
  const problems: string[] = [];
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (v?.hostPath) {
        const host = composeHost(v.hostPath.path);
        const row = rows.find((r) => r.host === host);
        if (!row) problems.push(`${name}/${c.name}: hostPath ${v.hostPath.path} at ${m.mountPath}; compose's ${service} mounts no such host directory`);
        else if (row.container !== m.mountPath) problems.push(`${name}/${c.name}: hostPath ${v.hostPath.path} at ${m.mountPath}; compose mounts it at ${row.container} (${row.source})`);
      } else if (v?.emptyDir) {
        const row = rows.find((r) => r.container === m.mountPath && r.host !== null);
        if (row) problems.push(`${name}/${c.name}: emptyDir at ${m.mountPath}; compose keeps it on the host at ${row.host} (${row.source})`);
      }
    }
  }
  const main = pod.containers?.[0];
  for (const row of rows) {
    const mount = main?.volumeMounts?.find((m) => m.mountPath === row.container);
    const v = mount && volumes.get(mount.name);
    if (row.host !== null && !(v?.hostPath && composeHost(v.hostPath.path) === row.host)) problems.push(`${name}: compose mounts ${row.host} at ${row.container} (${row.source}); the main container has no hostPath of that directory there`);
    if (row.host === null && !v?.emptyDir) problems.push(`${name}: compose has an anonymous volume at ${row.container} (${row.source}); the main container has no emptyDir there`);
  }
  return problems;
}
