/**
 * What the verifier's tests that build with the real engine share: the repository root and the
 * resolved engine, or the reason to skip. Not a test file itself (the runner picks `*.test.ts`).
 */
import { fileURLToPath } from 'node:url';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeTree, RepositoryPromises } from '@clearml-k8s/overlay-composer';
import { resolveEngine, type Engine } from '../src/index.ts';

/** The repository root (absolute, with a trailing separator). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The engine `verify` would pick here, or null when none is installed. */
export const engine: Engine | null = await resolveEngine().catch(() => null);

/** `false` when `engine` is set, else the reason to skip (for `test(..., { skip })`). */
export const engineSkip: string | false = engine ? false : 'no kustomize engine ($KUSTOMIZE, kustomize or kubectl) on PATH';

/** The release catalog of this checkout. */
export const CATALOG = loadReleaseCatalog({});

/** The stock overlays composed for it. */
export const TREE = composeTree(CATALOG);

/** What `verifyOverlays` needs to verify this repository: root, catalog and the composer's promises. */
export const REPOSITORY = { root: ROOT, catalog: CATALOG, promises: new RepositoryPromises(ROOT, TREE) };

/** The same for another repository root (a scratch copy): its own promises, this catalog. */
export function repositoryAt(root: string) {
  return { root, catalog: CATALOG, promises: new RepositoryPromises(root, TREE) };
}
