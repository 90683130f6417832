/**
 * ClearML agents for a site: the k8s glue (one Deployment per queue, each with its task pod template
 * in a ConfigMap, as the clearml-agent Helm chart renders them) and, optionally, agent-services.
 *
 * - Queues: the glue runs with `--create-queue`, so a queue the server does not have yet (a fresh
 *   server has only `default`) is created instead of the glue exiting and crash-looping.
 * - RBAC: one ServiceAccount, one namespaced Role (pods, pods/log; services, for session ports;
 *   events) bound to it; no Secrets (the glue never reads one); namespace listing only when asked
 *   for (a ClusterRole).
 * - Credentials: the glue and its task pods read `services_agent_key` / `services_agent_secret`
 *   from the same Secret the apiserver reads `CLEARML__secure__credentials__services_agent__*`
 *   from, so the pair always matches.
 * - GPUs: the `nvidia.com/gpu` limit schedules task pods; no node label is added (see `GPU`).
 * - Images: with a mirror registry (`images.registry`) the task pods' default image (queue image,
 *   `defaultImage`, else `DEFAULT_TASK_IMAGE`) and agent-services' base image get the mirror in front,
 *   as every other image of the site does; the site's pull Secrets go into each task pod template
 *   (the glue keeps the template's pod spec, `K8S_GLUE.templateMerge`). A task that names its own
 *   image still pulls it as named.
 * - agent-services: only on the site's Docker Engine nodes (`dockerEngineNodes`, required by the
 *   validation; `AGENT_SERVICES_NODE` says why); `pinAgentServices` applies that last.
 * - Non-root: none. The glue image cannot run as a non-root uid (`agentK8sGlue.image.nonRootBlocker`
 *   in the stack model: its program is under the 0700 `/root`), so sites refuse agents on the
 *   non-root profile (`validateSite`) and `agentObjects` refuses a restricted context.
 * @see https://github.com/clearml/clearml-helm-charts/tree/main/charts/clearml-agent (templates/agentk8sglue-*.yaml)
 * @see ../../../../../shared/reference/clearml-on-kubernetes.md ("Agents")
 */
