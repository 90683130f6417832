/**
 * Check `gitops`: the GitOps objects beside an overlay (`gitops.yaml`, which `compose` writes for a site
 * with `gitops`; not part of the build) deploy exactly this overlay, prune, and order the Secret's
 * source before the workloads. Nothing is read when an overlay has no such file.
 * - Every document is an Argo CD `Application`, a Flux `Kustomization` or `GitRepository`, valid
 *   against the maintained models' CRD schemas (`@kubernetes-models/argo-cd`, `@kubernetes-models/flux-cd`:
 *   types, required fields, enums, through the run's schema validator).
 * - An Application syncs this overlay's directory (`spec.source.path`) into the build's namespace
 *   (`spec.destination.namespace`) with automated pruning (`syncPolicy.automated.prune: true`)
 *   (https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/). With an Application, the
 *   build's ExternalSecrets and SealedSecrets (the objects a controller makes the pods' Secret from)
 *   are in a sync wave before every workload, and every Namespace in a wave no later than theirs:
 *   Argo CD applies a wave only when the waves before it are healthy, namespaces first within a wave
 *   (argoproj/argo-cd docs/user-guide/sync-waves.md).
 * - A Kustomization applies this overlay's directory (`spec.path`) with `prune: true` and health
 *   checks (`wait: true` or `healthChecks`), so that Flux reports it Ready only once the Secret's
 *   source and the workloads are; its `sourceRef`, when it names a GitRepository of the file, names
 *   one that is there (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md: Prune, Wait,
 *   Source reference).
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { SYNC_WAVE_ANNOTATION } from '@clearml-k8s/overlay-composer';
import { buildDefaultNamespace } from '../build-namespace.ts';
import type { CheckFinding } from '../finding.ts';
import { defineCheck, type CheckContext } from './definition.ts';

/** The kinds a GitOps file may hold, by `apiVersion` group. */
const GITOPS_KINDS: Record<string, string> = { Application: 'argoproj.io', Kustomization: 'kustomize.toolkit.fluxcd.io', GitRepository: 'source.toolkit.fluxcd.io' };
/** Workload kinds whose pods read the Secret. */
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
/** Kinds from which a controller makes a Secret in the cluster. */
const SECRET_SOURCES: Record<string, string> = { ExternalSecret: 'external-secrets.io', SealedSecret: 'bitnami.com' };

const groupOf = (o: { apiVersion?: unknown }) => (typeof o.apiVersion === 'string' && o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '');
/** A path as Argo CD and Flux read it, relative to the repository root: no `./`, no trailing `/`. */
const normalise = (p: unknown) => (typeof p === 'string' ? p.replace(/^(\.\/)+/, '').replace(/\/+$/, '') : p);
const waveOf = (o: ManifestObject): number => {
  const value = o.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  const wave = value === undefined ? 0 : Number(value);
  return Number.isInteger(wave) ? wave : 0;
};
const WAVE_POINTER = `/metadata/annotations/${SYNC_WAVE_ANNOTATION.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** Findings of `gitops` over one overlay's context. Never throws. */
export function checkGitops(context: Pick<CheckContext, 'overlay' | 'gitops' | 'objects' | 'schema'>): CheckFinding<'gitops'>[] {
  const file = context.gitops;
  if (!file) return [];
  const findings: CheckFinding<'gitops'>[] = [];
  const add = (resource: string, path: string, message: string, hint: string) => findings.push({ check: 'gitops', resource, path, message, hint });
  if (file.parseError) {
    add(file.file, '', `does not parse: ${file.parseError}`, 'run clearml-k8s compose to write it again');
    return findings;
  }
  const overlay = normalise(context.overlay);
  const namespace = buildDefaultNamespace(context.objects);
  const repositories = new Set<string>();
  const documents = file.documents.filter((d): d is Record<string, any> => !!d && typeof d === 'object' && !Array.isArray(d));
  for (const d of documents) if (d.kind === 'GitRepository' && groupOf(d) === GITOPS_KINDS.GitRepository) repositories.add(`${d.metadata?.namespace ?? ''}/${d.metadata?.name}`);
  let argo = false;
  file.documents.forEach((document, index) => {
    const d = document as Record<string, any>;
    const known = !!d && typeof d === 'object' && typeof d.kind === 'string' && GITOPS_KINDS[d.kind] === groupOf(d) && typeof d.metadata?.name === 'string';
    if (!known) {
      add(`${file.file}#${index}`, '', `document ${index} is not an Argo CD Application, Flux Kustomization or GitRepository (received ${d && typeof d === 'object' ? `${String(d.apiVersion)} ${String(d.kind)}` : JSON.stringify(d)})`, 'keep only the objects compose writes there: run clearml-k8s compose');
      return;
    }
    const resource = objectId(d as ManifestObject);
    for (const v of context.schema.validate(d) ?? []) add(resource, v.path, `${v.message} (${file.file})`, v.hint);
    const spec = d.spec ?? {};
    if (d.kind === 'Application') {
      argo = true;
      if (normalise(spec.source?.path) !== overlay) add(resource, '/spec/source/path', `syncs ${JSON.stringify(spec.source?.path)}, expected this overlay's directory ${overlay}`, `set spec.source.path to ${overlay} (compose writes it so)`);
      if (spec.syncPolicy?.automated?.prune !== true) add(resource, '/spec/syncPolicy/automated/prune', `expected automated sync with prune: true, received ${JSON.stringify(spec.syncPolicy?.automated?.prune)}: objects removed from git would stay in the cluster`, 'set spec.syncPolicy.automated.prune: true');
      if (namespace && spec.destination?.namespace !== namespace) add(resource, '/spec/destination/namespace', `deploys into ${JSON.stringify(spec.destination?.namespace)}, expected the build's namespace ${namespace}`, `set spec.destination.namespace to ${namespace}`);
    } else if (d.kind === 'Kustomization') {
      if (normalise(spec.path) !== overlay) add(resource, '/spec/path', `applies ${JSON.stringify(spec.path)}, expected this overlay's directory ./${overlay}`, `set spec.path to ./${overlay} (compose writes it so)`);
      if (spec.prune !== true) add(resource, '/spec/prune', `expected prune: true, received ${JSON.stringify(spec.prune)}: objects removed from git would stay in the cluster`, 'set spec.prune: true');
      if (spec.wait !== true && !(Array.isArray(spec.healthChecks) && spec.healthChecks.length)) add(resource, '/spec/wait', `expected wait: true (or healthChecks), received ${JSON.stringify(spec.wait)}: Flux would report the site Ready before its Secret and workloads are`, 'set spec.wait: true');
      const source = spec.sourceRef;
      const named = `${source?.namespace ?? d.metadata.namespace ?? ''}/${source?.name}`;
      if (source?.kind === 'GitRepository' && repositories.size && !repositories.has(named)) add(resource, '/spec/sourceRef/name', `reads GitRepository ${named}, which the file does not hold (it holds ${[...repositories].join(', ')})`, 'name the GitRepository of the file');
    }
  });
  if (argo) findings.push(...syncWaveFindings(context.objects));
  return findings;
}

