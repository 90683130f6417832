/**
 * Classic node storage: hostPath directories under `/opt/clearml` on the one node labelled
 * `app=clearml` (seed docs, "Prerequisites"; upstream compose volumes).
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml
 */
import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';

/** Root of node storage on the labelled node. */
export const NODE_STORAGE_ROOT = '/opt/clearml';

/** One directory of node storage: volume name, directory under the root, mount path in the container. */
export interface NodeStorageDirectory {
  volume: string;
  /** Path below `NODE_STORAGE_ROOT`, e.g. `data/fileserver`. */
  hostSubPath: string;
  mountPath: string;
}

export const NODE_STORAGE = {
  logs: { volume: 'clearml-logs', hostSubPath: 'logs', mountPath: '/var/log/clearml' },
  config: { volume: 'clearml-config', hostSubPath: 'config', mountPath: '/opt/clearml/config' },
  fileserverData: { volume: 'fileserver-data', hostSubPath: 'data/fileserver', mountPath: '/mnt/fileserver' },
  elasticsearchData: { volume: 'elasticsearch-data', hostSubPath: 'data/elastic_7/data', mountPath: '/usr/share/elasticsearch/data' },
  elasticsearchLogs: { volume: 'elasticsearch-logs', hostSubPath: 'data/elastic_7/logs', mountPath: '/usr/share/elasticsearch/logs' },
  mongoDb: { volume: 'mongodb-db', hostSubPath: 'data/mongo_4/db', mountPath: '/data/db' },
  mongoConfigDb: { volume: 'mongodb-configdb', hostSubPath: 'data/mongo_4/configdb', mountPath: '/data/configdb' },
  redisData: { volume: 'redis-data', hostSubPath: 'data/redis', mountPath: '/data' },
} as const satisfies Record<string, NodeStorageDirectory>;

/** The hostPath volume of a node storage directory (`DirectoryOrCreate`). */
export function hostPathVolume(dir: NodeStorageDirectory): IVolume {
  return { name: dir.volume, hostPath: { path: `${NODE_STORAGE_ROOT}/${dir.hostSubPath}`, type: 'DirectoryOrCreate' } };
}

/** The mount of a node storage directory into a container. */
export function volumeMount(dir: NodeStorageDirectory): IVolumeMount {
  return { name: dir.volume, mountPath: dir.mountPath };
}
