/**
 * Reads an overlay's kustomization files (the ones kustomize reads, as YAML) for the patch-hygiene
 * and image checks: the patches with their targets and JSON 6902 operations, the `images:` entries,
 * the local directories it builds on, and deprecated fields.
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseBuildOutput, parseManifestFast, parseManifestWithPositions } from '@clearml-k8s/base-manifests/yaml';

/** File names kustomize accepts, in its order of preference. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** True when `dir` (absolute) holds a kustomization file (a regular file of one of `KUSTOMIZATION_FILE_NAMES`). */
export function hasKustomization(dir: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.some((name) => {
    try {
      return statSync(path.join(dir, name)).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Deprecated Kustomization fields (kustomize v5 warns on stderr; Kustomization v1 drops them),
 * with the field that replaces each.
 */
export const DEPRECATED_FIELDS: Readonly<Record<string, string>> = {
  bases: 'resources',
  commonLabels: 'labels',
  imageTags: 'images',
  patchesJson6902: 'patches',
  patchesStrategicMerge: 'patches',
  vars: 'replacements',
};

/** A parsed kustomization file. */
export interface KustomizationFile {
  /** Absolute directory. */
  dir: string;
  /** Absolute file path. */
  file: string;
  /** The parsed document (a plain object). */
  content: Record<string, any>;
  /** 1-based line where the node at a JSON pointer starts, or null. */
  lineOf(pointer: string): number | null;
}

/** `patches[i]` of a kustomization, read and classified. */
export interface PatchEntry {
  index: number;
  target: Record<string, string> | null;
  /** JSON 6902 operations, or `null` for a strategic-merge patch. */
  operations: { op: string; path: string; from?: string; value?: unknown }[] | null;
  /** Set when the patch text could not be read or parsed (kustomize will fail the build too). */
  error: string | null;
}

const kustomizationMemo = new Map<string, { stamp: string; parsed: KustomizationFile | null }>();

/**
 * The kustomization file of `dir`, or `null` when there is none or it is not a YAML mapping.
 * Parsed quickly (`parseManifestFast`); node positions are parsed on the first `lineOf`. A file is
 * parsed once per process while its size and modification time stay the same (a verify run reads
 * a profile's kustomization for every site built on it).
 */
export function readKustomization(dir: string): KustomizationFile | null {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const file = path.join(dir, name);
    let stamp: string;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) continue;
      stamp = `${stat.size} ${stat.mtimeMs} ${stat.ctimeMs} ${stat.ino}`;
    } catch {
      continue;
    }
    const memo = kustomizationMemo.get(file);
    if (memo && memo.stamp === stamp) return memo.parsed;
    let parsed: KustomizationFile | null = null;
    try {
      const text = readFileSync(file, 'utf8');
      const value = parseManifestFast(text, file);
      let positions: ReturnType<typeof parseManifestWithPositions> | null = null;
      const lineOf = (pointer: string) => {
        positions ??= parseManifestWithPositions(text, file);
        return positions.positionOf(pointer, 'key')?.line ?? null;
      };
      parsed = value && typeof value === 'object' && !Array.isArray(value) ? { dir, file, content: value as Record<string, any>, lineOf } : null;
    } catch {
      parsed = null;
    }
    kustomizationMemo.set(file, { stamp, parsed });
    return parsed;
  }
  return null;
}

/** Local directories among `resources` and `components` (absolute), in the order kustomize reads them. */
export function localDirectories(kustomization: KustomizationFile): string[] {
  const entries = [...asStrings(kustomization.content.resources), ...asStrings(kustomization.content.bases), ...asStrings(kustomization.content.components)];
  return entries.map((e) => path.resolve(kustomization.dir, e)).filter((p) => existsSync(p) && statSync(p).isDirectory());
}

/** Local files among `resources` (absolute). */
export function localResourceFiles(kustomization: KustomizationFile): string[] {
  return asStrings(kustomization.content.resources)
    .map((e) => path.resolve(kustomization.dir, e))
    .filter((p) => existsSync(p) && statSync(p).isFile());
}

/**
 * The kustomization of `dir` and of every local directory below it (components, or resources that
 * live inside `dir`); directories outside `dir` are overlays or bases of their own and are left to
 * their own verification.
 */
export function ownKustomizations(dir: string): KustomizationFile[] {
  const found: KustomizationFile[] = [];
  const seen = new Set<string>();
  const visit = (d: string) => {
    if (seen.has(d)) return;
    seen.add(d);
    const k = readKustomization(d);
    if (!k) return;
    found.push(k);
    for (const child of localDirectories(k)) {
      if (child === dir || child.startsWith(dir + path.sep)) visit(child);
    }
  };
  visit(dir);
  return found;
}

/** Reads `patches[]`: inline `patch:` text or a `path:` file, JSON 6902 lists or strategic-merge documents. */
export function patchEntries(kustomization: KustomizationFile): PatchEntry[] {
  const patches: unknown[] = Array.isArray(kustomization.content.patches) ? kustomization.content.patches : [];
  return patches.map((raw, index) => {
    const entry = (raw ?? {}) as { target?: Record<string, string>; patch?: string; path?: string };
    const target = entry.target && typeof entry.target === 'object' ? entry.target : null;
    try {
      const text = typeof entry.patch === 'string' ? entry.patch : entry.path ? readFileSync(path.resolve(kustomization.dir, entry.path), 'utf8') : '';
      const documents = parseBuildOutput(text, entry.path ?? `${kustomization.file} patches[${index}]`);
      const first = documents[0];
      const operations = Array.isArray(first) ? (first as PatchEntry['operations']) : null;
      return { index, target, operations, error: null };
    } catch (error) {
      return { index, target, operations: null, error: (error as Error).message };
    }
  });
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