/** The Argo CD ordering: Secret sources before every workload, Namespaces no later than the sources. */
function syncWaveFindings(objects: readonly ManifestObject[]): CheckFinding<'gitops'>[] {
  const sources = objects.filter((o) => SECRET_SOURCES[o.kind] === groupOf(o));
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  if (!sources.length || !workloads.length) return [];
  const findings: CheckFinding<'gitops'>[] = [];
  const firstWorkload = Math.min(...workloads.map(waveOf));
  const firstSource = Math.min(...sources.map(waveOf));
  for (const s of sources) {
    if (waveOf(s) >= firstWorkload) {
      findings.push({ check: 'gitops', resource: objectId(s), path: WAVE_POINTER, message: `is in sync wave ${waveOf(s)}, not before the workloads (first in wave ${firstWorkload}): Argo CD may start pods before the controller wrote their Secret`, hint: `annotate it ${SYNC_WAVE_ANNOTATION}: "${firstWorkload - 1}" (compose does for sites with gitops.tool argocd)` });
    }
  }
  for (const n of objects.filter((o) => o.kind === 'Namespace')) {
    if (waveOf(n) > firstSource) {
      findings.push({ check: 'gitops', resource: objectId(n), path: WAVE_POINTER, message: `is in sync wave ${waveOf(n)}, after the Secret sources (wave ${firstSource}): Argo CD would create them before their namespace`, hint: `annotate it ${SYNC_WAVE_ANNOTATION}: "${firstSource}" or lower` });
    }
  }
  return findings;
}

export const gitopsCheck = defineCheck({
  id: 'gitops',
  severity: 'error',
  title: 'the Argo CD Application or Flux Kustomization beside an overlay deploys it with pruning, after its Secret',
  description: 'the GitOps objects beside the overlay (`gitops.yaml`, not part of the build) are Argo CD `Application`s or Flux `Kustomization`s / `GitRepository`s valid against their CRD schemas (`@kubernetes-models/argo-cd`, `@kubernetes-models/flux-cd`); they deploy this overlay\'s directory (into the build\'s namespace) with pruning; an Application has the build\'s `ExternalSecret`s and `SealedSecret`s in a sync wave before every workload and its Namespaces no later; a Kustomization waits for health (`wait: true`) and reads a GitRepository the file holds',
  needs: 'build',
  run: (context) => checkGitops(context),
});
