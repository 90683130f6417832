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
