/**
 * The ClearML k8s glue agent: pulls tasks from a queue and runs each as a pod from its template.
 * Sites render it (one Deployment per queue, `site/agents.ts` in the composer); the base does not.
 */
import type { ComponentSpec } from './component-spec.ts';
import { AGENT_HELM_VALUES } from './sources.ts';

const GLUE = 'clearml/clearml-agent@v1.9.3:docker/k8s-glue';

export const agentK8sGlue: ComponentSpec = {
  key: 'agentK8sGlue',
  role: 'agent',
  name: 'clearml-agent',
  component: 'agent',
  container: 'k8s-glue',
  summary: 'The k8s glue agent: one Deployment per queue; each task runs as a pod from the queue\'s template.',
  image: {
    catalogKey: 'agentK8sGlue',
    repository: null,
    user: { uid: 0, gid: 0, source: `${GLUE} (no USER; everything under /root)` },
    writesAtStart: [{ path: '/root', source: `${GLUE} (entrypoint writes ~/clearml.conf)` }],
  },
  entrypoint: { source: `${AGENT_HELM_VALUES} (agentk8sglue: the image's own entrypoint)` },
  ports: [],
  probes: null,
  connections: [
    { via: { env: 'CLEARML_API_HOST' }, form: 'url', target: 'apiserver', port: 'http', source: `${AGENT_HELM_VALUES} (clearml.apiServerUrlReference)` },
    { via: { env: 'CLEARML_WEB_HOST' }, form: 'url', target: 'webserver', port: 'http', source: `${AGENT_HELM_VALUES} (clearml.webServerUrlReference)` },
    { via: { env: 'CLEARML_FILES_HOST' }, form: 'url', target: 'fileserver', port: 'http', source: `${AGENT_HELM_VALUES} (clearml.fileServerUrlReference)` },
  ],
  storage: { mounts: [], singleWriter: false, source: `${AGENT_HELM_VALUES} (no data volume)` },
  resources: { requests: {}, limits: {}, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `${AGENT_HELM_VALUES} (agentk8sglue.podSecurityContext)` },
  placement: { onClearmlNode: false, strategy: 'RollingUpdate', scalable: false },
  base: null,
};
