/**
 * MongoDB for the `backend` and `auth` databases, with the sort-memory parameter of upstream
 * compose.
 */
import { imageReference } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { clearmlDeployment, clearmlService, containerPorts, probes } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { COMPOSE, HELM_VALUES } from './sources.ts';

const MONGO_DOCKERFILE = 'docker-library/mongo@master:7.0/Dockerfile';
const tcp = { kind: 'tcpSocket', port: 'mongodb', source: `${COMPOSE} (mongo: port 27017)` } as const;

export const mongodb: ComponentSpec = {
  key: 'mongodb',
  role: 'database',
  name: 'clearml-mongodb',
  component: 'mongodb',
  container: 'mongodb',
  summary: 'MongoDB: the `backend` and `auth` databases (tasks, projects, users).',
  image: {
    catalogKey: 'mongo',
    repository: null,
    user: { uid: 999, gid: 999, source: `${MONGO_DOCKERFILE} (groupadd/useradd mongodb 999; entrypoint drops root to it)` },
    writesAtStart: [
      { path: '/data/db', source: MONGO_DOCKERFILE },
      { path: '/data/configdb', source: MONGO_DOCKERFILE },
    ],
  },
  entrypoint: { args: ['--setParameter', 'internalQueryMaxBlockingSortMemoryUsageBytes=196100200'], source: `${COMPOSE} (mongo.command)` },
  ports: [{ name: 'mongodb', containerPort: 27017, servicePort: 27017, protocol: 'TCP', scheme: 'tcp', public: null, source: `${MONGO_DOCKERFILE} (EXPOSE 27017)` }],
  probes: {
    readiness: { target: tcp, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: tcp, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [],
  storage: {
    mounts: [
      { dir: NODE_STORAGE.mongoDb, claim: { size: '50Gi', source: `${HELM_VALUES} (mongodb.persistence.size)` } },
      { dir: NODE_STORAGE.mongoConfigDb, claim: { size: '1Gi', source: 'ours: the config database of a standalone server holds a few MiB' } },
    ],
    singleWriter: true,
    source: `${COMPOSE} (mongo.volumes /opt/clearml/data/mongo_4/db, configdb)`,
  },
  resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' }, heap: null },
  nonRoot: { uid: 999, gid: 999, source: `${MONGO_DOCKERFILE} (mongodb 999)` },
  placement: { onClearmlNode: true, strategy: 'Recreate', scalable: false },
  base: {
    file: 'mongodb.yaml',
    rank: 1,
    objects: ({ catalog }) => {
      const c = mongodb;
      const storage = c.storage.mounts.map((m) => m.dir);
      return [
        clearmlDeployment({
          component: c,
          containers: [
            {
              name: c.container,
              image: imageReference(catalog.images.mongo),
              args: [...c.entrypoint.args!],
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
