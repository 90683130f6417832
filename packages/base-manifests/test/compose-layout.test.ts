// Guard of issue 13: node storage is laid out as upstream's docker-compose lays it out, so a node
// that ran compose keeps its data when it moves to Kubernetes. The fact is COMPOSE_VOLUMES
// (src/node-storage.ts: every volume of clearml-server v2.3.0 docker/docker-compose.yml with its
// line; the compose file itself is not available offline). This test checks the committed base/
// (what `kubectl apply -k` deploys) and the generated base objects against it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { baseObjects, COMPOSE_VOLUMES, composeLayoutMismatches, hostPathOf, loadReleaseCatalog, NODE_STORAGE, SCRATCH_STORAGE, STACK, type BaseComponentKey } from '../src/index.ts';
import { COMPOSE } from '../src/stack/sources.ts';
import { parseManifests } from '../src/yaml.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Compose service of each component the base renders (the webserver has no volumes in compose). */
const COMPOSE_SERVICE: Record<BaseComponentKey, string> = {
  apiserver: 'apiserver',
  webserver: 'webserver',
  fileserver: 'fileserver',
  asyncDelete: 'async_delete',
  elasticsearch: 'elasticsearch',
  mongodb: 'mongo',
  redis: 'redis',
};

function committedBaseDeployments(): any[] {
  const dir = path.join(ROOT, 'base');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseManifests(readFileSync(path.join(dir, f), 'utf8'), `base/${f}`) as any[])
    .filter((o) => o.kind === 'Deployment');
}

function serviceOf(deploymentName: string): string {
  const key = (Object.keys(COMPOSE_SERVICE) as BaseComponentKey[]).find((k) => STACK[k].name === deploymentName);
  assert.ok(key, `${deploymentName}: a base Deployment with no compose service in this test's table`);
  return COMPOSE_SERVICE[key!];
}

test('the compose fact: every row cites a line of the pinned compose file, in file order', () => {
  let last = 0;
  for (const row of COMPOSE_VOLUMES) {
    const match = row.source.match(/^(.*):(\d+)$/);
    assert.ok(match && match[1] === COMPOSE, `${row.service} ${row.container}: ${row.source}`);
    const line = Number(match![2]);
    assert.ok(line > last, `${row.source} after line ${last}`);
    last = line;
  }
  assert.deepEqual([...new Set(COMPOSE_VOLUMES.map((r) => r.service))], ['apiserver', 'elasticsearch', 'fileserver', 'mongo', 'redis', 'async_delete', 'agent-services']);
});

test('NODE_STORAGE and SCRATCH_STORAGE: each directory is a compose volume and cites its line(s)', () => {
  for (const [key, dir] of Object.entries(NODE_STORAGE)) {
    const rows = COMPOSE_VOLUMES.filter((r) => r.host === hostPathOf(dir));
    assert.ok(rows.length > 0, `${key}: ${hostPathOf(dir)} is no compose host path`);
    for (const row of rows) {
      assert.equal(row.container, dir.mountPath, `${key}: ${row.source}`);
      assert.ok(dir.source.split(':').pop()!.split(',').includes(row.source.split(':').pop()!), `${key} cites ${dir.source}, lacks ${row.source}`);
    }
  }
  for (const [key, dir] of Object.entries(SCRATCH_STORAGE)) {
    const row = COMPOSE_VOLUMES.find((r) => r.container === dir.mountPath);
    assert.ok(row && row.host === null && row.source === dir.source, `${key}: compose anonymous volume at ${dir.mountPath}`);
  }
  // The ES data directory compose uses, not a subdirectory of it (issue 13).
  assert.equal(hostPathOf(NODE_STORAGE.elasticsearchData), '/opt/clearml/data/elastic_7');
});

for (const [label, deployments] of [
  ['committed base/', committedBaseDeployments()],
  ['generated base objects', (baseObjects(loadReleaseCatalog({})) as any[]).filter((o) => o.kind === 'Deployment')],
] as const) {
  test(`${label}: every Deployment's hostPath volumes are compose's, host path and container path`, () => {
    const seen = new Set<string>();
    for (const d of deployments) {
      const service = serviceOf(d.metadata.name);
      seen.add(service);
      assert.deepEqual(composeLayoutMismatches(d, service), [], d.metadata.name);
    }
    assert.deepEqual([...seen].sort(), Object.values(COMPOSE_SERVICE).sort(), 'every compose server service is in base/');
    const hostPaths = deployments.flatMap((d) => (d.spec.template.spec.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path));
    const composeHosts = new Set(COMPOSE_VOLUMES.filter((r) => r.service !== 'agent-services' && r.host).map((r) => r.host));
    assert.deepEqual([...new Set(hostPaths)].sort(), [...composeHosts].sort(), 'the base uses exactly compose\'s host directories');
  });
}

test('the guard fails on the layout issue 13 fixed, and on a changed mount path or a lost volume', () => {
  const es = structuredClone(committedBaseDeployments().find((d) => d.metadata.name === STACK.elasticsearch.name));
  const data = es.spec.template.spec.volumes.find((v: any) => v.name === NODE_STORAGE.elasticsearchData.volume);
  data.hostPath.path = '/opt/clearml/data/elastic_7/data';
  const problems = composeLayoutMismatches(es, 'elasticsearch');
  assert.ok(problems.some((p) => p.includes('/opt/clearml/data/elastic_7/data') && p.includes('no such host directory')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes(`compose mounts /opt/clearml/data/elastic_7 at /usr/share/elasticsearch/data (${COMPOSE}:66)`)), problems.join('\n'));

  const redis = structuredClone(committedBaseDeployments().find((d) => d.metadata.name === STACK.redis.name));
  redis.spec.template.spec.containers[0].volumeMounts[0].mountPath = '/var/lib/redis';
  assert.ok(composeLayoutMismatches(redis, 'redis').some((p) => p.includes('compose mounts it at /data')));

  const mongo = structuredClone(committedBaseDeployments().find((d) => d.metadata.name === STACK.mongodb.name));
  const configdb = mongo.spec.template.spec.volumes.find((v: any) => v.name === NODE_STORAGE.mongoConfigDb.volume);
  delete configdb.hostPath;
  configdb.emptyDir = {};
  assert.ok(composeLayoutMismatches(mongo, 'mongo').some((p) => p.includes('emptyDir at /data/configdb; compose keeps it on the host at /opt/clearml/data/mongo_4/configdb')));

  const esLogsOnHost = structuredClone(committedBaseDeployments().find((d) => d.metadata.name === STACK.elasticsearch.name));
  const logs = esLogsOnHost.spec.template.spec.volumes.find((v: any) => v.name === SCRATCH_STORAGE.elasticsearchLogs.volume);
  delete logs.emptyDir;
  logs.hostPath = { path: '/opt/clearml/logs', type: 'DirectoryOrCreate' };
  assert.ok(composeLayoutMismatches(esLogsOnHost, 'elasticsearch').some((p) => p.includes('anonymous volume at /usr/share/elasticsearch/logs')));
});
