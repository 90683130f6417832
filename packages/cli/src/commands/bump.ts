/**
 * `clearml-k8s bump --server X.Y.Z [--mongo V] [--elasticsearch V] [--redis V] [--force]`: moves the
 * release catalog to new versions and recomposes every overlay and site, after the upgrade guard
 * agrees; then prints what changed in `overlays/current_version`.
 *
 * Nothing is written when the guard refuses or composing fails: the next catalog goes to a
 * temporary file, `compose` runs in a child process that reads it (`$CLEARML_K8S_RELEASE_CATALOG`)
 * under this run's repository lock, and only then is the catalog file replaced.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELEASE_CATALOG_FILE, RELEASE_VERSION, releaseCatalog, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { checkUpgrade, parseVersion } from '@clearml-k8s/overlay-composer';
import { formatDiffText, renderOverlay, resolveEngine, semanticDiff, VerifierError, type Engine } from '@clearml-k8s/verifier';
import { cleanupOnExit, describeSystemError, errnoCode, LOCK_INHERITED_ENV, RepositoryIoError, systemErrorHint, withRepositorySession } from '@clearml-k8s/repository-io';
import { usageError } from '../cli-error.ts';
import { EXIT, type CommandIo } from '../io.ts';
import { recoveryNote } from './compose.ts';

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

/** Removes next catalogs staged by bumps that were killed (`<catalog>.next-<pid>` of a pid that is gone). */
function removeStaleCatalogs(catalogFile: string): void {
  const prefix = `${path.basename(catalogFile)}.next-`;
  let names: string[] = [];
  try {
    names = readdirSync(path.dirname(catalogFile));
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))) {
    const pid = Number(name.slice(prefix.length));
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (error) {
      alive = errnoCode(error) === 'EPERM';
    }
    if (!alive) rmSync(path.join(path.dirname(catalogFile), name), { force: true });
  }
}

async function renderCurrentVersion(engine: Engine, root: string) {
  const render = await renderOverlay(engine, path.join(root, 'overlays/current_version'));
  if (render.exitCode !== 0) throw new VerifierError('BUILD_FAILED', `overlays/current_version does not build: ${render.stderr.trim().split('\n').pop()}; run clearml-k8s verify`, 'overlays/current_version');
  return render.objects;
}

/**
 * @returns 0 when bumped (or already there), 2 when refused or invalid; nothing is written then.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND`; CliError `USAGE` for a version that is not one;
 *   RepositoryIoError `LOCKED` and the write errors (the CLI maps them to exit 2).
 */
export async function bumpCommand(root: string, options: BumpOptions, io: CommandIo): Promise<number> {
  const requested = (['server', 'mongo', 'elasticsearch', 'redis'] as const).filter((k) => options[k] !== undefined);
  if (requested.length === 0) throw usageError('bump', 'at least one of --server, --mongo, --elasticsearch, --redis (each X.Y.Z)', 'none', 'e.g. clearml-k8s bump --server 2.3.1');
  for (const key of requested) {
    const value = options[key]!;
    const valid = key === 'server' ? RELEASE_VERSION.test(value) : parseVersion(value) !== null;
    if (!valid) {
      throw usageError(`--${key}`, key === 'server' ? 'a release version X.Y.Z (at most 6 digits a part)' : 'a version X.Y.Z (optionally -suffix) that is a valid image tag (no "+", at most 128 characters)', JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value), `give the released version, e.g. --${key} ${key === 'server' ? '2.3.1' : releaseCatalog().images[key === 'mongo' ? 'mongo' : key].tag}`);
    }
  }
  return withRepositorySession(root, `clearml-k8s bump ${requested.map((k) => `--${k} ${options[k]}`).join(' ')}`, async ({ recovered }) => {
    for (const r of recovered) io.stderr.write(recoveryNote('bump', r));
    const current = releaseCatalog();
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
    removeStaleCatalogs(catalogFile);
    const staged = `${catalogFile}.next-${process.pid}`;
    const removeStaged = cleanupOnExit(() => rmSync(staged, { force: true }));
    try {
      writeFileSync(staged, JSON.stringify(next, null, 2) + '\n');
      // compose runs as a child that reads the next catalog; it works under this run's lock.
      const compose = spawnSync(process.execPath, [BIN, 'compose', '--root', root], { env: { ...io.env, CLEARML_K8S_RELEASE_CATALOG: staged, [LOCK_INHERITED_ENV]: String(process.pid) }, encoding: 'utf8' });
      if (compose.status !== 0) {
        io.stderr.write(`clearml-k8s bump: composing with the new catalog failed, nothing was changed:\n${compose.stderr}`);
        return EXIT.usage;
      }
      renameSync(staged, catalogFile);
      io.stdout.write(compose.stdout);
    } catch (error) {
      if (!errnoCode(error)) throw error;
      throw new RepositoryIoError({ code: 'WRITE_FAILED', path: catalogFile, expected: 'a writable release catalog', received: describeSystemError(error), hint: systemErrorHint(error, 'check the permissions of the catalog file') }, { cause: error });
    } finally {
      rmSync(staged, { force: true });
      removeStaged();
    }
    const after = await renderCurrentVersion(engine, root);
    io.stdout.write(`bump: ${changes.join(', ')}; overlays/current_version before → after:\n`);
    io.stdout.write(formatDiffText(semanticDiff(before, after), { a: 'overlays/current_version (before)', b: 'overlays/current_version (after)' }, { color: Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR }));
    return EXIT.ok;
  }, { env: io.env });
}
