/**
 * Kubernetes NetworkPolicy semantics over a build, in process: whether traffic from one pod to a port
 * of another is allowed by the build's NetworkPolicies. The core of the `network-reachability` check
 * and of anything that must know the policies let the stack's connections through (issue 15's
 * generated policies).
 *
 * The rules, as the Kubernetes documentation states them:
 * - a pod is isolated for ingress when some NetworkPolicy of its namespace selects it
 *   (`spec.podSelector`, `{}` selecting every pod) and has `Ingress` in `policyTypes`; likewise for
 *   egress. `policyTypes` defaults to `Ingress`, plus `Egress` when the policy has `egress` rules;
 * - traffic to (from) an isolated pod is allowed when some rule of some policy that selects it
 *   allows both the peer and the port; policies are additive (their union), and both ends must
 *   allow: the source's egress and the destination's ingress;
 * - a rule without `from` (`to`) allows every peer, one without `ports` every port; a peer with only
 *   `podSelector` means pods of the policy's own namespace, with only `namespaceSelector` every pod
 *   of the selected namespaces, with both the selected pods of the selected namespaces;
 * - a port is a number (with `endPort` a range) or the name of a container port of the destination
 *   pod, with `protocol` (default TCP).
 * Namespaces are matched by the labels of the build's Namespace objects plus the label every
 * namespace carries, `kubernetes.io/metadata.name: <name>`. An `ipBlock` peer counts as allowing: whether
 * a CIDR matches pod IPs is up to the network plugin (the docs ask for cluster-external IPs), so this
 * model does not call such traffic blocked.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { labelSelectorMatches, selectsEverything } from './label-selectors.ts';

/** One end of a connection: a pod by its namespace and labels, and (for a destination) its container ports. */
export interface PodEndpoint {
  namespace: string;
  labels: Record<string, string>;
  /** The pod's container ports (named ports of a policy resolve against the destination's). */
  ports?: readonly { name?: string; containerPort: number; protocol?: string }[];
}

