/** The one error class of site specs (`overlays/sites/<name>/site.yaml`). */
import { ClearmlK8sError } from '@clearml-k8s/diagnostics';
import { truncate } from '@clearml-k8s/repository-io';

/**
 * The stable codes of `SiteSpecError`, each with what it means. Schema violations come first,
 * then semantic checks (from `SITE_NODE_PORT_DUPLICATE`), then the CLI-level `SITE_NAME_INVALID`
 * and `SITE_EXISTS`.
 */
export const SITE_SPEC_ERROR_CODES = {
  SITE_YAML_INVALID: 'Not parseable YAML (syntax, indentation, duplicate keys).',
  SITE_UNKNOWN_FIELD: 'A key the schema does not know at that place (also `value`/`from` on an op that takes none).',
  SITE_TYPE: 'Wrong JSON type (a quoted number, a list for a mapping, an empty document …).',
  SITE_REQUIRED: 'A required field is missing (also an empty operation list, ingress without domain or hosts where the parent has none).',
  SITE_ENUM: 'Not one of the allowed values.',
  SITE_DNS_NAME: 'Not a DNS hostname or domain (RFC 1123, lowercase; domains have at least two labels).',
  SITE_K8S_NAME: 'Not a Kubernetes object name (DNS-1123 label for namespaces, subdomain for Secrets, claims, classes), or not a Secret key.',
  SITE_QUANTITY: 'Not a Kubernetes quantity (`500m`, `2`, `4Gi`, `1.5`, `1e3`).',
  SITE_LABEL: 'Not a label key / label value / annotation key (`[prefix/]name`).',
  SITE_ENV_NAME: 'Not an environment variable name (`[-._a-zA-Z][-._a-zA-Z0-9]*`).',
  SITE_DATABASE_NAME: 'Not a MongoDB database name (`external.mongodb.authSource`: letters, digits, `_` and `-`).',
  SITE_IMAGE: 'Not an image registry, repository or tag.',
  SITE_HOST_PATH: '`hostPathRoot` is not a normalised absolute path (or `storage.existingClaimSubPaths` not a normalised relative one).',
  SITE_CIDR: 'Not a CIDR block (`components.<name>.service.loadBalancerSourceRanges`).',
  SITE_CONFIG_FILE: 'Not a config file name ending in `.conf` (`components.<name>.extraConfig.files`).',
  SITE_INGRESS_PATH: 'Not an absolute URL path (`ingress.endpoints.<label>.path`).',
  SITE_JSON_POINTER: '`path`/`from` of a patch operation is not a JSON pointer.',
  SITE_NODE_PORT_RANGE: 'A NodePort outside 30000-32767.',
  SITE_PORT_RANGE: 'A port outside 1-65535.',
  SITE_RANGE: 'Another number out of range (replicas < 1, negative tolerationSeconds).',
  SITE_NODE_PORT_DUPLICATE: 'Two endpoints on the same NodePort (defaults of endpoints not overridden included).',
  SITE_CONFLICT: 'Fields that do not go together (nodePorts with Ingress, hostPathRoot with pvc, an external database also stored or patched, a MongoDB host with a connection string …).',
  SITE_REPLICAS_UNSAFE: '`replicas` on a component not in `SCALABLE_COMPONENTS`.',
  SITE_PATCH_TARGET: 'A patch target (kind + name) that matches no object of the parent overlay.',
  SITE_PATCH_PATH: 'A patch op whose path (or `from`) does not resolve in the target (for `add`: whose parent does not).',
  SITE_PATCH_TEST: "A patch `test` op whose value differs from the target's.",
  SITE_NETWORK_POLICY: 'A `networkPolicies` setting that would not isolate: an ingress controller `namespaceSelector` without any requirement (it admits every namespace).',
  SITE_CERT_MANAGER: 'A cert-manager annotation of `ingress.annotations` the site\'s one Certificate cannot carry (both issuer kinds, no issuer named, no TLS Secret, a value cert-manager rejects, an annotation not translated).',
  SITE_GITOPS: 'A `gitops` field Argo CD or Flux would refuse or that does not fit the tool (a repository URL with a token or no scheme, a branch with spaces, a Flux-only field on argocd …).',
  SITE_SECRET_STORE: 'A credentials source that cannot make the Secret: an External Secrets remote key with whitespace, both externalSecret and sealedSecret, or a sealed file that is missing or is not a SealedSecret of the site\'s credentials Secret with every key the pods read.',
  SITE_NAME_INVALID: 'A site name that is not a DNS-1123 label.',
  SITE_EXISTS: '`site add` of a site that already exists.',
} as const;

/** A stable error code (key of `SITE_SPEC_ERROR_CODES`). */
export type SiteSpecErrorCode = keyof typeof SITE_SPEC_ERROR_CODES;

/** What a `SiteSpecError` carries besides its code. */
export interface SiteSpecErrorFields {
  code: SiteSpecErrorCode;
  /** Repository-relative path of the spec, or `''` when the error is not about a file. */
  file: string;
  /** 1-based line and column of the offending node (of its parent mapping's key when the field is missing); 0 when none. */
  line?: number;
  column?: number;
  /** JSON pointer of the field in the spec (`/nodePorts/api`), `''` for the whole document. */
  path?: string;
  /** What the field should be, as a phrase (`a NodePort in 30000-32767`). */
  expected: string;
  /** What was found, as a phrase or a JSON rendering of the value (`80`, `"10GB"`, `nothing`). */
  received: string;
  /** How to fix it, in the imperative. */
  hint: string;
}

/**
 * Thrown for an invalid site spec or site name. `message` is
 * `file:line:column: path: expected …, received …; hint` (position and path left out when absent);
 * the diagnostic points at the file, line, column and the field's JSON pointer.
 */
export class SiteSpecError extends ClearmlK8sError<SiteSpecErrorCode> {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly expected: string;
  readonly received: string;
  readonly hint: string;

  constructor(fields: SiteSpecErrorFields, options?: { cause?: unknown }) {
    const received = truncate(fields.received);
    super(
      {
        code: fields.code,
        message: SiteSpecError.format(fields),
        location: { file: fields.file, ...(fields.line ? { line: fields.line, column: fields.column ?? 0 } : {}), ...(fields.path ? { pointer: fields.path } : {}) },
        expected: fields.expected,
        received,
        hint: fields.hint,
      },
      options,
    );
    this.name = 'SiteSpecError';
    this.file = fields.file;
    this.line = fields.line ?? 0;
    this.column = fields.column ?? 0;
    this.path = fields.path ?? '';
    this.expected = fields.expected;
    this.received = received;
    this.hint = fields.hint;
  }

  /** The message for these fields: `overlays/sites/acme/site.yaml:7:9: /nodePorts/api: expected …, received 80; pick …`. */
  static format(fields: SiteSpecErrorFields): string {
    const where = !fields.file ? '' : fields.line ? `${fields.file}:${fields.line}:${fields.column ?? 0}: ` : `${fields.file}: `;
    const path = fields.path ? `${fields.path}: ` : '';
    return `${where}${path}expected ${fields.expected}, received ${truncate(fields.received)}; ${fields.hint}`;
  }
}
