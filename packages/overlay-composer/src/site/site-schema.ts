/**
 * The site spec, defined once. These TypeBox schemas are the single definition of
 * `overlays/sites/<name>/site.yaml`: the TypeScript types of `site-spec.ts` are their `Static`s,
 * `SITE_SCHEMA` (JSON Schema draft-07) is made from them for ajv (`parseSiteSpec`) and written as
 * `schemas/site.schema.json` for editors. The `description` of each schema documents its field.
 * Value formats (names, quantities, ports …) are named `definitions`; `SITE_FORMATS` gives each
 * its error code, expected phrase and hint.
 *
 * TypeBox writes a few constructs differently from this schema (a union of literals as `anyOf`
 * of `const`, a record as `patternProperties`), and has no `$ref` into `definitions`,
 * `propertyNames` or `if`/`then`; those few nodes are `Type.Unsafe` (given JSON, a stated static
 * type), built by the helpers below.
 * @see https://github.com/sinclairzx81/typebox (0.34: Type, Static, Unsafe)
 */
import { BASE_COMPONENT_KEYS, CATALOG_IMAGE_KEYS, PUBLIC_ENDPOINTS, SCALABLE_COMPONENT_KEYS, STACK_MODEL, STORED_COMPONENT_KEYS, type EndpointLabel, type GeneratedFile } from '@clearml-k8s/base-manifests';
import { Kind, Type, type Static, type TInteger, type TLiteral, type TObject, type TProperties, type TSchema, type TString, type TUnion, type TUnsafe } from '@sinclair/typebox';
import type { PatchOperation } from '../patches/json-patch.ts';
import { PROFILES } from '../profiles/index.ts';
import type { SiteSpecErrorCode } from './site-error.ts';

// ---- key lists: derived from the stack model (base-manifests/src/stack), each turned into its union schema and (site-spec.ts) its type ----

/** Components a site can tune (keys of `components`). */
export const SITE_COMPONENTS = BASE_COMPONENT_KEYS;
/** `SITE_COMPONENTS` as a schema (a union of literals); its static type is `SiteComponent`. */
export const SiteComponentSchema = literalUnion(SITE_COMPONENTS);

/** Components that may run more than one replica (stateless, no ReadWriteOnce claim of their own). */
export const SCALABLE_COMPONENTS: readonly Static<typeof SiteComponentSchema>[] = SCALABLE_COMPONENT_KEYS;

/** Components whose data a site stores (keys of `storage.sizes` / `storage.existingClaims`). */
export const STORED_COMPONENTS = STORED_COMPONENT_KEYS;
/** `STORED_COMPONENTS` as a schema (a union of literals); its static type is `StoredComponent`. */
export const StoredComponentSchema = literalUnion(STORED_COMPONENTS);

/** The three public endpoints, by host label (keys of `nodePorts` and `ingress.hosts`). */
export const ENDPOINT_LABELS: readonly EndpointLabel[] = PUBLIC_ENDPOINTS.map((e) => e.hostLabel);
/** `ENDPOINT_LABELS` as a schema (a union of literals); its static type is `EndpointLabel`. */
export const EndpointLabelSchema = literalUnion(ENDPOINT_LABELS);

/** Default NodePorts of the endpoints (what the stock overlays render). */
export const DEFAULT_NODE_PORTS = Object.fromEntries(PUBLIC_ENDPOINTS.map((e) => [e.hostLabel, e.nodePort])) as Record<Static<typeof EndpointLabelSchema>, number>;

// ---- value formats ----

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const SUBDOMAIN_BODY = `${LABEL}(\\.${LABEL})*`;
const SUBDOMAIN = `(?=.{1,253}$)${SUBDOMAIN_BODY}`;
const QUALIFIED_NAME = '(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?';
const REGISTRY_HOST = '([A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9])(\\.([A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9]))*(:[0-9]{1,5})?';
const PATH_COMPONENT = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';

/** One named value format: its schema, the code of a value that fails it, the phrase and the fix. */
export interface SiteFormat<S extends TSchema = TSchema> {
  code: SiteSpecErrorCode;
  /** Shown by editors and as `expected` in errors (the schema's `description`). */
  description: string;
  /** The TypeBox schema of the value (its `definitions` entry). */
  schema: S;
  /** The fix, given the JSON pointer of the failing field. */
  hint(path: string): string;
}

type Described<S extends TSchema> = S & { description: string };
/** A format from its schema (whose `description` is the phrase). */
function format<S extends TSchema>(code: SiteSpecErrorCode, schema: Described<S>, hint: (path: string) => string): SiteFormat<Described<S>> {
  return { code, description: schema.description, schema, hint };
}
/** A string matching the whole of `pattern`. */
const matching = (description: string, pattern: string) => Type.String({ description, pattern: `^${pattern}$` }) as Described<TString>;
/** An integer from `minimum` to `maximum`. */
const range = (description: string, minimum: number, maximum: number) => Type.Integer({ description, minimum, maximum }) as Described<TInteger>;

