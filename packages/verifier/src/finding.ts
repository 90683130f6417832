/** Findings: what a check reports. Checks return them as data; only the CLI decides the exit code. */

/** Stable check ids. */
export type CheckId = 'build' | 'build-stderr' | 'node-ports' | 'ingress-hosts' | 'intended-objects';

export interface Finding {
  check: CheckId;
  /** `Kind/namespace/name`, or the overlay directory for findings about the build itself. */
  resource: string;
  /** JSON pointer (RFC 6901) of the field, `''` for the whole resource. */
  path: string;
  /** What failed, expected vs received, how to fix. */
  message: string;
}
