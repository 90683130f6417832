/**
 * Check `deprecated-field`: no deprecated Kustomization field (`DEPRECATED_FIELDS`: kustomize v5
 * warns on stderr, Kustomization v1 drops them) in the overlay's own kustomization files.
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
import type { CheckFinding } from '../finding.ts';
import { DEPRECATED_FIELDS } from '../kustomization-files.ts';
import { defineCheck, type ContextKustomization } from './definition.ts';

/** The deprecated fields the kustomizations set (what `build-stderr` does not repeat). */
export function deprecatedFieldsIn(kustomizations: readonly ContextKustomization[]): Set<string> {
  return new Set(kustomizations.flatMap((k) => Object.keys(k.content).filter((field) => Object.hasOwn(DEPRECATED_FIELDS, field))));
}

/** One finding per deprecated field per file, on `/<field>` of the file. */
export function checkDeprecatedFields(kustomizations: readonly ContextKustomization[]): CheckFinding<'deprecated-field'>[] {
  return kustomizations.flatMap((k) =>
    Object.keys(k.content)
      .filter((field) => Object.hasOwn(DEPRECATED_FIELDS, field))
      .map((field) => ({ check: 'deprecated-field' as const, resource: k.file, path: `/${field}`, message: `${field} is deprecated since kustomize v5 (it warns on stderr and goes away in Kustomization v1)`, hint: `use ${DEPRECATED_FIELDS[field]} instead (kustomize edit fix rewrites it)` })),
  );
}

export const deprecatedFieldCheck = defineCheck({
  id: 'deprecated-field',
  severity: 'error',
  title: 'no deprecated kustomization fields (bases, commonLabels, patchesJson6902, patchesStrategicMerge, vars, imageTags, …)',
  description: "no `bases`, `commonLabels`, `imageTags`, `patchesJson6902`, `patchesStrategicMerge`, `vars` in the overlay's own kustomization files",
  needs: 'render',
  run: (context) => checkDeprecatedFields(context.kustomizations),
});
