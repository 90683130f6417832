// The upgrade guard: each unsafe change upstream documents is refused with its rule, reason, safe
// path and source; patch and minor releases pass; allowed major steps carry their manual step as a note.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadReleaseCatalog, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { checkUpgrade, clearmlRelease, parseVersion, setFcvCommand, UPGRADE_NOTES, UPGRADE_RULES, upgradeNotes } from '../src/index.ts';

function catalog(server: string, tags: { mongo?: string; elasticsearch?: string; redis?: string } = {}): ReleaseCatalog {
  const c = structuredClone(loadReleaseCatalog());
  c.server = server;
  c.images.clearmlServer.tag = server;
  if (tags.mongo) c.images.mongo.tag = tags.mongo;
  if (tags.elasticsearch) c.images.elasticsearch.tag = tags.elasticsearch;
  if (tags.redis) c.images.redis.tag = tags.redis;
  return c;
}
/** `rule component from → to` of every refusal. */
const refused = (from: ReleaseCatalog, to: ReleaseCatalog) => checkUpgrade(from, to).map((r) => `${r.rule} ${r.from} → ${r.to}`);
const notes = (from: ReleaseCatalog, to: ReleaseCatalog) => upgradeNotes(from, to).map((n) => n.rule);
/** The catalog's own data-store tags at server 2.3.0 (mongo 7.0.22, elasticsearch 8.17.0, redis 7.4.1). */
const now = () => catalog('2.3.0', { mongo: '7.0.22', elasticsearch: '8.17.0', redis: '7.4.1' });

test('patch and minor upgrades of the current catalog pass, without notes', () => {
  assert.deepEqual(checkUpgrade(now(), catalog('2.3.1')), []);
  const next = catalog('2.4.0', { mongo: '7.0.25', redis: '8.2.3', elasticsearch: '8.19.9' });
  assert.deepEqual(checkUpgrade(now(), next), []);
  assert.deepEqual(upgradeNotes(now(), next), []);
  assert.deepEqual(checkUpgrade(now(), catalog('2.3.0', { elasticsearch: '8.17.4' })), [], 'an Elasticsearch patch');
});

test('every rule carries its upstream source, and every refusal names it', () => {
  for (const rule of [...UPGRADE_RULES, ...UPGRADE_NOTES]) assert.ok(rule.source.length > 0, rule.id);
  const all = [
    ...checkUpgrade(now(), catalog('2.2.0', { mongo: '5.0.26', elasticsearch: '7.17.18', redis: '7.2.5' })),
    ...checkUpgrade(catalog('1.16.2', { mongo: '4.4.29', elasticsearch: '7.17.18' }), catalog('2.3.0', { mongo: '6.0.19', elasticsearch: '9.0.0' })),
  ];
  assert.ok(all.length >= 6);
  for (const r of all) assert.match(r.source, /^https:\/\/\S+( https:\/\/\S+)*$/, `${r.rule}: ${r.source}`);
});

test('server: never back a release; 2.x only from 1.17', () => {
  const old = catalog('1.16.2', { mongo: '5.0.26', elasticsearch: '8.15.3' });
  assert.deepEqual(refused(old, catalog('2.0.0', { mongo: '6.0.19', elasticsearch: '8.15.3' })), ['server-2-from-1.17 1.16.2 → 2.0.0']);
  assert.deepEqual(refused(catalog('1.17.1', { mongo: '5.0.26', elasticsearch: '8.11.3' }), catalog('2.0.0', { mongo: '6.0.19', elasticsearch: '8.11.3' })), []);
  const [down] = checkUpgrade(catalog('2.3.0'), catalog('2.2.0'));
  assert.equal(down!.rule, 'server-no-downgrade');
  assert.match(down!.reason, /does not go back/);
});

