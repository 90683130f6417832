/**
 * `clearml-k8s preflight`, the pure part: what an overlay's build needs of a cluster
 * (`preflightNeeds`), and whether a cluster's state gives it (`evaluatePreflight`). Data in, items
 * out; the kubectl reads are in `cluster-state.ts`, the printing in the CLI.
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import type { PodSecurityLevel, Prerequisite } from '@clearml-k8s/overlay-composer';
import type { ClusterObject, ClusterReads, ClusterState, ObjectRef } from './cluster-state.ts';
import { objectKey } from './cluster-state.ts';
import { podTemplates } from './pod-templates.ts';
import { POD_SECURITY_LEVELS } from './pod-security.ts';

/**
 * The Kubernetes minors clearml-k8s supports, for kubectl and for the server: 1.27 to 1.35 (README,
 * "Set up and test"; the kubectl builds `verify --matrix` tests with).
 */
export const SUPPORTED_KUBERNETES = { oldestMinor: 27, newestMinor: 35 } as const;

/** The label that makes an IngressClass the default (https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class). */
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The annotations that make a StorageClass the default, GA and beta (https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass). */
export const DEFAULT_STORAGE_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'] as const;
/** The Pod Security enforce label of a namespace (https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces). */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** What an overlay's build needs of the cluster. */
export interface PreflightNeeds extends ClusterReads {
  /** The namespace the overlay deploys to. */
  namespace: string;
  /** Whether the build holds that Namespace object (then `kubectl apply -k` creates or relabels it). */
  namespaceInBuild: boolean;
  /** The Pod Security level the overlay's pods are made for (its promise, else its Namespace's enforce label), or null when unknown. */
  podSecurity: PodSecurityLevel | null;
  /** Node selectors of the pod templates that mount hostPath volumes (each must select exactly one node), deduplicated. */
  hostPathSelectors: { selector: Record<string, string>; workloads: string[] }[];
  /** Claims by StorageClass: `null` for the default class. Claims with `storageClassName: ""` bind statically and are left out. */
  claims: { storageClassName: string | null; claims: string[] }[];
  /** Ingresses by class: `ingressClassName` (or the `kubernetes.io/ingress.class` annotation), `null` for the default class. */
  ingresses: { className: string | null; ingresses: string[] }[];
  /** The overlay's declared prerequisites besides StorageClass and IngressClass (checked above), as objects to look up. */
  objects: (ObjectRef & { documentedIn: string })[];
  /** Which lists preflight must read. */
  nodes: boolean;
  storageClasses: boolean;
  ingressClasses: boolean;
}

const id = (o: ManifestObject) => `${o.kind}/${o.metadata.name}`;

function group<K>(entries: readonly (readonly [K, string])[]): Map<K, string[]> {
  const map = new Map<K, string[]>();
  for (const [key, value] of entries) map.set(key, [...(map.get(key) ?? []), value]);
  return map;
}

/**
 * What `objects` (an overlay's build) need of a cluster.
 * @param objects the build's objects (kustomize output, parsed).
 * @param promise the composer's promise for the overlay (its Pod Security level and declared
 *   prerequisites), or null for a directory the composer does not write.
 * @param defaultNamespace the namespace of objects without one (kubectl's `default`).
 */
