// `bump` end to end with the real CLI on a scratch repository: a patch release recomposes every
// overlay and site and verify stays green; unsafe jumps are refused with nothing written.
// In process: each repository has its own catalog ($CLEARML_K8S_RELEASE_CATALOG in io.env; the catalog
// is a value the CLI reads per run, and bump composes with the next one in process).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RELEASE_CATALOG_FILE } from '@clearml-k8s/base-manifests';
import { engineSkip, ROOT, runBinary, runCli, scratchRepository, snapshot } from './support.ts';

const skip = engineSkip;

/** A scratch repository with its own copy of the catalog (pointed at by $CLEARML_K8S_RELEASE_CATALOG). */
function scratch(t: { after(fn: () => void): void }, edit?: (catalog: any) => void) {
  const dir = scratchRepository(t, ['base', 'overlays', 'schemas'], 'clearml-k8s-bump-');
  const catalog = JSON.parse(readFileSync(RELEASE_CATALOG_FILE, 'utf8'));
  edit?.(catalog);
  writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(catalog, null, 2) + '\n');
  const run = async (...args: string[]) => {
    const r = await runCli([...args, '--root', dir], { cwd: dir, extra: { CLEARML_K8S_RELEASE_CATALOG: path.join(dir, 'catalog.json') } });
    assert.ok(r.inProcess, 'bump runs in process');
    return r;
  };
  return { dir, run, catalog: () => JSON.parse(readFileSync(path.join(dir, 'catalog.json'), 'utf8')) };
}

