/**
 * The check registry: every check `verify` runs, in report order (findings are reported check by
 * check in this order; the README's check table and `clearml-k8s checks` list them in it too).
 * To add a check: write `./<id>.ts` exporting `defineCheck({...})`, add it here, and add one broken
 * overlay `fixtures/broken/<id>/` that it, and no other check, catches.
 */
import { acceptedRisksCheck } from './accepted-risks.ts';
import { buildStderrCheck } from './build-stderr.ts';
import { buildCheck } from './build.ts';
import type { CheckDefinition } from './definition.ts';
import { deprecatedFieldCheck } from './deprecated-field.ts';
import { engineMismatchCheck } from './engine-mismatch.ts';
import { envReferenceCheck } from './env-reference.ts';
import { imageCatalogCheck } from './image-catalog.ts';
import { imageOverrideCheck } from './image-override.ts';
import { imageTagCheck } from './image-tag.ts';
import { ingressHostsCheck } from './ingress-hosts.ts';
import { intendedObjectsCheck } from './intended-objects.ts';
import { nodePortRangeCheck } from './node-port-range.ts';
import { nodePortUniqueCheck } from './node-port-unique.ts';
import { nodePortsCheck } from './node-ports.ts';
import { objectReferenceCheck } from './object-reference.ts';
import { patchReplaceCreatesCheck } from './patch-replace-creates.ts';
import { patchTargetCheck } from './patch-target.ts';
import { podSecurityCheck } from './pod-security.ts';
import { profileCheck } from './profile.ts';
import { publicCredentialsCheck } from './public-credentials.ts';
import { publicDefaultKeysCheck } from './public-default-keys.ts';
import { rbacCheck } from './rbac.ts';
import { schemaCheck } from './schema.ts';
import { selectorClashCheck } from './selector-clash.ts';
import { serviceSelectorCheck } from './service-selector.ts';
import { targetPortCheck } from './target-port.ts';
import { tlsCertificateCheck } from './tls-certificate.ts';
import { taskImagesCheck } from './task-images.ts';
import { writablePathsCheck } from './writable-paths.ts';
import { entrypointExecutableCheck } from './entrypoint-executable.ts';
import { prePopulateCheck } from './pre-populate.ts';
import { resourcesCheck } from './resources.ts';
import { elasticsearchSettingsCheck } from './elasticsearch-settings.ts';
import { mongodbSettingsCheck } from './mongodb-settings.ts';
import { singleWriterCheck } from './single-writer.ts';
import { persistentDataCheck } from './persistent-data.ts';
import { policySelectorsCheck } from './policy-selectors.ts';
import { networkReachabilityCheck } from './network-reachability.ts';
import { clusterPrerequisitesCheck } from './cluster-prerequisites.ts';
import { ingressRoutesCheck } from './ingress-routes.ts';
import { probesCheck } from './probes.ts';
import { containerPortsCheck } from './container-ports.ts';
import { keyReferencesCheck } from './key-references.ts';
import { databaseExposureCheck } from './database-exposure.ts';
import { envSemanticsCheck } from './env-semantics.ts';
import { gitopsCheck } from './gitops.ts';

export { defineCheck, findingsOf, type CheckContext, type CheckDefinition, type ContextKustomization } from './definition.ts';

/** Every check, in report order. */
export const CHECK_REGISTRY = [
  buildCheck,
  buildStderrCheck,
  engineMismatchCheck,
  deprecatedFieldCheck,
  patchTargetCheck,
  patchReplaceCreatesCheck,
  schemaCheck,
  podSecurityCheck,
  nodePortsCheck,
  nodePortRangeCheck,
  nodePortUniqueCheck,
  serviceSelectorCheck,
  selectorClashCheck,
  targetPortCheck,
  ingressHostsCheck,
  tlsCertificateCheck,
  envReferenceCheck,
  objectReferenceCheck,
  gitopsCheck,
  rbacCheck,
  imageTagCheck,
  imageOverrideCheck,
  imageCatalogCheck,
  taskImagesCheck,
  writablePathsCheck,
  entrypointExecutableCheck,
  prePopulateCheck,
  resourcesCheck,
  elasticsearchSettingsCheck,
  mongodbSettingsCheck,
  singleWriterCheck,
  persistentDataCheck,
  policySelectorsCheck,
  networkReachabilityCheck,
  clusterPrerequisitesCheck,
  ingressRoutesCheck,
  publicDefaultKeysCheck,
  probesCheck,
  containerPortsCheck,
  keyReferencesCheck,
  databaseExposureCheck,
  envSemanticsCheck,
  acceptedRisksCheck,
  profileCheck,
  publicCredentialsCheck,
  intendedObjectsCheck,
] as const;

/** The registry's checks as plain definitions (what `verifyOverlays` takes as `checks`). */
export const CHECKS_IN_ORDER: readonly CheckDefinition[] = CHECK_REGISTRY;

/** Every check id, in report order. */
export const CHECK_IDS = CHECK_REGISTRY.map((c) => c.id);

/** A stable check id (of a check in `CHECK_REGISTRY`). */
export type CheckId = (typeof CHECK_REGISTRY)[number]['id'];

/** Check id → title (one line), in report order. */
export const CHECKS = Object.fromEntries(CHECK_REGISTRY.map((c) => [c.id, c.title])) as { readonly [Id in (typeof CHECK_REGISTRY)[number]['id']]: string };
