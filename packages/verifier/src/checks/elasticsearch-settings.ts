/**
 * Check `elasticsearch-settings`: the bundled Elasticsearch keeps the settings a one-node ClearML
 * store needs, which the stack model's `elasticsearchEnv` sets (base-manifests `stack/elasticsearch.ts`,
 * as compose does: clearml/clearml-server@v2.3.0:docker/docker-compose.yml:44-63).
 *
 * For each running container that is the model's Elasticsearch (`componentOfContainer`), its
 * settings are read from env (`discovery.type`, and the `ES_SETTING_DISCOVERY_TYPE` form of 8.x:
 * https://www.elastic.co/guide/en/elasticsearch/reference/8.17/docker.html#docker-configuration-methods)
 * over an `elasticsearch.yml` mounted from a ConfigMap of the build (settings given on the command
 * line, which the image makes of env, win over the file):
 * - **discovery**: `discovery.type: single-node`, or an explicit cluster (`discovery.seed_hosts`,
 *   `discovery.seed_providers` or `cluster.initial_master_nodes`, as the Helm chart sets). The image
 *   binds a non-loopback address (`network.host: 0.0.0.0` in its `elasticsearch.yml`), so the
 *   discovery bootstrap check applies and a node with none of them refuses to start
 *   (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/bootstrap-checks.html#discovery-configuration-check).
 * - **security**: with `xpack.security.enabled` true, or unset on an 8.x image (security is on by
 *   default from 8.0: https://www.elastic.co/guide/en/elasticsearch/reference/8.17/configuring-stack-security.html),
 *   every apiserver and async delete container of the build must carry the Elasticsearch credentials
 *   the model says they read (`databaseAccess` of target `elasticsearch`:
 *   `CLEARML_ELASTIC_SERVICE_USERNAME`/`_PASSWORD`, clearml/clearml-server@v2.3.0:apiserver/es_factory.py:28-47);
 *   without them the server sends no authentication and every request gets 401, so the apiserver
 *   never becomes ready. On 7.x images security is off unless enabled.
 * An Elasticsearch the build does not run (an external one) is not checked.
 */