/** The value formats of the schema, by definition name. */
export const SITE_FORMATS = {
  dnsLabel: format(
    'SITE_K8S_NAME',
    matching('a DNS-1123 label (lowercase letters, digits and "-", alphanumeric at both ends, at most 63 characters)', LABEL),
    () => 'use lowercase letters, digits and "-", e.g. clearml-acme',
  ),
  dnsSubdomain: format(
    'SITE_K8S_NAME',
    matching('a Kubernetes object name (DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters)', SUBDOMAIN),
    () => 'use lowercase letters, digits, "-" and ".", e.g. clearml-tls',
  ),
  secretOrNull: format(
    'SITE_K8S_NAME',
    // One node with a type list (TypeBox's Union would write anyOf, and report each branch).
    Type.Unsafe<string | null>({ description: 'a Secret name (DNS-1123 subdomain) or null', type: ['string', 'null'], pattern: `^${SUBDOMAIN}$` }) as Described<TUnsafe<string | null>>,
    () => 'use lowercase letters, digits, "-" and ".", e.g. clearml-tls, or null for plain HTTP',
  ),
  domain: format(
    'SITE_DNS_NAME',
    matching('a DNS domain of at least two labels (RFC 1123, lowercase)', `(?=.{1,253}$)${LABEL}(\\.${LABEL})+`),
    () => 'use a lowercase domain such as clearml.example.com (letters, digits and "-" between dots, no "_")',
  ),
  publicUrl: format(
    'SITE_DNS_NAME',
    matching('an http(s) URL of a host (RFC 1123 name or IPv4 address), optionally with a port, no path', `https?://${SUBDOMAIN_BODY}(:[0-9]{1,5})?`),
    () => 'write scheme, host and port only, e.g. http://10.0.0.5:30081 or https://files.clearml.example.com',
  ),
  hostname: format(
    'SITE_DNS_NAME',
    matching('a DNS hostname (RFC 1123, lowercase) or an IPv4 address', SUBDOMAIN),
    (path) => `use a lowercase hostname such as mongo.db.example.internal, or an IPv4 address${path.startsWith('/external/') ? ' (no scheme, user or password: credentials and connection strings are read from a Secret the site names, credentialsSecret or external.mongodb.connectionStringSecret)' : ''}`,
  ),
  secretKey: format(
    'SITE_K8S_NAME',
    matching('a Secret key (letters, digits, "-", "_" and ".", at most 253 characters)', '(?=.{1,253}$)[-._a-zA-Z0-9]+'),
    () => 'name a key of the Secret, e.g. password',
  ),
  mongoDatabase: format(
    'SITE_DATABASE_NAME',
    matching('a MongoDB database name (letters, digits, "_" and "-", at most 63 characters)', '[A-Za-z0-9_-]{1,63}'),
    () => 'name the database the user is defined in, e.g. admin',
  ),
  quantity: format(
    'SITE_QUANTITY',
    matching('a Kubernetes quantity (e.g. 500m, 2, 512Mi, 10Gi)', '\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][-+]?[0-9]+)?'),
    () => 'write a number with an optional suffix: 500m or 2 for CPU, 512Mi or 10Gi for memory and sizes (binary suffixes end in "i": Gi, not GB)',
  ),
  labelKey: format(
    'SITE_LABEL',
    matching('a label or annotation key ([prefix/]name: name of at most 63 letters, digits, "-", "_", "."; prefix a DNS subdomain)', `((?=[^/]{1,253}/)${SUBDOMAIN_BODY}/)?${QUALIFIED_NAME}`),
    () => 'use [prefix/]name, e.g. app or node-role.kubernetes.io/clearml',
  ),
  labelValue: format(
    'SITE_LABEL',
    matching('a label value (empty, or at most 63 letters, digits, "-", "_", "." with alphanumeric ends)', `(${QUALIFIED_NAME})?`),
    () => 'use letters, digits, "-", "_" and "." with alphanumeric ends, e.g. clearml',
  ),
  envName: format(
    'SITE_ENV_NAME',
    matching('an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)', '[-._a-zA-Z][-._a-zA-Z0-9]*'),
    () => 'use letters, digits, "_", "-" and ".", not starting with a digit, e.g. CLEARML__logging__level',
  ),
  registry: format(
    'SITE_IMAGE',
    matching('a registry host with optional port and path, without scheme (e.g. registry.example.internal/mirror)', `(?=.{1,255}$)${REGISTRY_HOST}(/${PATH_COMPONENT})*`),
    () => 'write host[:port][/path] without https:// or a trailing "/", e.g. registry.example.internal/mirror',
  ),
  repository: format(
    'SITE_IMAGE',
    matching('an image repository (lowercase path components, optionally after a registry host)', `(?=.{1,255}$)(${REGISTRY_HOST}/)?${PATH_COMPONENT}(/${PATH_COMPONENT})*`),
    () => 'write the repository without tag, e.g. bitnami/mongodb',
  ),
  tag: format(
    'SITE_IMAGE',
    matching('an image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")', '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'),
    () => 'write the tag alone, e.g. 7.0.22',
  ),
  hostPath: format(
    'SITE_HOST_PATH',
    matching('an absolute directory path without "." or ".." segments (e.g. /opt/clearml)', '(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]+)+/?'),
    () => 'write an absolute path such as /opt/clearml or /data/clearml',
  ),
  jsonPointer: format(
    'SITE_JSON_POINTER',
    matching('a JSON pointer (RFC 6901) starting with "/" (e.g. /spec/replicas)', '/([^~]|~[01])*'),
    () => 'start the path with "/" and escape "~" as ~0 and "/" inside a key as ~1, e.g. /metadata/annotations/example.com~1note',
  ),
  nodePort: format('SITE_NODE_PORT_RANGE', range('a NodePort in 30000-32767', 30000, 32767), (path) => {
    const label = path.split('/').pop() as keyof typeof DEFAULT_NODE_PORTS;
    return `pick a free port in 30000-32767${DEFAULT_NODE_PORTS[label] ? ` or drop the field to keep ${DEFAULT_NODE_PORTS[label]}` : ''}`;
  }),
  imageReference: format(
    'SITE_IMAGE',
    matching('an image reference with a tag (registry/repository:tag), not latest', `(${REGISTRY_HOST}/)?${PATH_COMPONENT}(/${PATH_COMPONENT})*:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`),
    () => 'write repository:tag with a released tag, e.g. python:3.11-slim',
  ),
  pinnedTag: format('SITE_IMAGE', matching('an image tag other than latest', '(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'), () => 'pin a released tag (latest changes under you)'),
  port: format('SITE_PORT_RANGE', range('a port in 1-65535', 1, 65535), () => 'give the port the service listens on, or drop the field for its default'),
  replicas: format(
    'SITE_RANGE',
    range('a count from 1 to 2147483647 (a Kubernetes int32)', 1, 2147483647),
    () => 'use a count from 1 to 2147483647',
  ),
  seconds: format(
    'SITE_RANGE',
    range('a number of seconds from 0 to 9007199254740991', 0, Number.MAX_SAFE_INTEGER),
    () => 'use 0 or more seconds',
  ),
  queueName: format(
    'SITE_K8S_NAME',
    matching('a queue name that fits in object names and labels: a DNS-1123 label of at most 49 characters (clearml-agent-<name> is a label value, at most 63)', `(?=.{1,49}$)${LABEL}`),
    () => 'use at most 49 lowercase letters, digits and "-", e.g. gpu-a100',
  ),
  affinityWeight: format('SITE_RANGE', range('a scheduling weight from 1 to 100', 1, 100), () => 'use a weight from 1 to 100'),
  cidr: format(
    'SITE_CIDR',
    matching('an IPv4 or IPv6 CIDR block (address/prefix, e.g. 203.0.113.0/24)', '(([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))'),
    () => 'write address/prefix, e.g. 203.0.113.0/24 or 2001:db8::/32',
  ),
  configFile: format(
    'SITE_CONFIG_FILE',
    // The servers read only *.conf files of their config directory (clearml/clearml-server@v2.3.0:apiserver/config/basic.py:201, fileserver/config/basic.py:123: rglob("*.conf")).
    matching('a config file name ending in .conf (letters, digits, "_", "-" and "."; no "/"), e.g. services.conf', '[A-Za-z0-9_][A-Za-z0-9_.-]{0,247}\\.conf'),
    () => 'name a key of the ConfigMap or Secret that is a HOCON file, e.g. services.conf (the servers read only *.conf files)',
  ),
  probeCount: format('SITE_RANGE', range('a count from 1 to 2147483647', 1, 2147483647), () => 'use 1 or more'),
  mountPath: format(
    'SITE_HOST_PATH',
    matching('an absolute path in the container without "." or ".." segments (e.g. /dev/shm)', '(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]+)+/?'),
    () => 'write an absolute path in the container, e.g. /dev/shm or /mnt/datasets',
  ),
  claimSubPath: format(
    'SITE_HOST_PATH',
    matching('a relative directory path without "." or ".." segments (e.g. data/db)', '(?!\\.\\.?(/|$))[A-Za-z0-9._-]+(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]+)*'),
    () => 'write a relative path such as data/db (no leading "/", no ".." segments)',
  ),
  ingressPath: format(
    'SITE_INGRESS_PATH',
    matching('an absolute URL path (starts with "/", no spaces, "?" or "#"), e.g. /', '/[^\\s?#]*'),
    () => 'write an absolute path such as / or /clearml',
  ),
  gitRepositoryUrl: format(
    'SITE_GITOPS',
    // https:// without user info (a token in the URL would be committed), ssh://, or scp-like git@host:path.
    matching('a Git repository URL: https://host/path (no user or token in it), ssh://git@host/path or git@host:path', '(https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s@]*)?|ssh://[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?/[^\\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s/][^\\s]*)'),
    () => 'write the URL Argo CD or Flux clones, e.g. https://git.example.com/platform/clearml-k8s.git; credentials go into the tool\'s repository Secret, never into the URL',
  ),
  gitRevision: format(
    'SITE_GITOPS',
    matching('a Git branch name (letters, digits, ".", "_", "-" and "/", at most 255 characters)', '(?!.*\\.\\.)(?!/)[A-Za-z0-9._/-]{1,255}(?<![/.])'),
    () => 'name the branch to follow, e.g. main',
  ),
  goDuration: format(
    'SITE_GITOPS',
    matching('a Go duration of hours, minutes and seconds (e.g. 10m, 1h30m, 90s)', '([0-9]+(h|m|s))+'),
    () => 'write e.g. 10m or 1h (Flux and External Secrets Operator parse it with Go time.ParseDuration)',
  ),
  remoteKey: format(
    'SITE_SECRET_STORE',
    matching('a key of the external secret store (the provider\'s secret name or path, e.g. clearml/acme; no whitespace, at most 512 characters)', '[^\\s]{1,512}'),
    () => 'name the secret in your store that holds the credentials as properties, e.g. clearml/acme',
  ),
  sealedFile: format(
    'SITE_SECRET_STORE',
    matching('a file name in the site directory starting with "sealed-" and ending in ".yaml" (e.g. sealed-credentials.yaml)', 'sealed-[a-z0-9][-a-z0-9]*\\.yaml'),
    () => 'name the file kubeseal wrote in the site directory, e.g. sealed-credentials.yaml',
  ),
};

