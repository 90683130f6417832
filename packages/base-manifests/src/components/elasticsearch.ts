/**
 * Elasticsearch, single node, with the settings every upstream artifact uses. Node
 * prerequisites (seed step 1): `vm.max_map_count >= 262144`; the base sets it from a privileged
 * init container (as the Helm chart does) and chowns the hostPath data to uid 1000 (as the old
 * kustomize tree did). A pod cannot set ulimits, so `bootstrap.memory_lock=false`.
 * @see https://github.com/clearml/clearml-server/blob/v2.3.0/docker/docker-compose.yml (elasticsearch)
 */
import { imageReference, releaseCatalog } from '../release-catalog.ts';
import { hostPathVolume, NODE_STORAGE, volumeMount } from '../node-storage.ts';
import { STACK } from '../stack.ts';
import type { ManifestObject } from '../manifest-object.ts';
import { clearmlDeployment, clearmlService, envList } from '../workload.ts';

/** The kernel setting Elasticsearch refuses to start without (bootstrap check). */
export const ES_MAX_MAP_COUNT = 262144;

/** uid/gid the Elasticsearch image runs as. */
export const ES_UID = 1000;

/** Elasticsearch settings as env (`discovery.type=single-node`, watermarks, heap ...). */
export function elasticsearchEnv(): Record<string, string> {
  return {
    'discovery.type': 'single-node',
    'cluster.name': 'clearml',
    'node.name': 'clearml',
    'xpack.security.enabled': 'false',
    'bootstrap.memory_lock': 'false',
    'http.compression_level': '7',
    'cluster.routing.allocation.node_initial_primaries_recoveries': '500',
    'cluster.routing.allocation.disk.watermark.low': '500mb',
    'cluster.routing.allocation.disk.watermark.high': '500mb',
    'cluster.routing.allocation.disk.watermark.flood_stage': '500mb',
    'reindex.remote.whitelist': "'*.*'",
    ES_JAVA_OPTS: '-Xms2g -Xmx2g',
  };
}

/** The Elasticsearch Deployment (with its node-prerequisite init containers) and ClusterIP Service on 9200. */
export function elasticsearchObjects(): ManifestObject[] {
  const c = STACK.elasticsearch;
  const image = imageReference(releaseCatalog().images.elasticsearch);
  const storage = [NODE_STORAGE.elasticsearchData, NODE_STORAGE.elasticsearchLogs];
  const health = { httpGet: { path: '/_cluster/health?local=true', port: c.portName } };
  return [
    clearmlDeployment({
      component: c,
      strategy: 'Recreate',
      onClearmlNode: true,
      securityContext: { fsGroup: ES_UID },
      initContainers: [
        {
          name: 'set-vm-max-map-count',
          image,
          command: ['sh', '-c', `if [ "$(cat /proc/sys/vm/max_map_count)" -lt ${ES_MAX_MAP_COUNT} ]; then echo ${ES_MAX_MAP_COUNT} > /proc/sys/vm/max_map_count; fi`],
          securityContext: { privileged: true, runAsUser: 0 },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        },
        {
          name: 'chown-data',
          image,
          command: ['sh', '-c', `chown -R ${ES_UID}:${ES_UID} ${storage.map((s) => s.mountPath).join(' ')}`],
          securityContext: { runAsUser: 0 },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '128Mi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      containers: [
        {
          name: c.container,
          image,
          ports: [{ name: c.portName, containerPort: c.containerPort, protocol: 'TCP' }],
          env: envList(elasticsearchEnv()),
          readinessProbe: { ...health, initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 5 },
          livenessProbe: { tcpSocket: { port: c.portName }, initialDelaySeconds: 90, periodSeconds: 20 },
          resources: { requests: { cpu: '500m', memory: '4Gi' }, limits: { memory: '4Gi' } },
          volumeMounts: storage.map(volumeMount),
        },
      ],
      volumes: storage.map(hostPathVolume),
    }),
    clearmlService(c),
  ];
}