import { AGENT_SERVICES_NODE, agentK8sGlue, agentServices, imageReference, K8S_GLUE, NAMESPACE, NODE_STORAGE_ROOT, PART_OF, serviceUrl, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import type { EnvVar } from '../profiles/enterprise.ts';
import type { AgentQueue, AgentsSpec, EndpointLabel } from './site-spec.ts';

/**
 * How GPU task pods are placed. The `nvidia.com/gpu` limit alone schedules a pod: the scheduler
 * places it only on nodes whose NVIDIA device plugin advertises that resource. The label
 * `nvidia.com/gpu.present` is not the device plugin's, nor among GPU Feature Discovery's generated
 * labels; the NVIDIA GPU Operator sets it. Requiring it left GPU pods Pending on clusters that run the
 * device plugin without the operator, so a queue names node labels only in its own `nodeSelector`.
 * The toleration of the `nvidia.com/gpu` taint (the key GPU node pools are commonly tainted with,
 * and the one the ExtendedResourceToleration admission plugin adds for this resource) is kept.
 */
export const GPU = {
  resource: { value: 'nvidia.com/gpu', source: 'https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/; https://github.com/NVIDIA/k8s-device-plugin#quick-start' },
  presentLabel: {
    value: 'nvidia.com/gpu.present',
    source: 'https://github.com/NVIDIA/k8s-device-plugin/blob/main/docs/gpu-feature-discovery/README.md#generated-labels (not listed); https://github.com/NVIDIA/gpu-operator/blob/main/controllers/state_manager.go (labelGPUNodes sets it)',
  },
  toleration: {
    value: { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    source: 'clearml/clearml-helm-charts@clearml-agent-5.3.2:charts/clearml-agent/values.yaml:205-209; https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#extendedresourcetoleration',
  },
} as const;

/** ServiceAccount, Role and RoleBinding name of the glue. */
export const AGENT_SERVICE_ACCOUNT = 'clearml-agent';
/** Task pod image when neither the task nor the queue names one. */
export const DEFAULT_TASK_IMAGE = 'ubuntu:22.04';
/** Where the glue reads its pod template. */
const TEMPLATE_DIR = '/root/template';

/** What the agents need from the rest of the site. */
export interface AgentContext {
  /** Secret with `services_agent_key` / `services_agent_secret` (the server's credentials Secret). */
  credentialsSecret: string;
  /** URLs the agents and task pods use: public ones on Ingress sites, in-cluster Services otherwise. */
  urls: Record<EndpointLabel, string>;
  /** Pods must meet Pod Security "restricted": refused (the glue image cannot run as non-root). */
  restricted: boolean;
  /** The release catalog (the glue's image). */
  catalog: ReleaseCatalog;
  /** The site's `images`: its mirror registry and pull Secrets. */
  images?: { registry?: string; pullSecrets?: readonly string[] };
}

/**
 * An image as pulled through the site's mirror: `<registry>/<image>` (the rule every non-catalog
 * image of a site follows), unchanged without a registry or when it already starts with it.
 */
export function mirrored(image: string, registry: string | undefined): string {
  return registry && !image.startsWith(`${registry}/`) ? `${registry}/${image}` : image;
}

/** The image task pods of a queue run when their task names none (`CLEARML_DOCKER_IMAGE` of its glue). */
export function defaultTaskImage(queue: AgentQueue, agents: AgentsSpec, context: AgentContext): string {
  return mirrored(queue.image ?? agents.defaultImage ?? DEFAULT_TASK_IMAGE, context.images?.registry);
}

const labels = (component: string) => ({ 'app.kubernetes.io/name': `clearml-${component}`, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': PART_OF });
/** `app.kubernetes.io/name` of the agents' task pods (their template's labels, which the glue keeps on every task pod). */
export const TASK_POD_NAME = labels('agent-task')['app.kubernetes.io/name'];

/** In-cluster URLs of the three endpoints. */
export function inClusterUrls(): Record<EndpointLabel, string> {
  return { api: serviceUrl('apiserver'), app: serviceUrl('webserver'), files: serviceUrl('fileserver') };
}

function hostEnv(context: AgentContext): EnvVar[] {
  return [
    { name: 'CLEARML_API_HOST', value: context.urls.api },
    { name: 'CLEARML_WEB_HOST', value: context.urls.app },
    { name: 'CLEARML_FILES_HOST', value: context.urls.files },
    { name: 'CLEARML_API_ACCESS_KEY', valueFrom: { secretKeyRef: { name: context.credentialsSecret, key: 'services_agent_key' } } },
    { name: 'CLEARML_API_SECRET_KEY', valueFrom: { secretKeyRef: { name: context.credentialsSecret, key: 'services_agent_secret' } } },
  ];
}


/** The pod template of one queue's task pods (the ConfigMap's `template.yaml`). */
export function taskPodTemplate(queue: AgentQueue, context: AgentContext): Record<string, unknown> {
  const resources = structuredClone(queue.resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  if (queue.gpus) resources.limits = { ...(resources.limits ?? {}), [GPU.resource.value]: queue.gpus };
  const nodeSelector = { ...(queue.nodeSelector ?? {}) };
  const tolerations = [...(queue.gpus ? [{ ...GPU.toleration.value }] : []), ...structuredClone(queue.tolerations ?? [])];
  const pullSecrets = context.images?.pullSecrets ?? [];
  const env: EnvVar[] = [
    ...hostEnv(context),
    { name: 'PYTHONUNBUFFERED', value: 'x' },
    ...Object.entries(queue.env ?? {}).map(([name, value]) => ({ name, value })),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { ...labels('agent-task'), 'clearml.allegro.ai/queue': queue.name } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      ...(pullSecrets.length ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      ...(tolerations.length ? { tolerations } : {}),
      containers: [{ ...(Object.keys(resources).length ? { resources } : {}), env }],
    },
  };
}

/** One queue's glue: its pod template ConfigMap and its Deployment. */
function glueObjects(queue: AgentQueue, agents: AgentsSpec, context: AgentContext): ManifestObject[] {
  const name = `clearml-agent-${queue.name}`;
  const template = `${name}-template`;
  const configMap: ManifestObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: template, namespace: NAMESPACE, labels: labels('agent-pod-template') },
    data: { 'template.yaml': stringifyValue(taskPodTemplate(queue, context)) },
  } as ManifestObject;
  const env: EnvVar[] = [
    ...hostEnv(context),
    { name: 'K8S_DEFAULT_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: K8S_GLUE.queueEnv.value, value: queue.name },
    { name: K8S_GLUE.extraArgsEnv.value, value: `--namespace $(K8S_DEFAULT_NAMESPACE) --template-yaml ${TEMPLATE_DIR}/template.yaml ${K8S_GLUE.createQueueArg.value}` },
    { name: 'CLEARML_WORKER_ID', value: name },
    { name: K8S_GLUE.defaultTaskImageEnv.value, value: defaultTaskImage(queue, agents, context) },
    { name: 'CLEARML_AGENT_UPDATE_REPO', value: '' },
  ];
  const podLabels = { ...labels('agent'), 'app.kubernetes.io/instance': name };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: podLabels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/instance': name } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
          enableServiceLinks: false,
              containers: [
            {
              name: 'k8s-glue',
              image: imageReference(context.catalog.images.agentK8sGlue),
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c', 'export PATH=$PATH:$HOME/bin; source /root/.bashrc && /root/entrypoint.sh'],
              env,
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [{ name: 'pod-template', mountPath: TEMPLATE_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'pod-template', configMap: { name: template } }],
        },
      },
    },
  };
  return [configMap, deployment as ManifestObject];
}

/** Name of the agent-services Deployment. */
export const AGENT_SERVICES_NAME = agentServices.name;
/** Where agent-services keeps its data in its container (the second half of `CLEARML_AGENT_DOCKER_HOST_MOUNT`). */
const SERVICES_DATA_DIR = '/root/.clearml';

/** agent-services: privileged, with the node's Docker socket (upstream compose's shape), on the Docker Engine nodes. */
function agentServicesObjects(services: NonNullable<AgentsSpec['services']>, context: AgentContext): ManifestObject[] {
  const name = AGENT_SERVICES_NAME;
  const podLabels = labels('agent-services');
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NAMESPACE, labels: podLabels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels: podLabels },
          spec: {
            enableServiceLinks: false,
            ...(services.dockerEngineNodes ? { nodeSelector: { ...services.dockerEngineNodes.nodeSelector } } : {}),
            containers: [
              {
                name: 'agent-services',
                image: `${agentServices.image.repository}:${services.tag}`,
                imagePullPolicy: 'IfNotPresent',
                securityContext: { privileged: true },
                env: [
                  ...hostEnv(context),
                  { name: 'CLEARML_WORKER_ID', value: 'clearml-services' },
                  { name: AGENT_SERVICES_NODE.defaultBaseImageEnv.value, value: mirrored(DEFAULT_TASK_IMAGE, context.images?.registry) },
                  { name: AGENT_SERVICES_NODE.hostMountEnv.value, value: `${NODE_STORAGE_ROOT}/agent:${SERVICES_DATA_DIR}` },
                  { name: 'SHUTDOWN_IF_NO_ACCESS_KEY', value: '1' },
                ],
                volumeMounts: [
                  { name: 'docker-socket', mountPath: '/var/run/docker.sock' },
                  { name: 'agent-data', mountPath: SERVICES_DATA_DIR },
                ],
              },
            ],
            volumes: [
              { name: 'docker-socket', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
              { name: 'agent-data', hostPath: { path: `${NODE_STORAGE_ROOT}/agent`, type: 'DirectoryOrCreate' } },
            ],
          },
        },
      },
    } as ManifestObject,
  ];
}

