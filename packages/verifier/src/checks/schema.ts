/**
 * Check `schema`: every rendered object against the Kubernetes OpenAPI schemas (types, required
 * fields, enums, formats) with unknown fields rejected, like `kubectl --validate=strict`. Objects
 * of kinds without a built-in schema (custom resources) are skipped.
 * @see ../schema.ts
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import type { SchemaValidator } from '../schema.ts';

/** Runs the check with a loaded validator (`loadSchemaValidator()`). */
export function checkSchema(objects: readonly ManifestObject[], validator: SchemaValidator): CheckFinding[] {
  return objects.flatMap((object) =>
    (validator.validate(object) ?? []).map((v) => ({ check: 'schema' as const, resource: objectId(object), path: v.path, message: v.message, hint: v.hint })),
  );
}
