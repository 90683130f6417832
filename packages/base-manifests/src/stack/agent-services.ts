/**
 * agent-services: runs service tasks (pipelines controllers, monitors) in Docker on its node, as
 * upstream's compose file runs it: privileged, with the node's Docker socket. Sites render it.
 */
import type { ComponentSpec } from './component-spec.ts';
import { COMPOSE } from './sources.ts';

export const agentServices: ComponentSpec = {
  key: 'agentServices',
  role: 'agent',
  name: 'clearml-agent-services',
  component: 'agent-services',
  container: 'agent-services',
  summary: 'agent-services: runs service tasks as Docker containers beside itself (needs the node\'s Docker Engine).',
  image: {
    catalogKey: null,
    repository: 'allegroai/clearml-agent-services',
    user: { uid: 0, gid: 0, source: 'clearml/clearml-agent@v2.0.7:docker/services/Dockerfile:1-25 (no USER: root)' },
    writesAtStart: [{ path: '/root/.clearml', source: `${COMPOSE}:183-189 (mounts /opt/clearml/agent at /root/.clearml)` }],
  },
  entrypoint: { source: 'clearml/clearml-agent@v2.0.7:docker/services/Dockerfile:1-25 (ENTRYPOINT /usr/agent/entrypoint.sh)' },
  ports: [],
  probes: null,
  connections: [
    { via: { env: 'CLEARML_API_HOST' }, form: 'url', target: 'apiserver', port: 'http', source: `${COMPOSE} (agent-services.environment)` },
    { via: { env: 'CLEARML_WEB_HOST' }, form: 'url', target: 'webserver', port: 'http', source: `${COMPOSE} (agent-services.environment)` },
    { via: { env: 'CLEARML_FILES_HOST' }, form: 'url', target: 'fileserver', port: 'http', source: `${COMPOSE} (agent-services.environment)` },
  ],
  storage: { mounts: [], singleWriter: false, source: `${COMPOSE}:183-189 (the Docker socket and ~/.clearml)` },
  resources: { requests: {}, limits: {}, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: 'refused on non-root: it needs the Docker socket' },
  placement: { onClearmlNode: false, strategy: 'Recreate', scalable: false },
  base: null,
};
