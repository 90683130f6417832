/**
 * Redis (db 0 apiserver, 4 workers, 8 fileserver), data under `/data`.
 */
import { imageReference } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { clearmlDeployment, clearmlService, containerPorts, probes } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { COMPOSE, HELM_VALUES } from './sources.ts';

const REDIS_DOCKERFILE = 'docker-library/redis@master:7.4/debian/Dockerfile';
const tcp = { kind: 'tcpSocket', port: 'redis', source: `${COMPOSE} (redis: port 6379)` } as const;

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
    user: { uid: 999, gid: 999, source: `${REDIS_DOCKERFILE} (groupadd/useradd redis 999; entrypoint drops root to it)` },
    writesAtStart: [{ path: '/data', source: `${REDIS_DOCKERFILE} (WORKDIR /data)` }],
  },
  entrypoint: { source: `${COMPOSE} (redis: the image's own command)` },
  ports: [{ name: 'redis', containerPort: 6379, servicePort: 6379, protocol: 'TCP', scheme: 'tcp', public: null, source: `${REDIS_DOCKERFILE} (EXPOSE 6379)` }],
  probes: {
    readiness: { target: tcp, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: tcp, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [],
  storage: {
    mounts: [{ dir: NODE_STORAGE.redisData, claim: { size: '5Gi', source: `${HELM_VALUES} (redis.master.persistence.size)` } }],
    singleWriter: true,
    source: `${COMPOSE} (redis.volumes /opt/clearml/data/redis:/data)`,
  },
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '1Gi' }, heap: null },
  nonRoot: { uid: 999, gid: 999, source: `${REDIS_DOCKERFILE} (redis 999)` },
  placement: { onClearmlNode: true, strategy: 'Recreate', scalable: false },
  base: {
    file: 'redis.yaml',
    rank: 3,
    objects: ({ catalog }) => {
      const c = redis;
      const storage = c.storage.mounts.map((m) => m.dir);
      return [
        clearmlDeployment({
          component: c,
          containers: [
            {
              name: c.container,
              image: imageReference(catalog.images.redis),
              ports: containerPorts(c),
              ...probes(c),
              resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } },
              volumeMounts: storage.map(volumeMount),
            },
          ],
          volumes: storage.map(hostPathVolume),
        }),
        clearmlService(c),
      ];
    },
  },
};
