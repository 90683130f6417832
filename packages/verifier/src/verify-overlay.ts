/**
 * Verifies one overlay directory: build it with every engine, read its kustomization files, replay
 * its patches on what it builds on, then run every check that applies. Findings on fields that one
 * of the overlay's own patch operations wrote name that kustomization file, patch and operation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { objectId, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { diffDocuments, valueAt, type Exposure, type PodSecurityLevel, type Prerequisite, type RepositoryPromises } from '@clearml-k8s/overlay-composer';
import { checkBuild } from './checks/build.ts';
import { checkImages, type ImageOverride, type ImagePolicy } from './checks/images.ts';
import { checkIngressHosts, ingressHostsOf, observedHosts } from './checks/ingress-hosts.ts';
import { checkIntendedObjects } from './checks/intended-objects.ts';
import { checkNodePorts, defaultNodePorts, observedNodePorts } from './checks/node-ports.ts';
import { checkPodSecurity } from './checks/pod-security.ts';
import { checkProfile } from './checks/profile.ts';
import { checkRbac } from './checks/rbac.ts';
import { checkEnvReferences, checkObjectReferences } from './checks/references.ts';
import { checkSchema } from './checks/schema.ts';
import { checkServices } from './checks/services.ts';
import { engineLabel, type Engine } from './engine.ts';
import type { CheckFinding, Finding } from './finding.ts';
import { DEPRECATED_FIELDS, localDirectories, localResourceFiles, ownKustomizations, patchEntries, readKustomization } from './kustomization-files.ts';
import { analysePatches, sourceOf, type PatchWrite } from './patch-analysis.ts';
import { renderOverlay, type RenderResult } from './render-overlay.ts';
import { VerifierError } from './verifier-error.ts';
import type { SchemaValidator } from './schema.ts';

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

/** The report of one overlay. */
export interface OverlayReport {
  /** The directory as given (repository-relative when under the root). */
  dir: string;
  ok: boolean;
  /** Number of objects rendered (by the first engine). */
  resources: number;
  /** NodePorts of the endpoints in the build, by host label (`api`, `app`, `files`). */
  nodePorts: Record<string, number>;
  /** Ingress hosts in the build. */
  hosts: string[];
  findings: Finding[];
  /** Wall time of the builds and checks, in milliseconds (of the run that produced the report). */
  durationMs: number;
  /** Set when the report was reused from the verify cache. */
  cached?: boolean;
}

/** Shared state of one verify run. */
export interface VerifyContext {
  root: string;
  /** The release catalog the run verifies against (named in image findings). */
  catalog: ReleaseCatalog;
  /** The engines; the first one's output is checked, the others are compared with it. */
  engines: readonly Engine[];
  schema: SchemaValidator;
  /** Builds of parent directories, shared by the overlays of the run (absolute dir → render). */
  parentBuilds: Map<string, Promise<RenderResult>>;
  /** Each build is killed after this long, in milliseconds (default `DEFAULT_BUILD_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Aborted when the run fails for good: builds still running are killed. */
  signal?: AbortSignal;
}

/** How long one `kustomize build` may take by default, in milliseconds (a small overlay takes 0.1 s). */
export const DEFAULT_BUILD_TIMEOUT_MS = 120_000;

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

