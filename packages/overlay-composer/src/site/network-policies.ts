/**
 * A site's NetworkPolicies (`networkPolicies` in the site spec), derived from the stack model: a
 * default-deny ingress policy for the namespace, then one ingress policy per component that takes
 * connections, admitting exactly
 * - the model's clients of it (`ComponentSpec.connections`: the webserver and fileserver to the
 *   apiserver, the apiserver, fileserver and async delete to Redis, …), each by its pod labels, on
 *   the container ports those connections use;
 * - on the three public endpoints (api 8008, web 80, files 8081, container ports): the ingress
 *   controller's pods the site names (`expose: ingress`), or every source (`expose: nodePort`: a
 *   NodePort's traffic arrives from the nodes and from outside the cluster, after kube-proxy's SNAT);
 * - with agents, their task pods to the apiserver, webserver and fileserver (the glue keeps the
 *   labels of its pod template on every task pod it creates:
 *   clearml/clearml-agent@v2.0.7:clearml_agent/glue/k8s.py:967-975).
 * The databases (MongoDB, Elasticsearch, Redis) thus take connections only from the server pods the
 * model says use them. Egress is not restricted (the servers reach external databases, agents reach
 * task repositories and package indexes). Kubelet probes are unaffected: traffic from the node a pod
 * runs on is always allowed.
 * A component the site does not run (an external database, agents left out) gets no policy and
 * admits nobody. The verifier's `network-reachability` proves, statically, that every connection of
 * the model is allowed and that nothing but the model's clients reaches a database.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/ (default deny; "traffic to and from the node where a Pod is running is always allowed")
 */
import { NAMESPACE, PART_OF, PUBLIC_ENDPOINTS, selectorLabels, type ComponentSpec, type ManifestObject, type StackModel } from '@clearml-k8s/base-manifests';
import { TASK_POD_NAME } from './agents.ts';
import type { NetworkPoliciesSpec } from './site-spec.ts';

/** Name of the namespace's default-deny ingress policy. */
export const DEFAULT_DENY_POLICY = 'clearml-default-deny-ingress';

/** How users reach the public endpoints, as far as the policies care. */
export type PolicyExposure = { kind: 'nodePort' } | { kind: 'ingress'; controller: NonNullable<NetworkPoliciesSpec['ingressController']> };

/** A NetworkPolicy port: the container port number and its protocol. */
interface PolicyPort {
  protocol: 'TCP' | 'UDP';
  port: number;
}

const policy = (name: string, podSelector: Record<string, unknown>, ingress: unknown[] | undefined): ManifestObject =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    spec: { podSelector, policyTypes: ['Ingress'], ...(ingress ? { ingress } : {}) },
  }) as ManifestObject;

/** The model components the objects run: a Deployment whose pods carry the component's `app.kubernetes.io/name`. */
export function runningComponents(objects: readonly ManifestObject[], model: StackModel): ComponentSpec[] {
  const names = new Set(
    objects.flatMap((o: any) => (o.kind === 'Deployment' ? [o.spec?.template?.metadata?.labels?.['app.kubernetes.io/name']] : [])).filter((n): n is string => typeof n === 'string'),
  );
  return model.components.filter((c) => names.has(c.name));
}

/** Distinct ports, in first-seen order. */
function uniquePorts(ports: PolicyPort[]): PolicyPort[] {
  return [...new Map(ports.map((p) => [`${p.protocol}/${p.port}`, p])).values()];
}

/**
 * The NetworkPolicies of a site: the default deny, then one per running component that some running
 * component (or the agents' task pods, or users) connects to, in model order.
 * @param objects the site's desired objects (what runs: its Deployments and their pod labels).
 * @param exposure NodePort, or Ingress with the controller's namespace and pod selectors.
 * @param agents whether the site runs agents (their task pods reach the server).
 * @returns NetworkPolicy objects in the parent's namespace (the kustomization moves them with the rest).
 * @throws TypeError when a connection names a port its target lacks (a stack model error).
 */
export function siteNetworkPolicies(objects: readonly ManifestObject[], model: StackModel, exposure: PolicyExposure, agents: boolean): ManifestObject[] {
  const running = runningComponents(objects, model);
  const policies: ManifestObject[] = [policy(DEFAULT_DENY_POLICY, {}, undefined)];
  for (const target of running) {
    const rules: unknown[] = [];
    for (const client of running) {
      const ports = uniquePorts(
        client.connections
          .filter((c) => c.target === target.key)
          .map((c) => {
            const port = target.ports.find((p) => p.name === c.port);
            if (!port) throw new TypeError(`stack model: ${client.key} connects to ${target.key} port ${c.port}, which it does not have`);
            return { protocol: port.protocol, port: port.containerPort };
          }),
      );
      if (ports.length) rules.push({ from: [{ podSelector: { matchLabels: selectorLabels(client) } }], ports });
    }
    const publicPorts: PolicyPort[] = target.ports.filter((p) => p.public).map((p) => ({ protocol: p.protocol, port: p.containerPort }));
    const isEndpoint = PUBLIC_ENDPOINTS.some((e) => e.component === target.key);
    if (isEndpoint && publicPorts.length) {
      if (agents) rules.push({ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': TASK_POD_NAME, 'app.kubernetes.io/part-of': PART_OF } } }], ports: publicPorts });
      if (exposure.kind === 'nodePort') rules.push({ ports: publicPorts });
      else {
        const { namespaceSelector, podSelector } = exposure.controller;
        rules.push({ from: [{ namespaceSelector: structuredClone(namespaceSelector), ...(podSelector ? { podSelector: structuredClone(podSelector) } : {}) }], ports: publicPorts });
      }
    }
    if (rules.length) policies.push(policy(`${target.name}-ingress`, { matchLabels: selectorLabels(target) }, rules));
  }
  return policies;
}
