/**
 * The upgrade guard of `clearml-k8s bump`: which release-catalog changes upstream documents as
 * unsafe, and the safe path for each.
 * - ClearML Server 2.0 needs MongoDB 6 and can only be reached from 1.17 (release notes `ver_2_0`,
 *   compose `upgrade/1_17_to_2_0`); servers never go back (their migrations only run forward).
 * - MongoDB upgrades one major at a time, with `setFeatureCompatibilityVersion` between
 *   (MongoDB's upgrade procedure); it never goes back a major.
 * - Elasticsearch 7 → 8 (ClearML compose moved at 1.17) needs the documented migration: indices
 *   written by 7.x must be readable by 8 (snapshot first); it never goes back a major.
 * @see ../../../../shared/reference/clearml-on-kubernetes.md ("Server release history")
 */
import { OCI_TAG, type ReleaseCatalog } from '@clearml-k8s/base-manifests';

/** One change the guard refuses (unless forced). */
export interface UpgradeRefusal {
  component: 'server' | 'mongo' | 'elasticsearch' | 'redis';
  from: string;
  to: string;
  /** Why it is unsafe, with the upstream source. */
  reason: string;
  /** What to do instead. */
  safePath: string;
}

/**
 * `X.Y[.Z]` (optionally followed by `-suffix`, as in `7.4.1-alpine`) as numbers; null when it is not
 * such a version or not a valid image tag (OCI: no `+`, at most 128 characters; at most 6 digits a part).
 * @see https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests (tag grammar)
 */
export function parseVersion(version: string): [number, number, number] | null {
  if (!OCI_TAG.test(version)) return null;
  const m = version.match(/^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})(?:\.(0|[1-9]\d{0,5}))?(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Every refused change between two catalogs (empty when the upgrade is safe).
 * @throws Error when a version of either catalog is not `X.Y[.Z]`.
 */
export function checkUpgrade(from: ReleaseCatalog, to: ReleaseCatalog): UpgradeRefusal[] {
  const version = (v: string, what: string) => {
    const parsed = parseVersion(v);
    if (!parsed) throw new Error(`${what}: expected a version X.Y.Z, received "${v}"`);
    return parsed;
  };
  const refusals: UpgradeRefusal[] = [];
  const server = { from: version(from.server, 'server'), to: version(to.server, 'server') };
  if (compare(server.to, server.from) < 0) {
    refusals.push({ component: 'server', from: from.server, to: to.server, reason: 'ClearML Server does not go back a release: its database migrations only run forward', safePath: `stay on ${from.server}, or restore MongoDB and Elasticsearch backups taken before ${from.server}` });
  }
  if (server.from[0] < 2 && server.to[0] >= 2 && !(server.from[0] === 1 && server.from[1] === 17)) {
    refusals.push({ component: 'server', from: from.server, to: to.server, reason: 'ClearML Server 2.x can only be reached from 1.17 (2.0 release notes; compose upgrade/1_17_to_2_0): its MongoDB migration starts from 1.17\'s data', safePath: `bump --server 1.17.x first, run it once so it migrates, then bump --server ${to.server}` });
  }
  for (const [component, key] of [['mongo', 'mongo'], ['elasticsearch', 'elasticsearch']] as const) {
    const a = version(from.images[key].tag, `${key} tag`);
    const b = version(to.images[key].tag, `${key} tag`);
    if (b[0] < a[0]) {
      refusals.push({ component, from: from.images[key].tag, to: to.images[key].tag, reason: `${component} does not go back a major version: data written by ${a[0]}.x is not readable by ${b[0]}.x`, safePath: `stay on ${a[0]}.x, or restore a backup taken on ${b[0]}.x` });
    }
    if (component === 'mongo' && b[0] - a[0] > 1) {
      refusals.push({ component, from: from.images.mongo.tag, to: to.images.mongo.tag, reason: 'MongoDB upgrades one major version at a time, with setFeatureCompatibilityVersion between (MongoDB upgrade procedure)', safePath: `bump --mongo ${a[0] + 1}.0.x, set featureCompatibilityVersion to "${a[0] + 1}.0", then bump again` });
    }
    if (component === 'elasticsearch' && a[0] === 7 && b[0] >= 8) {
      refusals.push({ component, from: from.images.elasticsearch.tag, to: to.images.elasticsearch.tag, reason: 'Elasticsearch 7 → 8 is the migration ClearML made at 1.17: 8 refuses indices it cannot read and the server\'s index templates change', safePath: 'take an Elasticsearch snapshot, upgrade to the last 7.17.x first, follow ClearML\'s 1.17 upgrade notes, then bump with --force once the migration is done' });
    }
  }
  if (server.to[0] >= 2 && version(to.images.mongo.tag, 'mongo tag')[0] < 6) {
    refusals.push({ component: 'mongo', from: from.images.mongo.tag, to: to.images.mongo.tag, reason: 'ClearML Server 2.x needs MongoDB 6 or newer (2.0 release notes)', safePath: 'bump --mongo to 6.0.x (one major at a time) before or with the server' });
  }
  return refusals;
}