function inferExposure(objects: readonly ManifestObject[]): Exposure | null {
  const apiHost = observedHosts(objects).find((h) => h.startsWith('api.'));
  if (apiHost) return { kind: 'ingress', baseDomain: apiHost.slice('api.'.length) };
  const api = objects.find((o: any) => o.kind === 'Service' && o.metadata.name === 'clearml-apiserver') as any;
  return api?.spec?.type === 'NodePort' ? { kind: 'nodePort' } : null;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/**
 * Check `engine-mismatch`: each further engine's build compared with the first, objects paired by
 * `Kind/namespace/name` (output order is not compared), at most 10 differing fields per object.
 * @param renders one per engine, same order as `engines`.
 * @param overlay the overlay as named in the report.
 */
export function compareEngines(engines: readonly Engine[], renders: readonly RenderResult[], overlay: string): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const [first, ...others] = renders;
  const name = (i: number) => engineLabel(engines[i]!);
  others.forEach((other, k) => {
    const i = k + 1;
    if ((other.exitCode === 0) !== (first!.exitCode === 0)) {
      const failed = other.exitCode === 0 ? 0 : i;
      findings.push({ check: 'engine-mismatch', resource: overlay, path: '', message: `builds with ${name(failed === 0 ? i : 0)} but fails with ${name(failed)}: ${(failed === 0 ? first! : other).stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)}`, hint: 'use only kustomization features every supported kustomize has (v5.0.1 in kubectl 1.27 and later)' });
      return;
    }
    if (other.exitCode !== 0) return;
    const a = new Map(first!.objects.map((o) => [objectId(o), o]));
    const b = new Map(other.objects.map((o) => [objectId(o), o]));
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(id);
      const y = b.get(id);
      if (!x || !y) {
        findings.push({ check: 'engine-mismatch', resource: id, path: '', message: `${name(x ? 0 : i)} renders ${id}, ${name(x ? i : 0)} does not`, hint: 'use only kustomization features every supported kustomize has' });
        continue;
      }
      for (const op of diffDocuments(x, y).slice(0, 10)) {
        findings.push({ check: 'engine-mismatch', resource: id, path: op.path, message: `${name(0)} renders ${show(valueAt(x, op.path))}, ${name(i)} renders ${show(valueAt(y, op.path))}`, hint: 'use only kustomization features every supported kustomize has' });
      }
    }
  });
  return findings;
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

/**
 * Builds `absoluteDir` with every engine of `ctx` and runs the checks.
 * @param displayDir how the overlay is named in the report.
 */
