/**
 * The ClearML fileserver: `clearml/server` with `args: [fileserver]`, port 8081, data under
 * `/mnt/fileserver`. Since 1.16 it checks tokens with the apiserver and uses Redis, so both
 * hosts are set; NodePort 30081.
 */
import { NODE_STORAGE } from '../node-storage.ts';
import { clearmlService, componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { FILESERVER_DATABASE_ACCESS } from './database-access.ts';
import { at, COMPOSE, HELM_VALUES, SERVER_IMAGE } from './sources.ts';

const tcp = { kind: 'tcpSocket', port: 'http', source: 'clearml/clearml-server@v2.3.0:fileserver/fileserver.py:201-220 (listens on 0.0.0.0:8081; no health route)' } as const;

export const fileserver: ComponentSpec = {
  key: 'fileserver',
  role: 'server',
  name: 'clearml-fileserver',
  component: 'fileserver',
  container: 'fileserver',
  summary: 'Stores artifacts and models uploaded by the SDK and agents, on one directory.',
  image: {
    catalogKey: 'clearmlServer',
    repository: null,
    formerRepositories: SERVER_IMAGE.formerRepositories,
    entrypoint: SERVER_IMAGE.entrypoint,
    user: SERVER_IMAGE.user,
    writesAtStart: [
      { ...SERVER_IMAGE.logDirectory, writableDir: '/var/log/clearml', seedFromImage: false },
      { path: '/mnt/fileserver', writableDir: '/mnt/fileserver', seedFromImage: false, source: 'clearml/clearml-server@v2.3.0:fileserver/fileserver.py:24 (DEFAULT_UPLOAD_FOLDER /mnt/fileserver), :82 (uploads saved under it)' },
    ],
    nonRootBlocker: null,
    readOnlyRoot: { scratch: [{ dir: '/tmp', why: 'uploads over 500 KiB are spooled to a temporary file before they are saved', source: 'clearml/clearml-server@v2.3.0:fileserver/fileserver.py:68-82 (request.files, file.save); pallets/werkzeug:src/werkzeug/formparser.py (default_stream_factory: tempfile.TemporaryFile for bodies over 500 KiB)' }] },
  },
  entrypoint: { args: ['fileserver'], source: at(COMPOSE, '73-74') },
  ports: [{ name: 'http', containerPort: 8081, servicePort: 8081, protocol: 'TCP', scheme: 'http', public: { hostLabel: 'files', nodePort: 30081 }, source: 'clearml/clearml-server@v2.3.0:fileserver/fileserver.py:201-220; seed docs (NodePort 30081)' }],
  probes: {
    readiness: { target: tcp, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: tcp, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [
    { via: { env: 'CLEARML__hosts__api_server' }, form: 'url', target: 'apiserver', port: 'http', source: 'clearml/clearml-server@v2.3.0:fileserver/config/default/hosts.conf:1; fileserver/auth.py:46-52' },
    { via: { env: 'CLEARML_REDIS_SERVICE_HOST' }, form: 'host', target: 'redis', port: 'redis', source: 'clearml/clearml-server@v2.3.0:fileserver/config/default/hosts.conf (redis)' },
    { via: { env: 'CLEARML_REDIS_SERVICE_PORT' }, form: 'port', target: 'redis', port: 'redis', source: 'clearml/clearml-server@v2.3.0:fileserver/config/default/hosts.conf (redis)' },
  ],
  databaseAccess: FILESERVER_DATABASE_ACCESS,
  storage: {
    mounts: [
      { dir: NODE_STORAGE.logs, claim: null },
      { dir: NODE_STORAGE.config, claim: null },
      { dir: NODE_STORAGE.fileserverData, claim: { size: '50Gi', source: at(HELM_VALUES, '263-273') } },
    ],
    singleWriter: true,
    source: `${at(COMPOSE, '80-83')} (fileserver.volumes: logs, /mnt/fileserver, config)`,
  },
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' }, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `ours: the image has no non-root user; the chart sets none (${at(HELM_VALUES, '243-261')})`, start: SERVER_IMAGE.nonRootStart() },
  placement: { onClearmlNode: true, strategy: 'Recreate', scalable: false },
  base: {
    file: 'fileserver.yaml',
    rank: 5,
    objects: (context) => [componentDeployment(fileserver, mainContainer(context, fileserver, { CLEARML__fileserver__delete__allow_batch: 'true' })), clearmlService(fileserver)],
  },
};
