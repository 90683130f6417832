/**
 * Picks the kustomize engine: `$KUSTOMIZE` if set, else `kustomize` on PATH, else
 * `kubectl kustomize`. An engine is an argv prefix; the overlay directory is appended.
 * @see ../../../../shared/reference/kustomize-and-verification.md ("Which kustomize users have")
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
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
 * Finds versioned kubectl builds (`kubectl.1.27` … named `kubectl.MAJOR.MINOR`) on PATH and beside
 * the real `kubectl` binary (after resolving symlinks), sorted oldest first, one per version.
 * @param env reads `PATH`.
 */
export async function discoverVersionedEngines(env: NodeJS.ProcessEnv = process.env): Promise<VersionedEngine[]> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const kubectl = await which('kubectl', { nothrow: true, path: env.PATH ?? '' });
  if (kubectl) dirs.push(path.dirname(realpathSync(kubectl)));
  const byVersion = new Map<string, VersionedEngine>();
  for (const dir of dirs) {
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
        if (!(statSync(file).mode & 0o111)) continue;
      } catch {
        continue;
      }
      byVersion.set(name, { engine: { argv: [file, 'kustomize'], origin: `${name} (found ${dirs.indexOf(dir) < dirs.length - (kubectl ? 1 : 0) ? 'on PATH' : 'beside kubectl'})`, label: `${name} kustomize` }, version: [Number(m[1]), Number(m[2])] });
    }
  }
  return [...byVersion.values()].sort((a, b) => a.version[0] - b.version[0] || a.version[1] - b.version[1]);
}
