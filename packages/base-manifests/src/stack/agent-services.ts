/**
 * agent-services: runs service tasks (pipelines controllers, monitors) in Docker on its node, as
 * upstream's compose file runs it: privileged, with the node's Docker socket. Sites render it.
 */
import type { ComponentSpec, Source } from './component-spec.ts';
import { at, COMPOSE, IMAGE_RENAME } from './sources.ts';

const SERVICES_ENTRYPOINT = 'clearml/clearml-agent@v2.0.7:docker/services/entrypoint.sh';
const WORKER = 'clearml/clearml-agent@v2.0.7:clearml_agent/commands/worker.py';

/**
 * What agent-services needs of its node, and the env it reads, with their sources.
 *
 * It runs each service task with `docker run` through the node's Docker socket: the task is a
 * sibling container, not a pod. Inside Kubernetes the agent gives that container the network of
 * its own container (`--network <NetworkMode of the container named basename(/proc/1/cpuset)>`),
 * which only works when the kubelet runs pods with Docker Engine on cgroup v1: there the basename is
 * the agent's Docker container id, the network is the pod's, and so is its cluster DNS. On containerd
 * or CRI-O nodes (the only runtimes the kubelet supports without cri-dockerd since dockershim was
 * removed in Kubernetes 1.24) there is no Docker socket at all, and under cgroup v2 the basename
 * is `/` (inferred: the container's own cgroup namespace root); either way the task lands on
 * Docker's default bridge with the node's resolver and cannot resolve `clearml-apiserver`.
 */
export const AGENT_SERVICES_NODE = {
  /** Sibling containers join the agent's network only when the agent finds its own Docker container. */
  siblingNetwork: { value: 'docker inspect --format={{.HostConfig.NetworkMode}} $(basename $(cat /proc/1/cpuset))', source: at(WORKER, '4887-4899') },
  /** Kubernetes removed dockershim in v1.24: Docker Engine nodes need cri-dockerd since. */
  dockershimRemoved: { value: '1.24', source: 'https://kubernetes.io/docs/tasks/administer-cluster/migrating-from-dockershim/check-if-dockershim-removal-affects-you/' },
  /** Pods get the cluster DNS only through the kubelet (dnsPolicy ClusterFirst); a container Docker starts beside a pod does not. */
  clusterDns: { value: 'ClusterFirst', source: 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy' },
  /** Image of service tasks that name none (passed as `--docker "<image>"`). */
  defaultBaseImageEnv: { value: 'CLEARML_AGENT_DEFAULT_BASE_DOCKER', source: at(SERVICES_ENTRYPOINT, '36,42') },
  /**
   * `<node dir>:<agent dir>`: the agent rewrites its cache paths under `<agent dir>` to `<node dir>`
   * for the sibling containers' mounts, so the node directory must be the one mounted at `<agent dir>`.
   */
  hostMountEnv: { value: 'CLEARML_AGENT_DOCKER_HOST_MOUNT', source: `${at(WORKER, '4903-4920')}; ${at(COMPOSE, '181,185')}` },
} as const satisfies Record<string, { value: string; source: Source }>;

export const agentServices: ComponentSpec = {
  key: 'agentServices',
  role: 'agent',
  name: 'clearml-agent-services',
  component: 'agent-services',
  container: 'agent-services',
  summary: 'agent-services: runs service tasks as Docker containers beside itself (needs the node\'s Docker Engine).',
  image: {
    catalogKey: null,
    repository: 'clearml/clearml-agent-services',
    formerRepositories: { repositories: ['allegroai/clearml-agent-services'], source: `${IMAGE_RENAME} (allegroai/clearml-agent-services:latest → clearml/clearml-agent-services:latest)` },
    user: { uid: 0, gid: 0, source: 'clearml/clearml-agent@v2.0.7:docker/services/Dockerfile:1-25 (no USER: root)' },
    writesAtStart: [{ path: '/root/.clearml', writableDir: '/root/.clearml', seedFromImage: false, source: `${COMPOSE}:183-189 (mounts /opt/clearml/agent at /root/.clearml)` }],
    nonRootBlocker: {
      reason: 'it starts every service task as a sibling container through the node\'s Docker socket, privileged, which a non-root pod under Pod Security "restricted" may not mount or be',
      imageNeeds: 'none can: run service tasks through the k8s glue instead (a queue of `agents.queues`)',
      source: `${COMPOSE}:160-189 (privileged, /var/run/docker.sock)`,
    },
    readOnlyRoot: { unknown: 'it runs privileged with the node\'s Docker socket and writes its task caches under /root/.clearml; its other writes were not checked', source: `${COMPOSE}:160-189` },
  },
  entrypoint: { source: 'clearml/clearml-agent@v2.0.7:docker/services/Dockerfile:1-25 (ENTRYPOINT /usr/agent/entrypoint.sh)' },
  ports: [],
  probes: null,
  connections: [
    { via: { env: 'CLEARML_API_HOST' }, form: 'url', target: 'apiserver', port: 'http', source: `${COMPOSE} (agent-services.environment)` },
    { via: { env: 'CLEARML_WEB_HOST' }, form: 'url', target: 'webserver', port: 'http', source: `${COMPOSE} (agent-services.environment)` },
    { via: { env: 'CLEARML_FILES_HOST' }, form: 'url', target: 'fileserver', port: 'http', source: `${COMPOSE} (agent-services.environment)` },
  ],
  databaseAccess: [],
  storage: { mounts: [], singleWriter: false, source: `${COMPOSE}:183-189 (the Docker socket and ~/.clearml)` },
  resources: { requests: {}, limits: {}, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: 'refused on non-root: it needs the Docker socket' },
  placement: { onClearmlNode: false, strategy: 'Recreate', scalable: false },
  base: null,
};
