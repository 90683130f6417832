/** Finds the clearml-k8s repository root: the nearest ancestor with `turbo.json` and `packages/`. */
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * @param from directory to start from (absolute).
 * @returns the root, or `null` when no ancestor qualifies.
 */
export function findRepoRoot(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'turbo.json')) && existsSync(path.join(dir, 'packages', 'overlay-composer'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
