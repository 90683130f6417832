/**
 * The ClearML k8s glue agent: pulls tasks from a queue and runs each as a pod from its template.
 * Sites render it (one Deployment per queue, `site/agents.ts` in the composer); the base does not.
 */
import type { ComponentSpec } from './component-spec.ts';
import { AGENT_ENV, AGENT_HELM_GLUE, AGENT_HELM_VALUES, at } from './sources.ts';

const GLUE = 'clearml/clearml-agent@v2.0.7:docker/k8s-glue/glue-build-aws/Dockerfile';

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
    user: { uid: 0, gid: 0, source: `${GLUE}:3 (USER root; WORKDIR /root)` },
    writesAtStart: [{ path: '/root/clearml.conf', source: `${GLUE}:11-23 (entrypoint.sh appends the api section to ~/clearml.conf)` }],
  },
  entrypoint: { command: ['/bin/bash', '-c', 'export PATH=$PATH:$HOME/bin; source /root/.bashrc && /root/entrypoint.sh'], source: at(AGENT_HELM_GLUE, '61-66') },
  ports: [],
  probes: null,
  connections: [
    { via: { env: 'CLEARML_API_HOST' }, form: 'url', target: 'apiserver', port: 'http', source: AGENT_ENV },
    { via: { env: 'CLEARML_WEB_HOST' }, form: 'url', target: 'webserver', port: 'http', source: AGENT_ENV },
    { via: { env: 'CLEARML_FILES_HOST' }, form: 'url', target: 'fileserver', port: 'http', source: AGENT_ENV },
  ],
  storage: { mounts: [], singleWriter: false, source: `${AGENT_HELM_VALUES} (no data volume)` },
  resources: { requests: {}, limits: {}, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `ours: the chart sets none (${at(AGENT_HELM_VALUES, '100-106')})` },
  placement: { onClearmlNode: false, strategy: 'RollingUpdate', scalable: false },
  base: null,
};
