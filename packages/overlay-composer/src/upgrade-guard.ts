/**
 * The upgrade guard of `clearml-k8s bump`: the release-catalog changes upstream documents as unsafe
 * (refused, with the safe path), and the steps that are allowed but have a manual precondition (notes).
 * Every rule is one entry of `UPGRADE_RULES` / `UPGRADE_NOTES` with the upstream documents it follows.
 *
 * - ClearML Server: never back a release; 2.x only from 1.17.
 * - MongoDB: never back a major; one major at a time, with `featureCompatibilityVersion` at the
 *   current major before the next one starts; only majors the target ClearML Server runs on.
 * - Elasticsearch: never back a version; one major at a time, from the last minor of the previous
 *   major (7.17 → 8, 8.18 → 9.0, 8.19 → 9); only majors the target ClearML Server runs on (none runs on 9).
 * - Redis: never back a release series (older Redis cannot load a newer RDB file); upgrades load older files.
 *
 * What the guard cannot see: the live featureCompatibilityVersion, indices left from an older
 * Elasticsearch major, or release dates (Elastic refuses a target released before the current version).
 * The notes name those checks.
 */
import { OCI_TAG, type ReleaseCatalog } from '@clearml-k8s/base-manifests';

type Component = 'server' | 'mongo' | 'elasticsearch' | 'redis';

/** One change the guard refuses (unless forced). */
export interface UpgradeRefusal {
  component: Component;
  from: string;
  to: string;
  /** The rule's id in `UPGRADE_RULES` (stable, for tests and scripts). */
  rule: string;
  /** Why it is unsafe. */
  reason: string;
  /** What to do instead. */
  safePath: string;
  /** The upstream documents the rule follows (URLs, space-separated). */
  source: string;
}

/** One allowed change with a step the operator must take (the guard cannot check it). */
export interface UpgradeNote {
  component: Component;
  from: string;
  to: string;
  /** The note's id in `UPGRADE_NOTES`. */
  rule: string;
  note: string;
  /** The upstream documents the note follows (URLs, space-separated). */
  source: string;
}

type Version = [number, number, number];

/**
 * `X.Y[.Z]` (optionally followed by `-suffix`, as in `7.4.1-alpine`) as numbers; null when it is not
 * such a version or not a valid image tag (OCI: no `+`, at most 128 characters; at most 6 digits a part).
 * @see https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests (tag grammar)
 */