import { objectId, STACK_MODEL, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { parseImageReference } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { envList, hasEnv, stackContainers, type StackContainer } from './stack-containers.ts';

/** Where the image reads its configuration file. */
const CONFIG_FILE = '/usr/share/elasticsearch/config/elasticsearch.yml';
/** Settings any of which makes discovery explicit (the bootstrap check's list). */
const CLUSTER_SETTINGS = ['discovery.seed_hosts', 'discovery.seed_providers', 'cluster.initial_master_nodes'];

type Finding = CheckFinding<'elasticsearch-settings'>;

/** A setting's name from an env name: `discovery.type` as is; `ES_SETTING_DISCOVERY_TYPE` → `discovery.type` (`__` is `_`). */
function settingOfEnv(name: string): string | null {
  if (name.startsWith('ES_SETTING_')) return name.slice('ES_SETTING_'.length).toLowerCase().split('__').map((p) => p.replaceAll('_', '.')).join('_');
  return /^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(name) ? name : null;
}

/** `{a: {b: 1}}` → `{'a.b': '1'}`. */
function flatten(node: unknown, prefix = '', into: Map<string, string> = new Map()): Map<string, string> {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (prefix) into.set(prefix, Array.isArray(node) ? node.join(',') : String(node));
  return into;
}

/** The settings of `elasticsearch.yml` when a ConfigMap of the build is mounted there. */
function fileSettings(c: StackContainer, configMaps: Map<string, any>): Map<string, string> {
  const mounts: any[] = Array.isArray(c.container.volumeMounts) ? c.container.volumeMounts : [];
  const volumes: any[] = Array.isArray(c.template.spec.volumes) ? c.template.spec.volumes : [];
  for (const m of mounts) {
    const file = m?.mountPath === CONFIG_FILE ? m.subPath ?? 'elasticsearch.yml' : m?.mountPath === '/usr/share/elasticsearch/config' ? 'elasticsearch.yml' : null;
    const name = file && volumes.find((v) => v?.name === m.name)?.configMap?.name;
    const text = name && configMaps.get(name)?.data?.[file];
    if (typeof text !== 'string') continue;
    try {
      return flatten(parseManifest(text, `${name}/${file}`));
    } catch {
      return new Map();
    }
  }
  return new Map();
}

/** Findings of `elasticsearch-settings` over a build. Never throws. */
export function checkElasticsearchSettings(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): Finding[] {
  const stack = stackContainers(objects, catalog, model);
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata?.name, o as any]));
  const readsCredentials = model.components.filter((c) => c.databaseAccess.some((a) => a.target === 'elasticsearch' && a.carries === 'username'));
  const clients = stack.filter((c) => readsCredentials.includes(c.spec));
  const findings: Finding[] = [];
  for (const es of stack.filter((c) => c.spec.key === 'elasticsearch')) {
    const settings = fileSettings(es, configMaps);
    const envIndex = new Map<string, number>();
    envList(es.container).forEach((e: any, i: number) => {
      const setting = typeof e?.name === 'string' ? settingOfEnv(e.name) : null;
      if (!setting) return;
      envIndex.set(setting, i);
      settings.set(setting, e.valueFrom !== undefined ? '(from a reference)' : String(e.value ?? ''));
    });
    const at = (setting: string) => (envIndex.has(setting) ? `${es.path}/env/${envIndex.get(setting)}` : `${es.path}/env`);
    const finding = (path: string, message: string, hint: string) => findings.push({ check: 'elasticsearch-settings', resource: objectId(es.template.owner), path, message, hint });
    const discovery = settings.get('discovery.type');
    if (discovery !== 'single-node' && !CLUSTER_SETTINGS.some((s) => settings.has(s))) {
      finding(
        at('discovery.type'),
        `${es.spec.name} has ${discovery === undefined ? 'no discovery.type' : `discovery.type ${JSON.stringify(discovery)}`} and no cluster discovery (${CLUSTER_SETTINGS.join(', ')}); bound to a non-loopback address, Elasticsearch fails its discovery bootstrap check and exits (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/bootstrap-checks.html#discovery-configuration-check)`,
        'set the env discovery.type to "single-node" (the base does), or configure the cluster\'s discovery',
      );
    }
    const security = settings.get('xpack.security.enabled');
    const major = Number(/^(\d+)\./.exec(parseImageReference(String(es.container.image)).tag ?? '')?.[1] ?? NaN);
    const on = security === undefined ? !(major < 8) : String(security).toLowerCase() === 'true';
    if (!on) continue;
    const missing = clients.filter((c) => !c.spec.databaseAccess.filter((a) => a.target === 'elasticsearch').every((a) => hasEnv(c.container, a.env)));
    if (missing.length === 0) continue;
    const names = [...new Set(missing.map((c) => `${c.spec.name} (${objectId(c.template.owner)})`))].join(', ');
    const envs = readsCredentials[0]!.databaseAccess.filter((a) => a.target === 'elasticsearch').map((a) => a.env).join('/');
    finding(
      at('xpack.security.enabled'),
      `${es.spec.name} runs with security on (${security === undefined ? `xpack.security.enabled unset on image ${es.container.image}: on by default from 8.0` : `xpack.security.enabled ${security}`}), but ${names} ${missing.length > 1 ? 'have' : 'has'} no ${envs}; the server then sends no credentials and Elasticsearch answers 401 to every request (${readsCredentials[0]!.databaseAccess.find((a) => a.target === 'elasticsearch')!.source})`,
      `set xpack.security.enabled to "false" (the base does, as compose), or give the server ${envs} from a Secret (a site's external.elasticsearch does)`,
    );
  }
  return findings;
}

export const elasticsearchSettingsCheck = defineCheck({
  id: 'elasticsearch-settings',
  severity: 'error',
  title: 'the bundled Elasticsearch keeps single-node discovery, and security only with credentials wired to the server',
  description:
    'the model\'s Elasticsearch container sets `discovery.type=single-node` or an explicit cluster discovery (else the bootstrap check stops it), and runs with `xpack.security.enabled` on (the 8.x default when unset) only when every apiserver and async delete container carries `CLEARML_ELASTIC_SERVICE_USERNAME`/`PASSWORD` (else every request gets 401); env settings win over a mounted `elasticsearch.yml`',
  needs: 'build',
  run: ({ objects, catalog }) => checkElasticsearchSettings(objects, catalog),
});
