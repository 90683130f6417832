/**
 * MongoDB for the `backend` and `auth` databases, with the sort-memory parameter of upstream
 * compose.
 */
import { NODE_STORAGE } from '../node-storage.ts';
import { clearmlService, componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { at, COMPOSE, HELM_VALUES } from './sources.ts';

const MONGO_DOCKERFILE = 'docker-library/mongo@b7ab44b:7.0/Dockerfile';
const tcp = { kind: 'tcpSocket', port: 'mongodb', source: `${MONGO_DOCKERFILE}:120 (EXPOSE 27017; the wire protocol has no HTTP health route)` } as const;

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
    entrypoint: {
      command: ['docker-entrypoint.sh'],
      file: { path: '/usr/local/bin/docker-entrypoint.sh', uid: 0, gid: 0, mode: 0o755, interpreter: ['/usr/bin/env', 'bash'], source: `${MONGO_DOCKERFILE}:117 (COPY docker-entrypoint.sh /usr/local/bin/: no --chmod, so the mode of the build context's file, git mode 100755 at docker-library/mongo@b7ab44b:7.0/docker-entrypoint.sh; no --chown: root, https://docs.docker.com/reference/dockerfile/#copy---chown---chmod); docker-library/mongo@b7ab44b:7.0/docker-entrypoint.sh:1 (#!/usr/bin/env bash); as a non-root uid it skips the gosu step (:12-23); what it runs next (mongod, the shell for init scripts) comes from the MongoDB packages, not checked here` },
      source: `${MONGO_DOCKERFILE}:118 (ENTRYPOINT ["docker-entrypoint.sh"], on PATH in /usr/local/bin)`,
    },
    user: { uid: 999, gid: 999, source: `${MONGO_DOCKERFILE}:11-14 (mongodb 999; docker-entrypoint.sh:12-22 chowns the data and drops root to it)` },
    writesAtStart: [
      { path: '/data/db', writableDir: '/data/db', seedFromImage: false, source: MONGO_DOCKERFILE },
      { path: '/data/configdb', writableDir: '/data/configdb', seedFromImage: false, source: MONGO_DOCKERFILE },
    ],
    nonRootBlocker: null,
    readOnlyRoot: { unknown: 'its writes outside /data/db and /data/configdb (mongod\'s Unix domain socket in /tmp; what docker-entrypoint.sh writes on first start) were not all checked at the image\'s sources', source: MONGO_DOCKERFILE },
  },
  entrypoint: { args: ['--setParameter', 'internalQueryMaxBlockingSortMemoryUsageBytes=196100200'], source: at(COMPOSE, 93) },
  ports: [{ name: 'mongodb', containerPort: 27017, servicePort: 27017, protocol: 'TCP', scheme: 'tcp', public: null, source: `${MONGO_DOCKERFILE}:120` }],
  probes: {
    readiness: { target: tcp, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: tcp, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [],
  databaseAccess: [],
  storage: {
    mounts: [
      { dir: NODE_STORAGE.mongoDb, claim: { size: '50Gi', source: at(HELM_VALUES, '416-422') } },
      { dir: NODE_STORAGE.mongoConfigDb, claim: { size: '1Gi', source: 'ours: the config database of a standalone server holds a few MiB' } },
    ],
    singleWriter: true,
    source: `${at(COMPOSE, '94-96')} (mongo.volumes /opt/clearml/data/mongo_4/db, configdb)`,
  },
  resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' }, heap: null },
  nonRoot: { uid: 999, gid: 999, source: `${MONGO_DOCKERFILE}:11-14 (the image's own user)` },
  placement: { onClearmlNode: true, strategy: 'Recreate', scalable: false },
  base: {
    file: 'mongodb.yaml',
    rank: 1,
    objects: (context) => [componentDeployment(mongodb, mainContainer(context, mongodb)), clearmlService(mongodb)],
  },
};
