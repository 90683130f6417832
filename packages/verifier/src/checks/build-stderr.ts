/** Check `build-stderr`: a successful build prints nothing on stderr (see `./build.ts`). */
import { defineCheck } from './definition.ts';
import { overEngines, stderrFindings } from './build.ts';
import { deprecatedFieldsIn } from './deprecated-field.ts';

export const buildStderrCheck = defineCheck({
  id: 'build-stderr',
  severity: 'error',
  title: 'kustomize prints nothing on stderr',
  description: "nothing on stderr beyond what `deprecated-field` already reports (e.g. a deprecated field in a parent outside the overlay)",
  needs: 'render',
  run: (context) => {
    const reported = deprecatedFieldsIn(context.kustomizations);
    return overEngines(context, (r) => stderrFindings(r, context.overlay, reported));
  },
});

