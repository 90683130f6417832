/** Check `object-reference`: every ConfigMap, Secret, PVC and ServiceAccount referenced exists in the build or is a declared prerequisite (logic in `./references.ts`). */
import { defineCheck } from './definition.ts';
import { checkObjectReferences } from './references.ts';

export const objectReferenceCheck = defineCheck({
  id: 'object-reference',
  severity: 'error',
  title: 'every ConfigMap, Secret, PVC and ServiceAccount referenced exists in the build or is a declared prerequisite',
  description: 'every ConfigMap, Secret, PVC and ServiceAccount a pod or Ingress names is in the build, a declared prerequisite (below), or (a Secret) written by a controller from an object of the build: a cert-manager Certificate\'s `secretName`, an External Secrets `ExternalSecret`\'s target, a Bitnami `SealedSecret`\'s Secret',
  needs: 'build',
  run: ({ objects, expectation }) => checkObjectReferences(objects, expectation.prerequisites),
});
