/**
 * Finds and checks the clearml-k8s repository root. A root is recognised positively, never guessed:
 * its `package.json` is named `clearml-k8s`, and it has `turbo.json` and a `packages/` directory.
 * A directory that is not one is refused before anything is read or written there.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.ts';

/** The `name` of the root `package.json` of a clearml-k8s repository. */
export const REPOSITORY_PACKAGE_NAME = 'clearml-k8s';

/** Why `dir` is not a repository root, as a phrase, or null when it is one. */
export function notARepositoryRoot(dir: string): string | null {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    return 'no such directory';
  }
  if (!stat.isDirectory()) return 'a file, not a directory';
  let name: unknown;
  try {
    const file = path.join(dir, 'package.json');
    if (!lstatSync(file).isFile()) return 'a package.json that is not a regular file';
    name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown } | null)?.name;
  } catch {
    return 'a directory without a readable package.json';
  }
  if (name !== REPOSITORY_PACKAGE_NAME) return `a package.json named ${JSON.stringify(name ?? null)}`;
  try {
    if (!lstatSync(path.join(dir, 'turbo.json')).isFile()) return 'a directory whose turbo.json is not a regular file';
  } catch {
    return 'a directory without turbo.json';
  }
  try {
    if (!lstatSync(path.join(dir, 'packages')).isDirectory()) return 'a directory whose packages/ is not a directory';
  } catch {
    return 'a directory without packages/';
  }
  return null;
}

/**
 * The nearest ancestor of `from` (itself included) that is a repository root.
 * @param from directory to start from (absolute).
 * @returns the root, or `null` when no ancestor qualifies.
 */
export function findRepoRoot(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    if (notARepositoryRoot(dir) === null) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The root to work in: `--root DIR` when given (it must be a repository root), else the nearest
 * ancestor of `cwd` that is one.
 * @returns an absolute path.
 * @throws CliError `ROOT_INVALID` naming what `--root` is instead, or that no ancestor qualifies.
 */
export function resolveRoot(flag: string | undefined, cwd: string): string {
  const expected = `a clearml-k8s repository (package.json named "${REPOSITORY_PACKAGE_NAME}", turbo.json and packages/)`;
  if (flag !== undefined) {
    const dir = path.resolve(cwd, flag);
    const why = notARepositoryRoot(dir);
    if (why) throw new CliError({ code: 'ROOT_INVALID', where: `--root ${flag}`, expected, received: why, hint: 'pass the top directory of a clearml-k8s clone (nothing was read or written there)' });
    return dir;
  }
  const found = findRepoRoot(cwd);
  if (!found) throw new CliError({ code: 'ROOT_INVALID', where: cwd, expected: `${expected} here or above`, received: 'none', hint: 'run inside a clearml-k8s clone, or pass --root DIR' });
  return found;
}