export function preflightNeeds(objects: readonly ManifestObject[], promise: { podSecurity: PodSecurityLevel; prerequisites: readonly Prerequisite[] } | null, defaultNamespace = 'default'): PreflightNeeds {
  const namespaced = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace);
  const namespaceObject = objects.find((o) => o.kind === 'Namespace');
  const namespace = namespaced[0]?.metadata.namespace ?? namespaceObject?.metadata.name ?? defaultNamespace;
  const inBuild = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  const label = (inBuild?.metadata.labels as Record<string, string> | undefined)?.[POD_SECURITY_ENFORCE_LABEL];
  const podSecurity = promise?.podSecurity ?? (POD_SECURITY_LEVELS.includes(label as PodSecurityLevel) ? (label as PodSecurityLevel) : null);

  const selectors = new Map<string, { selector: Record<string, string>; workloads: string[] }>();
  for (const t of podTemplates(objects)) {
    if (!t.running || !Array.isArray(t.spec.volumes) || !t.spec.volumes.some((v: any) => v?.hostPath)) continue;
    const selector = (t.spec.nodeSelector ?? {}) as Record<string, string>;
    const key = JSON.stringify(Object.entries(selector).sort());
    const entry = selectors.get(key) ?? { selector, workloads: [] };
    entry.workloads.push(id(t.owner));
    selectors.set(key, entry);
  }

  const claimEntries: [string | null, string][] = [];
  for (const o of objects) {
    const spec = (o as any).spec;
    if (o.kind === 'PersistentVolumeClaim') claimEntries.push([spec?.storageClassName ?? null, id(o)]);
    for (const t of spec?.volumeClaimTemplates ?? []) claimEntries.push([t?.spec?.storageClassName ?? null, `${id(o)} volumeClaimTemplates ${t?.metadata?.name}`]);
  }
  const claims = [...group(claimEntries.filter(([c]) => c !== '')).entries()].map(([storageClassName, names]) => ({ storageClassName, claims: names }));

  const ingressEntries = objects
    .filter((o) => o.kind === 'Ingress')
    .map((o) => [((o as any).spec?.ingressClassName ?? o.metadata.annotations?.['kubernetes.io/ingress.class'] ?? null) as string | null, id(o)] as const);
  const ingresses = [...group(ingressEntries).entries()].map(([className, names]) => ({ className, ingresses: names }));

  const covered = new Set(['StorageClass', 'IngressClass']);
  const prerequisites = (promise?.prerequisites ?? []).filter((p) => !covered.has(p.kind));
  return {
    namespace,
    namespaceInBuild: inBuild !== undefined,
    podSecurity,
    hostPathSelectors: [...selectors.values()],
    claims,
    ingresses,
    objects: prerequisites.map((p) => ({ kind: p.kind, name: p.name, ...(p.group ? { group: p.group } : {}), ...(p.clusterScoped ? {} : { namespace }), documentedIn: p.documentedIn })),
    nodes: selectors.size > 0,
    storageClasses: claims.length > 0 || (promise?.prerequisites ?? []).some((p) => p.kind === 'StorageClass'),
    ingressClasses: ingresses.length > 0 || (promise?.prerequisites ?? []).some((p) => p.kind === 'IngressClass'),
  };
}

/** The items preflight reports, in report order. */
export type PreflightItemId = 'kubectl-version' | 'server-version' | 'version-skew' | 'node-label' | 'storage-class' | 'ingress-class' | 'prerequisite' | 'namespace-pod-security';

/** One thing preflight checked: passed, or failed with how to fix it. */
export interface PreflightItem {
  id: PreflightItemId;
  ok: boolean;
  /** What was checked, e.g. `nodes with app=clearml`, `Secret clearml/clearml-tls`. */
  subject: string;
  /** What preflight found. */
  detail: string;
  /** For a failed item: the command (or change) that fixes it. */
  fix?: string;
}

/** `"35"`, `"28+"` → 35, 28; anything else → NaN. */
function minorOf(v: { major?: string; minor?: string } | undefined): number {
  return v?.major === '1' ? Number.parseInt(v.minor ?? '', 10) : Number.NaN;
}