/** Name of the optional ClusterRole (and binding) that lets the glue list namespaces. */
export function namespaceListRole(siteName: string): string {
  return `clearml-agent-namespaces-${siteName}`;
}

/**
 * Every object of a site's agents, in the parent's namespace (kustomize moves them with the rest).
 * @returns objects and the names of cluster-scoped RBAC objects the site declares.
 * @throws TypeError for a restricted context: the glue image cannot run as non-root
 *   (`agentK8sGlue.image.nonRootBlocker`); `validateSite` reports it to the user first.
 */
export function agentObjects(siteName: string, agents: AgentsSpec, context: AgentContext): { objects: ManifestObject[]; clusterRoles: string[] } {
  if (context.restricted) throw new TypeError(`agents of site ${siteName}: the k8s glue cannot run under Pod Security "restricted": ${agentK8sGlue.image.nonRootBlocker?.reason}`);
  const rbacLabels = labels('agent');
  const objects: ManifestObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: AGENT_SERVICE_ACCOUNT, namespace: NAMESPACE, labels: rbacLabels } } as ManifestObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: AGENT_SERVICE_ACCOUNT, namespace: NAMESPACE, labels: rbacLabels },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'create', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      ],
    } as ManifestObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: AGENT_SERVICE_ACCOUNT, namespace: NAMESPACE, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: AGENT_SERVICE_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: AGENT_SERVICE_ACCOUNT, namespace: NAMESPACE }],
    } as ManifestObject,
    ...agents.queues.flatMap((q) => glueObjects(q, agents, context)),
    ...(agents.services ? agentServicesObjects(agents.services, context) : []),
  ];
  const clusterRoles: string[] = [];
  if (agents.listNamespaces) {
    const role = namespaceListRole(siteName);
    clusterRoles.push(role);
    objects.push(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role, labels: rbacLabels }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }] } as ManifestObject,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: role, labels: rbacLabels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'ServiceAccount', name: AGENT_SERVICE_ACCOUNT, namespace: NAMESPACE }],
      } as ManifestObject,
    );
  }
  return { objects, clusterRoles };
}

