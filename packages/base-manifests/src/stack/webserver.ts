/**
 * The ClearML webserver: nginx in `clearml/server` with `args: [webserver]`. It listens on 80
 * (the image's nginx template, although its Dockerfile says `EXPOSE 8080`); the Service serves
 * 8080 and targets the named container port; NodePort 30080.
 */
import { imageReference } from '../release-catalog.ts';
import { clearmlDeployment, clearmlService, containerPorts, envList, probes } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { connectionEnv } from './connections.ts';
import { at, COMPOSE, DOCKERFILE, ENTRYPOINT, HELM_VALUES, NGINX_TEMPLATE } from './sources.ts';

const root = { kind: 'httpGet', path: '/', port: 'http', scheme: 'HTTP', source: `${NGINX_TEMPLATE} (location /)` } as const;

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
    user: { uid: 0, gid: 0, source: `${DOCKERFILE} (no USER)` },
    writesAtStart: [
      { path: '/var/log/clearml', source: `${ENTRYPOINT} (mkdir -p /var/log/clearml)` },
      { path: '/usr/share/nginx/html/configuration.json', source: `${ENTRYPOINT} (webserver: writes configuration.json)` },
      { path: '/etc/nginx/sites-enabled/default', source: `${ENTRYPOINT} (webserver: envsubst of the nginx template)` },
      { path: '/run/nginx.pid', source: 'nginx (Debian build): pid /run/nginx.pid' },
      { path: '/var/lib/nginx', source: 'nginx (Debian build): client body and proxy temp paths' },
    ],
  },
  entrypoint: { args: ['webserver'], source: `${COMPOSE} (webserver.command)` },
  ports: [{ name: 'http', containerPort: 80, servicePort: 8080, protocol: 'TCP', scheme: 'http', public: { hostLabel: 'app', nodePort: 30080 }, source: `${NGINX_TEMPLATE} (listen 80); ${HELM_VALUES} (webserver.service.port 8080)` }],
  probes: {
    readiness: { target: root, initialDelaySeconds: 5, periodSeconds: 10 },
    liveness: { target: root, initialDelaySeconds: 30, periodSeconds: 20 },
  },
  connections: [
    { via: { env: 'NGINX_APISERVER_ADDRESS' }, form: 'url', target: 'apiserver', port: 'http', source: `${COMPOSE} (webserver.environment); ${NGINX_TEMPLATE}` },
    { via: { env: 'NGINX_FILESERVER_ADDRESS' }, form: 'url', target: 'fileserver', port: 'http', source: `${COMPOSE} (webserver.environment); ${NGINX_TEMPLATE}` },
  ],
  storage: { mounts: [], singleWriter: false, source: `${COMPOSE} (webserver: no data volume)` },
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' }, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `${HELM_VALUES} (webserver.podSecurityContext)` },
  placement: { onClearmlNode: false, strategy: 'RollingUpdate', scalable: true },
  base: {
    file: 'webserver.yaml',
    rank: 6,
    objects: ({ catalog, model }) => {
      const c = webserver;
      return [
        clearmlDeployment({
          component: c,
          containers: [
            {
              name: c.container,
              image: imageReference(catalog.images.clearmlServer),
              args: [...c.entrypoint.args!],
              ports: containerPorts(c),
              env: envList(connectionEnv(model, c)),
              ...probes(c),
              resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } },
            },
          ],
        }),
        clearmlService(c),
      ];
    },
  },
};