const isTrue = (v: string | undefined) => v === 'true';
const selectorText = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k}=${v}`).join(',');
const matches = (node: ClusterObject, s: Record<string, string>) => Object.entries(s).every(([k, v]) => node.metadata.labels?.[k] === v);
/** Whether ordinary pods may be scheduled on the node: not cordoned, no NoSchedule or NoExecute taint (the control plane's). */
const schedulable = (node: ClusterObject) => !node.spec?.unschedulable && !((node.spec?.taints as { effect?: string }[] | undefined) ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
const ready = (node: ClusterObject) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function versionItems(state: ClusterState): PreflightItem[] {
  const { oldestMinor, newestMinor } = SUPPORTED_KUBERNETES;
  const range = `1.${oldestMinor} to 1.${newestMinor}`;
  const client = minorOf(state.version.clientVersion);
  const server = minorOf(state.version.serverVersion);
  const inRange = (m: number) => m >= oldestMinor && m <= newestMinor;
  const shown = (v: VersionLike) => v?.gitVersion ?? (v ? `${v.major}.${v.minor}` : 'none');
  const items: PreflightItem[] = [
    inRange(client)
      ? { id: 'kubectl-version', ok: true, subject: 'kubectl', detail: `${shown(state.version.clientVersion)}, within ${range}` }
      : { id: 'kubectl-version', ok: false, subject: 'kubectl', detail: `${shown(state.version.clientVersion)}, expected ${range}`, fix: `install kubectl 1.${Number.isNaN(server) || !inRange(server) ? newestMinor : server} (https://kubernetes.io/docs/tasks/tools/)` },
    inRange(server)
      ? { id: 'server-version', ok: true, subject: 'Kubernetes server', detail: `${shown(state.version.serverVersion)}, within ${range}` }
      : { id: 'server-version', ok: false, subject: 'Kubernetes server', detail: `${shown(state.version.serverVersion)}, expected ${range}`, fix: `deploy to a cluster on Kubernetes ${range}, or upgrade this one (https://kubernetes.io/releases/)` },
  ];
  // kubectl is supported within one minor version (older or newer) of the API server:
  // https://kubernetes.io/releases/version-skew-policy/#kubectl
  if (!Number.isNaN(client) && !Number.isNaN(server)) {
    items.push(
      Math.abs(client - server) <= 1
        ? { id: 'version-skew', ok: true, subject: 'kubectl and server', detail: `1.${client} and 1.${server}, within one minor version` }
        : { id: 'version-skew', ok: false, subject: 'kubectl and server', detail: `kubectl 1.${client} and server 1.${server} are ${Math.abs(client - server)} minor versions apart; kubectl supports one (https://kubernetes.io/releases/version-skew-policy/#kubectl)`, fix: `install kubectl 1.${server} (https://kubernetes.io/docs/tasks/tools/)` },
    );
  }
  return items;
}
type VersionLike = { major?: string; minor?: string; gitVersion?: string } | undefined;

function nodeItems(needs: PreflightNeeds, nodes: readonly ClusterObject[]): PreflightItem[] {
  return needs.hostPathSelectors.map(({ selector, workloads }): PreflightItem => {
    const text = selectorText(selector);
    const subject = `nodes with ${text || 'any labels'}`;
    if (!text) return { id: 'node-label', ok: true, subject, detail: `${workloads.join(', ')} mount hostPath without a nodeSelector: nothing to check (their data follows the scheduler)` };
    const labelled = nodes.filter((n) => matches(n, selector));
    const candidates = nodes.filter((n) => schedulable(n) && ready(n)).map((n) => n.metadata.name);
    if (labelled.length === 0) {
      return { id: 'node-label', ok: false, subject, detail: `no node has ${text}; ${workloads.join(', ')} keep their data on hostPath of that one node and stay Pending`, fix: `kubectl label node ${candidates[0] ?? '<node-name>'} ${text}` };
    }
    if (labelled.length > 1) {
      const names = labelled.map((n) => n.metadata.name);
      const unlabel = Object.keys(selector).map((k) => `${k}-`).join(' ');
      return { id: 'node-label', ok: false, subject, detail: `${labelled.length} nodes have ${text} (${names.join(', ')}); with more than one, a redeployed pod may start on another node and not find its hostPath data`, fix: names.slice(1).map((n) => `kubectl label node ${n} ${unlabel}`).join('; ') };
    }
    const node = labelled[0]!;
    if (node.spec?.unschedulable) return { id: 'node-label', ok: false, subject, detail: `node ${node.metadata.name} has ${text} but is cordoned (spec.unschedulable)`, fix: `kubectl uncordon ${node.metadata.name}` };
    if (!ready(node)) return { id: 'node-label', ok: false, subject, detail: `node ${node.metadata.name} has ${text} but is not Ready`, fix: `kubectl describe node ${node.metadata.name} (see its conditions), or label a Ready node instead` };
    return { id: 'node-label', ok: true, subject, detail: `exactly one: ${node.metadata.name} (Ready, schedulable)` };
  });
}

