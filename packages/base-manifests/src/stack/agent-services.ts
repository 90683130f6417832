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
    user: { uid: 0, gid: 0, source: 'clearml/clearml-agent-services Dockerfile (no USER)' },
    writesAtStart: [{ path: '/root', source: `${COMPOSE} (agent-services: ~/.clearml and the agent's config)` }],
  },
  entrypoint: { source: `${COMPOSE} (agent-services: the image's own entrypoint)` },
  ports: [],
  probes: null,
  connections: [
    { via: { env: 'CLEARML_API_HOST' }, form: 'url', target: 'apiserver', port: 'http', source: `${COMPOSE} (agent-services.environment CLEARML_API_HOST)` },
    { via: { env: 'CLEARML_WEB_HOST' }, form: 'url', target: 'webserver', port: 'http', source: `${COMPOSE} (agent-services.environment CLEARML_WEB_HOST)` },
    { via: { env: 'CLEARML_FILES_HOST' }, form: 'url', target: 'fileserver', port: 'http', source: `${COMPOSE} (agent-services.environment CLEARML_FILES_HOST)` },
  ],
  storage: { mounts: [], singleWriter: false, source: `${COMPOSE} (agent-services.volumes: docker socket, ~/.clearml)` },
  resources: { requests: {}, limits: {}, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: 'refused on non-root: it needs the Docker socket' },
  placement: { onClearmlNode: false, strategy: 'Recreate', scalable: false },
  base: null,
};
