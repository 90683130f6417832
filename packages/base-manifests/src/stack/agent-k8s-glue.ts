/**
 * The ClearML k8s glue agent: pulls tasks from a queue and runs each as a pod from its template.
 * Sites render it (one Deployment per queue, `site/agents.ts` in the composer); the base does not.
 */
import type { ComponentSpec, Source } from './component-spec.ts';
import { AGENT_ENV, AGENT_HELM_GLUE, AGENT_HELM_VALUES, at } from './sources.ts';

const GLUE = 'clearml/clearml-agent@v2.0.7:docker/k8s-glue/glue-build-aws/Dockerfile';
/** The glue image's entrypoint (turns env into the glue's command line). */
const GLUE_ENTRYPOINT = 'clearml/clearml-agent@v2.0.7:docker/k8s-glue/build-resources/entrypoint.sh';
/** The glue's main program (its command-line flags). */
const GLUE_MAIN = 'clearml/clearml-agent@v2.0.7:examples/k8s_glue_example.py';
/** The glue itself. */
const GLUE_K8S = 'clearml/clearml-agent@v2.0.7:clearml_agent/glue/k8s.py';

/** One fact of the glue: a name (env var, flag) or a value, and where it was checked. */
export interface GlueFact<T = string> {
  value: T;
  source: Source;
}

/**
 * How the k8s glue (clearml-agent v2.0.7) behaves, where the objects a site renders depend on it.
 * Each entry names the upstream lines it was read at.
 */