/** Name of a value format. */
export type SiteFormatName = keyof typeof SITE_FORMATS;

// ---- schema builders ----

/** A key list as a union of literal schemas. */
function literalUnion<K extends string>(keys: readonly K[]): TUnion<TLiteral<K>[]> {
  return Type.Union(keys.map((k) => Type.Literal(k))) as TUnion<TLiteral<K>[]>;
}
/** One field per key (the fields of a keyed object such as `components`). */
function fieldsOf<K extends string, T extends TSchema>(keys: readonly K[], field: (key: K) => T): { [P in K]: T } {
  return Object.fromEntries(keys.map((k) => [k, field(k)])) as { [P in K]: T };
}
/** One of `values`, as JSON Schema `enum` (TypeBox's union of literals would write `anyOf` of `const`). */
function oneOf<const V extends string>(values: readonly V[], description?: string) {
  return Type.Unsafe<V>({ enum: [...values], ...(description ? { description } : {}) });
}
/** Every `ref` made, checked against `DEFINITIONS` once that is built. */
const REFS: { name: string; target: TSchema }[] = [];
/** A `$ref` to the definition `name`, whose schema is `target` (so the field has its static type). */
function ref<T extends TSchema>(name: string, target: T, description?: string) {
  REFS.push({ name, target });
  return Type.Unsafe<Static<T>>({ $ref: `#/definitions/${name}`, ...(description ? { description } : {}) });
}
/** A `$ref` to a value format. */
const formatRef = <N extends SiteFormatName>(name: N, description?: string) => ref(name, SITE_FORMATS[name].schema as (typeof SITE_FORMATS)[N]['schema'], description);
/** A closed object: `additionalProperties: false`; its fields not wrapped in `Type.Optional` are `required`. */
const closed = <P extends TProperties>(description: string, properties: P, extra: Record<string, unknown> = {}): TObject<P> => Type.Object(properties, { description, additionalProperties: false, ...extra });
/** An open mapping (`propertyNames` `key`, values `value`); TypeBox's Record would match keys by `patternProperties`. */
function mapping<V extends TSchema>(description: string, key: TSchema | undefined, value: V) {
  return Type.Unsafe<Record<string, Static<V>>>({ type: 'object', description, ...(key ? { propertyNames: key } : {}), additionalProperties: value });
}
const optional = Type.Optional;
const strings = (description: string) => Type.Array(Type.String(), { description });

// ---- definitions ----

/** CPU and memory, as Kubernetes quantities; its static type is `ResourceList`. */
export const ResourceListSchema = closed('CPU and memory, as Kubernetes quantities.', {
  cpu: optional(formatRef('quantity', 'CPU, e.g. 500m or 2 (quote whole numbers: "2").')),
  memory: optional(formatRef('quantity', 'Memory, e.g. 512Mi or 4Gi.')),
});
const resources = (description: string) => closed(description, { requests: optional(ResourceListSchema), limits: optional(ResourceListSchema) });

/** A toleration (core/v1 Toleration); its static type is `Toleration`. */
export const TolerationSchema = closed('A toleration (core/v1 Toleration).', {
  key: optional(formatRef('labelKey', 'Taint key; empty with operator Exists tolerates every taint.')),
  operator: optional(oneOf(['Exists', 'Equal'], 'Default Equal.')),
  value: optional(formatRef('labelValue', 'Taint value (only with operator Equal).')),
  effect: optional(oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], 'Taint effect; empty matches all.')),
  tolerationSeconds: optional(formatRef('seconds', 'How long the pod stays bound after the taint appears (only with effect NoExecute).')),
});

/*
 * core/v1 Affinity as closed schemas (every type the API defines under it, with its required fields
 * and enums), so a misspelt or misplaced field fails at compose time, not at `kubectl apply`.
 * A test keeps the field lists equal to those of @kubernetes/client-node's models.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling
 */