export async function verifyOverlay(ctx: VerifyContext, absoluteDir: string, displayDir: string, expectation: OverlayExpectation): Promise<OverlayReport> {
  const started = performance.now();
  const kustomizations = ownKustomizations(absoluteDir);
  const top = kustomizations[0];
  const parentDirs = top ? localDirectories(top).filter((d) => !(top.content.components ?? []).some((c: string) => path.resolve(top.dir, c) === d)) : [];
  const buildParent = (dir: string) => {
    let build = ctx.parentBuilds.get(dir);
    if (!build) ctx.parentBuilds.set(dir, (build = renderOverlay(ctx.engines[0]!, dir, { timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) })));
    return build;
  };
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  const [renders, parentRenders] = await Promise.all([Promise.all(ctx.engines.map((e) => renderOverlay(e, absoluteDir, { timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) }))), Promise.all(parentDirs.map(buildParent))]);
  const hung = [...renders.map((r, i) => ({ r, engine: ctx.engines[i]!, dir: displayDir })), ...parentRenders.map((r, i) => ({ r, engine: ctx.engines[0]!, dir: relative(ctx.root, parentDirs[i]!) }))].find((b) => b.r.timedOut);
  if (hung) {
    const seconds = `${timeoutMs / 1000} s`;
    throw new VerifierError('BUILD_TIMEOUT', `${hung.dir}: expected ${engineLabel(hung.engine)} to build it within ${seconds}, received no result after ${seconds} (the engine and every process it started were killed); raise --timeout SECONDS (or $CLEARML_K8S_BUILD_TIMEOUT), or find what the engine waits for (a remote resource, a slow disk)`, hung.dir);
  }
  // Checks run on the first engine's build, or on the first that succeeded when only some did
  // (then `engine-mismatch` is the finding, not `build`).
  const primary = renders.find((r) => r.exitCode === 0) ?? renders[0]!;
  const objects = primary.objects;
  const findings: CheckFinding[] = [];

  const reportedDeprecations = new Set<string>();
  const overrides: ImageOverride[] = [];
  for (const k of kustomizations) {
    const file = relative(ctx.root, k.file);
    for (const field of Object.keys(k.content)) {
      if (DEPRECATED_FIELDS[field]) {
        reportedDeprecations.add(field);
        findings.push({ check: 'deprecated-field', resource: file, path: `/${field}`, message: `${field} is deprecated since kustomize v5 (it warns on stderr and goes away in Kustomization v1)`, hint: `use ${DEPRECATED_FIELDS[field]} instead (kustomize edit fix rewrites it)` });
      }
    }
    (Array.isArray(k.content.images) ? k.content.images : []).forEach((entry: any, index: number) => overrides.push({ file, index, entry: entry ?? {} }));
  }
  findings.push(...checkBuild(primary, displayDir, reportedDeprecations));
  renders.forEach((r, i) => {
    if (r !== primary && r.exitCode === 0) findings.push(...checkBuild(r, displayDir, reportedDeprecations).map((f) => ({ ...f, message: `${engineLabel(ctx.engines[i]!)}: ${f.message}` })));
  });
  findings.push(...compareEngines(ctx.engines, renders, displayDir));

  let writes: PatchWrite[] = [];
  if (primary.exitCode === 0 && !primary.parseError) {
    if (top && parentRenders.every((r) => r.exitCode === 0)) {
      const parents = [...parentRenders.flatMap((r) => r.objects), ...localResourceFiles(top).flatMap((f) => safeParse(f))];
      const analysis = analysePatches(relative(ctx.root, top.file), patchEntries(top), parents, objects);
      findings.push(...analysis.findings);
      writes = analysis.writes;
    }
    findings.push(...checkSchema(objects, ctx.schema));
    findings.push(...checkPodSecurity(objects, expectation.podSecurity));
    const exposure = expectation.exposure ?? inferExposure(objects);
    if (exposure?.kind === 'nodePort') findings.push(...checkNodePorts(objects, { kind: 'nodePort', nodePorts: exposure.nodePorts ?? defaultNodePorts() }));
    if (exposure?.kind === 'ingress') {
      findings.push(...checkNodePorts(objects, { kind: 'none' }));
      findings.push(...checkIngressHosts(objects, ingressHostsOf(exposure)));
    }
    findings.push(...checkServices(objects));
    findings.push(...checkEnvReferences(objects));
    findings.push(...checkObjectReferences(objects, expectation.prerequisites));
    findings.push(...checkRbac(objects, { clusterRoles: expectation.clusterRoles ?? [], prerequisites: expectation.prerequisites }));
    findings.push(...checkImages(objects, expectation.imagePolicy, overrides, expectation.expectedImages, ctx.catalog));
    findings.push(...checkProfile(objects, { podSecurity: expectation.podSecurity, exposure, imagePolicy: expectation.imagePolicy, floatingImages: expectation.floatingImages, tls: expectation.tls }));
    if (expectation.intended) findings.push(...checkIntendedObjects(objects, expectation.intended));
  }
  const lineIn = new Map(kustomizations.map((k) => [relative(ctx.root, k.file), k]));
  const traced: Finding[] = findings.map((f) => {
    const found = f.source ?? sourceOf(writes, f.resource, f.path);
    const line = found ? lineIn.get(found.file)?.lineOf(`/${found.field}/${found.index}`) : null;
    const source = found && line ? { ...found, line } : found;
    return { overlay: displayDir, ...f, ...(source ? { source } : {}) };
  });
  return {
    dir: displayDir,
    ok: traced.length === 0,
    resources: objects.length,
    nodePorts: observedNodePorts(objects),
    hosts: observedHosts(objects),
    findings: traced,
    durationMs: Math.round(performance.now() - started),
  };
}

function safeParse(file: string): ManifestObject[] {
  try {
    return parseManifests(readFileSync(file, 'utf8'), file) as ManifestObject[];
  } catch {
    return []; // the build reports unreadable resources
  }
}
