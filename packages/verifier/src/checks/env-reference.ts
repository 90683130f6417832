/** Check `env-reference`: env values naming in-cluster hosts resolve to a Service and port of the build (logic in `./references.ts`). */
import { defineCheck } from './definition.ts';
import { checkEnvReferences } from './references.ts';

export const envReferenceCheck = defineCheck({
  id: 'env-reference',
  severity: 'error',
  title: 'env values naming in-cluster hosts resolve to a Service and port in the build',
  description: 'env values naming in-cluster hosts (`*_SERVICE_HOST` + `*_SERVICE_PORT`, `NGINX_*_ADDRESS`, `CLEARML__hosts__*`, `CLEARML_*_HOST`, URLs) resolve to a Service and port in the build',
  needs: 'build',
  run: ({ objects }) => checkEnvReferences(objects),
});
