/**
 * Async delete: the job that deletes the files of deleted tasks from the fileserver. Same image,
 * entrypoint `python3 -m jobs.async_urls_delete`, no port and no Service. Its pod labels are its
 * own, so the apiserver Service never selects it (clearml-helm-charts#277).
 */
import { NODE_STORAGE } from '../node-storage.ts';
import { componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { API_DATABASE_ACCESS } from './database-access.ts';
import { at, COMPOSE, SERVER_IMAGE } from './sources.ts';

export const asyncDelete: ComponentSpec = {
  key: 'asyncDelete',
  role: 'server',
  name: 'clearml-async-delete',
  component: 'async-delete',
  container: 'async-delete',
  summary: 'Deletes the fileserver files of deleted tasks and models, from the queue the apiserver fills.',
  image: {
    catalogKey: 'clearmlServer',
    repository: null,
    formerRepositories: SERVER_IMAGE.formerRepositories,
    entrypoint: SERVER_IMAGE.entrypoint,
    user: SERVER_IMAGE.user,
    writesAtStart: [
      {
        path: '/opt/clearml/apiserver/apierrors/errors',
        writableDir: '/opt/clearml/apiserver/apierrors/errors',
        seedFromImage: false,
        source: 'clearml/clearml-server@v2.3.0:apiserver/apierrors/__init__.py:4-6 (generates the errors package on every import); apiserver/apierrors_generator/generator.py:34-37 (mkdir); the image ships nothing there (.gitignore:3)',
      },
      { path: '/var/log/clearml/apiserver.log', writableDir: '/var/log/clearml', seedFromImage: false, source: 'clearml/clearml-server@v2.3.0:apiserver/config/default/logging.conf:14-20 (RotatingFileHandler /var/log/clearml/apiserver.log; the job loads the apiserver config)' },
    ],
    nonRootBlocker: null,
    readOnlyRoot: { scratch: [{ dir: '/tmp', why: 'Python tempfile of the apiserver packages the job loads (PYTHONPATH /opt/clearml/apiserver)', source: 'clearml/clearml-server@v2.3.0:apiserver/bll/storage/__init__.py:110,120,150-167 (credentials_json content to tempfile.NamedTemporaryFile)' }] },
  },
  entrypoint: { command: ['python3', '-m', 'jobs.async_urls_delete'], source: at(COMPOSE, '123-152') },
  ports: [],
  probes: null,
  connections: [
    { via: { arg: '--fileserver-host' }, form: 'url', target: 'fileserver', port: 'http', source: 'clearml/clearml-server@v2.3.0:apiserver/jobs/async_urls_delete.py:603-612 (without it: http://localhost:8081)' },
    { via: { env: 'CLEARML_ELASTIC_SERVICE_HOST' }, form: 'host', target: 'elasticsearch', port: 'http', source: at(COMPOSE, '135-143') },
    { via: { env: 'CLEARML_ELASTIC_SERVICE_PORT' }, form: 'port', target: 'elasticsearch', port: 'http', source: at(COMPOSE, '135-143') },
    { via: { env: 'CLEARML_MONGODB_SERVICE_HOST' }, form: 'host', target: 'mongodb', port: 'mongodb', source: at(COMPOSE, '135-143') },
    { via: { env: 'CLEARML_MONGODB_SERVICE_PORT' }, form: 'port', target: 'mongodb', port: 'mongodb', source: at(COMPOSE, '135-143') },
    { via: { env: 'CLEARML_REDIS_SERVICE_HOST' }, form: 'host', target: 'redis', port: 'redis', source: at(COMPOSE, '135-143') },
    { via: { env: 'CLEARML_REDIS_SERVICE_PORT' }, form: 'port', target: 'redis', port: 'redis', source: at(COMPOSE, '135-143') },
    {
      via: { env: 'CLEARML__services__async_urls_delete__fileserver__url_prefixes' },
      form: 'urlList',
      target: 'fileserver',
      port: 'http',
      source: `clearml/clearml-server@v2.3.0:apiserver/bll/task/task_cleanup.py:147-153 ; the job maps URLs under these prefixes to its --fileserver-host, apiserver/jobs/async_urls_delete.py:218-223,245-251; ${at(COMPOSE, 143)} sets it from the files host`,
    },
  ],
  databaseAccess: API_DATABASE_ACCESS,
  storage: {
    mounts: [
      { dir: NODE_STORAGE.logs, claim: null },
      { dir: NODE_STORAGE.config, claim: null },
    ],
    singleWriter: false,
    source: at(COMPOSE, '150-152'),
  },
  resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '512Mi' }, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: 'ours: same image and uid as the apiserver' },
  placement: { onClearmlNode: true, strategy: 'RollingUpdate', scalable: false },
  base: {
    file: 'async-delete.yaml',
    rank: 7,
    objects: (context) => [componentDeployment(asyncDelete, mainContainer(context, asyncDelete, { PYTHONPATH: '/opt/clearml/apiserver' }))],
  },
};
