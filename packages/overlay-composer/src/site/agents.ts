/**
 * ClearML agents for a site: the k8s glue (one Deployment per queue, each with its task pod template
 * in a ConfigMap, as the clearml-agent Helm chart renders them) and, optionally, agent-services.
 *
 * - RBAC: one ServiceAccount, one namespaced Role (pods; services, for session ports; secrets, for
 *   file mounts; events) bound to it; namespace listing only when asked for (a ClusterRole).
 * - Credentials: the glue and its task pods read `services_agent_key` / `services_agent_secret`
 *   from the same Secret the apiserver reads `CLEARML__secure__credentials__services_agent__*`
 *   from, so the pair always matches.
 * - Non-root: glue and task pods run as uid 1000 with `HOME=/tmp` and the restricted security
 *   context. (Upstream documents non-root agents as an Enterprise image feature; the OSS images are
 *   untested that way.)
 * @see https://github.com/clearml/clearml-helm-charts/tree/main/charts/clearml-agent (templates/agentk8sglue-*.yaml)
 * @see ../../../../../shared/reference/clearml-on-kubernetes.md ("Agents")
 */
import { imageReference, NAMESPACE, NODE_STORAGE_ROOT, PART_OF, serviceUrl, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import type { EnvVar } from '../profiles/enterprise.ts';
import type { AgentQueue, AgentsSpec, EndpointLabel } from './site-spec.ts';

/** ServiceAccount, Role and RoleBinding name of the glue. */
export const AGENT_SERVICE_ACCOUNT = 'clearml-agent';
/** Task pod image when neither the task nor the queue names one. */
export const DEFAULT_TASK_IMAGE = 'ubuntu:22.04';
/** Where the glue reads its pod template. */
const TEMPLATE_DIR = '/root/template';
/** The uid glue and task pods run as on the non-root profile. */
const NON_ROOT_UID = 1000;

/** What the agents need from the rest of the site. */
export interface AgentContext {
  /** Secret with `services_agent_key` / `services_agent_secret` (the server's credentials Secret). */
  credentialsSecret: string;
  /** URLs the agents and task pods use: public ones on Ingress sites, in-cluster Services otherwise. */
  urls: Record<EndpointLabel, string>;
  /** Pods must meet Pod Security "restricted". */
  restricted: boolean;
  /** The release catalog (the glue's image). */
  catalog: ReleaseCatalog;
}

const labels = (component: string) => ({ 'app.kubernetes.io/name': `clearml-${component}`, 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': PART_OF });

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

const restrictedPod = { runAsNonRoot: true, runAsUser: NON_ROOT_UID, runAsGroup: NON_ROOT_UID, fsGroup: NON_ROOT_UID, seccompProfile: { type: 'RuntimeDefault' } };
const restrictedContainer = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/** The pod template of one queue's task pods (the ConfigMap's `template.yaml`). */
export function taskPodTemplate(queue: AgentQueue, context: AgentContext): Record<string, unknown> {
  const resources = structuredClone(queue.resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  if (queue.gpus) resources.limits = { ...(resources.limits ?? {}), 'nvidia.com/gpu': queue.gpus };
  const nodeSelector = { ...(queue.gpus ? { 'nvidia.com/gpu.present': 'true' } : {}), ...(queue.nodeSelector ?? {}) };
  const tolerations = [...(queue.gpus ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : []), ...structuredClone(queue.tolerations ?? [])];
  const env: EnvVar[] = [
    ...hostEnv(context),
    { name: 'PYTHONUNBUFFERED', value: 'x' },
    ...(context.restricted ? [{ name: 'HOME', value: '/tmp' }] : []),
    ...Object.entries(queue.env ?? {}).map(([name, value]) => ({ name, value })),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { ...labels('agent-task'), 'clearml.allegro.ai/queue': queue.name } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      ...(context.restricted ? { securityContext: restrictedPod } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      ...(tolerations.length ? { tolerations } : {}),
      containers: [{ ...(Object.keys(resources).length ? { resources } : {}), env, ...(context.restricted ? { securityContext: restrictedContainer } : {}) }],
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
    { name: 'K8S_GLUE_QUEUE', value: queue.name },
    { name: 'K8S_GLUE_EXTRA_ARGS', value: `--namespace $(K8S_DEFAULT_NAMESPACE) --template-yaml ${TEMPLATE_DIR}/template.yaml` },
    { name: 'CLEARML_WORKER_ID', value: name },
    { name: 'CLEARML_DOCKER_IMAGE', value: queue.image ?? agents.defaultImage ?? DEFAULT_TASK_IMAGE },
    { name: 'CLEARML_AGENT_UPDATE_REPO', value: '' },
    ...(context.restricted ? [{ name: 'HOME', value: '/tmp' }] : []),
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
          ...(context.restricted ? { securityContext: restrictedPod } : {}),
          containers: [
            {
              name: 'k8s-glue',
              image: imageReference(context.catalog.images.agentK8sGlue),
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c', 'export PATH=$PATH:$HOME/bin; source /root/.bashrc && /root/entrypoint.sh'],
              env,
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [{ name: 'pod-template', mountPath: TEMPLATE_DIR, readOnly: true }],
              ...(context.restricted ? { securityContext: restrictedContainer } : {}),
            },
          ],
          volumes: [{ name: 'pod-template', configMap: { name: template } }],
        },
      },
    },
  };
  return [configMap, deployment as ManifestObject];
}

/** agent-services: privileged, with the node's Docker socket (upstream compose's shape). */
function agentServicesObjects(tag: string, context: AgentContext): ManifestObject[] {
  const name = 'clearml-agent-services';
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
            containers: [
              {
                name: 'agent-services',
                image: `clearml/clearml-agent-services:${tag}`,
                imagePullPolicy: 'IfNotPresent',
                securityContext: { privileged: true },
                env: [
                  ...hostEnv(context),
                  { name: 'CLEARML_WORKER_ID', value: 'clearml-services' },
                  { name: 'CLEARML_AGENT_DEFAULT_BASE_DOCKER', value: DEFAULT_TASK_IMAGE },
                  { name: 'CLEARML_AGENT_DOCKER_HOST_MOUNT', value: `${NODE_STORAGE_ROOT}/agent:/root/.clearml` },
                  { name: 'SHUTDOWN_IF_NO_ACCESS_KEY', value: '1' },
                ],
                volumeMounts: [
                  { name: 'docker-socket', mountPath: '/var/run/docker.sock' },
                  { name: 'agent-data', mountPath: '/root/.clearml' },
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
 */
export function agentObjects(siteName: string, agents: AgentsSpec, context: AgentContext): { objects: ManifestObject[]; clusterRoles: string[] } {
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
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
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
    ...(agents.services ? agentServicesObjects(agents.services.tag, context) : []),
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
