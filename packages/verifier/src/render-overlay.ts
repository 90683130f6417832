/**
 * Renders an overlay with the real kustomize engine and parses the output.
 */
import { parseBuildOutput } from '@clearml-k8s/base-manifests/yaml';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { Engine } from './engine.ts';
import { DEFAULT_MAX_BUFFER_BYTES, runCommand } from './execa.ts';

/** The outcome of one `kustomize build`. */
export interface RenderResult {
  exitCode: number;
  /** Parsed objects (empty when the build failed or printed something that is not a list of objects). */
  objects: ManifestObject[];
  stderr: string;
  /**
   * Set when stdout is not a stream of Kubernetes objects: invalid YAML, a document that is not a
   * mapping with string `apiVersion`, `kind` and `metadata.name`, or output over the size cap.
   */
  parseError: string | null;
  /** Set when the engine ran longer than the timeout and was killed (with everything it started). */
  timedOut: boolean;
  durationMs: number;
}

/**
 * The engine's environment besides this process's: Go's collector target `GOGC=400` unless
 * `$GOGC` is set. kustomize is a Go program that allocates a lot and lives well under a second;
 * collecting at 4× the live heap instead of 2× cuts its CPU time by about a quarter (measured here
 * on a batch of 16 sites: 2.57 s → 1.70 s user) for some 40 MB more memory, and changes nothing in
 * its output (https://go.dev/doc/gc-guide#GOGC).
 */
export function engineEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return env.GOGC ? {} : { GOGC: '400' };
}

/** Options of `renderOverlay`. */
export interface RenderOptions {
  /** Kill the engine after this long, in milliseconds (default: no limit). */
  timeoutMs?: number;
  /** Largest output accepted, in bytes (default 256 MiB). */
  maxBufferBytes?: number;
  /** Kill the engine when this aborts (another build of the run failed for good). */
  signal?: AbortSignal;
}

/** Why `value` (document `index`, 1-based) is not a Kubernetes object, or null when it is one. */
function notAnObject(value: unknown, index: number): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `document ${index} is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a Kubernetes object`;
  const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return `document ${index} has no string apiVersion and kind`;
  if (!o.metadata || typeof o.metadata !== 'object' || typeof o.metadata.name !== 'string') return `document ${index} (${o.kind}) has no string metadata.name`;
  return null;
}

/**
 * Runs `[...engine.argv, dir]` and parses stdout.
 * @param dir absolute path of the overlay directory.
 */
export async function renderOverlay(engine: Engine, dir: string, options: RenderOptions = {}): Promise<RenderResult> {
  const maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  const result = await runCommand([...engine.argv, dir], { env: engineEnvironment(), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}), maxBufferBytes });
  let objects: ManifestObject[] = [];
  let parseError: string | null = null;
  if (result.outputTooLarge) {
    parseError = `the output exceeds ${Math.round(maxBufferBytes / (1 << 20)) || `${maxBufferBytes} bytes`}${maxBufferBytes >= 1 << 20 ? ' MiB' : ''}; the engine was stopped`;
  } else if (result.exitCode === 0) {
    try {
      const documents = parseBuildOutput(result.stdout, `output of ${engine.argv.join(' ')} ${dir}`);
      parseError = documents.map((d, i) => notAnObject(d, i + 1)).find((why) => why !== null) ?? null;
      if (parseError === null) objects = documents as ManifestObject[];
    } catch (error) {
      parseError = (error as Error).message;
    }
  }
  return { exitCode: result.exitCode, objects, stderr: result.stderr, parseError, timedOut: result.timedOut, durationMs: result.durationMs };
}
