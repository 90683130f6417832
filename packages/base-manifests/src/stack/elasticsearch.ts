/**
 * Elasticsearch, single node, with the settings every upstream artifact uses. Node
 * prerequisites (seed step 1): `vm.max_map_count >= 262144`; the base sets it from a privileged
 * init container (as the Helm chart does). A pod cannot set ulimits, so `bootstrap.memory_lock=false`.
 *
 * Storage is compose's: data on the node at `/opt/clearml/data/elastic_7` (compose line 66), the log
 * directory in scratch (compose line 67 gives it an anonymous volume, nothing on the node). The
 * init container `chown-data` chowns only the node storage data directory to uid 1000, as the old
 * kustomize tree did (init container `set-dir-owner`: `chown -R 1000:1000 /usr/share/elasticsearch/data`,
 * nothing else; allegroai/clearml-server-k8s@8f14af5:clearml-server-k8s/base/elasticsearch-deployment.yaml:56-62,112-115). That directory is Elasticsearch's alone; the shared `/opt/clearml/logs` is never
 * mounted here, and the emptyDir of the logs is world-writable and gets the pod's `fsGroup`. On a
 * node that ran compose the chown changes nothing: ClearML's compose install has already run
 * `sudo chown -R 1000:1000 /opt/clearml` (clearml/clearml-docs@df22ffc:docs/deploying_clearml/clearml_server_linux_mac.md:128),
 * and compose's Elasticsearch runs as uid 1000 too (image `USER 1000:0`), so the data stays readable by
 * compose should the node go back.
 */
import { imageReference } from '../release-catalog.ts';
import { isNodeStorage, NODE_STORAGE, SCRATCH_STORAGE, volumeMount } from '../node-storage.ts';
import { clearmlService, componentDeployment, mainContainer } from '../workload.ts';
import type { ComponentSpec } from './component-spec.ts';
import { at, COMPOSE, HELM_VALUES } from './sources.ts';

/** The kernel setting Elasticsearch refuses to start without (bootstrap check). */
export const ES_MAX_MAP_COUNT = 262144;

/** uid/gid the Elasticsearch image runs as. */
export const ES_UID = 1000;

const ES_DOCKERFILE = 'elastic/dockerfiles@v8.17.0:elasticsearch/Dockerfile';
const HEAP_ADVICE = 'https://www.elastic.co/guide/en/elasticsearch/reference/8.17/advanced-configuration.html#set-jvm-heap-size (Xms = Xmx, at most 50% of the memory)';

/** Elasticsearch settings as env (`discovery.type=single-node`, watermarks, heap ...), as compose sets them. */
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
    ES_JAVA_OPTS: elasticsearch.resources.heap!.value,
  };
}