test('Elasticsearch 8.17 → 9.0 is refused twice: not from the last 8 minor, and no ClearML Server runs on 9', () => {
  const [path, runsOn, ...rest] = checkUpgrade(now(), catalog('2.3.0', { elasticsearch: '9.0.0' }));
  assert.deepEqual(rest, []);
  assert.equal(path!.rule, 'elasticsearch-major-from-last-minor');
  assert.match(path!.reason, /Elasticsearch 9 must be reached from 8\.18\.x \(to 9\.0\.x only\) or 8\.19\.x/);
  assert.match(path!.safePath, /^bump --elasticsearch 8\.19\.x \(its latest patch\) first, .*then bump --elasticsearch 9\.0\.0$/);
  assert.match(path!.source, /elastic\.co\/docs\/deploy-manage\/upgrade/);
  assert.equal(runsOn!.rule, 'elasticsearch-major-clearml-runs-on');
  assert.match(runsOn!.reason, /ClearML Server 2\.3\.0 runs on Elasticsearch 8 .*no ClearML Server release runs on Elasticsearch 9/);
  assert.match(runsOn!.safePath, /stay on Elasticsearch 8 \(up to 8\.19\.x\) until a ClearML Server release runs on 9/);
  assert.match(runsOn!.safePath, /reindex or mark read-only the indices created before 8\.0/);
  assert.match(runsOn!.source, /clearml-server\/blob\/v2\.3\.0\/docker\/docker-compose\.yml#L63/);
  assert.match(runsOn!.source, /elasticsearch-py\/blob\/v9\.4\.1\/docs\/reference\/index\.md/);
});

test('Elasticsearch: from the last minor only; the 9 rule holds for every server, past and future', () => {
  // From the last 8 minors Elastic allows 9 (8.18 → 9.0 only, 8.19 → any 9): only the ClearML rule refuses.
  for (const [from, to] of [['8.18.3', '9.0.4'], ['8.19.9', '9.1.0'], ['8.19.9', '9.0.4']] as const) {
    assert.deepEqual(refused(catalog('2.3.0', { elasticsearch: from }), catalog('2.3.0', { elasticsearch: to })), [`elasticsearch-major-clearml-runs-on ${from} → ${to}`]);
  }
  assert.deepEqual(refused(catalog('2.3.0', { elasticsearch: '8.18.3' }), catalog('2.3.0', { elasticsearch: '9.1.0' })).map((r) => r.split(' ')[0]), ['elasticsearch-major-from-last-minor', 'elasticsearch-major-clearml-runs-on']);
  // A server newer than the release table is taken to run on what its last entry says.
  assert.deepEqual(refused(catalog('2.9.0', { elasticsearch: '8.19.9' }), catalog('2.9.0', { elasticsearch: '9.1.0' })), ['elasticsearch-major-clearml-runs-on 8.19.9 → 9.1.0']);
  assert.deepEqual(clearmlRelease('2.9.0')?.elasticsearch.majors, [8]);
  assert.equal(clearmlRelease('1.14.1'), null);
});

test('Elasticsearch 7.17 → 8 is the documented path (and ClearML 1.17\'s own step): allowed with its note; from 7.10 it is not', () => {
  const from = catalog('2.3.0', { elasticsearch: '7.17.18' });
  const to = catalog('2.3.0', { elasticsearch: '8.17.0' });
  assert.deepEqual(checkUpgrade(from, to), []);
  const [note, ...more] = upgradeNotes(from, to);
  assert.deepEqual(more, []);
  assert.equal(note!.rule, 'elasticsearch-major-step');
  assert.match(note!.note, /Elasticsearch 8 reads only indices created in 7\.x or later .*take a snapshot, resolve the Upgrade Assistant's critical issues on 7\.17\.18, and reindex older indices/);
  assert.match(note!.source, /reference\/8\.18\/rolling-upgrades\.html/);
  const [early] = checkUpgrade(catalog('2.3.0', { elasticsearch: '7.10.2' }), to);
  assert.equal(early!.rule, 'elasticsearch-major-from-last-minor');
  assert.match(early!.safePath, /^bump --elasticsearch 7\.17\.x \(its latest patch\) first/);
  // The 1.16 → 1.17 step as ClearML's compose made it: server, MongoDB 4 → 5 and Elasticsearch 7.17 → 8 together.
  assert.deepEqual(refused(catalog('1.16.2', { mongo: '4.4.29', elasticsearch: '7.17.18' }), catalog('1.17.1', { mongo: '5.0.26', elasticsearch: '8.15.3' })), []);
});

test('Elasticsearch: never back (any version), one major at a time, and a server that does not run the major', () => {
  assert.deepEqual(refused(now(), catalog('2.3.0', { elasticsearch: '8.16.0' })), ['elasticsearch-no-downgrade 8.17.0 → 8.16.0']);
  assert.deepEqual(refused(now(), catalog('2.3.0', { elasticsearch: '7.17.18' })), ['elasticsearch-no-downgrade 8.17.0 → 7.17.18', 'elasticsearch-major-clearml-runs-on 8.17.0 → 7.17.18']);
  const skip = checkUpgrade(catalog('2.3.0', { elasticsearch: '7.17.18' }), catalog('2.3.0', { elasticsearch: '9.1.0' }));
  assert.deepEqual(skip.map((r) => r.rule), ['elasticsearch-one-major-at-a-time', 'elasticsearch-major-clearml-runs-on']);
  assert.match(skip[0]!.safePath, /^bump --elasticsearch 8\.x first \(from the last 7\.x minor\)/);
  // Server 2.x with Elasticsearch 7: 2.x runs on 8 only.
  const [es7] = checkUpgrade(catalog('1.17.1', { mongo: '5.0.26', elasticsearch: '7.17.18' }), catalog('2.0.0', { mongo: '6.0.19', elasticsearch: '7.17.18' }));
  assert.equal(es7!.rule, 'elasticsearch-major-clearml-runs-on');
  assert.match(es7!.safePath, /^bump --elasticsearch 8\.x \(one major at a time\) before or with the server$/);
});

test('MongoDB 7.0 → 8.0 is refused: no ClearML Server runs on 8; the safe path says the featureCompatibilityVersion step', () => {
  const [r, ...rest] = checkUpgrade(now(), catalog('2.3.0', { mongo: '8.0.4' }));
  assert.deepEqual(rest, []);
  assert.equal(r!.rule, 'mongo-major-clearml-runs-on');
  assert.match(r!.reason, /ClearML Server 2\.3\.0 runs on MongoDB 6 or 7 .*no ClearML Server release runs on MongoDB 8/);
  assert.match(r!.safePath, /^stay on MongoDB 7\.0\.x until a ClearML Server release runs on 8\.0; then check that db\.adminCommand\(\{ getParameter: 1, featureCompatibilityVersion: 1 \}\) says '7\.0' \(else db\.adminCommand\(\{ setFeatureCompatibilityVersion: '7\.0', confirm: true \}\)\), and bump --server <that release> --mongo 8\.0\.x$/);
  assert.match(r!.source, /migration\.py#L47-L69/);
  assert.match(r!.source, /8\.0-upgrade-standalone/);
});

test('MongoDB: one major at a time with the featureCompatibilityVersion step between; never back a major', () => {
  const [skip, runsOn] = checkUpgrade(catalog('2.3.0', { mongo: '6.0.19' }), catalog('2.3.0', { mongo: '8.0.15' }));
  assert.equal(skip!.rule, 'mongo-one-major-at-a-time');
  assert.equal(skip!.safePath, "bump --mongo 7.0.x and run db.adminCommand({ setFeatureCompatibilityVersion: '7.0', confirm: true }) once it is up; then bump --mongo 8.0.15");
  assert.equal(runsOn!.rule, 'mongo-major-clearml-runs-on');
  const long = checkUpgrade(catalog('1.17.1', { mongo: '4.4.29' }), catalog('2.3.0', { mongo: '7.0.22' })).find((r) => r.rule === 'mongo-one-major-at-a-time');
  assert.equal(long!.safePath, "bump --mongo 5.0.x and run db.adminCommand({ setFeatureCompatibilityVersion: '5.0' }) once it is up; bump --mongo 6.0.x and run db.adminCommand({ setFeatureCompatibilityVersion: '6.0' }) once it is up; then bump --mongo 7.0.22");
  assert.deepEqual(refused(now(), catalog('2.3.0', { mongo: '6.0.19' })), ['mongo-no-downgrade 7.0.22 → 6.0.19']);
  assert.deepEqual(refused(now(), catalog('2.3.0', { mongo: '5.0.26' })), ['mongo-no-downgrade 7.0.22 → 5.0.26', 'mongo-major-clearml-runs-on 7.0.22 → 5.0.26']);
  assert.deepEqual(refused(now(), catalog('2.3.0', { mongo: '7.0.15' })), [], 'a patch within the series is no FCV change');
  assert.equal(setFcvCommand(6), "db.adminCommand({ setFeatureCompatibilityVersion: '6.0' })");
});

test('MongoDB: the server must run on the major; an allowed step notes the featureCompatibilityVersion before and after', () => {
  // 2.0/2.1 run on 6 only; 7 needs 2.2+.
  const [r] = checkUpgrade(catalog('2.0.0', { mongo: '6.0.19' }), catalog('2.0.0', { mongo: '7.0.22' }));
  assert.equal(r!.rule, 'mongo-major-clearml-runs-on');
  assert.match(r!.reason, /MongoDB 7 needs ClearML Server 2\.2\+/);
  // Server 2.x with MongoDB 5.
  const [five] = checkUpgrade(catalog('2.2.0', { mongo: '5.0.26' }), catalog('2.3.0', { mongo: '5.0.26' }));
  assert.equal(five!.rule, 'mongo-major-clearml-runs-on');
  assert.match(five!.safePath, /^bump --mongo 6\.0\.x \(one major at a time\) before or with the server$/);
  // 6 → 7 on 2.3.0: allowed; 2.3.0 raises the FCV itself at start.
  const from = catalog('2.3.0', { mongo: '6.0.19' });
  const to = catalog('2.3.0', { mongo: '7.0.22' });
  assert.deepEqual(checkUpgrade(from, to), []);
  const [n] = upgradeNotes(from, to);
  assert.equal(n!.rule, 'mongo-feature-compatibility-version');
  assert.equal(n!.note, "MongoDB 7.0 starts only on data at featureCompatibilityVersion '6.0': before applying, db.adminCommand({ getParameter: 1, featureCompatibilityVersion: 1 }) must say '6.0' (else run db.adminCommand({ setFeatureCompatibilityVersion: '6.0' }) on 6.x); after, ClearML Server 2.3.0 raises it to '7.0' at start (unless apiserver.mongo.ensure_db_version_on_startup: false)");
  // 1.17 → 2.2 with MongoDB 5 → 6: allowed, but 2.2 raises the FCV only to 7.0: the note says to set 6.0 by hand.
  const manual = upgradeNotes(catalog('1.17.1', { mongo: '5.0.26' }), catalog('2.2.0', { mongo: '6.0.19' }));
  assert.match(manual[0]!.note, /after, once 6\.0 runs, db\.adminCommand\(\{ setFeatureCompatibilityVersion: '6\.0' \}\)$/);
  assert.deepEqual(notes(now(), catalog('2.3.1')), []);
});

test('Redis: upgrades load older RDB files; a lower release series is refused', () => {
  assert.deepEqual(refused(now(), catalog('2.3.0', { redis: '8.2.3' })), []);
  assert.deepEqual(refused(now(), catalog('2.3.0', { redis: '7.4.0' })), [], 'a patch within the series');
  const [r] = checkUpgrade(now(), catalog('2.3.0', { redis: '7.2.5' }));
  assert.equal(r!.rule, 'redis-no-downgrade');
  assert.match(r!.reason, /Can't handle RDB format version/);
  assert.equal(r!.safePath, 'stay on 7.4.1, or start 7.2.5 on an empty /data (it cannot load what 7.4.1 wrote)');
  assert.match(r!.source, /redis\/blob\/7\.4\.1\/src\/rdb\.h/);
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
  assert.throws(() => upgradeNotes(catalog('2.3.0'), catalog('2.3.0', { redis: 'latest' })), /redis tag: expected a version X\.Y\.Z, received "latest"/);
});