/** The destination port: the container port number, and its protocol (default TCP). */
export interface PortRef {
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** The verdict of one direction (the source's egress, or the destination's ingress). */
export interface DirectionVerdict {
  /** `NetworkPolicy/ns/name` of every policy that isolates the pod in this direction (empty: not isolated). */
  isolatedBy: string[];
  /** The policy and rule index that allows the traffic (`NetworkPolicy/ns/name` and `/spec/ingress/0`), or null. */
  allowedBy: { policy: string; rule: string } | null;
  /** Not isolated, or allowed by a rule. */
  allowed: boolean;
}

/** Whether the traffic is allowed: both directions must be. */
export interface Reachability {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The NetworkPolicies of a build. */
export function networkPolicies(objects: readonly ManifestObject[]): any[] {
  return objects.filter((o) => o.kind === 'NetworkPolicy');
}

/** The policy types of a policy: `spec.policyTypes`, else Ingress plus Egress when it has egress rules. */
export function policyTypes(policy: any): ('Ingress' | 'Egress')[] {
  const declared = policy?.spec?.policyTypes;
  if (Array.isArray(declared)) return declared.filter((t: unknown) => t === 'Ingress' || t === 'Egress');
  return Array.isArray(policy?.spec?.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Whether a policy selects a pod (its namespace, and its `podSelector`: missing or `{}` is every pod). */
export function policySelects(policy: any, pod: PodEndpoint): boolean {
  if ((policy.metadata?.namespace ?? '') !== pod.namespace) return false;
  const selector = policy.spec?.podSelector;
  return selector === undefined || selector === null || labelSelectorMatches(selector, pod.labels);
}

/** The labels of a namespace: the build's Namespace object's, plus `kubernetes.io/metadata.name`. */
export function namespaceLabels(objects: readonly ManifestObject[], namespace: string): Record<string, string> {
  const object = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  return { ...(object?.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
}

/** Whether a rule's peer (`from` or `to` entry) of a policy in `policyNamespace` covers the pod `peer`. */
function peerMatches(objects: readonly ManifestObject[], entry: any, policyNamespace: string, peer: PodEndpoint): boolean {
  if (!entry || typeof entry !== 'object') return false;
  if (entry.ipBlock) return true; // up to the network plugin: not called blocked (module doc)
  const { podSelector, namespaceSelector } = entry;
  if (podSelector == null && namespaceSelector == null) return false;
  const inNamespace = namespaceSelector == null ? peer.namespace === policyNamespace : labelSelectorMatches(namespaceSelector, namespaceLabels(objects, peer.namespace));
  return inNamespace && (podSelector == null || labelSelectorMatches(podSelector, peer.labels));
}

/** Whether a rule's `ports` cover the destination port (a number, a range with endPort, or a named container port of `destination`). */
function portMatches(ports: unknown, port: PortRef, destination: PodEndpoint): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  const protocol = port.protocol ?? 'TCP';
  return ports.some((p: any) => {
    if ((p?.protocol ?? 'TCP') !== protocol) return false;
    if (p?.port === undefined || p.port === null) return true;
    if (typeof p.port === 'number') return typeof p.endPort === 'number' ? port.port >= p.port && port.port <= p.endPort : port.port === p.port;
    return (destination.ports ?? []).some((c) => c.name === p.port && c.containerPort === port.port && (c.protocol ?? 'TCP') === protocol);
  });
}

/** The verdict of one direction for `pod` (the isolated end) talking to `peer`. */
function direction(objects: readonly ManifestObject[], policies: readonly any[], type: 'Ingress' | 'Egress', pod: PodEndpoint, peer: PodEndpoint, port: PortRef, destination: PodEndpoint): DirectionVerdict {
  const field = type === 'Ingress' ? 'ingress' : 'egress';
  const peers = type === 'Ingress' ? 'from' : 'to';
  const isolating = policies.filter((p) => policyTypes(p).includes(type) && policySelects(p, pod));
  for (const policy of isolating) {
    const rules: unknown[] = Array.isArray(policy.spec?.[field]) ? policy.spec[field] : [];
    const index = rules.findIndex((rule: any) => {
      const list = rule?.[peers];
      const peerOk = !Array.isArray(list) || list.length === 0 || list.some((entry: any) => peerMatches(objects, entry, policy.metadata?.namespace ?? '', peer));
      return peerOk && portMatches(rule?.ports, port, destination);
    });
    if (index >= 0) return { isolatedBy: isolating.map(objectId), allowedBy: { policy: objectId(policy), rule: `/spec/${field}/${index}` }, allowed: true };
  }
  return { isolatedBy: isolating.map(objectId), allowedBy: null, allowed: isolating.length === 0 };
}

/**
 * Whether the build's NetworkPolicies allow a connection from the pod `from` to `port` of the pod `to`.
 * @param objects the build (its NetworkPolicies and Namespaces are read).
 * @param from the source pod: namespace and labels.
 * @param to the destination pod: namespace, labels, and container ports (for named policy ports).
 * @param port the destination container port (after a Service's targetPort) and protocol.
 * @returns both directions' verdicts; `allowed` when neither end is isolated, or each is allowed by a rule.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function reachable(objects: readonly ManifestObject[], from: PodEndpoint, to: PodEndpoint, port: PortRef): Reachability {
  const policies = networkPolicies(objects);
  const egress = direction(objects, policies, 'Egress', from, to, port, to);
  const ingress = direction(objects, policies, 'Ingress', to, from, port, to);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/**
 * Who one peer of an ingress rule admits, as far as a build can tell:
 * - `any-source`: the rule has no `from` (every pod of every namespace, and outside the cluster);
 * - `ip-block`: an `ipBlock` (addresses, which may be any pod's or any outside host's);
 * - `other-namespaces`: a `namespaceSelector` that does not require the policy's own namespace by
 *   its `kubernetes.io/metadata.name` label, so it may select namespaces the build does not show;
 * - `whole-namespace`: every pod of the policy's own namespace (no or an empty `podSelector`),
 *   including pods the build does not hold (task pods, debugging pods);
 * - `pods`: the pods of the policy's own namespace its `podSelector` selects.
 */
export type AdmissionScope = 'any-source' | 'ip-block' | 'other-namespaces' | 'whole-namespace' | 'pods';

/** One peer (or peer-less rule) of a policy that isolates a pod and admits traffic on a port. */
export interface IngressAdmission {
  policy: string;
  /** JSON pointer of the peer (`/spec/ingress/0/from/1`), or of the rule when it has no `from`. */
  path: string;
  scope: AdmissionScope;
  /** The peer's `podSelector`, for scope `pods`. */
  podSelector?: unknown;
}

/** Whether a namespace selector requires exactly the namespace `name` (by `kubernetes.io/metadata.name`). */
export function requiresNamespace(selector: any, name: string): boolean {
  if (selector?.matchLabels?.[NAMESPACE_NAME_LABEL] === name) return true;
  const expressions: any[] = Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : [];
  return expressions.some((e) => e?.key === NAMESPACE_NAME_LABEL && e.operator === 'In' && Array.isArray(e.values) && e.values.length > 0 && e.values.every((v: unknown) => v === name));
}

/**
 * Every peer of every ingress rule that admits traffic to `port` of `pod`, across the policies that
 * isolate it for ingress, classified by what it admits (`AdmissionScope`); `'not-isolated'` when no
 * policy isolates the pod (everything reaches it). Rules whose ports do not cover `port` are left out.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export function ingressAdmissions(objects: readonly ManifestObject[], pod: PodEndpoint, port: PortRef): IngressAdmission[] | 'not-isolated' {
  const isolating = networkPolicies(objects).filter((p) => policyTypes(p).includes('Ingress') && policySelects(p, pod));
  if (isolating.length === 0) return 'not-isolated';
  const admissions: IngressAdmission[] = [];
  for (const policy of isolating) {
    const id = objectId(policy);
    const namespace = policy.metadata?.namespace ?? '';
    const rules: any[] = Array.isArray(policy.spec?.ingress) ? policy.spec.ingress : [];
    rules.forEach((rule, i) => {
      if (!portMatches(rule?.ports, port, pod)) return;
      const from = rule?.from;
      if (!Array.isArray(from) || from.length === 0) {
        admissions.push({ policy: id, path: `/spec/ingress/${i}`, scope: 'any-source' });
        return;
      }
      from.forEach((entry: any, j: number) => {
        const path = `/spec/ingress/${i}/from/${j}`;
        if (!entry || typeof entry !== 'object') return;
        if (entry.ipBlock) admissions.push({ policy: id, path, scope: 'ip-block' });
        else if (entry.namespaceSelector != null && !requiresNamespace(entry.namespaceSelector, namespace)) admissions.push({ policy: id, path, scope: 'other-namespaces' });
        else if (entry.podSelector == null && entry.namespaceSelector == null) return; // an empty peer selects nothing (peerMatches)
        else if (entry.podSelector == null || selectsEverything(entry.podSelector)) admissions.push({ policy: id, path, scope: 'whole-namespace' });
        else admissions.push({ policy: id, path, scope: 'pods', podSelector: entry.podSelector });
      });
    });
  }
  return admissions;
}