const nodeSelectorRequirement = closed('A node selector requirement (core/v1 NodeSelectorRequirement).', {
  key: Type.String({ description: 'The label key (or field, in matchFields).' }),
  operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'], 'How the key relates to the values.'),
  values: optional(strings('Values; one integer for Gt and Lt, none for Exists and DoesNotExist.')),
});
const nodeSelectorTerm = closed('Node selector requirements, ANDed (core/v1 NodeSelectorTerm).', {
  matchExpressions: optional(Type.Array(ref('nodeSelectorRequirement', nodeSelectorRequirement), { description: 'Requirements on node labels.' })),
  matchFields: optional(Type.Array(ref('nodeSelectorRequirement', nodeSelectorRequirement), { description: 'Requirements on node fields.' })),
});
const labelSelectorRequirement = closed('A label selector requirement (meta/v1 LabelSelectorRequirement).', {
  key: Type.String({ description: 'The label key.' }),
  operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist'], 'How the key relates to the values.'),
  values: optional(strings('Values; none for Exists and DoesNotExist.')),
});
const labelSelector = closed('A label selector (meta/v1 LabelSelector).', {
  matchLabels: optional(mapping('Labels pods must have.', undefined, Type.String())),
  matchExpressions: optional(Type.Array(ref('labelSelectorRequirement', labelSelectorRequirement), { description: 'Requirements, ANDed.' })),
});
const podAffinityTerm = closed('Pods near which (or away from which) to schedule (core/v1 PodAffinityTerm).', {
  labelSelector: optional(ref('labelSelector', labelSelector, 'Which pods.')),
  namespaceSelector: optional(ref('labelSelector', labelSelector, 'Namespaces of those pods.')),
  namespaces: optional(strings('Namespaces of those pods; default the pod\'s own.')),
  topologyKey: Type.String({ description: 'Node label whose value defines "near", e.g. kubernetes.io/hostname.' }),
  matchLabelKeys: optional(strings('Label keys whose values the pod\'s own must match.')),
  mismatchLabelKeys: optional(strings('Label keys whose values the pod\'s own must not match.')),
});
const weightedPodAffinityTerm = closed('A preferred pod affinity term (core/v1 WeightedPodAffinityTerm).', {
  weight: formatRef('affinityWeight', 'Weight, 1-100.'),
  podAffinityTerm: ref('podAffinityTerm', podAffinityTerm, 'The term.'),
});
const podAffinity = closed('Pod affinity (or anti-affinity) rules (core/v1 PodAffinity, PodAntiAffinity).', {
  requiredDuringSchedulingIgnoredDuringExecution: optional(Type.Array(ref('podAffinityTerm', podAffinityTerm), { description: 'Terms that must hold.' })),
  preferredDuringSchedulingIgnoredDuringExecution: optional(Type.Array(ref('weightedPodAffinityTerm', weightedPodAffinityTerm), { description: 'Terms preferred, by weight.' })),
});
const affinity = closed('Scheduling constraints (core/v1 Affinity).', {
  nodeAffinity: optional(closed('Node affinity (core/v1 NodeAffinity).', {
    requiredDuringSchedulingIgnoredDuringExecution: optional(closed('Nodes the pods must run on (core/v1 NodeSelector: terms ORed).', {
      nodeSelectorTerms: Type.Array(ref('nodeSelectorTerm', nodeSelectorTerm), { description: 'Terms, ORed.' }),
    })),
    preferredDuringSchedulingIgnoredDuringExecution: optional(Type.Array(
      closed('A preferred node term (core/v1 PreferredSchedulingTerm).', { weight: formatRef('affinityWeight', 'Weight, 1-100.'), preference: ref('nodeSelectorTerm', nodeSelectorTerm, 'The term.') }),
      { description: 'Nodes preferred, by weight.' },
    )),
  })),
  podAffinity: optional(ref('podAffinity', podAffinity, 'Schedule near these pods.')),
  podAntiAffinity: optional(ref('podAffinity', podAffinity, 'Schedule away from these pods.')),
});

/** Server components (stack-model role `server`): the ones that may get their own ServiceAccount (`components.<name>.serviceAccount`). */
export const SERVER_COMPONENTS: readonly Static<typeof SiteComponentSchema>[] = BASE_COMPONENT_KEYS.filter((k) => STACK_MODEL.get(k).role === 'server');
/** Components serving a public endpoint (`PUBLIC_ENDPOINTS`): the ones whose Service a site may tune (`components.<name>.service`). */
export const ENDPOINT_COMPONENTS: readonly Static<typeof SiteComponentSchema>[] = PUBLIC_ENDPOINTS.map((e) => e.component);
/** The volume of a component's `extraConfig` files. */
export const EXTRA_CONFIG_VOLUME = 'extra-config';
/** Components that read extra config files (`components.<name>.extraConfig`): the apiserver and the fileserver. */
export const CONFIG_READING_COMPONENTS: readonly Static<typeof SiteComponentSchema>[] = ['apiserver', 'fileserver'];

/**
 * An extra volume of a component's pods: a name and one source (core/v1 Volume, the sources a site may
 * name: ConfigMap, Secret, emptyDir, PersistentVolumeClaim; no hostPath, which Pod Security baseline
 * forbids outside node storage). The ConfigMap, Secret or claim is a declared prerequisite.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/volume/
 */
const extraVolume = closed('An extra volume (core/v1 Volume): a name and exactly one source.', {
  name: formatRef('dnsLabel', 'Volume name (a DNS-1123 label), unique in the pod; the mounts name it.'),
  configMap: optional(closed('A ConfigMap (a declared prerequisite), its keys as files.', { name: formatRef('dnsSubdomain', 'ConfigMap name.') })),
  secret: optional(closed('A Secret (a declared prerequisite), its keys as files.', { secretName: formatRef('dnsSubdomain', 'Secret name.') })),
  emptyDir: optional(closed('A scratch directory that lives as long as the pod.', {
    medium: optional(oneOf(['', 'Memory'], 'Memory: a tmpfs (e.g. /dev/shm for PyTorch data loaders); default the node\'s disk.')),
    sizeLimit: optional(formatRef('quantity', 'Largest size, e.g. 8Gi.')),
  })),
  persistentVolumeClaim: optional(closed('An existing claim (a declared prerequisite).', {
    claimName: formatRef('dnsSubdomain', 'Claim name.'),
    readOnly: optional(Type.Boolean({ description: 'Mount the claim read-only.' })),
  })),
});

/** Timings of a probe a site may override (core/v1 Probe); the handler (path, port) stays the stack's. */
const probeTimings = (which: string) => closed(`Timings of the main container's ${which} (core/v1 Probe); its handler (path, port) stays the stack's.`, {
  initialDelaySeconds: optional(formatRef('seconds', 'Seconds after start before the first probe.')),
  periodSeconds: optional(formatRef('probeCount', 'Seconds between probes.')),
  timeoutSeconds: optional(formatRef('probeCount', 'Seconds a probe may take.')),
  failureThreshold: optional(formatRef('probeCount', 'Failures in a row that count.')),
});

