/**
 * `npm run bench [-- --sites N] [--json] [--no-turbo] [--keep]`: the performance targets of the
 * project, measured in one run on this machine, as ratios where the target is a ratio.
 *
 * In a temporary copy of the generated tree it writes N site specs (the example sites of
 * `fixtures/sites/`, round robin, each moved to a namespace of its own, `site-NNNN`), then times
 * with the real CLI and the real engine:
 * - `compose` of the N sites (target ≤ 1.5 s for 200);
 * - `verify` of the 4 stock overlays + N sites with an empty cache, against a serial loop of bare
 *   `kustomize build` over the same directories (target ≤ 0.5×; it reports how many builds were
 *   batched, `verify`'s `builds`), and again with a warm cache;
 * - peak memory of verify (target ≤ 500 MiB), from `/usr/bin/time -v` when installed;
 * - in-process checks: every check of the registry through verify's own loop (`runChecks`) over
 *   the stock overlays' and sites' intended objects, in resources/s (target ≥ 20,000);
 * - `turbo run verify` of this repository with nothing changed (target: a cache hit in ≤ 1 s),
 *   run as `node_modules/.bin/turbo` (not through npx, whose own start-up is not turbo's).
 * The CLI's cached bundle is built before the first measure (one unmeasured `--version`).
 * Wall times use Node's `performance.now()`. Nothing is asserted: the table says which targets hold.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeTree, PROFILES, RepositoryPromises } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, expectationFor, loadSchemaValidator, resolveEngine, runChecks, type CheckContext } from '@clearml-k8s/verifier';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/clearml-k8s.js', import.meta.url));
const TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p)) ?? null;

const { values } = parseArgs({
  options: { sites: { type: 'string', default: '200' }, json: { type: 'boolean' }, 'no-turbo': { type: 'boolean' }, keep: { type: 'boolean' } },
});
const sites = Number(values.sites);
if (!Number.isInteger(sites) || sites < 0) {
  process.stderr.write(`bench: --sites: expected a whole number, received "${values.sites}"\n`);
  process.exit(2);
}

interface Run {
  wallMs: number;
  /** Peak resident set size in MiB (from /usr/bin/time -v), or null without it. */
  peakMiB: number | null;
  exitCode: number | null;
  stdout: string;
}

/** Runs a command, timing it; with /usr/bin/time -v also its peak memory. */
function timed(argv: string[], cwd: string): Run {
  const started = performance.now();
  const result = spawnSync(TIME ?? argv[0]!, TIME ? ['-v', ...argv] : argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - started;
  const peak = TIME ? result.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/) : null;
  if (result.status !== 0) process.stderr.write(`bench: ${argv.slice(1).join(' ')} exited ${result.status}:\n${result.stderr.slice(-2000)}\n`);
  return { wallMs, peakMiB: peak ? Number(peak[1]) / 1024 : null, exitCode: result.status, stdout: result.stdout };
}

// A scratch repository with N sites.
const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-bench-'));
for (const sub of ['base', 'overlays', 'schemas']) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
// What makes it a repository root for the CLI (package.json named clearml-k8s, turbo.json, packages/).
writeFileSync(path.join(dir, 'package.json'), '{ "name": "clearml-k8s", "private": true }\n');
writeFileSync(path.join(dir, 'turbo.json'), '{}\n');
mkdirSync(path.join(dir, 'packages'));
const examples = readdirSync(path.join(ROOT, 'fixtures/sites')).sort();
const siteNames = Array.from({ length: sites }, (_, i) => `site-${String(i + 1).padStart(4, '0')}`);
siteNames.forEach((name, i) => {
  mkdirSync(path.join(dir, 'overlays/sites', name), { recursive: true });
  // One namespace per site, as in a cluster that hosts many (the example's own namespace line is replaced).
  const example = path.join(ROOT, 'fixtures/sites', examples[i % examples.length]!);
  const spec = readFileSync(path.join(example, 'site.yaml'), 'utf8').replace(/^namespace: .*\n/m, '');
  writeFileSync(path.join(dir, 'overlays/sites', name, 'site.yaml'), `${spec}namespace: ${name}\n`);
  // The user's sealed credentials beside a spec (credentials.sealedSecret) go with it, moved to the site's namespace as kubeseal would have sealed them.
  for (const file of readdirSync(example).filter((f) => /^sealed-.*\.yaml$/.test(f))) {
    writeFileSync(path.join(dir, 'overlays/sites', name, file), readFileSync(path.join(example, file), 'utf8').replace(/^(\s*)namespace: .*$/gm, `$1namespace: ${name}`));
  }
});
const cli = (...args: string[]) => [process.execPath, BIN, ...args, '--root', dir];

