/**
 * Composes one overlay: diffs parent and desired objects, emits the differences as RFC 6902
 * patches with a `target` (kind + name), image changes as `images:`, new objects as resource
 * files, and proves the result reproduces the desired objects.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  generatedHeader,
  kustomization as makeKustomization,
  memoByJson,
  objectId,
  sortObjects,
  type AcceptedRisk,
  type GeneratedFile,
  type Kustomization,
  type KustomizePatch,
  type ManifestObject,
} from '@clearml-k8s/base-manifests';
import { stringifyManifests, stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import { ComposerError } from '../composer-error.ts';
import { guardIndexPaths } from './index-guards.ts';
import { extractImageOverrides } from './image-overrides.ts';
import { envRemovals } from './env-removals.ts';
import { diffDocuments, sameJson, type PatchOperation } from './json-patch.ts';
import { applyNamespace, simulateOverlay } from '../kustomize/kustomize-model.ts';

/** The result of composing an overlay. */
export interface ComposedOverlay {
  /** Repository-relative directory, e.g. `overlays/enterprise`. */
  dir: string;
  kustomization: Kustomization;
  /** New objects, grouped into files inside `dir` (file name → objects). */
  resourceFiles: { file: string; objects: ManifestObject[] }[];
  /** What the overlay must render (the profile's output), sorted by object id. */
  intended: ManifestObject[];
  /** The generated files: resource files and `kustomization.yaml`. */
  files: GeneratedFile[];
}

/** `PersistentVolumeClaim` → `persistent-volume-claims.yaml`, `Ingress` → `ingresses.yaml`, `NetworkPolicy` → `network-policies.yaml`. */
export function resourceFileName(kind: string): string {
  const kebab = kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  const plural = kebab.endsWith('s') ? `${kebab}es` : /[^aeiou]y$/.test(kebab) ? `${kebab.slice(0, -1)}ies` : `${kebab}s`;
  return `${plural}.yaml`;
}

/**
 * The YAML text of a patch's operations on its parent object with their index guards
 * (`guardIndexPaths`), kept by the input's JSON text (`memoByJson`): sites of one parent send the
 * same parent object and operations (the kustomization, not a patch, sets their namespace).
 */
const guardedPatchText = memoByJson(([parent, operations]: [ManifestObject, readonly PatchOperation[]]) => stringifyValue(guardIndexPaths(parent, operations)), 5_000);

/**
 * Composes an overlay directory from parent and desired objects.
 *
 * @param input.dir repository-relative overlay directory (`overlays/latest`).
 * @param input.parentDir repository-relative directory of the parent (`base`).
 * @param input.parentObjects what `kustomize build parentDir` renders.
 * @param input.desiredObjects what this overlay must render.
 * @param input.source the source named in the generated header.
 * @throws ComposerError `COMPOSE_OBJECT_REMOVED` when a parent object is missing from the desired
 *   objects (JSON patches cannot delete objects) and `allowRemoval` is not set; `COMPOSE_NOT_EQUIVALENT` when the emitted
 *   kustomization would not reproduce the desired objects (a composer bug).
 * @see https://www.rfc-editor.org/rfc/rfc6902
 */
export function composeOverlay(input: {
  dir: string;
  parentDir: string;
  parentObjects: readonly ManifestObject[];
  desiredObjects: readonly ManifestObject[];
  source: string;
  /** Parent objects missing from `desiredObjects` are deleted with `$patch: delete` instead of refused. */
  allowRemoval?: boolean;
  /** Moves every object into this namespace with the kustomization's `namespace:` (applied last). */
  namespace?: string;
  /** Warnings the overlay accepts, written as annotations of the Kustomization (`ACCEPT_ANNOTATION_PREFIX`). */
  acceptedRisks?: readonly AcceptedRisk[];
}): ComposedOverlay {
  const desiredById = new Map(input.desiredObjects.map((o) => [objectId(o), o]));
  const parentIds = new Set(input.parentObjects.map(objectId));
  const changes = new Map<string, { object: ManifestObject; operations: PatchOperation[] }>();
  const deletions: KustomizePatch[] = [];
  for (const parent of input.parentObjects) {
    const desired = desiredById.get(objectId(parent));
    if (!desired && input.allowRemoval) {
      deletions.push({ target: { kind: parent.kind, name: parent.metadata.name }, patch: stringifyValue({ $patch: 'delete', apiVersion: parent.apiVersion, kind: parent.kind, metadata: { name: parent.metadata.name } }) });
      continue;
    }
    if (!desired) {
      throw new ComposerError(
        'COMPOSE_OBJECT_REMOVED',
        `${input.dir}: the profile removes ${objectId(parent)}; expected every parent object to remain (JSON 6902 patches cannot delete objects); received no such object; keep the object and change its fields instead`,
        input.dir,
      );
    }
    const { aligned, removals } = envRemovals(parent, desired);
    changes.set(objectId(parent), { object: parent, operations: [...removals, ...diffDocuments(aligned, desired)] });
  }
  const { images, operationsById } = extractImageOverrides(input.parentObjects, changes);

  const patches: KustomizePatch[] = [];
  for (const parent of input.parentObjects.filter((o) => changes.has(objectId(o)))) {
    const operations = operationsById.get(objectId(parent)) ?? [];
    if (operations.length === 0) continue;
    patches.push({
      target: { kind: parent.kind, name: parent.metadata.name },
      patch: guardedPatchText([parent, operations]),
    });
  }

  const added = sortObjects(input.desiredObjects.filter((o) => !parentIds.has(objectId(o))));
  const resourceFiles: { file: string; objects: ManifestObject[] }[] = [];
  for (const object of added) {
    const file = resourceFileName(object.kind);
    const group = resourceFiles.find((f) => f.file === file);
    if (group) group.objects.push(object);
    else resourceFiles.push({ file, objects: [object] });
  }
  resourceFiles.sort((a, b) => a.file.localeCompare(b.file));

  const kustomization = makeKustomization({
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.acceptedRisks ? { acceptedRisks: input.acceptedRisks } : {}),
    resources: [path.posix.relative(input.dir, input.parentDir), ...resourceFiles.map((f) => f.file)],
    images,
    patches: [...deletions, ...patches],
  });
  const intended = sortObjects(input.namespace ? applyNamespace(input.desiredObjects, input.namespace) : input.desiredObjects);
  const simulated = sortObjects(simulateOverlay(input.parentObjects, kustomization, added));
  if (!sameJson(simulated, intended) && !isDeepStrictEqual(simulated, intended)) {
    throw new ComposerError(
      'COMPOSE_NOT_EQUIVALENT',
      `${input.dir}: the composed kustomization does not reproduce the profile's objects; expected ${intended.length} objects as the profile returns them, received a different rendering; this is a composer bug, report it with the profile name`,
      input.dir,
    );
  }
  const header = generatedHeader(input.source);
  const files: GeneratedFile[] = [
    ...resourceFiles.map((f) => ({ path: `${input.dir}/${f.file}`, content: stringifyManifests(f.objects, header) })),
    { path: `${input.dir}/kustomization.yaml`, content: stringifyManifests([kustomization], header) },
  ];
  return { dir: input.dir, kustomization, resourceFiles, intended, files };
}