/** Settings of one component; its static type is `ComponentSettings`. */
export const ComponentSettingsSchema = closed('Settings of one component.', {
  replicas: optional(formatRef('replicas', `Replica count; only for ${SCALABLE_COMPONENTS.join(' and ')}.`)),
  resources: optional(resources('Requests and limits of the main container.')),
  extraEnv: optional(mapping('Extra environment variables of the main container (name → value), appended after the parent\'s. Quote numbers and booleans.', formatRef('envName'), Type.String())),
  priorityClassName: optional(formatRef('dnsSubdomain', 'PriorityClass of this component\'s pods; overrides placement.priorityClassName. A declared prerequisite (the cluster has it) unless built in (system-cluster-critical, system-node-critical).')),
  annotations: optional(mapping('Extra annotations of the Deployment (metadata.annotations).', formatRef('labelKey'), Type.String())),
  labels: optional(mapping('Extra labels of the Deployment (metadata.labels); the labels the stack sets stay.', formatRef('labelKey'), formatRef('labelValue'))),
  podAnnotations: optional(mapping('Extra annotations of the pods (spec.template.metadata.annotations).', formatRef('labelKey'), Type.String())),
  podLabels: optional(mapping('Extra labels of the pods (spec.template.metadata.labels); not the selector\'s labels, which stay.', formatRef('labelKey'), formatRef('labelValue'))),
  nodeSelector: optional(mapping('Node labels this component\'s pods require; replaces placement.nodeSelector (and the default app: clearml) for it.', formatRef('labelKey'), formatRef('labelValue'))),
  tolerations: optional(Type.Array(ref('toleration', TolerationSchema), { description: 'Tolerations of this component\'s pods; replaces placement.tolerations for it.' })),
  affinity: optional(ref('affinity', affinity, 'A Kubernetes core/v1 Affinity for this component\'s pods, used as given; replaces placement.affinity for it.')),
  imagePullPolicy: optional(oneOf(['Always', 'IfNotPresent', 'Never'], 'imagePullPolicy of every container of the pods (core/v1 Container); default: Kubernetes\' (IfNotPresent for a tagged image).')),
  serviceAccount: optional(closed(`A ServiceAccount of its own, named as the Deployment (e.g. clearml-apiserver), which the pods run as; for cloud workload identity (EKS IRSA, GKE Workload Identity, Azure Workload Identity) through its annotations. Only on ${SERVER_COMPONENTS.join(', ')}.`, {
    annotations: optional(mapping('Annotations of the ServiceAccount, e.g. eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/clearml.', formatRef('labelKey'), Type.String())),
  })),
  service: optional(closed(`The component's Service. Only on ${ENDPOINT_COMPONENTS.join(', ')} (the databases are never exposed).`, {
    type: optional(oneOf(['LoadBalancer'], 'LoadBalancer: a cloud load balancer in front of the Service (its NodePort stays when exposed by NodePort); default: NodePort or ClusterIP, as the exposure makes it.')),
    annotations: optional(mapping('Extra annotations of the Service (e.g. of the cloud load balancer).', formatRef('labelKey'), Type.String())),
    loadBalancerSourceRanges: optional(Type.Array(formatRef('cidr'), { minItems: 1, description: 'Client CIDR blocks the load balancer admits (spec.loadBalancerSourceRanges). Only with type: LoadBalancer.' })),
  })),
  extraConfig: optional(closed(`Extra config files (HOCON *.conf, e.g. services.conf) from a ConfigMap or a Secret (a declared prerequisite), each mounted into the config directory /opt/clearml/config, which the server reads at start. Only on ${CONFIG_READING_COMPONENTS.join(' and ')}.`, {
    configMap: optional(formatRef('dnsSubdomain', 'Name of the ConfigMap. Either configMap or secret.')),
    secret: optional(formatRef('dnsSubdomain', 'Name of the Secret (for files with credentials). Either configMap or secret.')),
    files: Type.Array(formatRef('configFile'), { minItems: 1, description: 'Keys of the ConfigMap or Secret to mount, each as the file of that name.' }),
  })),
  extraVolumes: optional(Type.Array(ref('extraVolume', extraVolume), { description: 'Extra volumes of the pods (the chart\'s additionalVolumes); mount them with extraVolumeMounts.' })),
  extraVolumeMounts: optional(Type.Array(closed('A mount into the main container (core/v1 VolumeMount).', {
    name: formatRef('dnsLabel', 'The volume: one of extraVolumes (or of the pod\'s own).'),
    mountPath: formatRef('mountPath', 'Where in the container, e.g. /dev/shm; not a path the stack mounts already.'),
    subPath: optional(formatRef('claimSubPath', 'A directory of the volume to mount instead of its root.')),
    readOnly: optional(Type.Boolean({ description: 'Mount read-only.' })),
  }), { description: 'Mounts of volumes into the main container (the chart\'s additionalVolumeMounts).' })),
  readinessProbe: optional(probeTimings('readinessProbe')),
  livenessProbe: optional(probeTimings('livenessProbe')),
});

/**
 * One JSON 6902 operation. Which of `value` and `from` an op takes is said by `allOf` conditions
 * (`if`/`then`, written as JSON: TypeBox has no builder for them), so the static type is the union
 * they mean, `PatchOperation`.
 * @see https://www.rfc-editor.org/rfc/rfc6902#section-4
 */
const operation = Type.Unsafe<PatchOperation>(closed('One JSON 6902 (RFC 6902) operation.', {
  op: oneOf(['add', 'remove', 'replace', 'test', 'move', 'copy'], 'The operation.'),
  path: formatRef('jsonPointer', 'Where the operation applies, a JSON pointer.'),
  value: optional(Type.Unknown({ description: 'The value (add, replace, test).' })),
  from: optional(formatRef('jsonPointer', 'Source path of move and copy, a JSON pointer.')),
}, {
  allOf: [
    { if: { properties: { op: { enum: ['add', 'replace', 'test'] } }, required: ['op'] }, then: { required: ['value'], properties: { from: false } } },
    { if: { properties: { op: { const: 'remove' } }, required: ['op'] }, then: { properties: { value: false, from: false } } },
    { if: { properties: { op: { enum: ['move', 'copy'] } }, required: ['op'] }, then: { required: ['from'], properties: { value: false } } },
  ],
}));

/** The `definitions` of the schema, in the order of the file: the value formats, then the shared objects. */
const DEFINITIONS: Record<string, TSchema> = {
  ...Object.fromEntries(Object.entries(SITE_FORMATS).map(([name, f]) => [name, f.schema])),
  componentSettings: ComponentSettingsSchema,
  extraVolume,
  toleration: TolerationSchema,
  nodeSelectorRequirement,
  nodeSelectorTerm,
  labelSelectorRequirement,
  labelSelector,
  podAffinityTerm,
  weightedPodAffinityTerm,
  podAffinity,
  affinity,
  operation,
};

// ---- the site spec ----

/**
 * Default keys of the Secrets an `external` database names: `username` and `password`, the keys of a
 * `kubernetes.io/basic-auth` Secret, and `connectionString` for a MongoDB URI.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#basic-authentication-secret
 */
export const EXTERNAL_SECRET_KEYS = { username: 'username', password: 'password', connectionString: 'connectionString' } as const;

const secretName = (what: string) => formatRef('dnsSubdomain', `Name of the Secret holding ${what}, in the site's namespace (a declared prerequisite).`);
/** A Secret with a username and a password (the servers read both from it, never from the spec). */
const usernamePasswordSecret = (name: string, note: string) =>
  closed(`The ${name} user and password, read from a Secret (never written in the spec). ${note}`, {
    name: secretName(`the ${name} credentials`),
    usernameKey: optional(formatRef('secretKey', `Key of the user name; default ${EXTERNAL_SECRET_KEYS.username}.`)),
    passwordKey: optional(formatRef('secretKey', `Key of the password; default ${EXTERNAL_SECRET_KEYS.password}.`)),
  });

const externalDb = <E extends TProperties = {}>(name: string, extra: E = {} as E) =>
  closed(`An external ${name}: its bundled Deployment, Service and storage are removed.`, {
    host: formatRef('hostname', `Hostname or IPv4 address of the external ${name} (no scheme, user or password).`),
    port: optional(formatRef('port', 'Port; default: the standard port.')),
    ...extra,
  });

