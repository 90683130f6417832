/**
 * Check `patch-replace-creates`: no JSON 6902 `replace` on a path that does not exist yet (RFC 6902
 * says fail; kustomize adds the field, kubernetes-sigs/kustomize#4380). Found by the patch replay of
 * `../patch-analysis.ts`, which the context carries.
 */
import { defineCheck, findingsOf } from './definition.ts';

export const patchReplaceCreatesCheck = defineCheck({
  id: 'patch-replace-creates',
  severity: 'error',
  title: 'no JSON 6902 replace on a path that does not exist yet (kustomize adds it silently)',
  description: "no JSON 6902 `replace` on a path that does not exist yet (kustomize adds it instead of failing); found by replaying the overlay's patches on the build of its parents",
  needs: 'build',
  run: (context) => findingsOf(context.patches?.findings ?? [], 'patch-replace-creates'),
});
