/**
 * Redis (db 0 apiserver, 4 workers, 8 fileserver), data under `/data`.
 */
import { NODE_STORAGE } from '../node-storage.ts';
import { clearmlService, componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { at, COMPOSE, HELM_VALUES } from './sources.ts';

const REDIS_DOCKERFILE = 'docker-library/redis@e920499:7.4-rc/debian/Dockerfile';
const tcp = { kind: 'tcpSocket', port: 'redis', source: `${REDIS_DOCKERFILE} (EXPOSE 6379; RESP has no HTTP health route)` } as const;

export const redis: ComponentSpec = {
  key: 'redis',
  role: 'database',
  name: 'clearml-redis',
  component: 'redis',
  container: 'redis',
  summary: 'Redis: sessions, worker status and queues metrics (db 0 apiserver, 4 workers, 8 fileserver).',
  image: {
    catalogKey: 'redis',
    repository: null,
    entrypoint: {
      command: ['docker-entrypoint.sh'],
      file: { path: '/usr/local/bin/docker-entrypoint.sh', uid: 0, gid: 0, mode: 0o755, interpreter: ['/bin/sh'], source: `${REDIS_DOCKERFILE}:146 (COPY docker-entrypoint.sh /usr/local/bin/: no --chmod, so the mode of the build context's file, git mode 100755 at docker-library/redis@e920499:7.4-rc/debian/docker-entrypoint.sh; no --chown: root, https://docs.docker.com/reference/dockerfile/#copy---chown---chmod); docker-library/redis@e920499:7.4-rc/debian/docker-entrypoint.sh:1 (#!/bin/sh); as a non-root uid it skips the gosu step (:11-14) and execs redis-server (:24)` },
      source: `${REDIS_DOCKERFILE}:147 (ENTRYPOINT ["docker-entrypoint.sh"], on PATH in /usr/local/bin)`,
    },
    user: { uid: 999, gid: 999, source: `${REDIS_DOCKERFILE}:11-12 (redis 999; docker-entrypoint.sh:10-14 drops root to it)` },
    writesAtStart: [{ path: '/data', writableDir: '/data', seedFromImage: false, source: `${REDIS_DOCKERFILE}:142-144 (VOLUME /data, WORKDIR /data)` }],
    nonRootBlocker: null,
    readOnlyRoot: { unknown: 'its writes outside /data (what docker-entrypoint.sh and redis-server write besides the dump) were not all checked at the image\'s sources', source: REDIS_DOCKERFILE },
  },
  entrypoint: { source: `${at(COMPOSE, 102)} (no command: the image's own)` },
  ports: [{ name: 'redis', containerPort: 6379, servicePort: 6379, protocol: 'TCP', scheme: 'tcp', public: null, source: `${REDIS_DOCKERFILE} (EXPOSE 6379)` }],
  probes: {
    readiness: { target: tcp, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: tcp, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [],
  databaseAccess: [],
  storage: {
    mounts: [{ dir: NODE_STORAGE.redisData, claim: { size: '5Gi', source: at(HELM_VALUES, '395-401') } }],
    singleWriter: true,
    source: `${at(COMPOSE, '104-105')} (redis.volumes /opt/clearml/data/redis:/data)`,
  },
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' }, heap: null },
  nonRoot: { uid: 999, gid: 999, source: `${REDIS_DOCKERFILE}:11-12 (the image's own user)` },
  placement: { onClearmlNode: true, strategy: 'Recreate', scalable: false },
  base: {
    file: 'redis.yaml',
    rank: 3,
    objects: (context) => [componentDeployment(redis, mainContainer(context, redis)), clearmlService(redis)],
  },
};