/** An external MongoDB: by host (and port, credentials) or by a connection string, both from Secrets where they hold credentials. */
const externalMongodb = closed('An external MongoDB: its bundled Deployment, Service and storage are removed. Either host (with port, credentialsSecret, authSource) or connectionStringSecret.', {
  host: optional(formatRef('hostname', 'Hostname or IPv4 address of the external MongoDB (no scheme, user or password). Either host or connectionStringSecret.')),
  port: optional(formatRef('port', 'Port; default 27017. Only with host.')),
  credentialsSecret: optional(usernamePasswordSecret('MongoDB', 'Only with host; write them as they are (the server percent-encodes them into its URI).')),
  authSource: optional(formatRef('mongoDatabase', 'Database the user is defined in (URI option authSource), e.g. admin; default: each ClearML database (backend, auth) itself. Only with credentialsSecret.')),
  connectionStringSecret: optional(closed('A MongoDB connection string (mongodb:// or mongodb+srv://, e.g. for a replica set or TLS options), read from a Secret: the server uses it as is for both of its databases. It names no database (write /?options after the hosts), or both would share one. Instead of host, port and credentialsSecret.', {
    name: secretName('the connection string'),
    key: optional(formatRef('secretKey', `Key of the connection string; default ${EXTERNAL_SECRET_KEYS.connectionString}.`)),
  })),
});

/** One ClearML queue served by its own k8s glue Deployment; its static type is `AgentQueue`. */
export const AgentQueueSchema = closed('One queue.', {
  name: formatRef('queueName', 'ClearML queue name (also in object names and labels: clearml-agent-<name>).'),
  image: optional(formatRef('imageReference', 'Image of task pods whose task names none; default agents.defaultImage.')),
  gpus: optional(formatRef('replicas', 'NVIDIA GPUs per task pod: the nvidia.com/gpu limit, which alone schedules pods onto nodes whose device plugin advertises GPUs; also tolerates the nvidia.com/gpu taint. No node label is required: add one in nodeSelector if you want it (e.g. nvidia.com/gpu.present: "true", set by the NVIDIA GPU Operator).')),
  resources: optional(resources('Requests and limits of task pods.')),
  nodeSelector: optional(mapping('Node labels task pods require (none by default, GPU queues included).', formatRef('labelKey'), formatRef('labelValue'))),
  tolerations: optional(Type.Array(ref('toleration', TolerationSchema), { description: 'Tolerations of task pods.' })),
  env: optional(mapping('Extra environment variables of task pods.', formatRef('envName'), Type.String())),
});

/** ClearML agents (the k8s glue, one Deployment per queue, and optionally agent-services); its static type is `AgentsSpec`. */
export const AgentsSpecSchema = closed('ClearML agents: a k8s glue Deployment per queue (task pods from a template), and optionally agent-services. They use the server\'s services_agent keys from credentials.secret.', {
  queues: Type.Array(AgentQueueSchema, { minItems: 1, description: 'Queues, each served by its own glue with its own task pod template.' }),
  defaultImage: optional(formatRef('imageReference', 'Image of task pods whose task and queue name none; default ubuntu:22.04.')),
  listNamespaces: optional(Type.Boolean({ description: 'Let the glue list namespaces (a ClusterRole); off by default.' })),
  services: optional(closed('agent-services: runs service tasks as sibling Docker containers, privileged with the node\'s Docker socket. Needs dockerEngineNodes; not on non-root.', {
    tag: formatRef('pinnedTag', 'Image tag of clearml/clearml-agent-services (upstream publishes only latest: pin one you have mirrored or tested).'),
    dockerEngineNodes: optional(closed('Required with services: the nodes whose kubelet runs pods with Docker Engine (cri-dockerd) on cgroup v1. Only there do the service tasks, started through the Docker socket, join the agent\'s pod network and resolve clearml-apiserver; containerd and CRI-O nodes (the default since Kubernetes 1.24 removed dockershim) have no Docker socket.', {
      nodeSelector: mapping('Labels of those nodes (at least one); agent-services runs only there (placement.nodeSelector does not apply to it).', formatRef('labelKey'), formatRef('labelValue')),
    })),
  })),
});

/** NetworkPolicies from the stack model; its static type is `NetworkPoliciesSpec`. */
export const NetworkPoliciesSchema = closed('NetworkPolicies from the stack model: a default-deny ingress policy for the namespace, then per component exactly the connections the model lists (each client by its pod labels, on the container ports it uses), the public endpoints (api 8008, web 80, files 8081) from the ingress controller (expose: ingress) or from anywhere (expose: nodePort), and the agents\' task pods to the server. The databases then take connections only from their clients in the model. Egress is not restricted. Needs a network plugin that enforces NetworkPolicies.', {
  enabled: Type.Boolean({ description: 'Render the NetworkPolicies.' }),
  ingressController: optional(closed('The ingress controller\'s pods, which forward users to the public endpoints. Required with expose: ingress; not with nodePort.', {
    namespaceSelector: ref('labelSelector', labelSelector, 'The controller\'s namespace(s), e.g. {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}} (every namespace carries that label). Must select something: {} would admit every namespace.'),
    podSelector: optional(ref('labelSelector', labelSelector, 'The controller\'s pods in those namespaces, e.g. {matchLabels: {app.kubernetes.io/name: ingress-nginx}}; default every pod of them.')),
  })),
});

