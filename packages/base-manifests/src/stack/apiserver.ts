/**
 * The ClearML apiserver: `clearml/server` with `args: [apiserver]`, port 8008, probed on
 * `GET /debug.ping` (no auth), NodePort 30008.
 */
import { NODE_STORAGE } from '../node-storage.ts';
import { clearmlService, componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { API_DATABASE_ACCESS } from './database-access.ts';
import { at, COMPOSE, DOCKERFILE, ENTRYPOINT, HELM_VALUES, SERVER_IMAGE } from './sources.ts';

const ping = { kind: 'httpGet', path: '/debug.ping', port: 'http', scheme: 'HTTP', source: 'clearml/clearml-server@v2.3.0:apiserver/services/debug.py:4-9 (authorize: false, apiserver/schema/services/debug.conf:2-3)' } as const;

/**
 * Pre-population: on first start the apiserver imports the example projects from the zip files in
 * `zipFiles` and unpacks their artifacts into `artifactsPath`, the fileserver's directory, which it
 * mounts for nothing else (compose mounts the fileserver's host directory there). Where the
 * apiserver cannot mount the fileserver's storage (claims are ReadWriteOnce and the fileserver's
 * own), the artifacts would land in an emptyDir and every example artifact would 404, so those
 * profiles and sites turn pre-population off (`prePopulateWhereArtifactsReachFileserver` in the
 * composer) and the verifier's `pre-populate` check guards it.
 * The v2.3.0 sources create no zip file there; the published image may ship some (not checked here).
 */
export const PRE_POPULATE = {
  enabledEnv: 'CLEARML__apiserver__pre_populate__enabled',
  zipFilesEnv: 'CLEARML__apiserver__pre_populate__zip_files',
  zipFiles: '/opt/clearml/db-pre-populate',
  artifactsPathEnv: 'CLEARML__apiserver__pre_populate__artifacts_path',
  artifactsPath: NODE_STORAGE.fileserverData.mountPath,
  source: `${at(COMPOSE, '13,27-29')}; clearml/clearml-server@v2.3.0:apiserver/mongo/initialize/__init__.py:18-48, apiserver/mongo/initialize/pre_populate.py:390-395 (zfile.extractall(artifacts_path)); apiserver/config/default/apiserver.conf:29-34 (disabled by default)`,
} as const;

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
    formerRepositories: SERVER_IMAGE.formerRepositories,
    entrypoint: SERVER_IMAGE.entrypoint,
    user: SERVER_IMAGE.user,
    writesAtStart: [
      { ...SERVER_IMAGE.logDirectory, writableDir: '/var/log/clearml', seedFromImage: false },
      {
        path: '/opt/clearml/apiserver/apierrors/errors',
        writableDir: '/opt/clearml/apiserver/apierrors/errors',
        seedFromImage: false,
        source: `${at(ENTRYPOINT, 15)} (python3 -m apiserver.apierrors_generator, under set -e); clearml/clearml-server@v2.3.0:apiserver/apierrors_generator/generator.py:34-37,82-96 (mkdir, then the package and digest.md5); the image ships nothing there (clearml/clearml-server@v2.3.0:.gitignore:3, apierrors/errors)`,
      },
      // Tolerated, so not listed: the schema cache apiserver/schema/services/_cache.json (a failed write is
      // logged and skipped, clearml/clearml-server@v2.3.0:apiserver/schema/schema_reader.py:249-261) and
      // Python's __pycache__ (skipped when not writable).
    ],
    nonRootBlocker: null,
    readOnlyRoot: { scratch: [{ dir: '/tmp', why: 'Python tempfile (Google Cloud Storage credentials given as JSON content are written to a temporary .json file)', source: 'clearml/clearml-server@v2.3.0:apiserver/bll/storage/__init__.py:110,120,150-167 (credentials_json content to tempfile.NamedTemporaryFile); with CLEARML_USE_GUNICORN, gunicorn\'s worker heartbeat files go there too (docker/build/internal_files/entrypoint.sh:17-32)' }] },
  },
  entrypoint: { args: ['apiserver'], source: at(COMPOSE, '5-6') },
  ports: [{ name: 'http', containerPort: 8008, servicePort: 8008, protocol: 'TCP', scheme: 'http', public: { hostLabel: 'api', nodePort: 30008 }, source: `clearml/clearml-server@v2.3.0:apiserver/config/default/apiserver.conf:16-19 (listen 0.0.0.0:8008); ${at(HELM_VALUES, '74-81')} (nodePort 30008)` }],
  probes: {
    readiness: { target: ping, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5 },
    liveness: { target: ping, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
  },
  connections: [
    { via: { env: 'CLEARML_ELASTIC_SERVICE_HOST' }, form: 'host', target: 'elasticsearch', port: 'http', source: `${at(COMPOSE, '19-24')}; clearml/clearml-server@v2.3.0:apiserver/es_factory.py:16-47` },
    { via: { env: 'CLEARML_ELASTIC_SERVICE_PORT' }, form: 'port', target: 'elasticsearch', port: 'http', source: `${at(COMPOSE, '19-24')}; clearml/clearml-server@v2.3.0:apiserver/es_factory.py:16-47` },
    { via: { env: 'CLEARML_MONGODB_SERVICE_HOST' }, form: 'host', target: 'mongodb', port: 'mongodb', source: `${at(COMPOSE, '19-24')}; clearml/clearml-server@v2.3.0:apiserver/database/__init__.py:19-34` },
    { via: { env: 'CLEARML_MONGODB_SERVICE_PORT' }, form: 'port', target: 'mongodb', port: 'mongodb', source: `${at(COMPOSE, '19-24')}; clearml/clearml-server@v2.3.0:apiserver/database/__init__.py:19-34` },
    { via: { env: 'CLEARML_REDIS_SERVICE_HOST' }, form: 'host', target: 'redis', port: 'redis', source: `${at(COMPOSE, '19-24')}; clearml/clearml-server@v2.3.0:apiserver/redis_manager.py:12-28` },
    { via: { env: 'CLEARML_REDIS_SERVICE_PORT' }, form: 'port', target: 'redis', port: 'redis', source: `${at(COMPOSE, '19-24')}; clearml/clearml-server@v2.3.0:apiserver/redis_manager.py:12-28` },
    {
      via: { env: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes' },
      form: 'urlList',
      target: 'fileserver',
      port: 'http',
      source: `clearml/clearml-server@v2.3.0:apiserver/bll/task/task_cleanup.py:147-153 (only URLs under these prefixes are queued for deletion; the default, apiserver/config/default/services/async_urls_delete.conf:10, is Allegro's hosted files domain); ${at(COMPOSE, 31)} sets it from the files host`,
    },
  ],
  databaseAccess: API_DATABASE_ACCESS,
  storage: {
    mounts: [
      { dir: NODE_STORAGE.logs, claim: null },
      { dir: NODE_STORAGE.config, claim: null },
      { dir: NODE_STORAGE.fileserverData, claim: null },
    ],
    singleWriter: false,
    source: at(COMPOSE, '10-13'),
  },
  resources: { requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '2Gi' }, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `ours: the image has no non-root user (${at(DOCKERFILE, '1-38')}); the chart sets none (${at(HELM_VALUES, '136-141')})`, start: SERVER_IMAGE.nonRootStart() },
  placement: { onClearmlNode: true, strategy: 'RollingUpdate', scalable: true },
  base: {
    file: 'apiserver.yaml',
    rank: 4,
    objects: (context) => [
      componentDeployment(
        apiserver,
        mainContainer(context, apiserver, {
          [PRE_POPULATE.enabledEnv]: 'true',
          [PRE_POPULATE.zipFilesEnv]: PRE_POPULATE.zipFiles,
          [PRE_POPULATE.artifactsPathEnv]: PRE_POPULATE.artifactsPath,
          CLEARML__services__async_urls_delete__enabled: 'true',
        }),
      ),
      clearmlService(apiserver),
    ],
  },
};
