// The upgrade guard: each unsafe change upstream documents is refused with its reason and safe path;
// patch and minor releases pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadReleaseCatalog, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { checkUpgrade, parseVersion } from '../src/index.ts';

function catalog(server: string, tags: { mongo?: string; elasticsearch?: string; redis?: string } = {}): ReleaseCatalog {
  const c = structuredClone(loadReleaseCatalog());
  c.server = server;
  c.images.clearmlServer.tag = server;
  if (tags.mongo) c.images.mongo.tag = tags.mongo;
  if (tags.elasticsearch) c.images.elasticsearch.tag = tags.elasticsearch;
  if (tags.redis) c.images.redis.tag = tags.redis;
  return c;
}
const refused = (from: ReleaseCatalog, to: ReleaseCatalog) => checkUpgrade(from, to).map((r) => `${r.component} ${r.from} → ${r.to}`);

test('patch and minor upgrades of the current catalog pass', () => {
  const now = catalog(loadReleaseCatalog().server);
  assert.deepEqual(checkUpgrade(now, catalog('2.3.1')), []);
  assert.deepEqual(checkUpgrade(now, catalog('2.4.0', { mongo: '8.0.15', redis: '8.2.3', elasticsearch: '8.18.1' })), []);
});

test('server 1.x to 2.x only from 1.17; never back', () => {
  const old = catalog('1.16.2', { mongo: '5.0.26', elasticsearch: '7.17.18' });
  assert.deepEqual(refused(old, catalog('2.0.0', { mongo: '6.0.19', elasticsearch: '7.17.18' })), ['server 1.16.2 → 2.0.0']);
  assert.deepEqual(refused(catalog('1.17.1', { mongo: '5.0.26', elasticsearch: '8.11.3' }), catalog('2.0.0', { mongo: '6.0.19', elasticsearch: '8.11.3' })), []);
  const [down] = checkUpgrade(catalog('2.3.0'), catalog('2.2.0'));
  assert.match(down!.reason, /does not go back/);
});

test('MongoDB one major at a time, and at least 6 for server 2.x; Elasticsearch 7 → 8 needs the migration', () => {
  const now = catalog('2.3.0', { mongo: '6.0.19' });
  const [skip] = checkUpgrade(now, catalog('2.3.0', { mongo: '8.0.15' }));
  assert.equal(skip!.component, 'mongo');
  assert.match(skip!.safePath, /bump --mongo 7\.0\.x, set featureCompatibilityVersion to "7\.0"/);
  assert.deepEqual(refused(catalog('2.3.0', { mongo: '7.0.22' }), catalog('2.3.0', { mongo: '5.0.26' })), ['mongo 7.0.22 → 5.0.26', 'mongo 7.0.22 → 5.0.26']);
  const es = checkUpgrade(catalog('1.17.0', { mongo: '5.0.26', elasticsearch: '7.17.18' }), catalog('1.17.0', { mongo: '5.0.26', elasticsearch: '8.11.3' }));
  assert.deepEqual(es.map((r) => r.component), ['elasticsearch']);
  assert.match(es[0]!.safePath, /snapshot/);
});

test('versions are parsed strictly', () => {
  assert.deepEqual(parseVersion('7.4.1-alpine'), [7, 4, 1]);
  assert.deepEqual(parseVersion('8.0'), [8, 0, 0]);
  assert.equal(parseVersion('latest'), null);
  // Not image tags (OCI allows no "+"), or absurd: refused before anything is written.
  assert.equal(parseVersion('2.3.1+build5'), null);
  assert.equal(parseVersion(`2.3.${'9'.repeat(10_000)}`), null);
  assert.equal(parseVersion('1234567.0.0'), null);
  assert.equal(parseVersion('02.3.0'), null);
  assert.equal(parseVersion(`2.3.0-${'a'.repeat(130)}`), null);
  assert.throws(() => checkUpgrade(catalog('2.3.0'), catalog('two')), /server: expected a version X\.Y\.Z, received "two"/);
});
