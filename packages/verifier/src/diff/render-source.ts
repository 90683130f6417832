/**
 * Renders one side of a diff: an overlay directory in the work tree, or `REF:DIR`, a directory as it
 * is in a git commit, built from a temporary copy of that commit's tree (the user's index and work
 * tree are never touched). The copy is removed however the command ends, Ctrl-C included.
 */
import { existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { cleanupOnExit } from '@clearml-k8s/repository-io';
import { engineLabel, type Engine } from '../engine.ts';
import { runCommand } from '../execa.ts';
import { hasKustomization } from '../kustomization-files.ts';
import { renderOverlay } from '../render-overlay.ts';
import { VerifierError } from '../verifier-error.ts';

/** A rendered side: how it is printed and what kustomize built. */
export interface RenderedSource {
  /** The directory relative to `cwd` (absolute when outside it), or `REF:DIR` with DIR relative to the git top level. */
  label: string;
  objects: ManifestObject[];
}

export interface RenderSourceOptions {
  /** Repository root: git commands for `REF:DIR` run here. */
  root: string;
  /** Directories (and DIR of `REF:DIR`) resolve against it. */
  cwd: string;
  engine: Engine;
}

const toPosix = (p: string) => p.split(path.sep).join('/');
const EXAMPLES = 'e.g. overlays/current_version, or REF:DIR such as HEAD~1:overlays/current_version';

/**
 * Renders `source` with the real kustomize engine.
 *
 * `source` is a directory when it exists relative to `cwd`. Otherwise `REF:DIR` (split at the first
 * colon) when REF names a commit (`git rev-parse --verify REF^{commit}` in `root`): the commit's whole
 * tree is written to a temporary directory with a temporary index (`git read-tree` +
 * `git checkout-index --prefix`, so overlays can still reach `../../base`), DIR is built there and the
 * temporary directory is removed. DIR resolves against `cwd` when `cwd` is inside the repository,
 * else against its top level; it is then looked up at the same place in the commit.
 *
 * @throws VerifierError
 *   - `DIFF_SOURCE_NOT_FOUND`: no such path (and no `:`), not a directory, no kustomization.yaml
 *     (in the work tree or at REF), or DIR outside the repository;
 *   - `GIT_REF_NOT_FOUND`: `REF:DIR` whose REF is not a commit, or `root` not in a git repository;
 *   - `GIT_FAILED`: git could not write the commit's tree;
 *   - `BUILD_FAILED`: kustomize exited non-zero (its stderr, with temporary paths shown as `REF:`) or
 *     printed invalid YAML.
 */
export async function renderSource(source: string, options: RenderSourceOptions): Promise<RenderedSource> {
  const absolute = path.resolve(options.cwd, source);
  if (existsSync(absolute)) {
    const relative = path.relative(options.cwd, absolute);
    const label = relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? absolute : toPosix(relative);
    if (!statSync(absolute).isDirectory() || !hasKustomization(absolute)) {
      throw new VerifierError('DIFF_SOURCE_NOT_FOUND', `${source}: expected a directory with kustomization.yaml, received ${statSync(absolute).isDirectory() ? 'a directory without one' : 'a file'}; pass an overlay directory or REF:DIR (${EXAMPLES})`, source);
    }
    return { label, objects: await build(options.engine, absolute, label, null) };
  }
  const match = /^([^:]+):(.*)$/.exec(source);
  if (!match) {
    throw new VerifierError('DIFF_SOURCE_NOT_FOUND', `${source}: expected an overlay directory or REF:DIR, received no such path (relative to ${options.cwd}); pass an existing directory with kustomization.yaml (${EXAMPLES})`, source);
  }
  return renderAtRef(source, match[1]!, match[2]!, options);
}

async function git(args: string[], cwd: string, env?: Record<string, string>) {
  return runCommand(['git', ...args], { cwd, env });
}

const firstLines = (text: string, n: number) => text.trim().split('\n').slice(0, n).join('\n');

async function renderAtRef(source: string, ref: string, dir: string, options: RenderSourceOptions): Promise<RenderedSource> {
  const top = await git(['rev-parse', '--show-toplevel'], options.root);
  if (top.exitCode !== 0) {
    const why = top.exitCode === 127 ? 'git is not on PATH' : `${options.root} is not inside a git repository (${firstLines(top.stderr, 1)})`;
    throw new VerifierError('GIT_REF_NOT_FOUND', `${source}: no such directory, and REF:DIR needs git but ${why}; pass an existing overlay directory, or run inside a git clone (or pass --root)`, source);
  }
  const commit = ref.startsWith('-') ? null : await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], options.root);
  if (!commit || commit.exitCode !== 0) {
    throw new VerifierError('GIT_REF_NOT_FOUND', `${source}: no such directory, and "${ref}" is not a commit in ${top.stdout.trim()}; pass an existing overlay directory, or REF:DIR with REF a commit, branch or tag (e.g. HEAD~1; git log --oneline lists them)`, source);
  }
  const sha = commit.stdout.trim();
  const topDir = realpathSync(top.stdout.trim());
  const fromCwd = path.relative(topDir, path.resolve(realpathSync(options.cwd), dir || '.'));
  const cwdInside = !path.relative(topDir, realpathSync(options.cwd)).startsWith('..');
  const relative = cwdInside ? fromCwd : path.relative(topDir, path.resolve(topDir, dir || '.'));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new VerifierError('DIFF_SOURCE_NOT_FOUND', `${source}: "${dir}" is outside the git repository ${topDir}; pass REF:DIR with DIR inside it (e.g. ${ref}:overlays/current_version)`, source);
  }
  const dirInTree = toPosix(relative) || '.';
  const label = `${ref}:${dirInTree}`;
  // Real path: kustomize reports resolved paths, which are rewritten back to `REF:` in errors.
  const tmp = realpathSync(await mkdtemp(path.join(os.tmpdir(), 'clearml-k8s-diff-')));
  // Ctrl-C (SIGINT), SIGTERM or an exit while the copy exists removes it too.
  const unregister = cleanupOnExit(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    const tree = path.join(tmp, 'tree');
    for (const args of [['read-tree', sha], ['checkout-index', '--all', `--prefix=${tree}${path.sep}`]]) {
      const result = await git(args, topDir, env);
      if (result.exitCode !== 0) {
        throw new VerifierError('GIT_FAILED', `${label}: git ${args[0]} failed writing the tree of ${ref} (${sha.slice(0, 12)}) to ${tree}: ${firstLines(result.stderr, 5)}; check free space in ${os.tmpdir()} and that "git checkout ${ref}" works in a clone`, label);
      }
    }
    const target = path.join(tree, relative);
    if (!hasKustomization(target)) {
      const exists = existsSync(target);
      const listed = exists ? dirInTree : path.posix.dirname(dirInTree);
      throw new VerifierError('DIFF_SOURCE_NOT_FOUND', `${label}: expected a directory with kustomization.yaml at ${ref} (${sha.slice(0, 12)}), received ${exists ? 'a directory without one' : 'no such path'}; pass a directory that ${ref} has (git ls-tree --name-only ${ref} ${listed === '.' ? '' : `${listed}/`} lists them)`, label);
    }
    return { label, objects: await build(options.engine, target, label, { from: tree + path.sep, to: `${ref}:` }) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    unregister();
  }
}

