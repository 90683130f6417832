/**
 * `clearml-k8s bump --server X.Y.Z [--mongo V] [--elasticsearch V] [--redis V] [--force]`: moves the
 * release catalog to new versions and recomposes every overlay and site, after the upgrade guard
 * agrees; then prints what changed in `overlays/current_version`.
 *
 * Nothing is written when the guard refuses or composing fails: the next catalog goes to a
 * temporary file, `compose` runs in a child process that reads it (`$CLEARML_K8S_RELEASE_CATALOG`),
 * and only then is the catalog file replaced.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELEASE_CATALOG, RELEASE_CATALOG_FILE, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { checkUpgrade, parseVersion } from '@clearml-k8s/overlay-composer';
import { formatDiffText, renderOverlay, resolveEngine, semanticDiff, type Engine } from '@clearml-k8s/verifier';
import { EXIT, type CommandIo } from '../io.ts';

const BIN = fileURLToPath(new URL('../../bin/clearml-k8s.js', import.meta.url));

export interface BumpOptions {
  server?: string;
  mongo?: string;
  elasticsearch?: string;
  redis?: string;
  force: boolean;
}

/** The catalog after the requested changes (the input is not modified). */
export function nextCatalog(current: ReleaseCatalog, options: BumpOptions): ReleaseCatalog {
  const next = structuredClone(current);
  if (options.server) {
    next.server = options.server;
    next.images.clearmlServer.tag = options.server;
  }
  if (options.mongo) next.images.mongo.tag = options.mongo;
  if (options.elasticsearch) next.images.elasticsearch.tag = options.elasticsearch;
  if (options.redis) next.images.redis.tag = options.redis;
  return next;
}

async function renderCurrentVersion(engine: Engine, root: string) {
  const render = await renderOverlay(engine, path.join(root, 'overlays/current_version'));
  if (render.exitCode !== 0) throw Object.assign(new Error(`overlays/current_version does not build: ${render.stderr.trim().split('\n').pop()}; run clearml-k8s verify`), { code: 'BUILD_FAILED' });
  return render.objects;
}

/**
 * @returns 0 when bumped (or already there), 2 when refused or invalid; nothing is written then.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND` (the CLI maps it to exit 2).
 */
export async function bumpCommand(root: string, options: BumpOptions, io: CommandIo): Promise<number> {
  const requested = (['server', 'mongo', 'elasticsearch', 'redis'] as const).filter((k) => options[k] !== undefined);
  if (requested.length === 0) {
    io.stderr.write('clearml-k8s bump: expected at least one of --server, --mongo, --elasticsearch, --redis (each X.Y.Z), received none\n');
    return EXIT.usage;
  }
  for (const key of requested) {
    if (!parseVersion(options[key]!)) {
      io.stderr.write(`clearml-k8s bump: --${key}: expected a version X.Y.Z, received "${options[key]}"\n`);
      return EXIT.usage;
    }
  }
  const current = RELEASE_CATALOG;
  const next = nextCatalog(current, options);
  const changes = [
    ...(next.server !== current.server ? [`server ${current.server} → ${next.server}`] : []),
    ...(['elasticsearch', 'mongo', 'redis'] as const).filter((k) => next.images[k].tag !== current.images[k].tag).map((k) => `${k} ${current.images[k].tag} → ${next.images[k].tag}`),
  ];
  if (changes.length === 0) {
    io.stdout.write(`bump: the catalog is already at server ${current.server}; nothing to do\n`);
    return EXIT.ok;
  }
  const refusals = checkUpgrade(current, next);
  if (refusals.length && !options.force) {
    for (const r of refusals) io.stderr.write(`clearml-k8s bump: UPGRADE_REFUSED: ${r.component} ${r.from} → ${r.to}: ${r.reason}; safe path: ${r.safePath}\n`);
    io.stderr.write('nothing was changed; --force overrides the guard (at your own risk, after a backup)\n');
    return EXIT.usage;
  }
  for (const r of refusals) io.stderr.write(`clearml-k8s bump: warning: --force past an unsafe upgrade: ${r.component} ${r.from} → ${r.to}: ${r.reason}\n`);

  const engine = await resolveEngine(io.env);
  const before = await renderCurrentVersion(engine, root);
  const catalogFile = io.env.CLEARML_K8S_RELEASE_CATALOG || RELEASE_CATALOG_FILE;
  const staged = `${catalogFile}.next-${process.pid}`;
  writeFileSync(staged, JSON.stringify(next, null, 2) + '\n');
  const compose = spawnSync(process.execPath, [BIN, 'compose', '--root', root], { env: { ...io.env, CLEARML_K8S_RELEASE_CATALOG: staged }, encoding: 'utf8' });
  if (compose.status !== 0) {
    rmSync(staged, { force: true });
    io.stderr.write(`clearml-k8s bump: composing with the new catalog failed, nothing was changed:\n${compose.stderr}`);
    return EXIT.usage;
  }
  renameSync(staged, catalogFile);
  io.stdout.write(compose.stdout);
  const after = await renderCurrentVersion(engine, root);
  io.stdout.write(`bump: ${changes.join(', ')}; overlays/current_version before → after:\n`);
  io.stdout.write(formatDiffText(semanticDiff(before, after), { a: 'overlays/current_version (before)', b: 'overlays/current_version (after)' }, { color: Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR }));
  return EXIT.ok;
}
