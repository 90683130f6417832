/**
 * Composes the whole generated tree: `base/` and `overlays/<profile>/` for every stock profile.
 * Pure: no file system access.
 */
import { BASE_DIR, baseObjects, renderBase, STACK_MODEL, type GeneratedFile, type ManifestObject, type ReleaseCatalog, type StackModel } from '@clearml-k8s/base-manifests';
import { composeOverlay, type ComposedOverlay } from './patches/compose-overlay.ts';
import type { Profile, ProfileContext, ProfileName } from './profiles/profile.ts';
import { PROFILES } from './profiles/index.ts';

/** Repository-relative directory of the stock overlays. */
export const OVERLAYS_DIR = 'overlays';

/** Directories whose contents `compose` owns entirely (stale files there are drift). */
export function generatedDirs(): string[] {
  return [BASE_DIR, ...PROFILES.map((p) => `${OVERLAYS_DIR}/${p.name}`)];
}

/** A composed stock overlay with its profile. */
export interface ComposedProfile extends ComposedOverlay {
  profile: Profile;
}

/** The stock overlays composed for one catalog and model, with every generated file. */
export interface ComposedTree {
  files: GeneratedFile[];
  overlays: ComposedProfile[];
  /** What the tree was composed with (sites compose with the same). */
  context: ProfileContext;
}

/**
 * Composes every stock overlay in dependency order. Pure: the catalog and the model are values.
 * @returns the overlays (with their intended objects) and all generated files, base first.
 * @throws ComposerError from `composeOverlay`.
 */
export function composeTree(catalog: ReleaseCatalog, model: StackModel = STACK_MODEL): ComposedTree {
  const context: ProfileContext = { catalog, model };
  const rendered = new Map<'base' | ProfileName, { dir: string; objects: ManifestObject[] }>([['base', { dir: BASE_DIR, objects: baseObjects(catalog, model) }]]);
  const overlays: ComposedProfile[] = [];
  for (const profile of PROFILES) {
    const parent = rendered.get(profile.parent);
    if (!parent) throw new Error(`profile ${profile.name} is listed before its parent ${profile.parent}`);
    const dir = `${OVERLAYS_DIR}/${profile.name}`;
    const composed = composeOverlay({
      dir,
      parentDir: parent.dir,
      parentObjects: parent.objects,
      desiredObjects: profile.apply(parent.objects, context),
      source: profile.source,
      acceptedRisks: profile.acceptedRisks,
    });
    rendered.set(profile.name, { dir, objects: composed.intended });
    overlays.push({ ...composed, profile });
  }
  return { files: [...renderBase(catalog, model), ...overlays.flatMap((o) => o.files)], overlays, context };
}
