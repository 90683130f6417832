/**
 * What `verify` expects of a directory: the composer's promise for it, the inherited part of one it
 * builds on, or nothing (a tree that is not ours). Read by the checks through their context.
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { Exposure, PodSecurityLevel, Prerequisite, RepositoryPromises } from '@clearml-k8s/overlay-composer';
import { localDirectories, readKustomization } from './kustomization-files.ts';

/** Whether an overlay pins its images or follows `latest` (for ClearML's own images). */
export type ImagePolicy = 'pinned' | 'latest';

/** What an overlay must render and promise: the composer's promise, inherited parts of one, or nothing. */
export interface OverlayExpectation {
  /** How endpoints are exposed; `null` infers it from the build. */
  exposure: Exposure | null;
  /** The composer's objects for this overlay; `null` skips `intended-objects`. */
  intended: readonly ManifestObject[] | null;
  /** The declared Pod Security level, or `null` to use the namespace labels (else baseline). */
  podSecurity: PodSecurityLevel | null;
  imagePolicy: ImagePolicy;
  /** Objects the operator creates first; references to them are not findings. */
  prerequisites: readonly Prerequisite[];
  /** Repository → tag the containers must run (empty for trees that are not ours). */
  expectedImages: Record<string, string>;
  /** Repositories that must pull `Always` (they follow a moving tag). */
  floatingImages: readonly string[];
  /** Whether Ingress hosts must have TLS (default true). */
  tls?: boolean;
  /**
   * Names of the ClusterRoles and ClusterRoleBindings the overlay may create or bind to (default
   * none): any other cluster-scoped RBAC object in the build is an `rbac` finding.
   */
  clusterRoles?: readonly string[];
  /** The promise the expectation comes from (`null` for a tree that is not ours). */
  promise: { dir: string; inherited: boolean } | null;
}

/**
 * The expectation for a directory, from the composer's promises (never from a directory's name):
 * a directory the composer writes (`overlays/<profile>`, `overlays/sites/<name>` under the root)
 * must render its promise's objects and keep its promises. A directory built on one of them
 * (directly or further down) inherits its Pod Security level, image policy, expected images and
 * prerequisites. Any other tree (someone else's, a rendered Helm chart) gets the generic and stack
 * checks: exposure inferred from the build, no intended objects, no catalog expectations.
 * @param promises the repository's promises, or `null` when verifying outside a repository.
 * @throws SiteSpecError when a site's spec is invalid.
 */
export function expectationFor(dir: string, promises: RepositoryPromises | null): OverlayExpectation {
  const own = promises?.of(dir) ?? null;
  if (own) {
    return {
      exposure: own.exposure,
      intended: own.intended,
      podSecurity: own.podSecurity,
      imagePolicy: own.imagePolicy,
      prerequisites: own.prerequisites,
      expectedImages: own.expectedImages,
      floatingImages: own.floatingImages,
      tls: own.tls,
      clusterRoles: own.clusterRoles,
      promise: { dir: own.dir, inherited: false },
    };
  }
  // Built on one of ours: inherit what the operator must provide and the image and Pod Security promises.
  const seen = new Set<string>();
  const queue = [dir];
  while (promises && queue.length) {
    const d = queue.shift()!;
    if (seen.has(d)) continue;
    seen.add(d);
    const parent = d === dir ? null : promises.of(d);
    if (parent) {
      return {
        exposure: null,
        intended: null,
        podSecurity: parent.podSecurity,
        imagePolicy: parent.imagePolicy,
        prerequisites: parent.prerequisites,
        expectedImages: parent.expectedImages,
        floatingImages: parent.floatingImages,
        promise: { dir: parent.dir, inherited: true },
      };
    }
    const k = readKustomization(d);
    if (k) queue.push(...localDirectories(k));
  }
  return { exposure: null, intended: null, podSecurity: null, imagePolicy: 'pinned', prerequisites: [], expectedImages: {}, floatingImages: [], promise: null };
}

