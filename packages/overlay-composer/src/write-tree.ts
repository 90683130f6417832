/**
 * The file-system shell of `compose`: compares generated files with the work tree and writes
 * them. Nothing is half-written: every new content goes to a temporary file beside its target
 * first, and targets are replaced by `rename` only after all temporary files exist.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratedFile } from '@clearml-k8s/base-manifests';

/** One difference between the generated tree and the work tree. */
export interface TreeChange {
  /** Repository-relative path. */
  path: string;
  change: 'create' | 'update' | 'delete';
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(root, `${dir}/${e.name}`) : Promise.resolve([`${dir}/${e.name}`]))),
  );
  return nested.flat();
}

/**
 * Lists what writing `files` would change under `root`, including stale files in the directories
 * compose owns.
 * @param root repository root (absolute).
 * @param files the generated files (repository-relative paths).
 * @param ownedDirs directories whose every file must be generated (`base`, `overlays/latest`, ...).
 * @param preserve files in owned directories that are not generated and must stay (site specs).
 * @returns changes sorted by path; empty when the tree is up to date.
 */
export async function planTree(root: string, files: readonly GeneratedFile[], ownedDirs: readonly string[], preserve: (file: string) => boolean = () => false): Promise<TreeChange[]> {
  const changes: TreeChange[] = [];
  const generated = new Set(files.map((f) => f.path));
  for (const file of files) {
    let current: string | null = null;
    try {
      current = await readFile(path.join(root, file.path), 'utf8');
    } catch {
      current = null;
    }
    if (current === null) changes.push({ path: file.path, change: 'create' });
    else if (current !== file.content) changes.push({ path: file.path, change: 'update' });
  }
  for (const dir of ownedDirs) {
    for (const existing of await listFiles(root, dir)) {
      if (!generated.has(existing) && !preserve(existing)) changes.push({ path: existing, change: 'delete' });
    }
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Applies planned changes: stages every created or updated file as a temporary file, then renames
 * them into place and removes stale files.
 * @throws the file-system error of the first failing step; staged temporary files are removed.
 */
export async function writeTree(root: string, files: readonly GeneratedFile[], changes: readonly TreeChange[]): Promise<void> {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const change of changes) {
      if (change.change === 'delete') continue;
      const target = path.join(root, change.path);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
      await writeFile(temp, byPath.get(change.path)!, 'utf8');
      staged.push({ temp, target });
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw error;
  }
  for (const s of staged) await rename(s.temp, s.target);
  for (const change of changes) if (change.change === 'delete') await rm(path.join(root, change.path), { force: true });
}