export const K8S_GLUE = {
  /** Env var with the queue the glue serves (`--queue ${K8S_GLUE_QUEUE:-k8s_glue}`). */
  queueEnv: { value: 'K8S_GLUE_QUEUE', source: at(GLUE_ENTRYPOINT, '23,38-40') },
  /** Env var appended, word-split, to the glue's command line. */
  extraArgsEnv: { value: 'K8S_GLUE_EXTRA_ARGS', source: at(GLUE_ENTRYPOINT, '25,38-40') },
  /**
   * Flag that creates the served queue when the server has none by that name. Without it the glue
   * resolves the queue by name and raises `NameResolutionError` ("Could not find queue with
   * name/id ...") when it is missing, so the process exits and the pod crash-loops; a fresh server
   * creates only the queue `default`. The chart passes it in `K8S_GLUE_EXTRA_ARGS` when
   * `agentk8sglue.createQueueIfNotExists` is true (default false).
   */
  createQueueArg: {
    value: '--create-queue',
    source: [
      at(GLUE_MAIN, '115-120,164-166'),
      'clearml/clearml-agent@v2.0.7:clearml_agent/commands/worker.py:2037,5242-5274',
      'clearml/clearml-agent@v2.0.7:clearml_agent/commands/base.py:383-393',
      'clearml/clearml-server@v2.3.0:apiserver/mongo/initialize/util.py:24-33',
      at(AGENT_HELM_GLUE, '105-108'),
      at(AGENT_HELM_VALUES, '87-88'),
    ].join('; '),
  },
  /**
   * Env var with the image of task pods whose task names none (`agent.default_docker.image`
   * otherwise, default `nvidia/cuda`). A task that names an image runs that image as named.
   */
  defaultTaskImageEnv: { value: 'CLEARML_DOCKER_IMAGE', source: `clearml/clearml-agent@v2.0.7:clearml_agent/definitions.py:156; ${at(GLUE_K8S, '467-468,535-537')}` },
  /**
   * The pod template's first container is merged with the glue's own (name, image, command,
   * args: the glue's win), so an `image` in the template is ignored; the rest of the template's pod
   * spec (node selector, tolerations, `imagePullSecrets`, security context) is kept as written.
   */
  templateMerge: { value: 'spec kept; containers[0].image replaced by the task image', source: `${at(GLUE_K8S, '896-898,931-936,977-1010')}; clearml/clearml-agent@v2.0.7:clearml_agent/helper/dicts.py:10-23` },
  /** A task pod stuck in `ImagePullBackOff` is deleted and its task marked failed. */
  imagePullBackOffFailsTask: { value: true, source: 'clearml/clearml-agent@v2.0.7:clearml_agent/glue/pending_pods_daemon.py:102-113' },
  /**
   * Kubernetes API use: kubectl `get pods`/`get job`, `apply -f <pod or job>`, `delete pod`/`delete job`,
   * nothing else. In particular the glue never reads a Secret (the chart's Role grants `secrets`
   * anyway; its file mounts are Secret volumes, which the kubelet reads, not the glue).
   */
  kubectl: {
    value: { reads: ['pods', 'jobs'], writes: ['pods', 'jobs'], readsSecrets: false },
    source: `${at(GLUE_K8S, '57,291-295,344-346,400,426-427,442-443,1056-1058,1078')}; clearml/clearml-agent@v2.0.7:clearml_agent/glue/pending_pods_daemon.py:139; ${at(AGENT_HELM_GLUE, '182-186')}`,
  },
} as const satisfies Record<string, GlueFact<unknown>>;

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
    writesAtStart: [{ path: '/root/clearml.conf', writableDir: '/root', seedFromImage: true, source: `${GLUE_ENTRYPOINT}:28-32 (appends the api section to ~/clearml.conf, the image's /root/clearml.conf, ${GLUE}:21)` }],
    nonRootBlocker: {
      reason:
        'the image (FROM ubuntu:22.04, USER root, WORKDIR /root) keeps its whole program under /root: entrypoint.sh, k8s_glue_example.py, clearml.conf and .bashrc; /root is mode 0700, so a non-root uid cannot read them, nor can an init container of that uid copy them out, and its entrypoint pip-installs clearml-agent into the system Python at every start; its task pods then run `ubuntu:22.04`, which has no Python, and the pod script apt-installs it, which needs root',
      imageNeeds:
        'a glue image whose program is readable by the uid (not under a 0700 home), that runs with CLEARML_AGENT_NO_UPDATE set or a writable HOME for pip, and a task image with python3 and pip preinstalled (e.g. python:3.11-slim) so the pod script installs nothing with apt',
      source: `${GLUE}:1-23; ${GLUE_ENTRYPOINT}:15-21; ${GLUE_K8S}:83-99 (CONTAINER_BASH_SCRIPT: apt-get install -y python3-pip when no python3.x with pip is found); Ubuntu 22.04 base-files: /root drwx------`,
    },
    readOnlyRoot: { unknown: 'its entrypoint pip-installs clearml-agent into the system Python and appends to /root/clearml.conf at every start, and it runs only as root (nonRootBlocker)', source: GLUE_ENTRYPOINT },
  },
  entrypoint: { command: ['/bin/bash', '-c', 'export PATH=$PATH:$HOME/bin; source /root/.bashrc && /root/entrypoint.sh'], source: at(AGENT_HELM_GLUE, '61-66') },
  ports: [],
  probes: null,
  connections: [
    { via: { env: 'CLEARML_API_HOST' }, form: 'url', target: 'apiserver', port: 'http', source: AGENT_ENV },
    { via: { env: 'CLEARML_WEB_HOST' }, form: 'url', target: 'webserver', port: 'http', source: AGENT_ENV },
    { via: { env: 'CLEARML_FILES_HOST' }, form: 'url', target: 'fileserver', port: 'http', source: AGENT_ENV },
  ],
  databaseAccess: [],
  storage: { mounts: [], singleWriter: false, source: `${AGENT_HELM_VALUES} (no data volume)` },
  resources: { requests: {}, limits: {}, heap: null },
  nonRoot: { uid: 1000, gid: 1000, source: `ours: the chart sets none (${at(AGENT_HELM_VALUES, '100-106')})` },
  placement: { onClearmlNode: false, strategy: 'RollingUpdate', scalable: false },
  base: null,
};
