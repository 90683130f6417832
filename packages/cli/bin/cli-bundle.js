// The CLI as one precompiled module, kept in node_modules/.cache/clearml-k8s/cli/ and rebuilt when
// its sources change. Loading the TypeScript sources through tsx costs about 1.5 s of module
// loading per command on 2 cores (every module goes through tsx's loader thread); the bundle loads
// in about 0.15 s. It is a cache, not a build step: nothing is committed, nothing has to be run
// first, and whenever it cannot be used (esbuild missing, node_modules read-only, a build error)
// the command runs from the sources through tsx as before. CLEARML_K8S_NO_BUNDLE=1 forces that.
//
// Freshness: the bundle's key is a SHA-256 over esbuild's version, this file, the lockfiles (the
// dependencies bundled in) and the path and content of every workspace file the bundle was built
// from, as esbuild read them (its onLoad hook). A later run recomputes the key from the same files
// and uses the bundle only on an exact match, so an edited, moved or deleted source rebuilds it.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** Where bundles are kept (tests pass another directory). */
export const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'clearml-k8s', 'cli');
const manifestOf = (cacheDir) => path.join(cacheDir, 'manifest.json');
const readSource = (file) => readFileSync(path.join(ROOT, file));
/** What else decides the bundle's content: this file and the installed dependencies. */
const FIXED_INPUTS = [fileURLToPath(import.meta.url), path.join(ROOT, 'package-lock.json'), path.join(ROOT, 'node_modules', '.package-lock.json')];

/**
 * The key of a bundle built from `sources` (repository-relative path → content) in this clone (its
 * absolute path is part of the key).
 * @param {string} esbuildVersion
 * @param {Iterable<[string, Buffer | string]>} sources
 * @param {string} [root] the clone's absolute path
 * @returns {string} hex SHA-256
 */
function bundleKey(esbuildVersion, sources, root = ROOT) {
  // The bundle holds the sources' absolute URLs (their import.meta.url), so a clone moved or copied
  // with its node_modules builds its own instead of running the other place's files.
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\0root ${pathToFileURL(root).href}\0`);
  for (const file of FIXED_INPUTS) {
    let content = '';
    try {
      content = readFileSync(file);
    } catch {
      // absent (no node_modules/.package-lock.json): part of the key as absent
    }
    hash.update(`${path.relative(ROOT, file)}\0`).update(content).update('\0');
  }
  for (const [file, content] of [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${file}\0`).update(content).update('\0');
  return hash.digest('hex');
}

/**
 * The bundle in `cacheDir` when every source it was built from is unchanged, else null.
 * @param {{ cacheDir?: string, read?: (file: string) => Buffer, root?: string }} [options] `read`: a source's content by repository-relative path; `root`: the clone (test seams).
 * @returns {string | null} the bundle's absolute path
 */
export function freshBundle({ cacheDir = CACHE_DIR, read = readSource, root = ROOT } = {}) {
  try {
    const manifest = JSON.parse(readFileSync(manifestOf(cacheDir), 'utf8'));
    const sources = manifest.sources.map((file) => [file, read(file)]);
    if (bundleKey(manifest.esbuild, sources, root) !== manifest.key) return null;
    return path.join(cacheDir, manifest.bundle);
  } catch {
    return null; // no manifest yet, or a source is gone
  }
}

/** Writes `content` to `file` through a temporary name (a reader never sees half a file). */
function writeAtomically(file, content) {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Builds the bundle with esbuild: the workspace's TypeScript and the dependencies in one ES
 * module for Node 20. Each source's `import.meta.url` is replaced with that source's own URL, so
 * files found relative to a module (the release catalog, package.json) are found as from the sources.
 * @param {{ cacheDir?: string }} [options]
 * @returns {Promise<string>} the bundle's absolute path
 * @throws when esbuild is not installed, a source does not build, or `cacheDir` cannot be written
 */
export async function buildBundle({ cacheDir = CACHE_DIR } = {}) {
  const esbuild = await import('esbuild');
  /** @type {Map<string, Buffer>} */
  const sources = new Map();
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    // CommonJS dependencies call require() for Node's built-in modules.
    banner: { js: "import { createRequire as __clearmlK8sCreateRequire } from 'node:module';\nconst require = __clearmlK8sCreateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'clearml-k8s-sources',
        setup(build) {
          build.onLoad({ filter: /\.(ts|json)$/ }, (args) => {
            const relative = path.relative(ROOT, args.path);
            if (relative.startsWith('..') || relative.split(path.sep).includes('node_modules')) return undefined;
            const content = readFileSync(args.path);
            sources.set(relative.split(path.sep).join('/'), content);
            const text = content.toString('utf8');
            return { contents: args.path.endsWith('.ts') ? text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) : text, loader: args.path.endsWith('.ts') ? 'ts' : 'json' };
          });
        },
      },
    ],
  });
  const key = bundleKey(esbuild.version, sources);
  const bundle = `cli-${key.slice(0, 16)}.mjs`;
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(path.join(cacheDir, bundle), result.outputFiles[0].contents);
  writeAtomically(manifestOf(cacheDir), `${JSON.stringify({ format: 1, esbuild: esbuild.version, key, bundle, sources: [...sources.keys()].sort() }, null, 2)}\n`);
  // Older bundles go (a run still importing one has read it already).
  for (const name of readdirSync(cacheDir)) if (/^cli-[0-9a-f]{16}\.mjs$/.test(name) && name !== bundle) rmSync(path.join(cacheDir, name), { force: true });
  return path.join(cacheDir, bundle);
}

/**
 * The CLI's `main`, from the bundle when it can be used (built first when stale), else from the
 * TypeScript sources through tsx.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<(argv: string[], io: object) => Promise<number>>}
 */
export async function loadMain(env) {
  if (env.CLEARML_K8S_NO_BUNDLE !== '1') {
    try {
      const bundle = freshBundle() ?? (await buildBundle());
      return (await import(pathToFileURL(bundle).href)).main;
    } catch {
      // esbuild missing, a cache that cannot be written, or sources that do not build: tsx reports the latter
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/main.ts')).main;
}