/** The site spec (`site.yaml`); its static type is `SiteSpec`. Every object is closed (unknown fields are errors). */
export const SiteSpecSchema = closed('One deployment site (overlays/sites/<name>/site.yaml), composed on top of the stock overlay it names. Every field but profile is optional.', {
  profile: oneOf(PROFILES.map((p) => p.name), 'The stock overlay the site builds on.'),
  namespace: optional(formatRef('dnsLabel', 'Namespace of every object (a DNS-1123 label); default: the parent\'s (clearml).')),
  expose: optional(oneOf(['nodePort', 'ingress'], 'How users reach the endpoints; default: the profile\'s (ingress for enterprise, else nodePort).')),
  nodePorts: optional(closed('NodePorts of the endpoints when exposed by NodePort; default 30008/30080/30081. 30000-32767, distinct.', fieldsOf(ENDPOINT_LABELS, (e) => optional(formatRef('nodePort', `NodePort of ${e}; default ${DEFAULT_NODE_PORTS[e]}.`))))),
  publicUrls: optional(closed('The URLs users and agents reach the endpoints at when exposed by NodePort (a node address or a load balancer in front of the NodePorts). The fileserver URL is queued for deletion by the apiserver, and agents store artifact URLs under it so browsers can open them; default: the in-cluster Service URLs.', fieldsOf(ENDPOINT_LABELS, (e) => formatRef('publicUrl', `Public URL of ${e}, e.g. http://10.0.0.5:${DEFAULT_NODE_PORTS[e]}.`)))),
  ingress: optional(closed('Ingress settings when exposed by Ingress.', {
    domain: optional(formatRef('domain', 'Base domain: hosts api., app., files. of it. Either domain or hosts.')),
    hosts: optional(closed('Explicit hosts, when the three-label convention cannot be used. Either domain or hosts.', fieldsOf(ENDPOINT_LABELS, (e) => formatRef('hostname', `Host of ${e}.`)))),
    className: optional(formatRef('dnsSubdomain', 'spec.ingressClassName; default: the cluster\'s default class.')),
    tlsSecret: optional(formatRef('secretOrNull', 'TLS Secret covering the three hosts; default clearml-tls; null serves plain HTTP. A declared prerequisite, unless the annotations name a cert-manager issuer: then cert-manager writes it.')),
    annotations: optional(mapping('Extra annotations on every Ingress. A cert-manager issuer (cert-manager.io/cluster-issuer, or cert-manager.io/issuer with issuer-kind/issuer-group) becomes one cert-manager Certificate for tlsSecret listing the three hosts, and the cert-manager annotations stay off the Ingresses.', formatRef('labelKey'), Type.String())),
    endpoints: optional(closed('Per-endpoint settings of its Ingress (the chart\'s <component>.ingress.path and .annotations).', fieldsOf(ENDPOINT_LABELS, (e) => optional(closed(`The Ingress of ${e}.`, {
      path: optional(formatRef('ingressPath', 'Path of the Ingress rule (pathType Prefix); default /.')),
      annotations: optional(mapping('Extra annotations on this Ingress only, over those of ingress.annotations (cert-manager annotations go in ingress.annotations: the site\'s one Certificate covers the three hosts).', formatRef('labelKey'), Type.String())),
    }))))),
  })),
  placement: optional(closed('Where pods run; default node selector app: clearml.', {
    nodeSelector: optional(mapping('Node labels pods require (replaces the default app: clearml).', formatRef('labelKey'), formatRef('labelValue'))),
    tolerations: optional(Type.Array(ref('toleration', TolerationSchema), { description: 'Tolerations of every pod.' })),
    affinity: optional(ref('affinity', affinity, 'A Kubernetes core/v1 Affinity (node affinity, pod affinity and anti-affinity), used as given.')),
    priorityClassName: optional(formatRef('dnsSubdomain', 'PriorityClass of every pod the site runs (server, databases, agents; components.<c>.priorityClassName overrides it). A declared prerequisite (the cluster has it) unless built in (system-cluster-critical, system-node-critical).')),
  })),
  networkPolicies: optional(NetworkPoliciesSchema),
  readOnlyRootFilesystem: optional(Type.Boolean({ description: 'Profile non-root only: the apiserver, webserver, fileserver and async delete run with a read-only root filesystem, with an emptyDir on /tmp besides the volumes the profile mounts on every directory they write. The databases keep a writable root (the stack model does not know all their writes).' })),
  storage: optional(closed('Where data is stored.', {
    type: oneOf(['hostPath', 'pvc'], 'hostPath: directories under hostPathRoot on the labelled node; pvc: PersistentVolumeClaims.'),
    hostPathRoot: optional(formatRef('hostPath', 'Root directory on the node (absolute path); default /opt/clearml. Only with hostPath.')),
    storageClass: optional(formatRef('dnsSubdomain', 'StorageClass of new claims; default: the cluster\'s default. Only with pvc.')),
    sizes: optional(closed('Size of each new claim (a quantity). Only with pvc.', fieldsOf(STORED_COMPONENTS, (c) => optional(formatRef('quantity', `Size of the ${c} claim, e.g. 50Gi.`))))),
    existingClaims: optional(closed('Existing claims to use instead of creating one. Only with pvc.', fieldsOf(STORED_COMPONENTS, (c) => optional(formatRef('dnsSubdomain', `Existing claim for ${c}.`))))),
    existingClaimSubPaths: optional(closed('The directory inside an existing claim that holds the data (volumeMounts subPath), when another deployment laid it out below the claim\'s root: a Bitnami MongoDB claim (the Helm chart\'s) keeps the database in data/db. Only for a component with an existing claim.', fieldsOf(STORED_COMPONENTS, (c) => optional(formatRef('claimSubPath', `Directory of ${c}'s data inside its existing claim, e.g. data/db.`))))),
    keepOnDelete: optional(Type.Boolean({ description: 'Mark created claims so GitOps tools never prune them. Only with pvc.' })),
  })),
  images: optional(closed('Image sources.', {
    registry: optional(formatRef('registry', 'Mirror registry host (and optional path) put in front of every image, e.g. registry.example.internal/mirror.')),
    overrides: optional(closed('Repository and/or tag per catalog image.', fieldsOf(CATALOG_IMAGE_KEYS, (k) => optional(closed(`Override of the ${k} image.`, { repository: optional(formatRef('repository')), tag: optional(formatRef('tag')) }))))),
    pullSecrets: optional(Type.Array(formatRef('dnsSubdomain'), { description: 'Image pull Secrets (declared prerequisites).' })),
  })),
  external: optional(closed('External databases: the bundled Deployment, Service and storage of each named one are removed. Credentials and connection strings are read from Secrets the site names (declared prerequisites), never from the spec.', {
    mongodb: optional(externalMongodb),
    elasticsearch: optional(externalDb('Elasticsearch', {
      scheme: optional(oneOf(['http', 'https'], 'Default http.')),
      credentialsSecret: optional(usernamePasswordSecret('Elasticsearch', 'The apiserver and async delete authenticate with them (HTTP basic auth).')),
    })),
    redis: optional(externalDb('Redis', {
      credentialsSecret: optional(closed('The Redis password, read from a Secret (never written in the spec). The servers send AUTH with the password alone (Redis\'s default user): they read no user name.', {
        name: secretName('the Redis password'),
        passwordKey: optional(formatRef('secretKey', `Key of the password; default ${EXTERNAL_SECRET_KEYS.password}.`)),
      })),
    })),
  })),
  components: optional(closed('Per-component settings.', fieldsOf(SITE_COMPONENTS, (c) => optional(ref('componentSettings', ComponentSettingsSchema, `Settings of ${c}.`))))),
  credentials: optional(closed('Credential Secrets (declared prerequisites).', {
    secret: optional(formatRef('dnsSubdomain', 'Secret with the internal credentials and the fixed users (keys as clearml-k8s credentials writes, fixed_users included); turns fixed users on, so the web app asks for a username and password and the public webserver and tests credentials are revoked; default for enterprise clearml-internal-credentials.')),
    fixedUsersSecret: optional(formatRef('dnsSubdomain', 'Secret with key apiserver.conf holding auth.fixed_users (username, password, name per user); mounted into the apiserver\'s config directory, enables fixed-user login; its users replace those of the credentials Secret.')),
    externalSecret: optional(closed('The credentials Secret is made in the cluster by External Secrets Operator: the site renders an ExternalSecret (external-secrets.io/v1) that reads every key the pods read from one secret of your store, as its properties of the same names, and writes the Secret credentials.secret. Nothing secret is committed. Either externalSecret or sealedSecret.', {
      storeRef: closed('The SecretStore (in the site\'s namespace) or ClusterSecretStore to read from: a declared prerequisite.', {
        name: formatRef('dnsSubdomain', 'Name of the store.'),
        kind: optional(oneOf(['SecretStore', 'ClusterSecretStore'], 'Kind of the store; default SecretStore.')),
      }),
      remoteKey: formatRef('remoteKey', 'The secret of the store holding the credentials, one property per Secret key (secure_auth_token_secret, apiserver_key, …, fixed_users): remoteRef.key of each entry.'),
      refreshInterval: optional(formatRef('goDuration', 'How often External Secrets Operator reads the store again; default 1h.')),
    })),
    sealedSecret: optional(closed('The credentials Secret is made in the cluster by the Bitnami sealed-secrets controller from a SealedSecret you seal with kubeseal (only the controller can decrypt it) and commit in the site directory; the site renders it with the ordering annotations. Either sealedSecret or externalSecret.', {
      file: optional(formatRef('sealedFile', 'The file kubeseal wrote, in the site directory; default sealed-credentials.yaml. Its SealedSecret must be named as credentials.secret, in the site\'s namespace, with every key the pods read.')),
    })),
  })),
  gitops: optional(closed('Deploy the site with Argo CD or Flux: compose writes gitops.yaml beside the kustomization (an Argo CD Application, or a Flux GitRepository and Kustomization) that syncs this site\'s directory from your repository with pruning, and orders the Namespace and the credentials Secret\'s source before the workloads. Apply it once to the tool\'s namespace; it is not part of the site\'s kustomization.', {
    tool: oneOf(['argocd', 'flux'], 'argocd: an Argo CD Application with sync waves; flux: a Flux Kustomization with wait and dependsOn.'),
    repoURL: optional(formatRef('gitRepositoryUrl', 'The Git repository holding this tree (the tool clones it; its credentials are the tool\'s). Required for argocd; for flux, either repoURL (a GitRepository is rendered) or sourceRef.')),
    revision: optional(formatRef('gitRevision', 'Branch to follow (Argo CD targetRevision, Flux ref.branch); default main.')),
    namespace: optional(formatRef('dnsLabel', 'Namespace of the GitOps objects (where the tool runs); default argocd for argocd, flux-system for flux.')),
    project: optional(formatRef('dnsSubdomain', 'Argo CD AppProject; default default. Only with argocd.')),
    interval: optional(formatRef('goDuration', 'How often Flux reconciles (Kustomization and GitRepository interval); default 10m. Only with flux.')),
    sourceRef: optional(closed('An existing Flux GitRepository (e.g. flux-system, made by flux bootstrap) instead of repoURL. Only with flux.', {
      name: formatRef('dnsSubdomain', 'Name of the GitRepository, in gitops.namespace.'),
    })),
    dependsOn: optional(Type.Array(formatRef('dnsSubdomain'), { description: 'Flux Kustomizations (in gitops.namespace) that must be Ready before this site is applied, e.g. the ones installing the sealed-secrets controller or External Secrets Operator and its store. Only with flux.' })),
  })),
  agents: optional(AgentsSpecSchema),
  patches: optional(Type.Array(
    closed('Operations on one object of the parent overlay.', {
      target: closed('The object: kind and name, exactly as in the parent overlay.', {
        kind: Type.String({ description: 'Kind, e.g. Deployment.' }),
        name: Type.String({ description: 'metadata.name, e.g. clearml-apiserver.' }),
      }),
      operations: Type.Array(ref('operation', operation), { minItems: 1, description: 'The operations, applied in order.' }),
    }),
    { description: 'Escape hatch: raw JSON 6902 operations on objects of the parent overlay, applied last.' },
  )),
});

