/**
 * Constants every object of the stack shares: its namespace, the node label that pins node
 * storage, and the `app.kubernetes.io/part-of` value.
 */

/** The namespace everything lives in. */
export const NAMESPACE = 'clearml';

/** The node label that pins node storage (seed docs: "One node labeled app=clearml"). */
export const CLEARML_NODE_LABEL = { app: 'clearml' } as const;

/** The value of `app.kubernetes.io/part-of` on every object. */
export const PART_OF = 'clearml';

/**
 * The PriorityClasses every cluster has (kube-apiserver creates them): a pod may name them without
 * the operator creating anything. The composer declares every other `priorityClassName` a site names
 * as a prerequisite; the verifier's `cluster-prerequisites` accepts these two.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass
 */
export const BUILTIN_PRIORITY_CLASSES: readonly string[] = ['system-cluster-critical', 'system-node-critical'];
