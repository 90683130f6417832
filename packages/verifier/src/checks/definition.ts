/**
 * What a check is: a stable id, a severity, a title and a description, and a pure `run` over the
 * context of one overlay. The checks are data (`CHECK_REGISTRY` in `./index.ts`); `verifyOverlay`
 * builds the context once and runs the registry in order. Adding a check is one module exporting
 * `defineCheck({...})`, its entry in the registry, and one broken overlay under `fixtures/broken/<id>`
 * that it (and nothing else) catches.
 */
import type { ManifestObject, ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { Severity } from '@clearml-k8s/diagnostics';
import type { Exposure } from '@clearml-k8s/overlay-composer';
import type { Engine } from '../engine.ts';
import type { CheckFinding } from '../finding.ts';
import type { PatchAnalysis } from '../patch-analysis.ts';
import type { RenderResult } from '../render-overlay.ts';
import type { SchemaValidator } from '../schema.ts';
import type { OverlayExpectation } from '../expectation.ts';
import type { ImageOverride } from './images-common.ts';

/** The GitOps file of an overlay, as read. */
export interface GitopsFile {
  /** Repository-relative file (`overlays/sites/acme/gitops.yaml`). */
  file: string;
  /** Its documents (empty when it does not parse). */
  documents: readonly unknown[];
  /** Why it does not parse, or null. */
  parseError: string | null;
}

/** One of the overlay's own kustomization files (the top one first, then its components and local resource directories). */
export interface ContextKustomization {
  /** Repository-relative file (absolute when outside the repository), as findings name it. */
  file: string;
  /** The parsed document. */
  content: Record<string, any>;
}

/** Everything a check may read about one overlay. Built once per overlay by `verifyOverlay`; checks must not change it. */
export interface CheckContext {
  /** The overlay as named in the report (`overlays/latest`, `fixtures/broken/rbac`). */
  overlay: string;
  /** The engines, in the order given. */
  engines: readonly Engine[];
  /** One build per engine, in the order of `engines`. */
  renders: readonly RenderResult[];
  /** The build the checks read: the first that succeeded, else the first. */
  primary: RenderResult;
  /** The objects of `primary` (empty when it failed). */
  objects: readonly ManifestObject[];
  /** What the overlay must render and promise (`expectationFor`). */
  expectation: OverlayExpectation;
  /** `expectation.exposure`, or the exposure the build shows (NodePort apiserver, or an `api.` Ingress host); null when neither. */
  exposure: Exposure | null;
  /** The overlay's own kustomization files. */
  kustomizations: readonly ContextKustomization[];
  /** The `images:` entries of those files, in file order. */
  imageOverrides: readonly ImageOverride[];
  /**
   * The replay of the top kustomization's `patches` on what it builds on (`analysePatches`); null
   * when there is nothing to replay on (no kustomization, or a parent that does not build).
   */
  patches: PatchAnalysis | null;
  /**
   * The GitOps objects beside the overlay's kustomization (`gitops.yaml`, which `compose` writes for a
   * site with `gitops`: an Argo CD Application or Flux GitRepository and Kustomization; not part of
   * the build), or null when the overlay has none.
   */
  gitops: GitopsFile | null;
  /** The Kubernetes OpenAPI validator of the run. */
  schema: SchemaValidator;
  /** The release catalog of the run (named in image findings). */
  catalog: ReleaseCatalog;
}

/**
 * A check.
 * @typeParam Id the check's id, a literal (`'node-ports'`): `run` can only return findings of it.
 */
export interface CheckDefinition<Id extends string = string> {
  /** Stable id, lower-case with dashes; findings and the README name the check by it. */
  readonly id: Id;
  /** `error` fails `verify` (exit 1); `warning` is reported and exits 0 unless `--strict`. */
  readonly severity: Severity;
  /** One line, plain text (`clearml-k8s checks`). */
  readonly title: string;
  /** What the check asserts, in Markdown (the README's check table). */
  readonly description: string;
  /**
   * `render`: runs on every overlay, reading the engines' raw results and the kustomization files;
   * `build`: runs only when the checked build succeeded and printed Kubernetes objects.
   */
  readonly needs: 'render' | 'build';
  /** The findings over one overlay, in report order; never throws for bad input (that is a finding). */
  run(context: CheckContext): CheckFinding<Id>[];
  /**
   * For a check about the other checks' findings (`accepted-risks`): called once every check's
   * `run` has returned, with their findings (severity set) and the checks of the run; its findings
   * follow `run`'s.
   */
  after?(context: CheckContext, earlier: readonly CheckFinding[], checks: readonly CheckDefinition[]): CheckFinding<Id>[];
}

/** Declares a check (keeps its id a literal type). */
export function defineCheck<const Id extends string>(definition: CheckDefinition<Id>): CheckDefinition<Id> {
  return Object.freeze(definition);
}

/** The findings of `findings` whose check is `id`, typed as such. */
export function findingsOf<Id extends string>(findings: readonly CheckFinding<string>[], id: Id): CheckFinding<Id>[] {
  return findings.filter((f): f is CheckFinding<Id> => f.check === id);
}
