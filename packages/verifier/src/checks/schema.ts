/**
 * Check `schema`: every rendered object against the Kubernetes OpenAPI schemas (types, required
 * fields, enums, formats) with unknown fields rejected, like `kubectl --validate=strict`. Custom
 * resources of `CRD_MODEL_PACKAGES` (a site's cert-manager Certificate, ExternalSecret, SealedSecret)
 * are checked against their CRD schemas (types, required fields, enums; no unknown-field check);
 * other custom resources are skipped.
 *
 * A pod template embedded in a ConfigMap (`data["template.yaml"]`, the ClearML k8s glue's task pod)
 * is validated too, as a v1 Pod: the glue fills in container `name` and `image`, so those (and
 * `metadata.name`) get placeholders when absent, and violations are reported under
 * `/data/template.yaml#` (e.g. `/data/template.yaml#/spec/containers/0/securityContxt`).
 * @see ../schema.ts
 * @see ../pod-templates.ts
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { defineCheck } from './definition.ts';
import { podTemplates } from '../pod-templates.ts';
import type { SchemaValidator, SchemaViolation } from '../schema.ts';

/** Runs the check with a loaded validator (`loadSchemaValidator()`). */
export function checkSchema(objects: readonly ManifestObject[], validator: SchemaValidator): CheckFinding<'schema'>[] {
  const findings: CheckFinding<'schema'>[] = objects.flatMap((object) =>
    (validator.validate(object) ?? []).map((v) => ({ check: 'schema' as const, resource: objectId(object), path: v.path, message: v.message, hint: v.hint })),
  );
  for (const t of podTemplates(objects)) {
    if (t.running) continue;
    for (const v of validateEmbeddedTemplate(t.template, validator)) {
      findings.push({ check: 'schema', resource: objectId(t.owner), path: `${t.path}${v.path}`, message: `${v.message} (in the pod template ${t.path.slice(0, -1)})`, hint: v.hint });
    }
  }
  return findings;
}

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Validates a pod template document (`{apiVersion?, kind?, metadata?, spec: {containers: [...]}}`)
 * as a v1 Pod, with placeholders for `metadata.name` and each container's `name` and `image` when
 * absent. Violations at the placeholders' paths are dropped.
 * @returns violations with JSON pointers into the document.
 */
function validateEmbeddedTemplate(doc: Record<string, any>, validator: SchemaValidator): SchemaViolation[] {
  const placeholders = new Set<string>();
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  if (metadata.name === undefined) placeholders.add('/metadata/name');
  const containers = (doc.spec.containers as unknown[]).map((c, i) => {
    if (!isObject(c)) return c;
    for (const field of ['name', 'image']) if (c[field] === undefined) placeholders.add(`/spec/containers/${i}/${field}`);
    return { name: 'task', image: 'task', ...c };
  });
  const pod = { ...doc, apiVersion: 'v1', kind: 'Pod', metadata: { name: 'task', ...metadata }, spec: { ...doc.spec, containers } };
  return (validator.validate(pod) ?? []).filter((v) => !placeholders.has(v.path));
}

export const schemaCheck = defineCheck({
  id: 'schema',
  severity: 'error',
  title: 'every object is valid against the Kubernetes OpenAPI schema; unknown fields rejected',
  description: 'every object is valid against the Kubernetes OpenAPI schemas (kubernetes-models, Kubernetes 1.33), unknown fields rejected (field lists of @kubernetes/client-node), with "did you mean"; custom resources of cert-manager, External Secrets Operator and sealed-secrets (a site\'s Certificate, ExternalSecret, SealedSecret) against their CRD schemas (@kubernetes-models/cert-manager, /external-secrets, /sealed-secrets: types, required fields, enums); other custom resources are skipped',
  needs: 'build',
  run: (context) => checkSchema(context.objects, context.schema),
});