test('bump to a patch release recomposes every overlay and site; compose --check and verify stay green', { skip }, async (t) => {
  const repo = scratch(t);
  mkdirSync(path.join(repo.dir, 'overlays/sites/air-gapped'), { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/sites/air-gapped/site.yaml'), path.join(repo.dir, 'overlays/sites/air-gapped/site.yaml'));
  assert.equal((await repo.run('compose')).code, 0);
  const from = repo.catalog().server as string;
  const [major, minor, patch] = from.split('.').map(Number);
  const to = `${major}.${minor}.${patch! + 1}`;
  const bump = (await repo.run('bump', '--server', to));
  assert.equal(bump.code, 0, bump.stderr);
  assert.equal(repo.catalog().server, to);
  assert.equal(repo.catalog().images.clearmlServer.tag, to);
  assert.match(readFileSync(path.join(repo.dir, 'base/apiserver.yaml'), 'utf8'), new RegExp(`image: clearml/server:${to.replaceAll('.', '\\.')}\\n`));
  assert.match(readFileSync(path.join(repo.dir, 'overlays/sites/air-gapped/kustomization.yaml'), 'utf8'), new RegExp(`newName: registry\\.corp\\.internal/mirror/clearml/server\\n\\s+newTag: ${to.replaceAll('.', '\\.')}\\n`));
  assert.match(bump.stdout, new RegExp(`bump: server ${from.replaceAll('.', '\\.')} → ${to.replaceAll('.', '\\.')}; overlays/current_version before → after:`));
  assert.match(bump.stdout, new RegExp(`containers\\[apiserver\\]\\.image: "clearml/server:${from.replaceAll('.', '\\.')}" → "clearml/server:${to.replaceAll('.', '\\.')}"`));
  assert.equal((await repo.run('compose', '--check')).code, 0);
  const verify = (await repo.run('verify', '--no-cache'));
  assert.equal(verify.code, 0, verify.stdout);
  assert.match(verify.stdout, /5\/5 overlays passed/);
  assert.equal((await repo.run('bump', '--server', to)).code, 0, 'bumping to the same version is a no-op');
});

// Issue 16: bump keeps the catalog file's own format; only the lines of the changed values change.
// Both the committed layout (the catalog inside the scratch repository, written in the transaction)
// and a layout bump never writes itself (JSON.stringify's, CRLF line ends, outside the repository).
for (const layout of ['committed', 'multi-line CRLF'] as const) {
  test(`bump --server changes only the lines of the changed values of the catalog (${layout} layout)`, { skip }, async (t) => {
    const dir = scratchRepository(t, ['base', 'overlays', 'schemas'], 'clearml-k8s-bump-format-');
    const committed = readFileSync(RELEASE_CATALOG_FILE, 'utf8');
    const original = layout === 'committed' ? committed : JSON.stringify(JSON.parse(committed), null, 2).replaceAll('\n', '\r\n') + '\r\n';
    const file = layout === 'committed' ? path.join(dir, 'packages/base-manifests/release-catalog.json') : path.join(dir, '..', `${path.basename(dir)}-catalog.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, original);
    t.after(() => rmSync(file, { force: true }));
    const from = JSON.parse(original).server as string;
    const [major, minor, patch] = from.split('.').map(Number);
    const to = `${major}.${minor}.${patch! + 1}`;
    // The committed layout through the real bin (its bundle holds the JSON editor), the other in process.
    const args = ['bump', '--server', to, '--root', dir];
    const bump = layout === 'committed' ? await runBinary(args, { cwd: dir, env: { ...process.env, CLEARML_K8S_RELEASE_CATALOG: file } }) : await runCli(args, { cwd: dir, extra: { CLEARML_K8S_RELEASE_CATALOG: file } });
    assert.equal(bump.code, 0, bump.stderr);
    const after = readFileSync(file, 'utf8');
    const [before, now] = [original.split('\n'), after.split('\n')];
    // Exactly the lines holding "server" and the server image's tag change, each only in its value.
    const changed = now.flatMap((line, i) => (line === before[i] ? [] : [i]));
    assert.equal(now.length, before.length);
    assert.deepEqual(changed.map((i) => before[i]!.trim().split(':')[0]), layout === 'committed' ? ['"server"', '"clearmlServer"'] : ['"server"', '"tag"']);
    assert.equal(after, original.replaceAll(`"${from}"`, `"${to}"`));
  });
}

/**
 * The upgrade guard's cases start from a pinned catalog (the v2.3.0 release: server 2.3.0, MongoDB 7.0.22,
 * Elasticsearch 8.17.0, Redis 7.4.1), not from whatever the committed catalog says: each case is a rule of
 * the guard at known versions (its messages name them), so the pin is the point of the test (issue 16).
 */
function guardStart(catalog: any): void {
  catalog.server = '2.3.0';
  catalog.images.clearmlServer.tag = '2.3.0';
  catalog.images.mongo.tag = '7.0.22';
  catalog.images.elasticsearch.tag = '8.17.0';
  catalog.images.redis.tag = '7.4.1';
}

test('unsafe upgrades are refused with the reason and the safe path, and nothing is written (no engine needed: the guard runs first)', async (t) => {
  const cases: [(c: any) => void, string[], RegExp][] = [
    [() => {}, ['--mongo', '9.0.0'], /UPGRADE_REFUSED: mongo 7\.0\.22 → 9\.0\.0: MongoDB upgrades one major version at a time.*safe path: bump --mongo 8\.0\.x and run db\.adminCommand\(\{ setFeatureCompatibilityVersion: '8\.0', confirm: true \}\)/],
    [() => {}, ['--mongo', '8.0.4'], /UPGRADE_REFUSED: mongo 7\.0\.22 → 8\.0\.4: ClearML Server 2\.3\.0 runs on MongoDB 6 or 7 .*no ClearML Server release runs on MongoDB 8.*safe path: stay on MongoDB 7\.0\.x .*setFeatureCompatibilityVersion: '7\.0', confirm: true .*; see https:\/\/github\.com\/clearml\/clearml-server\//],
    [() => {}, ['--mongo', '6.0.19'], /UPGRADE_REFUSED: mongo 7\.0\.22 → 6\.0\.19: MongoDB does not go back a major/],
    [(c) => { c.server = '1.16.2'; c.images.clearmlServer.tag = '1.16.2'; c.images.mongo.tag = '6.0.19'; }, ['--server', '2.3.0'], /UPGRADE_REFUSED: server 1\.16\.2 → 2\.3\.0: ClearML Server 2\.x can only be reached from 1\.17.*safe path: bump --server 1\.17\.x first/],
    // Issue 13, item 18: 8.17 → 9 was accepted.
    [() => {}, ['--elasticsearch', '9.0.0'], /UPGRADE_REFUSED: elasticsearch 8\.17\.0 → 9\.0\.0: Elasticsearch 9 must be reached from 8\.18\.x \(to 9\.0\.x only\) or 8\.19\.x.*safe path: bump --elasticsearch 8\.19\.x .*; see https:\/\/www\.elastic\.co\/docs\/deploy-manage\/upgrade#upgrade-paths.*\n.*UPGRADE_REFUSED: elasticsearch 8\.17\.0 → 9\.0\.0: ClearML Server 2\.3\.0 runs on Elasticsearch 8 .*no ClearML Server release runs on Elasticsearch 9/],
    [(c) => { c.images.elasticsearch.tag = '8.19.9'; }, ['--elasticsearch', '9.1.0'], /UPGRADE_REFUSED: elasticsearch 8\.19\.9 → 9\.1\.0: ClearML Server 2\.3\.0 runs on Elasticsearch 8 .*safe path: stay on Elasticsearch 8 \(up to 8\.19\.x\)/],
    [(c) => { c.images.elasticsearch.tag = '7.10.2'; }, ['--elasticsearch', '8.17.0'], /UPGRADE_REFUSED: elasticsearch 7\.10\.2 → 8\.17\.0: Elasticsearch 8 must be reached from 7\.17\.x.*safe path: bump --elasticsearch 7\.17\.x \(its latest patch\) first/],
    [() => {}, ['--elasticsearch', '8.16.0'], /UPGRADE_REFUSED: elasticsearch 8\.17\.0 → 8\.16\.0: Elasticsearch does not go back/],
    [() => {}, ['--redis', '7.2.5'], /UPGRADE_REFUSED: redis 7\.4\.1 → 7\.2\.5: Redis does not go back a release series.*safe path: stay on 7\.4\.1/],
    [() => {}, ['--server', '2.2.0'], /UPGRADE_REFUSED: server 2\.3\.0 → 2\.2\.0: ClearML Server does not go back/],
  ];
  for (const [edit, args, pattern] of cases) {
    const repo = scratch(t, (c) => (guardStart(c), edit(c)));
    const before = snapshot(repo.dir);
    const result = (await repo.run('bump', ...args));
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, pattern);
    assert.match(result.stderr, /nothing was changed; --force overrides the guard/);
    assert.deepEqual(snapshot(repo.dir), before, args.join(' '));
  }
});

test('an allowed major step (Elasticsearch 7.17 → 8, ClearML 1.17\'s own) is bumped with its note', { skip }, async (t) => {
  const repo = scratch(t, (c) => { c.images.elasticsearch.tag = '7.17.18'; });
  const result = (await repo.run('bump', '--elasticsearch', '8.17.0'));
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /UPGRADE_REFUSED|warning/);
  assert.match(result.stderr, /^clearml-k8s bump: note: elasticsearch 7\.17\.18 → 8\.17\.0: Elasticsearch 8 reads only indices created in 7\.x or later .*take a snapshot.*; see https:\/\/www\.elastic\.co\//m);
  assert.equal(repo.catalog().images.elasticsearch.tag, '8.17.0');
});

test('--force goes past a refusal with a warning', { skip }, async (t) => {
  const repo = scratch(t);
  const result = (await repo.run('bump', '--mongo', '9.0.0', '--force'));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /warning: --force past an unsafe upgrade: mongo 7\.0\.22 → 9\.0\.0/);
  assert.equal(repo.catalog().images.mongo.tag, '9.0.0');
  assert.match(result.stdout, /containers\[mongodb\]\.image: "mongo:7\.0\.22" → "mongo:9\.0\.0"/);
});

test('bump usage errors exit 2 and write nothing', async (t) => {
  const repo = scratch(t);
  const before = snapshot(repo.dir);
  assert.match((await repo.run('bump')).stderr, /expected at least one of --server, --mongo, --elasticsearch, --redis/);
  const bad = (await repo.run('bump', '--server', 'latest'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /USAGE: --server: expected a release version X\.Y\.Z .*, received "latest"/);
  // Not image tags (OCI has no "+"), or absurd (issue 11, item 11).
  for (const [flag, value] of [['--server', '2.3.1+build5'], ['--server', `2.3.${'1'.repeat(10_000)}`], ['--mongo', '7.0.22+x'], ['--redis', `7.${'9'.repeat(200)}.1`]] as const) {
    const result = (await repo.run('bump', flag, value));
    assert.equal(result.code, 2, `${flag} ${value.slice(0, 20)}`);
    assert.match(result.stderr, new RegExp(`^clearml-k8s bump: USAGE: ${flag}: expected .+, received ".{1,41}"; give the released version`, 'm'));
    assert.ok(result.stderr.length < 500, 'the value is not echoed whole');
  }
  assert.deepEqual(snapshot(repo.dir), before);
});