/**
 * The site's last word on agent-services, after placement and storage have edited every Deployment:
 * - its node selector is the Docker Engine nodes' (`agents.services.dockerEngineNodes.nodeSelector`),
 *   whatever `placement.nodeSelector` (or claims storage, which drops node selectors) did;
 * - its data directory stays a node directory (the sibling containers mount it through the Docker
 *   daemon, `AGENT_SERVICES_NODE.hostMountEnv`): a volume storage turned into `emptyDir` is a
 *   `hostPath` again, and `CLEARML_AGENT_DOCKER_HOST_MOUNT` names the node directory the volume
 *   mounts (also after `storage.hostPathRoot` moved it).
 * Edits `objects` in place; a site without agent-services is left alone.
 */
export function pinAgentServices(objects: ManifestObject[], agents: AgentsSpec | undefined): void {
  const services = agents?.services;
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === AGENT_SERVICES_NAME) as any;
  if (!services || !deployment) return;
  const pod = deployment.spec.template.spec;
  if (services.dockerEngineNodes) pod.nodeSelector = { ...services.dockerEngineNodes.nodeSelector };
  const container = pod.containers[0];
  const mount = container.env.find((e: EnvVar) => e.name === AGENT_SERVICES_NODE.hostMountEnv.value);
  const volume = (pod.volumes ?? []).find((v: any) => v.name === 'agent-data');
  if (!mount || !volume) return;
  if (volume.hostPath) mount.value = `${volume.hostPath.path}:${SERVICES_DATA_DIR}`;
  else {
    for (const key of Object.keys(volume)) if (key !== 'name') delete volume[key];
    volume.hostPath = { path: String(mount.value).split(':')[0], type: 'DirectoryOrCreate' };
  }
}