function storageItems(needs: PreflightNeeds, classes: readonly ClusterObject[]): PreflightItem[] {
  const names = classes.map((c) => c.metadata.name);
  return needs.claims.map(({ storageClassName, claims }): PreflightItem => {
    if (storageClassName === null) {
      const defaults = classes.filter((c) => DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((a) => isTrue(c.metadata.annotations?.[a])));
      return defaults.length
        ? { id: 'storage-class', ok: true, subject: 'default StorageClass', detail: `${defaults.map((c) => c.metadata.name).join(', ')} (for ${claims.length} claims without storageClassName)` }
        : {
            id: 'storage-class',
            ok: false,
            subject: 'default StorageClass',
            detail: `none of ${names.length ? names.join(', ') : 'no StorageClass at all'} is the default; ${claims.join(', ')} name no class and stay Pending`,
            fix: names.length ? `kubectl patch storageclass ${names[0]} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}' (or name a class in the site spec, storage.storageClass)` : 'install a storage provisioner and its StorageClass, marked default',
          };
    }
    return names.includes(storageClassName)
      ? { id: 'storage-class', ok: true, subject: `StorageClass ${storageClassName}`, detail: `exists (for ${claims.length} claims)` }
      : { id: 'storage-class', ok: false, subject: `StorageClass ${storageClassName}`, detail: `not in the cluster (it has ${names.join(', ') || 'none'}); ${claims.join(', ')} stay Pending`, fix: names.length ? `set the site spec's storage.storageClass to one of ${names.join(', ')}, or install ${storageClassName}` : `install a storage provisioner with the StorageClass ${storageClassName}` };
  });
}

function ingressItems(needs: PreflightNeeds, classes: readonly ClusterObject[]): PreflightItem[] {
  const names = classes.map((c) => c.metadata.name);
  return needs.ingresses.map(({ className, ingresses }): PreflightItem => {
    if (className === null) {
      const defaults = classes.filter((c) => isTrue(c.metadata.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION]));
      return defaults.length
        ? { id: 'ingress-class', ok: true, subject: 'default IngressClass', detail: `${defaults.map((c) => c.metadata.name).join(', ')} (for ${ingresses.length} Ingresses without a class)` }
        : {
            id: 'ingress-class',
            ok: false,
            subject: 'default IngressClass',
            detail: `${names.length ? `none of ${names.join(', ')} is the default` : 'the cluster has no IngressClass'}; ${ingresses.join(', ')} name no class and no controller serves them`,
            fix: names.length ? `kubectl annotate ingressclass ${names[0]} ${DEFAULT_INGRESS_CLASS_ANNOTATION}=true (or name the class in the site spec, ingress.className)` : 'install an ingress controller (e.g. ingress-nginx) with its IngressClass',
          };
    }
    return names.includes(className)
      ? { id: 'ingress-class', ok: true, subject: `IngressClass ${className}`, detail: `exists (for ${ingresses.length} Ingresses)` }
      : { id: 'ingress-class', ok: false, subject: `IngressClass ${className}`, detail: `not in the cluster (it has ${names.join(', ') || 'none'}); ${ingresses.join(', ')} are served by no controller`, fix: names.length ? `set the site spec's ingress.className to one of ${names.join(', ')}, or install the controller of ${className}` : `install the ingress controller of ${className} with its IngressClass` };
  });
}

function prerequisiteItems(needs: PreflightNeeds, state: ClusterState): PreflightItem[] {
  return needs.objects.map((ref): PreflightItem => {
    const subject = objectKey(ref);
    const found = state.objects[subject];
    if (found === 'found') return { id: 'prerequisite', ok: true, subject, detail: 'exists' };
    const how = `create it first (README.md, ${ref.documentedIn.replace(/^README\.md#/, '#')})`;
    if (found === 'no-kind') return { id: 'prerequisite', ok: false, subject, detail: `the cluster has no resource type ${ref.kind}${ref.group ? `.${ref.group}` : ''}`, fix: `install the CustomResourceDefinition that serves ${ref.kind}${ref.group ? `.${ref.group}` : ''} (e.g. cert-manager's for its issuers), then ${how}` };
    const fix = ref.kind === 'Secret' && ref.namespace ? `kubectl -n ${ref.namespace} create secret generic ${ref.name} ... ; ${how}` : how;
    return { id: 'prerequisite', ok: false, subject, detail: `missing: the pods that read it stay in CreateContainerConfigError (or ContainerCreating) until it exists`, fix };
  });
}

