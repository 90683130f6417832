/**
 * The per-overlay result cache of `verify`: a report is reused while nothing it depends on changed,
 * so after editing one site only that site is built and checked again. The key is a SHA-256 of:
 * - every file of the overlay and of every local directory its kustomizations reach (parents,
 *   components), dot-files included, with their paths relative to the repository;
 * - this tool's own sources, its installed dependencies (the lockfiles) and the release catalog (a
 *   new check, dependency or catalog invalidates all);
 * - each engine: its command and the real path, size and modification time of its binary.
 * Entries live in `node_modules/.cache/clearml-k8s/verify/` under the repository root.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import which from 'which';
import type { ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { Engine } from './engine.ts';
import { localDirectories, readKustomization } from './kustomization-files.ts';
import type { OverlayReport } from './verify-overlay.ts';

/** Bumped when the cached report's shape changes. */
const FORMAT = 3; // 2: findings carry their severity; 3: reports carry accepted warnings
const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Every file under `dir`, dot-files included (a kustomization may name `.env` files), but not `node_modules` or `.git`. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
    else if (entry.isSymbolicLink()) {
      // kustomize follows links to files: their targets' bytes are part of the key
      try {
        if (statSync(p).isFile()) out.push(p);
      } catch {
        // a dangling link: the build reports it
      }
    }
  }
  return out.sort();
}

const toolDigests = new Map<string, string>();

/**
 * The installed dependency versions: the lockfile npm wrote into `node_modules` at install time
 * (`node_modules/.package-lock.json`) and the committed `package-lock.json`, so a new lockfile or a
 * new install invalidates every entry.
 */
const DEPENDENCY_FILES = [path.join(PACKAGES_DIR, '..', 'package-lock.json'), path.join(PACKAGES_DIR, '..', 'node_modules', '.package-lock.json')];

/** Hash of this tool's sources (every package's `src/` and `package.json`), its installed dependencies and the catalog in effect. */
function toolHash(dependencyFiles: readonly string[], catalog: ReleaseCatalog): string {
  const catalogText = JSON.stringify(catalog);
  const memoKey = catalogText + '\0' + dependencyFiles.map((f) => {
    try {
      const stat = statSync(f);
      return `${f} ${stat.size} ${stat.mtimeMs}`;
    } catch {
      return `${f} absent`;
    }
  }).join('\0');
  const memo = toolDigests.get(memoKey);
  if (memo) return memo;
  const hash = createHash('sha256').update(`format ${FORMAT}\n`).update(catalogText);
  for (const file of dependencyFiles) {
    try {
      hash.update(path.basename(file)).update('\0').update(readFileSync(file)).update('\0');
    } catch {
      hash.update(`${path.basename(file)} absent\0`);
    }
  }
  for (const pkg of readdirSync(PACKAGES_DIR).sort()) {
    const dir = path.join(PACKAGES_DIR, pkg);
    for (const file of [path.join(dir, 'package.json'), ...filesUnder(path.join(dir, 'src'))]) hash.update(path.relative(PACKAGES_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const digest = hash.digest('hex');
  toolDigests.set(memoKey, digest);
  return digest;
}

function engineHash(engine: Engine): string {
  const binary = which.sync(engine.argv[0]!, { nothrow: true });
  if (!binary) return engine.argv.join(' ');
  const real = realpathSync(binary);
  const stat = statSync(real);
  return `${engine.argv.join(' ')} ${real} ${stat.size} ${stat.mtimeMs}`;
}

/** The overlay directory and every local directory its kustomizations reach. */
function closure(dir: string): string[] {
  const seen = new Set<string>();
  const visit = (d: string) => {
    if (seen.has(d)) return;
    seen.add(d);
    const k = readKustomization(d);
    if (k) localDirectories(k).forEach(visit);
  };
  visit(dir);
  return [...seen].sort();
}

/** A cache over one repository. */
export class VerifyCache {
  private readonly dir: string;
  private readonly engines: string;
  private readonly tool: string;

  /**
   * @param root repository root (entries go to its `node_modules/.cache/clearml-k8s/verify/`).
   * @param catalog the release catalog of the run (part of every key).
   * @param options.dependencyFiles the lockfiles whose bytes are part of every key (default: this
   *   tool's `package-lock.json` and `node_modules/.package-lock.json`).
   */
  constructor(private readonly root: string, engines: readonly Engine[], catalog: ReleaseCatalog, options: { dependencyFiles?: readonly string[] } = {}) {
    this.tool = toolHash(options.dependencyFiles ?? DEPENDENCY_FILES, catalog);
    this.dir = path.join(root, 'node_modules', '.cache', 'clearml-k8s', 'verify');
    this.engines = engines.map(engineHash).join('\n');
  }

  /** The key of an overlay (see the module comment). */
  key(absoluteDir: string, display: string): string {
    const hash = createHash('sha256').update(this.tool).update(this.engines).update(display);
    for (const d of closure(absoluteDir)) {
      for (const file of filesUnder(d)) hash.update(path.relative(this.root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
    return hash.digest('hex');
  }

  /** The cached report for a key, or null. */
  get(key: string): OverlayReport | null {
    try {
      return JSON.parse(readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as OverlayReport;
    } catch {
      return null;
    }
  }

  /** Stores a report (written to a temporary file, then renamed). Failures to write are ignored. */
  set(key: string, report: OverlayReport): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const file = path.join(this.dir, `${key}.json`);
      writeFileSync(`${file}.${process.pid}`, JSON.stringify(report));
      renameSync(`${file}.${process.pid}`, file);
    } catch {
      // a read-only checkout still verifies, without the cache
    }
  }
}