try {
  // The CLI's bundle (bin/cli-bundle.js) is built by its first run after a change or `npm ci`: built here
  // first, unmeasured, so the figures are of the commands, not of the one-time bundling.
  spawnSync(process.execPath, [BIN, '--version'], { cwd: dir });
  const compose = timed(cli('compose'), dir);
  const verifyCold = timed(cli('verify', '--json'), dir);
  const verifyWarm = timed(cli('verify', '--json'), dir);
  const verifyBuilds = (() => {
    try {
      return JSON.parse(verifyCold.stdout).builds as { batches: number; batchedOverlays: number; rejected: unknown[] };
    } catch {
      return null;
    }
  })();

  const engine = await resolveEngine();
  const dirs = [...PROFILES.map((p) => `overlays/${p.name}`), ...siteNames.map((n) => `overlays/sites/${n}`)];
  const loopStarted = performance.now();
  for (const d of dirs) spawnSync(engine.argv[0]!, [...engine.argv.slice(1), path.join(dir, d)], { maxBuffer: 1 << 26 });
  const loopMs = performance.now() - loopStarted;

  // In-process checks: every check of the registry, through the loop verify runs (runChecks), over
  // the intended objects of the stock overlays and the sites, each with the expectation verify gives
  // it. The engine's output is the seam: a successful render of the intended objects.
  const catalog = loadReleaseCatalog();
  const tree = composeTree(catalog);
  const promises = new RepositoryPromises(dir, tree);
  const schema = await loadSchemaValidator();
  const contexts: CheckContext[] = dirs.map((d) => {
    const expectation = expectationFor(path.join(dir, d), promises);
    const objects = [...(expectation.intended ?? [])];
    const render = { exitCode: 0, objects, stderr: '', parseError: null, timedOut: false, durationMs: 0 };
    return { overlay: d, engines: [engine], renders: [render], primary: render, objects, expectation, exposure: expectation.exposure, kustomizations: [], imageOverrides: [], patches: null, gitops: null, schema, catalog };
  });
  await schema.prepare(contexts.flatMap((c) => c.objects));
  const resources = contexts.reduce((n, c) => n + c.objects.length, 0);
  // One round first, unmeasured: the figure is the steady state of a long verify, not the JIT's warm-up.
  for (const context of contexts) runChecks(context, CHECK_REGISTRY, true);
  let rounds = 0;
  const checksStarted = performance.now();
  do {
    for (const context of contexts) runChecks(context, CHECK_REGISTRY, true);
    rounds++;
  } while (performance.now() - checksStarted < 1000);
  const checksPerSecond = (resources * rounds) / ((performance.now() - checksStarted) / 1000);

  let turbo: Run | null = null;
  if (!values['no-turbo']) {
    const bin = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo');
    spawnSync(bin, ['run', 'verify'], { cwd: ROOT, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
    const started = performance.now();
    const again = spawnSync(bin, ['run', 'verify'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
    turbo = { wallMs: performance.now() - started, peakMiB: null, exitCode: again.status, stdout: again.stdout };
    if (!/cache hit/.test(again.stdout)) process.stderr.write('bench: the second `turbo run verify` was not a cache hit\n');
  }

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows = [
    { metric: `compose, ${sites} sites`, value: s(compose.wallMs), target: '≤ 1.5 s (for 200)', ok: compose.wallMs <= 1500 * Math.max(1, sites / 200) },
    { metric: `bare kustomize loop, ${dirs.length} dirs (serial)`, value: s(loopMs), target: 'reference', ok: null },
    { metric: `verify, ${dirs.length} overlays, empty cache`, value: `${s(verifyCold.wallMs)} (${(verifyCold.wallMs / loopMs).toFixed(2)}×)`, target: '≤ 0.5× the loop', ok: verifyCold.wallMs <= 0.5 * loopMs },
    { metric: 'verify, builds batched', value: verifyBuilds ? `${verifyBuilds.batchedOverlays}/${dirs.length} overlays in ${verifyBuilds.batches} builds${verifyBuilds.rejected.length ? `, ${verifyBuilds.rejected.length} batches rejected` : ''}` : 'n/a', target: '-', ok: null },
    { metric: 'verify, warm cache', value: `${s(verifyWarm.wallMs)} (${(verifyWarm.wallMs / loopMs).toFixed(2)}×)`, target: '-', ok: null },
    { metric: 'verify peak memory', value: verifyCold.peakMiB === null ? 'n/a (no /usr/bin/time)' : `${verifyCold.peakMiB.toFixed(0)} MiB`, target: '≤ 500 MiB', ok: verifyCold.peakMiB === null ? null : verifyCold.peakMiB <= 500 },
    { metric: `in-process checks (all ${CHECK_REGISTRY.length}), ${resources} resources × ${rounds}`, value: `${Math.round(checksPerSecond).toLocaleString('en-US')} resources/s`, target: '≥ 20,000/s', ok: checksPerSecond >= 20_000 },
    ...(turbo ? [{ metric: 'turbo run verify, nothing changed', value: s(turbo.wallMs), target: 'cache hit, ≤ 1 s', ok: turbo.wallMs <= 1000 }] : []),
  ];
  const failedRuns = [compose, verifyCold, verifyWarm].filter((r) => r.exitCode !== 0).length;
  if (values.json) {
    process.stdout.write(
      JSON.stringify(
        {
          sites,
          overlays: dirs.length,
          cpus: os.availableParallelism(),
          engine: engine.argv.join(' '),
          composeMs: Math.round(compose.wallMs),
          composePeakMiB: compose.peakMiB,
          verifyColdMs: Math.round(verifyCold.wallMs),
          verifyWarmMs: Math.round(verifyWarm.wallMs),
          verifyPeakMiB: verifyCold.peakMiB,
          bareLoopMs: Math.round(loopMs),
          verifyToLoopRatio: Number((verifyCold.wallMs / loopMs).toFixed(3)),
          verifyBuilds,
          checksResourcesPerSecond: Math.round(checksPerSecond),
          turboCacheHitMs: turbo ? Math.round(turbo.wallMs) : null,
          targets: rows.filter((r) => r.ok !== null).map((r) => ({ metric: r.metric, met: r.ok })),
          failedRuns,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const table = new Table({ head: ['measure', 'value', 'target', 'met'], style: { head: [], border: [] } });
    for (const r of rows) table.push([r.metric, r.value, r.target, r.ok === null ? '' : r.ok ? 'yes' : 'NO']);
    process.stdout.write(`bench: ${sites} sites, ${os.availableParallelism()} CPUs, engine ${engine.argv.join(' ')}\n${table.toString()}\n`);
  }
  process.exitCode = failedRuns ? 1 : 0;
} finally {
  if (values.keep) process.stderr.write(`bench: kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}
