/**
 * The one in-process model of how kustomize applies an overlay: which objects a `patches[].target`
 * selects, and what `images:`, the patches and `namespace:` do to a build. The composer uses it to
 * prove a composed kustomization reproduces its profile (`simulateOverlay`); the verifier uses the
 * same target matching to replay an overlay's patches (patch hygiene, tracing a field to the patch
 * that wrote it).
 *
 * Target matching follows kustomize's `types.Selector`: group, version and kind compared exactly
 * when given; name and namespace are anchored regular expressions; labelSelector and
 * annotationSelector use Kubernetes label-selector syntax.
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/
 */
import type { Kustomization, ManifestObject } from '@clearml-k8s/base-manifests';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { applyImageOverrides } from './images.ts';
import { applyOperations, type PatchOperation } from '../patches/json-patch.ts';

/** A parsed Kubernetes label selector requirement. */
export type LabelRequirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/**
 * Parses a label selector string (`a=b,c!=d,e,!f,g in (x,y),h notin (z)`).
 * @throws Error with the offending term when the syntax is not understood.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const terms = selector.match(/[^,()]+(\([^)]*\))?/g) ?? [];
  return terms.map((raw) => {
    const term = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) };
    if ((m = term.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/))) return { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
    if ((m = term.match(/^!\s*([\w./-]+)$/))) return { key: m[1]!, op: '!exists', values: [] };
    if ((m = term.match(/^([\w./-]+)$/))) return { key: m[1]!, op: 'exists', values: [] };
    throw new Error(`cannot parse label selector term "${term}"`);
  });
}

/** Whether `labels` meet every requirement, ANDed (an empty list: everything), as Kubernetes matches set-based selectors. */
export function requirementsMatch(requirements: readonly LabelRequirement[], labels: Record<string, string>): boolean {
  return requirements.every(({ key, op, values }) => {
    const has = Object.hasOwn(labels, key);
    if (op === 'exists') return has;
    if (op === '!exists') return !has;
    if (op === 'in') return has && values.includes(labels[key]!);
    return !has || !values.includes(labels[key]!);
  });
}

/** True when `object` is selected by a kustomize patch `target`. */
export function targetMatches(target: Record<string, string>, object: ManifestObject): boolean {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const anchored = (pattern: string, value: string) => anchoredPattern(pattern).test(value);
  if (target.kind && target.kind !== object.kind) return false;
  if (target.group !== undefined && target.group !== group) return false;
  if (target.version && target.version !== version) return false;
  if (target.name && !anchored(target.name, object.metadata.name)) return false;
  if (target.namespace && !anchored(target.namespace, object.metadata.namespace ?? '')) return false;
  if (target.labelSelector && !requirementsMatch(parseLabelSelector(target.labelSelector), object.metadata.labels ?? {})) return false;
  if (target.annotationSelector && !requirementsMatch(parseLabelSelector(target.annotationSelector), (object.metadata as any).annotations ?? {})) return false;
  return true;
}


/** Anchored regular expressions of target names and namespaces, compiled once each. */
const anchoredPatterns = new Map<string, RegExp>();

/** `^(?:pattern)$`, as kustomize anchors target names and namespaces (memoised). */
function anchoredPattern(pattern: string): RegExp {
  let re = anchoredPatterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    if (anchoredPatterns.size > 10_000) anchoredPatterns.clear();
    anchoredPatterns.set(pattern, re);
  }
  return re;
}

/**
 * What a kustomization renders on top of `parentObjects`, computed in process: `images:` first,
 * then each patch on the objects its target names, plus the added resource objects. Key order is
 * normalised (`apiVersion`, `kind`, `metadata` first) as kustomize prints it.
 * @returns the rendered objects; an object no transformer changed may be the input itself (do not modify the result).
 * @throws fast-json-patch errors when a patch does not apply (a failing `test`).
 */
export function simulateOverlay(
  parentObjects: readonly ManifestObject[],
  kustomization: Kustomization,
  addedObjects: readonly ManifestObject[],
): ManifestObject[] {
  let objects = applyImageOverrides(parentObjects, kustomization.images ?? []);
  for (const patch of kustomization.patches ?? []) {
    const parsed = parsePatchText(patch.patch, `patch for ${patch.target.kind}/${patch.target.name}`);
    const target = patch.target as unknown as Record<string, string>;
    const selected = (o: ManifestObject) => targetMatches(target, o);
    if (!Array.isArray(parsed) && (parsed as { $patch?: string })?.$patch === 'delete') objects = objects.filter((o) => !selected(o));
    else objects = objects.map((o) => (selected(o) ? applyOperations(o, parsed as PatchOperation[]) : o));
  }
  const all = [...objects, ...addedObjects];
  return kustomization.namespace ? applyNamespace(all, kustomization.namespace) : all;
}

/** Parsed patch texts: sites on one parent share most patches, so each distinct text is parsed once. */
const parsedPatches = new Map<string, unknown>();

/** `parseManifest` of a patch text, memoised by the text (the result is never mutated). */
function parsePatchText(text: string, file: string): unknown {
  let parsed = parsedPatches.get(text);
  if (parsed === undefined) {
    parsed = parseManifest(text, file);
    if (parsedPatches.size > 10_000) parsedPatches.clear();
    parsedPatches.set(text, parsed);
  }
  return parsed;
}

/** Cluster-scoped kinds this project renders (kustomize leaves their namespace unset). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition', 'IngressClass', 'PriorityClass']);

/**
 * What kustomize's `namespace:` does to a build: namespaced objects move into `namespace`, the
 * Namespace object is renamed, other cluster-scoped objects stay; (Cluster)RoleBinding subjects
 * that name a ServiceAccount of the build follow it (kustomize 5.0.1 and 5.6.0 alike).
 */
export function applyNamespace(objects: readonly ManifestObject[], namespace: string): ManifestObject[] {
  const accounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  return objects.map((object) => {
    if (object.kind === 'Namespace') return { ...object, metadata: { ...object.metadata, name: namespace } };
    let moved: any = CLUSTER_SCOPED.has(object.kind) ? object : { ...object, metadata: { ...object.metadata, namespace } };
    if ((object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') && Array.isArray((object as any).subjects)) {
      moved = { ...moved, subjects: (object as any).subjects.map((s: any) => (s.kind === 'ServiceAccount' && accounts.has(`${s.namespace ?? ''}/${s.name}`) ? { ...s, namespace } : s)) };
    }
    return moved as ManifestObject;
  });
}