export function parseVersion(version: string): Version | null {
  if (!OCI_TAG.test(version)) return null;
  const m = version.match(/^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})(?:\.(0|[1-9]\d{0,5}))?(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

// ---------------------------------------------------------------------------------------------
// Upstream documents the rules follow.

const CLEARML_SERVER = 'https://github.com/clearml/clearml-server/blob';
const CLEARML_DOCS = 'https://github.com/clearml/clearml-docs/blob/df22ffc430a0ccf57d8b441ce683bb983331aa30/docs/release_notes/clearml_server/open_source';
const compose = (tag: string, line: number) => `${CLEARML_SERVER}/${tag}/docker/docker-compose.yml#L${line}`;
const mongoCheck = (tag: string, lines: string) => `${CLEARML_SERVER}/${tag}/apiserver/mongo/initialize/migration.py#${lines}`;

/** The upstream documents the rules follow, by name (URLs; GitHub ones pinned to a tag or commit). */
export const UPGRADE_SOURCES = {
  /** ClearML 2.0 release notes: MongoDB 5 → 6; older than 1.17 must first upgrade to 1.17. */
  clearml20Notes: `${CLEARML_DOCS}/ver_2_0.md#L7-L14`,
  /** ClearML's compose file for the 1.17 step on the way to 2.0 (server 1.17.1, mongo 5.0.26, ES 8.15.3). */
  clearml117To20Compose: `${CLEARML_SERVER}/2976ce69cc91550a3614996e8a8d8cd799af2efd/upgrade/1_17_to_2_0/docker-compose.yml`,
  /** ClearML 2.4 release notes: "Update Elastic to version 8.19.9". */
  clearml24Notes: `${CLEARML_DOCS}/ver_2_4.md#L14`,
  /** Server migrations run only for versions newer than the last one recorded in the database. */
  clearmlMigrations: `${CLEARML_SERVER}/v2.3.0/apiserver/mongo/initialize/migration.py#L90-L97`,
  /** The server's Elasticsearch client pin. */
  clearmlEsClient: `${CLEARML_SERVER}/v2.3.0/apiserver/requirements.txt#L10`,
  /** Elastic: major upgrades from the latest minor of the previous major; no target released before the current version. */
  esUpgradePaths: 'https://www.elastic.co/docs/deploy-manage/upgrade#upgrade-paths',
  /** Elastic: 8 → 9 from 8.19.x (8.18.x → 9.0.x also); no node can be downgraded; 9 needs indices created in 8.x. */
  esPrepare9: 'https://www.elastic.co/docs/deploy-manage/upgrade/prepare-to-upgrade',
  /** Elastic 8.x: "When upgrading to Elasticsearch 8.0 and later, you must first upgrade to 7.17". */
  es8From717: 'https://www.elastic.co/guide/en/elasticsearch/reference/8.18/rolling-upgrades.html',
  /** Elastic 8.x: reindex indices created in 6.x before upgrading to 8. */
  es8Reindex: 'https://www.elastic.co/guide/en/elasticsearch/reference/8.19/reindex-upgrade.html',
  /** elasticsearch-py: the 8.x client works with Elasticsearch 8 and 9 (REST compatibility mode, always on). */
  esPyCompatibility: 'https://github.com/elastic/elasticsearch-py/blob/v9.4.1/docs/reference/index.md#L121-L142',
  /** MongoDB: 7.0 from a 6.0 series at featureCompatibilityVersion "6.0". */
  mongoUpgrade70: 'https://www.mongodb.com/docs/manual/release-notes/7.0-upgrade-standalone/',
  /** MongoDB: 8.0 from a 7.0 series at featureCompatibilityVersion "7.0"; one major at a time. */
  mongoUpgrade80: 'https://www.mongodb.com/docs/manual/release-notes/8.0-upgrade-standalone/',
  /** MongoDB: since 7.0 no binary downgrade for Community Edition; only ever one major. */
  mongoDowngrade: 'https://www.mongodb.com/docs/manual/release-notes/7.0-downgrade/',
  /** MongoDB: setFeatureCompatibilityVersion, `confirm: true` required since 7.0. */
  mongoFcv: 'https://www.mongodb.com/docs/manual/reference/command/setFeatureCompatibilityVersion/',
  /** Redis: RDB_VERSION grows when the format stops being backward compatible (7.0: 10, 7.2: 11, 7.4: 12). */
  redisRdbVersion: 'https://github.com/redis/redis/blob/7.4.1/src/rdb.h#L18-L20',
  /** Redis: a file with a newer RDB version is refused ("Can't handle RDB format version"); older ones load. */
  redisRdbLoad: 'https://github.com/redis/redis/blob/7.4.1/src/rdb.c#L3345-L3348',
  /** Redis: saves RDB snapshots by default (the image runs without a config file; data in /data). */
  redisDefaultSave: 'https://github.com/redis/redis/blob/7.4.1/redis.conf#L438-L445',
} as const;
const S = UPGRADE_SOURCES;

// ---------------------------------------------------------------------------------------------
// What each ClearML Server release runs on (its docker-compose.yml and its start-up check).

interface StoreSupport {
  /** Majors the release runs on. */
  majors: number[];
  /** What says so, in words (printed in refusals). */
  evidence: string;
  source: string;
}

/** The data stores a range of ClearML Server releases runs on, from `since` up to the next entry. */
export interface ClearmlRelease {
  since: string;
  mongo: StoreSupport;
  elasticsearch: StoreSupport;
  /** The featureCompatibilityVersion the server's start-up raises MongoDB to (from the one before), when it does. */
  raisesFcv: { to: string; optOut: string | null; source: string } | null;
}

/**
 * ClearML Server releases and the MongoDB and Elasticsearch majors they run on: what their
 * docker-compose.yml ships, plus what their code declares (1.15 added Elasticsearch 8 support,
 * 2.2 added MongoDB 7). A release newer than the last entry is taken to run on what that entry says
 * (the 2.4 release notes change only Elastic's minor, to 8.19.9). Releases before 1.15 are not listed:
 * the "runs on" rules do not apply to them.
 */
export const CLEARML_RELEASES: readonly ClearmlRelease[] = [
  {
    since: '1.15.0',
    mongo: { majors: [4], evidence: 'its docker-compose.yml ships mongo:4.4.29', source: compose('v1.15.0', 92) },
    elasticsearch: { majors: [7, 8], evidence: 'its docker-compose.yml ships 7.17.18; 1.15 added Elasticsearch 8 support', source: `${compose('v1.15.0', 64)} ${CLEARML_SERVER}/88abf28287f4e7bfe130c2897229e8fa096a7614/apiserver/elastic/apply_mappings.py` },
    raisesFcv: null,
  },
  {
    since: '1.17.0',
    mongo: { majors: [5], evidence: 'its docker-compose.yml ships mongo:5.0.26 and its start-up expects 5.0.x', source: `${compose('v1.17.0', 91)} ${mongoCheck('v1.17.0', 'L47-L64')}` },
    elasticsearch: { majors: [8], evidence: 'its docker-compose.yml ships 8.15.3', source: compose('v1.17.0', 63) },
    raisesFcv: { to: '5.0', optOut: null, source: mongoCheck('v1.17.0', 'L47-L64') },
  },
  {
    since: '2.0.0',
    mongo: { majors: [6], evidence: 'its docker-compose.yml ships mongo:6.0.19 and its start-up expects 6.0.x', source: `${compose('v2.0.0', 91)} ${mongoCheck('v2.0.0', 'L47-L64')} ${S.clearml20Notes}` },
    elasticsearch: { majors: [8], evidence: 'its docker-compose.yml ships 8.17.0, its client is elasticsearch==8.17.0', source: `${compose('v2.0.0', 63)} ${S.clearmlEsClient}` },
    raisesFcv: { to: '6.0', optOut: 'apiserver.mongo.ensure_db_version_on_startup: false (2.1)', source: `${mongoCheck('v2.0.0', 'L47-L64')} ${mongoCheck('v2.1.0', 'L47-L69')}` },
  },
  {
    since: '2.2.0',
    mongo: { majors: [6, 7], evidence: 'its docker-compose.yml ships mongo:6.0.19 (2.2) or mongo:7.0.22 (2.3) and its start-up expects 7.0.x', source: `${compose('v2.2.0', 91)} ${compose('v2.3.0', 91)} ${mongoCheck('v2.3.0', 'L47-L69')}` },
    elasticsearch: { majors: [8], evidence: 'its docker-compose.yml ships 8.17.0 (2.4: 8.19.9), its client is elasticsearch==8.17.0', source: `${compose('v2.3.0', 63)} ${S.clearml24Notes} ${S.clearmlEsClient}` },
    raisesFcv: { to: '7.0', optOut: 'apiserver.mongo.ensure_db_version_on_startup: false', source: mongoCheck('v2.3.0', 'L47-L69') },
  },
];

/** Where the release table was checked up to (printed when no release runs on a major). */
const CHECKED_UP_TO = 'docker-compose.yml checked up to v2.3.0, release notes up to 2.4';

/** The entry for a server version; null before 1.15 (not listed). */
export function clearmlRelease(server: string): ClearmlRelease | null {
  const v = parseVersion(server);
  if (!v) return null;
  let found: ClearmlRelease | null = null;
  for (const r of CLEARML_RELEASES) if (compare(parseVersion(r.since)!, v) <= 0) found = r;
  return found;
}

/** The releases (as `X.Y+`) that run on a store's major, for a safe path. */
function releasesRunning(store: 'mongo' | 'elasticsearch', major: number): string[] {
  return CLEARML_RELEASES.filter((r) => r[store].majors.includes(major)).map((r) => `${r.since.replace(/\.0$/, '')}+`);
}

// ---------------------------------------------------------------------------------------------
// The rules.

interface Move {
  from: string;
  to: string;
  a: Version;
  b: Version;
  changed: boolean;
}

/** Both catalogs, parsed, as the rules see them. */
export interface GuardContext {
  server: Move;
  mongo: Move;
  elasticsearch: Move;
  redis: Move;
  /** The release table's entry for the next catalog's server (null before 1.15). */
  release: ClearmlRelease | null;
}

interface Finding {
  reason: string;
  safePath: string;
}

/** One refusal rule: which component it guards, what it follows, and when it refuses. */
export interface UpgradeRule {
  id: string;
  component: Component;
  /** Upstream documents (URLs, space-separated); a rule may add per-case ones (the release table's). */
  source: string;
  check(c: GuardContext): (Finding & { source?: string }) | null;
}

/** One note rule: an allowed step with a manual precondition. */
export interface UpgradeNoteRule {
  id: string;
  component: Component;
  source: string;
  check(c: GuardContext): string | null;
}

/** `db.adminCommand({ setFeatureCompatibilityVersion: 'N.0' })`, with `confirm: true` from 7.0 on (required there). */
export function setFcvCommand(major: number): string {
  return `db.adminCommand({ setFeatureCompatibilityVersion: '${major}.0'${major >= 7 ? ', confirm: true' : ''} })`;
}
const GET_FCV = 'db.adminCommand({ getParameter: 1, featureCompatibilityVersion: 1 })';

/** The last minors of an Elasticsearch major that the next major may be reached from (`upTo`: highest next-major minor). */
const ES_LAST_MINORS: Record<number, { minor: number; upTo: number | null; source: string }[]> = {
  7: [{ minor: 17, upTo: null, source: S.es8From717 }],
  8: [{ minor: 18, upTo: 0, source: S.esPrepare9 }, { minor: 19, upTo: null, source: S.esPrepare9 }],
};

const major = (m: Move) => ({ a: m.a[0], b: m.b[0] });
const storeMajorMoved = (m: Move) => m.a[0] !== m.b[0];

/** `X.Y.x` of the last recorded minor of an Elasticsearch major, or `X.x`. */
function esLastMinor(esMajor: number): string {
  const lasts = ES_LAST_MINORS[esMajor];
  return lasts ? `${esMajor}.${Math.max(...lasts.map((l) => l.minor))}.x` : `${esMajor}.x`;
}

/** The "runs on" rule of a store: the next catalog's server must run on the store's next major. */
function runsOnRule(store: 'mongo' | 'elasticsearch', id: string, name: string): UpgradeRule {
  const series = (m: number) => (store === 'mongo' ? `${m}.0.x` : `${m}.x`);
  return {
    id,
    component: store,
    source: 'CLEARML_RELEASES (each entry cites its release\'s files)',
    check(c) {
      const move = c[store];
      if (!c.release || !(storeMajorMoved(move) || c.server.changed)) return null;
      const support = c.release[store];
      const { b } = major(move);
      if (support.majors.includes(b)) return null;
      const runs = `ClearML Server ${c.server.to} runs on ${name} ${support.majors.join(' or ')} (${support.evidence})`;
      const lowest = Math.min(...support.majors);
      const newest = Math.max(...support.majors);
      if (b < lowest) {
        return { reason: runs, safePath: `bump --${store} ${series(lowest)} (one major at a time) before or with the server`, source: support.source };
      }
      const others = releasesRunning(store, b);
      if (others.length > 0) {
        return { reason: `${runs}; ${name} ${b} needs ClearML Server ${others.join(', ')}`, safePath: `bump --server to a release that runs on ${name} ${b} together with --${store} ${move.to}, or stay on ${name} ${series(newest)}`, source: support.source };
      }
      if (store === 'mongo') {
        return {
          reason: `${runs}; no ClearML Server release runs on MongoDB ${b} (${CHECKED_UP_TO})`,
          safePath: `stay on MongoDB ${series(newest)} until a ClearML Server release runs on ${b}.0; then check that ${GET_FCV} says '${b - 1}.0' (else ${setFcvCommand(b - 1)}), and bump --server <that release> --mongo ${series(b)}`,
          source: `${support.source} ${S.mongoUpgrade80}`,
        };
      }
      return {
        reason: `${runs}; no ClearML Server release runs on Elasticsearch ${b} (${CHECKED_UP_TO}; the server's elasticsearch-py ${newest}.x client would reach ${b}.x through REST compatibility, but ClearML has not shipped ${b})`,
        safePath: `stay on Elasticsearch ${newest} (up to ${esLastMinor(newest)}) until a ClearML Server release runs on ${b}; then bump --elasticsearch ${esLastMinor(b - 1)}, reindex or mark read-only the indices created before ${b - 1}.0 (the Upgrade Assistant lists them), take a snapshot, and bump --server <that release> --elasticsearch ${series(b)}`,
        source: `${support.source} ${S.esPyCompatibility} ${S.esPrepare9}`,
      };
    },
  };
}

/** Every refusal rule, in the order refusals are reported. */
export const UPGRADE_RULES: readonly UpgradeRule[] = [
  {
    id: 'server-no-downgrade',
    component: 'server',
    source: S.clearmlMigrations,
    check: (c) => compare(c.server.b, c.server.a) < 0
      ? { reason: 'ClearML Server does not go back a release: its database migrations only run forward', safePath: `stay on ${c.server.from}, or restore MongoDB and Elasticsearch backups taken before ${c.server.from}` }
      : null,
  },
  {
    id: 'server-2-from-1.17',
    component: 'server',
    source: `${S.clearml20Notes} ${S.clearml117To20Compose}`,
    check: (c) => c.server.a[0] < 2 && c.server.b[0] >= 2 && !(c.server.a[0] === 1 && c.server.a[1] === 17)
      ? { reason: 'ClearML Server 2.x can only be reached from 1.17 (2.0 release notes; compose upgrade/1_17_to_2_0): its MongoDB migration starts from 1.17\'s data', safePath: `bump --server 1.17.x first, run it once so it migrates, then bump --server ${c.server.to}` }
      : null,
  },
  {
    id: 'mongo-no-downgrade',
    component: 'mongo',
    source: `${S.mongoDowngrade} ${S.mongoFcv}`,
    check(c) {
      const { a, b } = major(c.mongo);
      return b < a
        ? { reason: `MongoDB does not go back a major: binary downgrades are not supported for Community Edition since 7.0 (Enterprise: only with MongoDB support), and were only ever one major, after lowering featureCompatibilityVersion to the older one`, safePath: `stay on ${a}.x, or restore a backup (mongodump) taken on ${b}.x before the upgrade` }
        : null;
    },
  },
  {
    id: 'mongo-one-major-at-a-time',
    component: 'mongo',
    source: `${S.mongoUpgrade80} ${S.mongoUpgrade70} ${S.mongoFcv}`,
    check(c) {
      const { a, b } = major(c.mongo);
      if (b - a <= 1) return null;
      const steps: string[] = [];
      for (let k = a + 1; k < b; k++) steps.push(`bump --mongo ${k}.0.x and run ${setFcvCommand(k)} once it is up`);
      return { reason: `MongoDB upgrades one major version at a time, with setFeatureCompatibilityVersion between: ${a + 1}.0 starts only on data at featureCompatibilityVersion '${a}.0' (MongoDB "Upgrade a Standalone")`, safePath: `${steps.join('; ')}; then bump --mongo ${c.mongo.to}` };
    },
  },
  runsOnRule('mongo', 'mongo-major-clearml-runs-on', 'MongoDB'),
  {
    id: 'elasticsearch-no-downgrade',
    component: 'elasticsearch',
    source: `${S.esPrepare9} ${S.esUpgradePaths}`,
    check: (c) => compare(c.elasticsearch.b, c.elasticsearch.a) < 0
      ? { reason: 'Elasticsearch does not go back: once upgraded, its nodes cannot be downgraded; going back means restoring a snapshot taken before the upgrade (Elastic, "Prepare to upgrade")', safePath: `stay on ${c.elasticsearch.from}, or restore a snapshot taken on ${c.elasticsearch.to} before the upgrade` }
      : null,
  },
  {
    id: 'elasticsearch-one-major-at-a-time',
    component: 'elasticsearch',
    source: `${S.esUpgradePaths} ${S.esPrepare9}`,
    check(c) {
      const { a, b } = major(c.elasticsearch);
      return b - a > 1
        ? { reason: `Elasticsearch upgrades one major at a time, each from the last minor of the previous major, and ${b}.x reads only indices created in ${b - 1}.x or later (Elastic, "Upgrade paths")`, safePath: `bump --elasticsearch ${a + 1}.x first (from the last ${a}.x minor), then to ${c.elasticsearch.to} from the last ${b - 1}.x minor` }
        : null;
    },
  },
  {
    id: 'elasticsearch-major-from-last-minor',
    component: 'elasticsearch',
    source: `${S.esUpgradePaths} ${S.esPrepare9} ${S.es8From717}`,
    check(c) {
      const { a, b } = major(c.elasticsearch);
      if (b !== a + 1) return null;
      const lasts = ES_LAST_MINORS[a];
      const minor = c.elasticsearch.a[1];
      if (lasts?.some((l) => l.minor === minor && (l.upTo === null || c.elasticsearch.b[1] <= l.upTo))) return null;
      const last = lasts ? Math.max(...lasts.map((l) => l.minor)) : null;
      const from = lasts ? lasts.map((l) => `${a}.${l.minor}.x${l.upTo === null ? '' : ` (to ${b}.${l.upTo}.x only)`}`).join(' or ') : `the last ${a}.x minor (not recorded here)`;
      return {
        reason: `Elasticsearch ${b} must be reached from ${from}: the last minor runs the Upgrade Assistant, which lists what ${b} cannot read (Elastic, "Upgrade paths")`,
        safePath: `${last === null ? `bump --elasticsearch to the last ${a}.x minor` : `bump --elasticsearch ${a}.${last}.x (its latest patch)`} first, resolve the Upgrade Assistant's critical issues, take a snapshot, then bump --elasticsearch ${c.elasticsearch.to}`,
      };
    },
  },
  runsOnRule('elasticsearch', 'elasticsearch-major-clearml-runs-on', 'Elasticsearch'),
  {
    id: 'redis-no-downgrade',
    component: 'redis',
    source: `${S.redisRdbVersion} ${S.redisRdbLoad} ${S.redisDefaultSave}`,
    check(c) {
      const { a, b } = c.redis;
      return b[0] < a[0] || (b[0] === a[0] && b[1] < a[1])
        ? { reason: `Redis does not go back a release series: it refuses an RDB file newer than its own format ("Can't handle RDB format version"; RDB_VERSION grew at 7.0, 7.2 and 7.4), and the image saves RDB snapshots to /data by default`, safePath: `stay on ${c.redis.from}, or start ${c.redis.to} on an empty /data (it cannot load what ${c.redis.from} wrote)` }
        : null;
    },
  },
];

/** Every note rule, in the order notes are reported. */
export const UPGRADE_NOTES: readonly UpgradeNoteRule[] = [
  {
    id: 'mongo-feature-compatibility-version',
    component: 'mongo',
    source: `${S.mongoUpgrade70} ${S.mongoUpgrade80} ${S.mongoFcv}`,
    check(c) {
      const { a, b } = major(c.mongo);
      if (b !== a + 1) return null;
      const raises = c.release?.raisesFcv?.to === `${b}.0` ? c.release.raisesFcv : null;
      const after = raises
        ? `after, ClearML Server ${c.server.to} raises it to '${b}.0' at start${raises.optOut ? ` (unless ${raises.optOut})` : ''}`
        : `after, once ${b}.0 runs, ${setFcvCommand(b)}`;
      return `MongoDB ${b}.0 starts only on data at featureCompatibilityVersion '${a}.0': before applying, ${GET_FCV} must say '${a}.0' (else run ${setFcvCommand(a)} on ${a}.x); ${after}`;
    },
  },
  {
    id: 'elasticsearch-major-step',
    component: 'elasticsearch',
    source: `${S.es8From717} ${S.es8Reindex} ${S.esPrepare9}`,
    check(c) {
      const { a, b } = major(c.elasticsearch);
      if (b !== a + 1) return null;
      return `Elasticsearch ${b} reads only indices created in ${a}.x or later and cannot be downgraded: before applying, take a snapshot, resolve the Upgrade Assistant's critical issues on ${c.elasticsearch.from}, and reindex older indices`;
    },
  },
];

/**
 * Both catalogs parsed for the rules.
 * @throws Error when a version of either catalog is not `X.Y[.Z]`.
 */
function context(from: ReleaseCatalog, to: ReleaseCatalog): GuardContext {
  const move = (a: string, b: string, what: string): Move => {
    const parse = (v: string) => {
      const parsed = parseVersion(v);
      if (!parsed) throw new Error(`${what}: expected a version X.Y.Z, received "${v}"`);
      return parsed;
    };
    return { from: a, to: b, a: parse(a), b: parse(b), changed: a !== b };
  };
  return {
    server: move(from.server, to.server, 'server'),
    mongo: move(from.images.mongo.tag, to.images.mongo.tag, 'mongo tag'),
    elasticsearch: move(from.images.elasticsearch.tag, to.images.elasticsearch.tag, 'elasticsearch tag'),
    redis: move(from.images.redis.tag, to.images.redis.tag, 'redis tag'),
    release: clearmlRelease(to.server),
  };
}

/**
 * Every refused change between two catalogs (empty when the upgrade is safe), in `UPGRADE_RULES` order.
 * @throws Error when a version of either catalog is not `X.Y[.Z]`.
 */
export function checkUpgrade(from: ReleaseCatalog, to: ReleaseCatalog): UpgradeRefusal[] {
  const c = context(from, to);
  const refusals: UpgradeRefusal[] = [];
  for (const rule of UPGRADE_RULES) {
    const finding = rule.check(c);
    if (!finding) continue;
    const move = c[rule.component];
    refusals.push({ component: rule.component, from: move.from, to: move.to, rule: rule.id, reason: finding.reason, safePath: finding.safePath, source: finding.source ?? rule.source });
  }
  return refusals;
}

/**
 * The manual steps of the allowed changes between two catalogs (a MongoDB or Elasticsearch major
 * step), in `UPGRADE_NOTES` order; `bump` prints them once the guard agrees.
 * @throws Error when a version of either catalog is not `X.Y[.Z]`.
 */
export function upgradeNotes(from: ReleaseCatalog, to: ReleaseCatalog): UpgradeNote[] {
  const c = context(from, to);
  const notes: UpgradeNote[] = [];
  for (const rule of UPGRADE_NOTES) {
    const note = rule.check(c);
    if (!note) continue;
    const move = c[rule.component];
    notes.push({ component: rule.component, from: move.from, to: move.to, rule: rule.id, note, source: rule.source });
  }
  return notes;
}
