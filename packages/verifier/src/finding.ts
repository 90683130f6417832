/**
 * Findings: what a check reports. Checks return them as data; only the CLI decides the exit code.
 * Every check has a stable id (below); the README's check table is printed from `CHECKS`.
 */

/** Stable check ids, with what each one proves. Order is the report order. */
export const CHECKS = {
  build: 'kustomize exits 0 and prints valid YAML',
  'build-stderr': 'kustomize prints nothing on stderr',
  'engine-mismatch': 'every engine given with --engine renders the same objects',
  'deprecated-field': 'no deprecated kustomization fields (bases, commonLabels, patchesJson6902, patchesStrategicMerge, vars, imageTags, …)',
  'patch-target': 'every patches[].target matches at least one resource',
  'patch-replace-creates': 'no JSON 6902 replace on a path that does not exist yet (kustomize adds it silently)',
  schema: 'every object is valid against the Kubernetes OpenAPI schema; unknown fields rejected',
  'pod-security': 'every pod template meets the Pod Security level of its namespace (or the overlay\'s declared level)',
  'node-ports': 'the public Services expose the expected NodePorts (api 30008, app 30080, files 30081) or none behind an Ingress',
  'node-port-range': 'every nodePort is within 30000–32767',
  'node-port-unique': 'no nodePort is used twice in the build',
  'service-selector': 'every Service selector matches at least one pod template',
  'selector-clash': 'no Service selects the pods of more than one workload',
  'target-port': 'every Service targetPort resolves to a containerPort (number or name) of the pods it selects',
  'ingress-hosts': 'Ingress hosts api./app./files. route to the apiserver, webserver and fileserver',
  'env-reference': 'env values naming in-cluster hosts resolve to a Service and port in the build',
  'object-reference': 'every ConfigMap, Secret, PVC and ServiceAccount referenced exists in the build or is a declared prerequisite',
  rbac: 'RBAC is least privilege: no wildcard verbs, resources or API groups; no cluster-scoped role unless the overlay declares it; every binding\'s role and ServiceAccounts exist; every ServiceAccount a workload uses is bound',
  'image-tag': 'pinned overlays use no latest or untagged image and no imagePullPolicy Always',
  'image-override': 'every images: entry of a kustomization matches at least one container',
  'image-catalog': 'images of the release catalog render with the catalog\'s tag',
  profile: 'the profile\'s promises hold (enterprise ClusterIP, body size, cookie domain; non-root restricted; latest tags)',
  'intended-objects': 'the build equals, field for field, what the composer intends',
} as const;

export type CheckId = keyof typeof CHECKS;

/** Every check id, in report order. */
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

/** Where in the overlay's own kustomization a field was set. */
export interface FindingSource {
  /** Repository-relative kustomization file, e.g. `overlays/non-root/kustomization.yaml`. */
  file: string;
  /** Which list of the kustomization: `patches` or `images`. */
  field: 'patches' | 'images';
  /** Index in that list (0-based). */
  index: number;
  /** Index of the JSON 6902 operation inside the patch (0-based), when it is one. */
  operation?: number;
  /** 1-based line of the list entry in `file`, when known. */
  line?: number;
}

/** What a check returns: a finding before it is tied to an overlay. */
export interface CheckFinding {
  check: CheckId;
  /** `Kind/namespace/name` (`Kind/name` for cluster-scoped), or a file for findings about a kustomization. */
  resource: string;
  /** JSON pointer (RFC 6901) of the field, `''` for the whole resource. */
  path: string;
  /** What failed, expected vs received. */
  message: string;
  /** How to fix it, one sentence. */
  hint: string;
  /** Set by the check when it already knows the kustomization entry (patch hygiene, images). */
  source?: FindingSource;
}

export interface Finding extends CheckFinding {
  /** The overlay directory as named in the report. */
  overlay: string;
}