// ---- the JSON Schema document ----

// A `$ref` gets its static type from the schema it was given: that must be the definition it names.
for (const { name, target } of REFS) {
  if (DEFINITIONS[name] !== target) throw new Error(`site schema: $ref to "${name}" is typed by another schema than definitions.${name}`);
}

/** A JSON Schema node as plain JSON (no TypeBox symbols). */
type JsonSchema = { [key: string]: unknown };

/** The schema document: draft-07, the spec's object at its root, the named definitions beside it. */
interface SiteSchemaDocument {
  $schema: 'http://json-schema.org/draft-07/schema#';
  $id: string;
  title: string;
  description: string;
  type: 'object';
  required: string[];
  additionalProperties: false;
  properties: Record<keyof Static<typeof SiteSpecSchema>, JsonSchema>;
  definitions: Record<string, JsonSchema>;
}

/**
 * Key order of a node TypeBox built (it writes its options first): what a node is, its
 * description, then what it holds, the order `schemas/site.schema.json` has had since it was
 * hand-written (so the file stays byte-identical). Nodes given as JSON (the `if`/`then`
 * conditions) keep their own order.
 */
const KEY_ORDER = ['$ref', 'enum', 'type', 'minItems', 'description', 'required', 'propertyNames', 'additionalProperties', 'properties', 'items', 'pattern', 'minimum', 'maximum', 'allOf'];

/**
 * A TypeBox schema as plain JSON: symbol keys dropped, keys of TypeBox-built nodes in `KEY_ORDER`.
 * @throws Error for a TypeBox-built key `KEY_ORDER` does not place (a builder writing a new keyword).
 */
function plain(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plain);
  if (typeof node !== 'object' || node === null) return node;
  const keys = Object.keys(node);
  if (Kind in node) {
    const unplaced = keys.filter((k) => !KEY_ORDER.includes(k));
    if (unplaced.length) throw new Error(`site schema: no place in KEY_ORDER for ${unplaced.join(', ')}`);
    keys.sort((a, b) => KEY_ORDER.indexOf(a) - KEY_ORDER.indexOf(b));
  }
  return Object.fromEntries(keys.map((k) => [k, plain((node as Record<string, unknown>)[k])]));
}

/** A node headed by its description (the document itself and the value formats read so). */
const headed = (schema: TSchema): JsonSchema => ({ description: schema.description, ...(plain(schema) as JsonSchema) });

/**
 * The JSON Schema (draft-07) of `SiteSpec`, made from `SiteSpecSchema` and `DEFINITIONS`: what ajv
 * validates and `schemas/site.schema.json` holds. Every object is closed (unknown fields are errors).
 */
export const SITE_SCHEMA: SiteSchemaDocument = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:clearml-k8s:schemas:site',
  title: 'ClearML site spec',
  ...(headed(SiteSpecSchema) as Pick<SiteSchemaDocument, 'description' | 'type' | 'required' | 'additionalProperties' | 'properties'>),
  definitions: Object.fromEntries(Object.entries(DEFINITIONS).map(([name, schema]) => [name, Object.hasOwn(SITE_FORMATS, name) ? headed(schema) : (plain(schema) as JsonSchema)])),
};

/** The shipped schema file: `schemas/site.schema.json`, 2-space JSON with a trailing newline. */
export function siteSchemaFile(): GeneratedFile {
  return { path: 'schemas/site.schema.json', content: JSON.stringify(SITE_SCHEMA, null, 2) + '\n' };
}
