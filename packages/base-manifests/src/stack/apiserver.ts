/**
 * The ClearML apiserver: `clearml/server` with `args: [apiserver]`, port 8008, probed on
 * `GET /debug.ping` (no auth), NodePort 30008.
 */
import { imageReference } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { clearmlDeployment, clearmlService, containerPorts, envList, probes } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { connectionEnv } from './connections.ts';
import { at, COMPOSE, DOCKERFILE, ENTRYPOINT, HELM_VALUES } from './sources.ts';

const ping = { kind: 'httpGet', path: '/debug.ping', port: 'http', scheme: 'HTTP', source: at(HELM_VALUES, 'apiserver.livenessProbe') } as const;

export const apiserver: ComponentSpec = {
  key: 'apiserver',
  role: 'server',
  name: 'clearml-apiserver',
  component: 'apiserver',
  container: 'apiserver',
  summary: 'The ClearML API: tasks, models, queues, users; stores in MongoDB, Elasticsearch and Redis.',
  image: {
    catalogKey: 'clearmlServer',
    repository: null,
    user: { uid: 0, gid: 0, source: `${DOCKERFILE} (no USER)` },
    writesAtStart: [
      { path: '/var/log/clearml', source: `${ENTRYPOINT} (mkdir -p /var/log/clearml)` },
      { path: '/opt/clearml/apiserver/apierrors/errors', source: `${ENTRYPOINT} (python3 -m apiserver.apierrors_generator)` },
    ],
  },
  entrypoint: { args: ['apiserver'], source: `${COMPOSE} (apiserver.command)` },
  ports: [{ name: 'http', containerPort: 8008, servicePort: 8008, protocol: 'TCP', scheme: 'http', public: { hostLabel: 'api', nodePort: 30008 }, source: `${COMPOSE} (apiserver.ports 8008:8008); seed docs (NodePort 30008)` }],
  probes: {
    readiness: { target: ping, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5 },
    liveness: { target: ping, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
  },
  connections: [
    { via: { env: 'CLEARML_ELASTIC_SERVICE_HOST' }, form: 'host', target: 'elasticsearch', port: 'http', source: `${COMPOSE} (apiserver.environment)` },
    { via: { env: 'CLEARML_ELASTIC_SERVICE_PORT' }, form: 'port', target: 'elasticsearch', port: 'http', source: `${COMPOSE} (apiserver.environment)` },
    { via: { env: 'CLEARML_MONGODB_SERVICE_HOST' }, form: 'host', target: 'mongodb', port: 'mongodb', source: `${COMPOSE} (apiserver.environment)` },
    { via: { env: 'CLEARML_MONGODB_SERVICE_PORT' }, form: 'port', target: 'mongodb', port: 'mongodb', source: `${COMPOSE} (apiserver.environment)` },
    { via: { env: 'CLEARML_REDIS_SERVICE_HOST' }, form: 'host', target: 'redis', port: 'redis', source: `${COMPOSE} (apiserver.environment)` },
    { via: { env: 'CLEARML_REDIS_SERVICE_PORT' }, form: 'port', target: 'redis', port: 'redis', source: `${COMPOSE} (apiserver.environment)` },
  ],
  storage: {
    mounts: [
      { dir: NODE_STORAGE.logs, claim: null },
      { dir: NODE_STORAGE.config, claim: null },
      { dir: NODE_STORAGE.fileserverData, claim: null },
    ],
    singleWriter: false,
    source: `${COMPOSE} (apiserver.volumes)`,
  },
  resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '2Gi' }, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `${HELM_VALUES} (apiserver.podSecurityContext)` },
  placement: { onClearmlNode: true, strategy: 'RollingUpdate', scalable: true },
  base: {
    file: 'apiserver.yaml',
    rank: 4,
    objects: ({ catalog, model }) => {
      const c = apiserver;
      const storage = c.storage.mounts.map((m) => m.dir);
      return [
        clearmlDeployment({
          component: c,
          containers: [
            {
              name: c.container,
              image: imageReference(catalog.images.clearmlServer),
              args: [...c.entrypoint.args!],
              ports: containerPorts(c),
              env: envList({
                ...connectionEnv(model, c),
                CLEARML__apiserver__pre_populate__enabled: 'true',
                CLEARML__apiserver__pre_populate__zip_files: '/opt/clearml/db-pre-populate',
                CLEARML__apiserver__pre_populate__artifacts_path: NODE_STORAGE.fileserverData.mountPath,
                CLEARML__services__async_urls_delete__enabled: 'true',
              }),
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