export const elasticsearch: ComponentSpec = {
  key: 'elasticsearch',
  role: 'database',
  name: 'clearml-elastic',
  component: 'elasticsearch',
  container: 'elasticsearch',
  summary: 'Elasticsearch, single node: task events, metrics, logs and debug samples.',
  image: {
    catalogKey: 'elasticsearch',
    repository: null,
    entrypoint: {
      command: ['/bin/tini', '--', '/usr/local/bin/docker-entrypoint.sh'],
      file: { path: '/bin/tini', uid: 0, gid: 0, mode: 0o555, interpreter: null, source: `${ES_DOCKERFILE}:41-42,110 (mv tini /bin/tini; chmod 0555 /bin/tini; COPY --from=builder --chown=0:0 /bin/tini /bin/tini); tini then executes /usr/local/bin/docker-entrypoint.sh, chmod 0555 at :114,128` },
      source: `${ES_DOCKERFILE}:162 (ENTRYPOINT ["/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"])`,
    },
    user: { uid: ES_UID, gid: 0, source: `${ES_DOCKERFILE}:99-102,166 (USER 1000:0)` },
    writesAtStart: [
      { path: '/usr/share/elasticsearch/data', writableDir: '/usr/share/elasticsearch/data', seedFromImage: false, source: ES_DOCKERFILE },
      { path: '/usr/share/elasticsearch/logs', writableDir: '/usr/share/elasticsearch/logs', seedFromImage: false, source: ES_DOCKERFILE },
    ],
    nonRootBlocker: null,
    readOnlyRoot: { unknown: 'its writes outside the data and logs directories (the JVM\'s temporary directory, ES_TMPDIR, which the launcher creates under /tmp; the keystore under config/) were not all checked at the image\'s sources', source: ES_DOCKERFILE },
  },
  entrypoint: {
    executes: [{ path: '/usr/local/bin/docker-entrypoint.sh', uid: 0, gid: 0, mode: 0o555, interpreter: ['/bin/bash'], source: `${ES_DOCKERFILE}:114,128 (COPY bin/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh, then chmod 0555; no --chown: root); tini executes it (:162)` }],
    source: `${at(COMPOSE, 63)} (the image's own entrypoint)`,
  },
  ports: [{ name: 'http', containerPort: 9200, servicePort: 9200, protocol: 'TCP', scheme: 'http', public: null, source: `${ES_DOCKERFILE}:138 (EXPOSE 9200 9300; 9200 is the REST API)` }],
  probes: {
    readiness: { target: { kind: 'httpGet', path: '/_cluster/health?local=true', port: 'http', scheme: 'HTTP', source: 'https://www.elastic.co/guide/en/elasticsearch/reference/8.17/cluster-health.html' }, initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 5 },
    liveness: { target: { kind: 'tcpSocket', port: 'http', source: `${ES_DOCKERFILE}:138` }, initialDelaySeconds: 90, periodSeconds: 20 },
  },
  connections: [],
  databaseAccess: [],
  storage: {
    mounts: [
      { dir: NODE_STORAGE.elasticsearchData, claim: { size: '50Gi', source: at(HELM_VALUES, '467-475') } },
      { dir: SCRATCH_STORAGE.elasticsearchLogs, claim: null },
    ],
    singleWriter: true,
    source: `${at(COMPOSE, '65-67')} (/opt/clearml/data/elastic_7:/usr/share/elasticsearch/data; /usr/share/elasticsearch/logs anonymous)`,
  },
  resources: {
    requests: { cpu: '500m', memory: '4Gi' },
    limits: { memory: '4Gi' },
    heap: { env: 'ES_JAVA_OPTS', value: '-Xms2g -Xmx2g', maxShareOfLimit: 0.5, source: `${at(HELM_VALUES, '425-478')} (ES_JAVA_OPTS -Xmx2g -Xms2g; compose v2.3.0 sets none); ${HEAP_ADVICE}` },
  },
  nonRoot: { uid: ES_UID, gid: ES_UID, source: `${ES_DOCKERFILE}:99-102 (user elasticsearch 1000:1000)` },
  placement: { onClearmlNode: true, strategy: 'Recreate', scalable: false },
  base: {
    file: 'elasticsearch.yaml',
    rank: 2,
    objects: (context) => {
      const image = imageReference(context.catalog.images.elasticsearch);
      // Only node storage (the data on the node's disk), never the scratch emptyDir: see the module comment.
      const onNode = elasticsearch.storage.mounts.map((m) => m.dir).filter(isNodeStorage);
      const dataPaths = onNode.map((dir) => dir.mountPath).join(' ');
      return [
        componentDeployment(elasticsearch, mainContainer(context, elasticsearch, elasticsearchEnv()), {
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
              command: ['sh', '-c', `chown -R ${ES_UID}:${ES_UID} ${dataPaths}`],
              securityContext: { runAsUser: 0 },
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '128Mi' } },
              volumeMounts: onNode.map(volumeMount),
            },
          ],
        }),
        clearmlService(elasticsearch),
      ];
    },
  },
};
