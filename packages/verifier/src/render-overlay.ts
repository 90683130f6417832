/**
 * Renders an overlay with the real kustomize engine and parses the output.
 */
import { parseBuildOutput } from '@clearml-k8s/base-manifests/yaml';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { Engine } from './engine.ts';
import { runCommand } from './execa.ts';

/** The outcome of one `kustomize build`. */
export interface RenderResult {
  exitCode: number;
  /** Parsed objects (empty when the build failed or printed invalid YAML). */
  objects: ManifestObject[];
  stderr: string;
  /** Set when stdout could not be parsed as YAML. */
  parseError: string | null;
  durationMs: number;
}

/**
 * Runs `[...engine.argv, dir]` and parses stdout.
 * @param dir absolute path of the overlay directory.
 */
export async function renderOverlay(engine: Engine, dir: string): Promise<RenderResult> {
  const result = await runCommand([...engine.argv, dir]);
  let objects: ManifestObject[] = [];
  let parseError: string | null = null;
  if (result.exitCode === 0) {
    try {
      objects = parseBuildOutput(result.stdout, `output of ${engine.argv.join(' ')} ${dir}`) as ManifestObject[];
    } catch (error) {
      parseError = (error as Error).message;
    }
  }
  return { exitCode: result.exitCode, objects, stderr: result.stderr, parseError, durationMs: result.durationMs };
}
