/**
 * Check `patch-target`: every `patches[].target` of the overlay's kustomization matches at least one
 * resource it builds on (kustomize skips such a patch without a word, kubernetes-sigs/kustomize#4379).
 * Found by the patch replay of `../patch-analysis.ts`, which the context carries.
 */
import { defineCheck, findingsOf } from './definition.ts';

export const patchTargetCheck = defineCheck({
  id: 'patch-target',
  severity: 'error',
  title: 'every patches[].target matches at least one resource',
  description: 'every `patches[].target` matches at least one resource (kustomize skips such a patch without a word)',
  needs: 'build',
  run: (context) => findingsOf(context.patches?.findings ?? [], 'patch-target'),
});
