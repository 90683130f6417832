/**
 * The ClearML webserver: nginx in `clearml/server` with `args: [webserver]`. It listens on 80
 * (the image's nginx template, although its Dockerfile says `EXPOSE 8080`); the Service serves
 * 8080 and targets the named container port; NodePort 30080.
 */
import { clearmlService, componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { at, COMPOSE, DOCKERFILE, ENTRYPOINT, HELM_VALUES, NGINX_TEMPLATE, SERVER_IMAGE } from './sources.ts';

const root = { kind: 'httpGet', path: '/', port: 'http', scheme: 'HTTP', source: `${at(NGINX_TEMPLATE, '31-38')} (location / serves index.html)` } as const;

export const webserver: ComponentSpec = {
  key: 'webserver',
  role: 'server',
  name: 'clearml-webserver',
  component: 'webserver',
  container: 'webserver',
  summary: 'The web app (nginx), which also proxies /api and /files to the apiserver and fileserver.',
  image: {
    catalogKey: 'clearmlServer',
    repository: null,
    formerRepositories: SERVER_IMAGE.formerRepositories,
    entrypoint: SERVER_IMAGE.entrypoint,
    user: SERVER_IMAGE.user,
    writesAtStart: [
      { ...SERVER_IMAGE.logDirectory, writableDir: '/var/log/clearml', seedFromImage: false },
      { path: '/tmp/configuration.json', writableDir: null, seedFromImage: false, source: `${at(ENTRYPOINT, 50)} (echo "{}" > /tmp/configuration.json; /tmp is mode 1777 in the base image, ${at(DOCKERFILE, 14)} python:3.11-slim-bookworm)` },
      {
        path: '/usr/share/nginx/html/configuration.json',
        writableDir: '/usr/share/nginx/html',
        seedFromImage: true,
        source: `${at(ENTRYPOINT, '60-63')} (update_from_env.py writes it; also credentials.json at ${at(ENTRYPOINT, 40)} when USER_KEY is set); the directory holds the web app, ${at(DOCKERFILE, 25)} (COPY --from=webapp_builder … /usr/share/nginx/html, root-owned)`,
      },
      {
        path: '/etc/nginx/sites-enabled/default',
        writableDir: '/etc/nginx/sites-enabled',
        seedFromImage: false,
        source: `${at(ENTRYPOINT, 68)} (envsubst … > /etc/nginx/sites-enabled/default; the file is written whole, so nothing of the image's directory is needed: in Debian's nginx-common it holds only a link to ../sites-available/default, which must not be followed into a read-only directory)`,
      },
      { path: '/run/nginx.pid', writableDir: '/run', seedFromImage: false, source: 'Debian bookworm nginx-common 1.22.1: /etc/nginx/nginx.conf (pid /run/nginx.pid); /run is root-owned, mode 0755' },
      { path: '/var/lib/nginx', writableDir: '/var/lib/nginx', seedFromImage: false, source: 'Debian bookworm nginx 1.22.1: compiled temp paths /var/lib/nginx/{body,proxy,fastcgi,uwsgi,scgi}, which nginx creates at start (root-owned parent)' },
    ],
    nonRootBlocker: null,
    readOnlyRoot: { scratch: [{ dir: '/tmp', why: 'the entrypoint writes /tmp/configuration.json, which update_from_env.py reads', source: `${at(ENTRYPOINT, '50-63')}` }] },
  },
  entrypoint: { args: ['webserver'], executes: [SERVER_IMAGE.updateFromEnv], source: `${ENTRYPOINT}:6-13 (mode from $1); ${COMPOSE} (webserver.command)` },
  ports: [{ name: 'http', containerPort: 80, servicePort: 8080, protocol: 'TCP', scheme: 'http', public: { hostLabel: 'app', nodePort: 30080 }, source: `${at(NGINX_TEMPLATE, '2-3')} (listen 80, although ${at(DOCKERFILE, 28)} says EXPOSE 8080); compose maps 8080:80, the chart's Service 8080 → 80` }],
  probes: {
    readiness: { target: root, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: root, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [
    { via: { env: 'NGINX_APISERVER_ADDRESS' }, form: 'url', target: 'apiserver', port: 'http', source: `${at(ENTRYPOINT, 65)} (default http://apiserver:8008)` },
    { via: { env: 'NGINX_FILESERVER_ADDRESS' }, form: 'url', target: 'fileserver', port: 'http', source: `${at(ENTRYPOINT, 66)} (default http://fileserver:8081)` },
  ],
  databaseAccess: [],
  storage: { mounts: [], singleWriter: false, source: `${at(COMPOSE, '107-121')} (webserver: no volumes)` },
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' }, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `ours: the image has no non-root user; the chart sets none (${at(HELM_VALUES, '354-359')})`,
    start: SERVER_IMAGE.nonRootStart(
      ['/opt/clearml/utilities'],
      `; in webserver mode the entrypoint then executes ${SERVER_IMAGE.updateFromEnv.path} directly (${at(ENTRYPOINT, '60-63')}), also 0744 root:root (${at(DOCKERFILE, 16)}), which would stop it under set -e: its directory, which holds only that file (${at(DOCKERFILE, 16)} is the only COPY there), becomes an emptyDir that an init container of the same image and uid fills with cp -R, and a copy belongs to the uid that creates it and keeps the source's mode bits less the umask (https://pubs.opengroup.org/onlinepubs/9799919799/utilities/cp.html: a new regular file gets source_file's permission bits modified by the file mode creation mask), so the owner's execute bit of 0744 lets the uid run it`,
    ),
  },
  placement: { onClearmlNode: false, strategy: 'RollingUpdate', scalable: true },
  base: {
    file: 'webserver.yaml',
    rank: 6,
    objects: (context) => [componentDeployment(webserver, mainContainer(context, webserver)), clearmlService(webserver)],
  },
};