function podSecurityItem(needs: PreflightNeeds, namespace: ClusterObject | null): PreflightItem {
  const subject = `Namespace ${needs.namespace}`;
  const needed = needs.podSecurity;
  if (namespace === null) {
    return needs.namespaceInBuild
      ? { id: 'namespace-pod-security', ok: true, subject, detail: `not there yet: kubectl apply -k creates it${needed ? ` with ${POD_SECURITY_ENFORCE_LABEL}=${needed}` : ''}` }
      : { id: 'namespace-pod-security', ok: false, subject, detail: 'missing, and the overlay does not create it', fix: `kubectl create namespace ${needs.namespace}${needed ? ` && kubectl label namespace ${needs.namespace} ${POD_SECURITY_ENFORCE_LABEL}=${needed}` : ''}` };
  }
  const current = namespace.metadata.labels?.[POD_SECURITY_ENFORCE_LABEL];
  if (needed === null) return { id: 'namespace-pod-security', ok: true, subject, detail: `exists (${POD_SECURITY_ENFORCE_LABEL}=${current ?? 'unset'}); the overlay names no level to compare with` };
  if (current === undefined) {
    return { id: 'namespace-pod-security', ok: true, subject, detail: needs.namespaceInBuild ? `exists without ${POD_SECURITY_ENFORCE_LABEL}; kubectl apply -k sets it to ${needed}` : `exists without ${POD_SECURITY_ENFORCE_LABEL}: the cluster's default level applies (privileged unless the admission configuration says otherwise), the pods are made for ${needed}` };
  }
  // An unknown level enforces restricted (kubernetes/pod-security-admission, api/helpers.go ParseLevel, as the verifier's pod-security check).
  const level = (POD_SECURITY_LEVELS.includes(current as PodSecurityLevel) ? current : 'restricted') as PodSecurityLevel;
  const stricter = POD_SECURITY_LEVELS.indexOf(level) > POD_SECURITY_LEVELS.indexOf(needed);
  if (!stricter) return { id: 'namespace-pod-security', ok: true, subject, detail: `${POD_SECURITY_ENFORCE_LABEL}=${current} admits pods made for ${needed}${needs.namespaceInBuild && current !== needed ? `; kubectl apply -k sets it to ${needed}` : ''}` };
  return {
    id: 'namespace-pod-security',
    ok: false,
    subject,
    detail: `${POD_SECURITY_ENFORCE_LABEL}=${current}, stricter than the ${needed} the overlay's pods are made for: Pod Security admission refuses them${needs.namespaceInBuild ? ` unless kubectl apply -k may relabel the namespace (whoever set ${current} may want it kept)` : ''}`,
    fix: `kubectl label namespace ${needs.namespace} ${POD_SECURITY_ENFORCE_LABEL}=${needed} --overwrite${needed !== 'restricted' ? ' (or deploy a restricted profile: overlays/non-root)' : ''}`,
  };
}

/**
 * Whether `state` gives what `needs` asks: kubectl's and the server's versions (1.27 to 1.35, and
 * within one minor of each other), exactly one Ready, schedulable node for each hostPath node
 * selector, a default StorageClass (or the named ones), the IngressClasses (or a default one), the
 * declared prerequisites, and the namespace's Pod Security enforce label against the overlay's level.
 * Pure.
 * @returns the items in report order; each failed one has a `fix`.
 */
export function evaluatePreflight(needs: PreflightNeeds, state: ClusterState): PreflightItem[] {
  return [
    ...versionItems(state),
    ...(state.nodes ? nodeItems(needs, state.nodes) : []),
    ...(state.storageClasses ? storageItems(needs, state.storageClasses) : []),
    ...(state.ingressClasses ? ingressItems(needs, state.ingressClasses) : []),
    ...prerequisiteItems(needs, state),
    podSecurityItem(needs, state.namespace),
  ];
}
