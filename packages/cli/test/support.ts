/**
 * What the CLI's end-to-end tests share: the repository root, the real bin, whether a kustomize
 * engine is installed (tests skip with that reason otherwise), and a byte snapshot of a tree for
 * "nothing was written" assertions. Not a test file itself (the runner picks `*.test.ts`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (absolute, with a trailing separator). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `clearml-k8s` bin the tests run with `node`. */
export const BIN = fileURLToPath(new URL('../bin/clearml-k8s.js', import.meta.url));

/** The first `cmd` on PATH (absolute path), or null. */
export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** `false` when a kustomize engine is available, else the reason to skip (for `test(..., { skip })`). */
export const engineSkip: string | false = process.env.KUSTOMIZE || which('kustomize') || which('kubectl') ? false : 'no kustomize engine ($KUSTOMIZE, kustomize or kubectl) on PATH';

/** Every file under `dir` (relative path → SHA-256 of its bytes): compare before and after a run. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