/** Builds `dir`; a failure is `BUILD_FAILED` with kustomize's stderr (temporary paths rewritten by `rewrite`). */
async function build(engine: Engine, dir: string, label: string, rewrite: { from: string; to: string } | null): Promise<ManifestObject[]> {
  const result = await renderOverlay(engine, dir);
  const clean = (text: string) => (rewrite ? text.split(rewrite.from).join(rewrite.to).split(rewrite.from.slice(0, -1)).join(rewrite.to.slice(0, -1)) : text);
  const reproduce = rewrite ? `check out ${rewrite.to.slice(0, -1)} and run \`${engine.argv.join(' ')} ${label.slice(rewrite.to.length)}\` to reproduce` : `run \`${engine.argv.join(' ')} ${label}\` to reproduce`;
  if (result.exitCode !== 0) {
    throw new VerifierError('BUILD_FAILED', `${label}: ${engineLabel(engine)} failed (exit ${result.exitCode}): ${clean(firstLines(result.stderr, 20)) || '(no stderr)'}; fix the kustomization (${reproduce})`, label);
  }
  if (result.parseError !== null) {
    throw new VerifierError('BUILD_FAILED', `${label}: ${engineLabel(engine)} printed output that is not valid YAML: ${clean(result.parseError)}; ${reproduce}`, label);
  }
  return result.objects;
}
