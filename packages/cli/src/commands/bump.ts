/**
 * `clearml-k8s bump --server X.Y.Z [--mongo V] [--elasticsearch V] [--redis V] [--force]`: moves the
 * release catalog to new versions and recomposes every overlay and site, after the upgrade guard
 * agrees; then prints what changed in `overlays/current_version`. A MongoDB or Elasticsearch major
 * step the guard allows is printed with its manual step (a `note:` line on stderr: the
 * featureCompatibilityVersion check, the snapshot and Upgrade Assistant).
 *
 * Nothing is written when the guard refuses or composing fails: the tree is composed in process
 * with the next catalog (a value), and the recomposed files and the catalog file are written in one
 * journaled transaction under the repository lock (a kill at any moment leaves the old tree and
 * catalog, or the new ones, once the next run recovers). A catalog outside the repository
 * (`$CLEARML_K8S_RELEASE_CATALOG`) is replaced after the tree, atomically (temporary file, rename).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadReleaseCatalog, RELEASE_VERSION, releaseCatalogFile, updateReleaseCatalogText, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { checkUpgrade, composeRepository, parseVersion, planTree, upgradeNotes, writeTree } from '@clearml-k8s/overlay-composer';
import { formatDiffText, renderOverlay, resolveEngine, semanticDiff, VerifierError, type Engine } from '@clearml-k8s/verifier';
import { cleanupOnExit, describeSystemError, errnoCode, RepositoryIoError, systemErrorHint, withRepositorySession } from '@clearml-k8s/repository-io';
import { usageError } from '../cli-error.ts';
import { EXIT, type CommandIo } from '../io.ts';
import { recoveryNote, unknownNote } from './compose.ts';

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
      throw usageError(`--${key}`, key === 'server' ? 'a release version X.Y.Z (at most 6 digits a part)' : 'a version X.Y.Z (optionally -suffix) that is a valid image tag (no "+", at most 128 characters)', JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value), `give the released version, e.g. --${key} ${key === 'server' ? '2.3.1' : loadReleaseCatalog(io.env).images[key === 'mongo' ? 'mongo' : key].tag}`);
    }
  }
  return withRepositorySession(root, `clearml-k8s bump ${requested.map((k) => `--${k} ${options[k]}`).join(' ')}`, async ({ lock, recovered }) => {
    for (const r of recovered) io.stderr.write(recoveryNote('bump', r));
    const current = loadReleaseCatalog(io.env);
    const next = nextCatalog(current, options);
    const moves = [
      ...(next.server !== current.server ? [`server ${current.server} → ${next.server}`] : []),
      ...(['elasticsearch', 'mongo', 'redis'] as const).filter((k) => next.images[k].tag !== current.images[k].tag).map((k) => `${k} ${current.images[k].tag} → ${next.images[k].tag}`),
    ];
    if (moves.length === 0) {
      io.stdout.write(`bump: the catalog is already at server ${current.server}; nothing to do\n`);
      return EXIT.ok;
    }
    const refusals = checkUpgrade(current, next);
    if (refusals.length && !options.force) {
      for (const r of refusals) io.stderr.write(`clearml-k8s bump: UPGRADE_REFUSED: ${r.component} ${r.from} → ${r.to}: ${r.reason}; safe path: ${r.safePath}; see ${r.source}\n`);
      io.stderr.write('nothing was changed; --force overrides the guard (at your own risk, after a backup)\n');
      return EXIT.usage;
    }
    for (const r of refusals) io.stderr.write(`clearml-k8s bump: warning: --force past an unsafe upgrade: ${r.component} ${r.from} → ${r.to}: ${r.reason}\n`);
    for (const n of upgradeNotes(current, next)) io.stderr.write(`clearml-k8s bump: note: ${n.component} ${n.from} → ${n.to}: ${n.note}; see ${n.source}\n`);

    const engine = await resolveEngine(io.env, { cwd: io.cwd });
    const before = await renderCurrentVersion(engine, root);
    const catalogFile = releaseCatalogFile(io.env);
    const catalogInRoot = path.relative(root, catalogFile);
    const inside = !catalogInRoot.startsWith('..') && !path.isAbsolute(catalogInRoot);
    // The catalog keeps its own format: only the changed values are rewritten, in place (issue 16).
    const catalogText = updateReleaseCatalogText(readFileSync(catalogFile, 'utf8'), next);
    const composed = composeRepository(root, next);
    const files = [...composed.files, ...(inside ? [{ path: catalogInRoot.split(path.sep).join('/'), content: catalogText }] : [])];
    const { changes, unknown } = await planTree(root, files, { ownedDirs: composed.ownedDirs, preserve: composed.preserve });
    io.stderr.write(unknownNote('bump', unknown));
    await writeTree(root, files, changes, { command: `clearml-k8s bump ${requested.map((k) => `--${k} ${options[k]}`).join(' ')}`, lock, env: io.env });
    if (!inside) writeCatalogOutside(catalogFile, catalogText);
    io.stdout.write(changes.map((c) => `${c.change.padEnd(6)} ${c.path}\n`).join(''));
    io.stdout.write(`compose: ${files.length} files (${composed.sites.length} site${composed.sites.length === 1 ? '' : 's'}), ${changes.length} changed\n`);
    const after = await renderCurrentVersion(engine, root);
    io.stdout.write(`bump: ${moves.join(', ')}; overlays/current_version before → after:\n`);
    io.stdout.write(formatDiffText(semanticDiff(before, after), { a: 'overlays/current_version (before)', b: 'overlays/current_version (after)' }, { color: Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR }));
    return EXIT.ok;
  }, { env: io.env });
}

/**
 * Replaces a catalog file outside the repository: the next catalog goes to `<file>.next-<pid>`,
 * then is renamed over the file (a kill leaves the old catalog or the new one, never half of one).
 * @throws RepositoryIoError `WRITE_FAILED` naming the file.
 */
function writeCatalogOutside(catalogFile: string, text: string): void {
  const staged = `${catalogFile}.next-${process.pid}`;
  const removeStaged = cleanupOnExit(() => rmSync(staged, { force: true }));
  try {
    writeFileSync(staged, text);
    renameSync(staged, catalogFile);
  } catch (error) {
    if (!errnoCode(error)) throw error;
    throw new RepositoryIoError({ code: 'WRITE_FAILED', path: catalogFile, expected: 'a writable release catalog', received: describeSystemError(error), hint: systemErrorHint(error, 'check the permissions of the catalog file') }, { cause: error });
  } finally {
    rmSync(staged, { force: true });
    removeStaged();
  }
}
