/**
 * Asks an engine which kustomize it is: `kubectl version --client -o json` (its `kustomizeVersion`,
 * the kustomize kubectl embeds) for a `… kustomize` engine, `kustomize version` for a standalone
 * kustomize. Used to name the kustomize of an engine the user chose in the report.
 * @see https://github.com/kubernetes-sigs/kustomize#kubectl-integration (kubectl's embedded kustomize)
 * @see https://kubernetes.io/docs/reference/kubectl/generated/kubectl_version/ (`--client -o json`)
 */
import type { Engine } from './engine.ts';
import { runCommand } from './execa.ts';

/** How long a version query may take, in milliseconds. */
const VERSION_TIMEOUT_MS = 10_000;

/**
 * The kustomize version of an engine, e.g. `v5.0.1`, or null when the engine does not say (the
 * command fails, prints no JSON, or has no `kustomizeVersion`).
 * @param engine `[kubectl, 'kustomize']` (queried as `kubectl version --client -o json`) or
 *   `[kustomize, 'build']` (queried as `kustomize version`, whose first line is printed as is).
 */
export async function kustomizeVersionOf(engine: Engine): Promise<string | null> {
  const [binary, sub] = engine.argv;
  if (sub === 'kustomize') {
    const result = await runCommand([binary!, 'version', '--client', '-o', 'json'], { timeoutMs: VERSION_TIMEOUT_MS });
    if (result.exitCode !== 0) return null;
    try {
      const version = (JSON.parse(result.stdout) as { kustomizeVersion?: unknown }).kustomizeVersion;
      return typeof version === 'string' && version ? version : null;
    } catch {
      return null;
    }
  }
  if (sub === 'build') {
    const result = await runCommand([binary!, 'version'], { timeoutMs: VERSION_TIMEOUT_MS });
    const line = result.exitCode === 0 ? result.stdout.trim().split('\n')[0]!.trim() : '';
    return line || null;
  }
  return null;
}

/**
 * The engine with its kustomize version added to its detail: `found beside kubectl` becomes
 * `found beside kubectl; kustomize v5.0.1`. An engine whose version cannot be read is returned as it is.
 */
export async function withKustomizeVersion(engine: Engine): Promise<Engine> {
  const version = await kustomizeVersionOf(engine);
  if (!version) return engine;
  return { ...engine, detail: engine.detail ? `${engine.detail}; kustomize ${version}` : `kustomize ${version}` };
}
