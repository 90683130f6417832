/**
 * The JSON Schema (draft-07) of the site spec (`SiteSpec`), shipped as `schemas/site.schema.json`
 * for editors and used by `parseSiteSpec` to validate. Value formats (names, quantities, ports …)
 * are named `definitions`; `SITE_FORMATS` gives each its error code, expected phrase and hint.
 */
import { CATALOG_IMAGE_KEYS, type GeneratedFile } from '@clearml-k8s/base-manifests';
import { PROFILES } from '../profiles/index.ts';
import type { SiteSpecErrorCode } from './site-error.ts';
import type { SiteSpec } from './site-spec.ts';

/** Default NodePorts of the endpoints (what the stock overlays render). */
export const DEFAULT_NODE_PORTS = { api: 30008, app: 30080, files: 30081 } as const;

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const SUBDOMAIN_BODY = `${LABEL}(\\.${LABEL})*`;
const SUBDOMAIN = `(?=.{1,253}$)${SUBDOMAIN_BODY}`;
const QUALIFIED_NAME = '(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?';
const REGISTRY_HOST = '([A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9])(\\.([A-Za-z0-9]|[A-Za-z0-9][-A-Za-z0-9]*[A-Za-z0-9]))*(:[0-9]{1,5})?';
const PATH_COMPONENT = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';

/** One named value format: its schema, the code of a value that fails it, the phrase and the fix. */
export interface SiteFormat {
  code: SiteSpecErrorCode;
  /** Shown by editors and as `expected` in errors. */
  description: string;
  schema: Record<string, unknown>;
  /** The fix, given the JSON pointer of the failing field. */
  hint(path: string): string;
}

const string = (pattern: string) => ({ type: 'string', pattern: `^${pattern}$` });

/** The value formats of the schema, by definition name. */
export const SITE_FORMATS = {
  dnsLabel: {
    code: 'SITE_K8S_NAME',
    description: 'a DNS-1123 label (lowercase letters, digits and "-", alphanumeric at both ends, at most 63 characters)',
    schema: string(LABEL),
    hint: () => 'use lowercase letters, digits and "-", e.g. clearml-acme',
  },
  dnsSubdomain: {
    code: 'SITE_K8S_NAME',
    description: 'a Kubernetes object name (DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters)',
    schema: string(SUBDOMAIN),
    hint: () => 'use lowercase letters, digits, "-" and ".", e.g. clearml-tls',
  },
  secretOrNull: {
    code: 'SITE_K8S_NAME',
    description: 'a Secret name (DNS-1123 subdomain) or null',
    schema: { type: ['string', 'null'], pattern: `^${SUBDOMAIN}$` },
    hint: () => 'use lowercase letters, digits, "-" and ".", e.g. clearml-tls, or null for plain HTTP',
  },
  domain: {
    code: 'SITE_DNS_NAME',
    description: 'a DNS domain of at least two labels (RFC 1123, lowercase)',
    schema: string(`(?=.{1,253}$)${LABEL}(\\.${LABEL})+`),
    hint: () => 'use a lowercase domain such as clearml.example.com (letters, digits and "-" between dots, no "_")',
  },
  hostname: {
    code: 'SITE_DNS_NAME',
    description: 'a DNS hostname (RFC 1123, lowercase) or an IPv4 address',
    schema: string(SUBDOMAIN),
    hint: () => 'use a lowercase hostname such as mongo.db.example.internal, or an IPv4 address',
  },
  quantity: {
    code: 'SITE_QUANTITY',
    description: 'a Kubernetes quantity (e.g. 500m, 2, 512Mi, 10Gi)',
    schema: string('\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][-+]?[0-9]+)?'),
    hint: () => 'write a number with an optional suffix: 500m or 2 for CPU, 512Mi or 10Gi for memory and sizes (binary suffixes end in "i": Gi, not GB)',
  },
  labelKey: {
    code: 'SITE_LABEL',
    description: 'a label or annotation key ([prefix/]name: name of at most 63 letters, digits, "-", "_", "."; prefix a DNS subdomain)',
    schema: string(`((?=[^/]{1,253}/)${SUBDOMAIN_BODY}/)?${QUALIFIED_NAME}`),
    hint: () => 'use [prefix/]name, e.g. app or node-role.kubernetes.io/clearml',
  },
  labelValue: {
    code: 'SITE_LABEL',
    description: 'a label value (empty, or at most 63 letters, digits, "-", "_", "." with alphanumeric ends)',
    schema: string(`(${QUALIFIED_NAME})?`),
    hint: () => 'use letters, digits, "-", "_" and "." with alphanumeric ends, e.g. clearml',
  },
  envName: {
    code: 'SITE_ENV_NAME',
    description: 'an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)',
    schema: string('[-._a-zA-Z][-._a-zA-Z0-9]*'),
    hint: () => 'use letters, digits, "_", "-" and ".", not starting with a digit, e.g. CLEARML__logging__level',
  },
  registry: {
    code: 'SITE_IMAGE',
    description: 'a registry host with optional port and path, without scheme (e.g. registry.example.internal/mirror)',
    schema: string(`(?=.{1,255}$)${REGISTRY_HOST}(/${PATH_COMPONENT})*`),
    hint: () => 'write host[:port][/path] without https:// or a trailing "/", e.g. registry.example.internal/mirror',
  },
  repository: {
    code: 'SITE_IMAGE',
    description: 'an image repository (lowercase path components, optionally after a registry host)',
    schema: string(`(?=.{1,255}$)(${REGISTRY_HOST}/)?${PATH_COMPONENT}(/${PATH_COMPONENT})*`),
    hint: () => 'write the repository without tag, e.g. bitnami/mongodb',
  },
  tag: {
    code: 'SITE_IMAGE',
    description: 'an image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")',
    schema: string('[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'),
    hint: () => 'write the tag alone, e.g. 7.0.22',
  },
  hostPath: {
    code: 'SITE_HOST_PATH',
    description: 'an absolute directory path without "." or ".." segments (e.g. /opt/clearml)',
    schema: string('(/(?!\\.\\.?(/|$))[A-Za-z0-9._-]+)+/?'),
    hint: () => 'write an absolute path such as /opt/clearml or /data/clearml',
  },
  jsonPointer: {
    code: 'SITE_JSON_POINTER',
    description: 'a JSON pointer (RFC 6901) starting with "/" (e.g. /spec/replicas)',
    schema: string('/([^~]|~[01])*'),
    hint: () => 'start the path with "/" and escape "~" as ~0 and "/" inside a key as ~1, e.g. /metadata/annotations/example.com~1note',
  },
  nodePort: {
    code: 'SITE_NODE_PORT_RANGE',
    description: 'a NodePort in 30000-32767',
    schema: { type: 'integer', minimum: 30000, maximum: 32767 },
    hint: (path) => {
      const label = path.split('/').pop() as keyof typeof DEFAULT_NODE_PORTS;
      return `pick a free port in 30000-32767${DEFAULT_NODE_PORTS[label] ? ` or drop the field to keep ${DEFAULT_NODE_PORTS[label]}` : ''}`;
    },
  },
  imageReference: {
    code: 'SITE_IMAGE',
    description: 'an image reference with a tag (registry/repository:tag), not latest',
    schema: string(`(${REGISTRY_HOST}/)?${PATH_COMPONENT}(/${PATH_COMPONENT})*:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`),
    hint: () => 'write repository:tag with a released tag, e.g. python:3.11-slim',
  },
  pinnedTag: {
    code: 'SITE_IMAGE',
    description: 'an image tag other than latest',
    schema: string('(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'),
    hint: () => 'pin a released tag (latest changes under you)',
  },
  port: {
    code: 'SITE_PORT_RANGE',
    description: 'a port in 1-65535',
    schema: { type: 'integer', minimum: 1, maximum: 65535 },
    hint: () => 'give the port the service listens on, or drop the field for its default',
  },
  replicas: {
    code: 'SITE_RANGE',
    description: 'a count from 1 to 2147483647 (a Kubernetes int32)',
    schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
    hint: () => 'use a count from 1 to 2147483647',
  },
  seconds: {
    code: 'SITE_RANGE',
    description: 'a number of seconds from 0 to 9007199254740991',
    schema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    hint: () => 'use 0 or more seconds',
  },
  queueName: {
    code: 'SITE_K8S_NAME',
    description: 'a queue name that fits in object names and labels: a DNS-1123 label of at most 49 characters (clearml-agent-<name> is a label value, at most 63)',
    schema: string(`(?=.{1,49}$)${LABEL}`),
    hint: () => 'use at most 49 lowercase letters, digits and "-", e.g. gpu-a100',
  },
  affinityWeight: {
    code: 'SITE_RANGE',
    description: 'a scheduling weight from 1 to 100',
    schema: { type: 'integer', minimum: 1, maximum: 100 },
    hint: () => 'use a weight from 1 to 100',
  },
} as const satisfies Record<string, SiteFormat>;

/** Name of a value format. */
export type SiteFormatName = keyof typeof SITE_FORMATS;

type Schema = Record<string, unknown>;
const ref = (name: string, description?: string): Schema => ({ $ref: `#/definitions/${name}`, ...(description ? { description } : {}) });
/** A closed object: `additionalProperties: false`. */
const object = (description: string, properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  description,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  properties,
});
/** An open mapping with keys and values of the given schemas. */
const mapping = (description: string, key: Schema, value: Schema): Schema => ({ type: 'object', description, propertyNames: key, additionalProperties: value });
const keys = <K extends string>(names: readonly K[], value: (name: K) => Schema) => Object.fromEntries(names.map((n) => [n, value(n)])) as Record<K, Schema>;

const STORED = ['fileserver', 'elasticsearch', 'mongodb', 'redis'] as const;
const COMPONENTS = ['apiserver', 'webserver', 'fileserver', 'asyncDelete', 'elasticsearch', 'mongodb', 'redis'] as const;
const ENDPOINTS = ['api', 'app', 'files'] as const;
const IMAGE_KEYS = CATALOG_IMAGE_KEYS;
const externalDb = (name: string, extra: Record<string, Schema> = {}) =>
  object(`An external ${name}: its bundled Deployment, Service and storage are removed.`, { host: ref('hostname', `Hostname or IPv4 address of the external ${name}.`), port: ref('port', 'Port; default: the standard port.'), ...extra }, ['host']);

/**
 * core/v1 Affinity as closed schemas (every type the API defines under it, with its required fields
 * and enums), so a misspelt or misplaced field fails at compose time, not at `kubectl apply`.
 * A test keeps the field lists equal to those of @kubernetes/client-node's models.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling
 */
const strings = (description: string): Schema => ({ type: 'array', description, items: { type: 'string' } });
const AFFINITY_DEFINITIONS: Record<string, Schema> = {
  nodeSelectorRequirement: object('A node selector requirement (core/v1 NodeSelectorRequirement).', {
    key: { type: 'string', description: 'The label key (or field, in matchFields).' },
    operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'], description: 'How the key relates to the values.' },
    values: strings('Values; one integer for Gt and Lt, none for Exists and DoesNotExist.'),
  }, ['key', 'operator']),
  nodeSelectorTerm: object('Node selector requirements, ANDed (core/v1 NodeSelectorTerm).', {
    matchExpressions: { type: 'array', description: 'Requirements on node labels.', items: ref('nodeSelectorRequirement') },
    matchFields: { type: 'array', description: 'Requirements on node fields.', items: ref('nodeSelectorRequirement') },
  }),
  labelSelectorRequirement: object('A label selector requirement (meta/v1 LabelSelectorRequirement).', {
    key: { type: 'string', description: 'The label key.' },
    operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'], description: 'How the key relates to the values.' },
    values: strings('Values; none for Exists and DoesNotExist.'),
  }, ['key', 'operator']),
  labelSelector: object('A label selector (meta/v1 LabelSelector).', {
    matchLabels: { type: 'object', description: 'Labels pods must have.', additionalProperties: { type: 'string' } },
    matchExpressions: { type: 'array', description: 'Requirements, ANDed.', items: ref('labelSelectorRequirement') },
  }),
  podAffinityTerm: object('Pods near which (or away from which) to schedule (core/v1 PodAffinityTerm).', {
    labelSelector: ref('labelSelector', 'Which pods.'),
    namespaceSelector: ref('labelSelector', 'Namespaces of those pods.'),
    namespaces: strings('Namespaces of those pods; default the pod\'s own.'),
    topologyKey: { type: 'string', description: 'Node label whose value defines "near", e.g. kubernetes.io/hostname.' },
    matchLabelKeys: strings('Label keys whose values the pod\'s own must match.'),
    mismatchLabelKeys: strings('Label keys whose values the pod\'s own must not match.'),
  }, ['topologyKey']),
  weightedPodAffinityTerm: object('A preferred pod affinity term (core/v1 WeightedPodAffinityTerm).', {
    weight: ref('affinityWeight', 'Weight, 1-100.'),
    podAffinityTerm: ref('podAffinityTerm', 'The term.'),
  }, ['weight', 'podAffinityTerm']),
  podAffinity: object('Pod affinity (or anti-affinity) rules (core/v1 PodAffinity, PodAntiAffinity).', {
    requiredDuringSchedulingIgnoredDuringExecution: { type: 'array', description: 'Terms that must hold.', items: ref('podAffinityTerm') },
    preferredDuringSchedulingIgnoredDuringExecution: { type: 'array', description: 'Terms preferred, by weight.', items: ref('weightedPodAffinityTerm') },
  }),
  affinity: object('Scheduling constraints (core/v1 Affinity).', {
    nodeAffinity: object('Node affinity (core/v1 NodeAffinity).', {
      requiredDuringSchedulingIgnoredDuringExecution: object('Nodes the pods must run on (core/v1 NodeSelector: terms ORed).', { nodeSelectorTerms: { type: 'array', description: 'Terms, ORed.', items: ref('nodeSelectorTerm') } }, ['nodeSelectorTerms']),
      preferredDuringSchedulingIgnoredDuringExecution: {
        type: 'array',
        description: 'Nodes preferred, by weight.',
        items: object('A preferred node term (core/v1 PreferredSchedulingTerm).', { weight: ref('affinityWeight', 'Weight, 1-100.'), preference: ref('nodeSelectorTerm', 'The term.') }, ['weight', 'preference']),
      },
    }),
    podAffinity: ref('podAffinity', 'Schedule near these pods.'),
    podAntiAffinity: ref('podAffinity', 'Schedule away from these pods.'),
  }),
};

const resourceList = object('CPU and memory, as Kubernetes quantities.', { cpu: ref('quantity', 'CPU, e.g. 500m or 2 (quote whole numbers: "2").'), memory: ref('quantity', 'Memory, e.g. 512Mi or 4Gi.') });

const definitions: Record<string, Schema> = {
  ...Object.fromEntries(Object.entries(SITE_FORMATS).map(([name, f]) => [name, { description: f.description, ...f.schema }])),
  componentSettings: object('Settings of one component.', {
    replicas: ref('replicas', 'Replica count; only for apiserver and webserver.'),
    resources: object('Requests and limits of the main container.', { requests: resourceList, limits: resourceList }),
    extraEnv: mapping('Extra environment variables of the main container (name → value), appended after the parent\'s. Quote numbers and booleans.', ref('envName'), { type: 'string' }),
  }),
  toleration: object('A toleration (core/v1 Toleration).', {
    key: ref('labelKey', 'Taint key; empty with operator Exists tolerates every taint.'),
    operator: { enum: ['Exists', 'Equal'], description: 'Default Equal.' },
    value: ref('labelValue', 'Taint value (only with operator Equal).'),
    effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], description: 'Taint effect; empty matches all.' },
    tolerationSeconds: ref('seconds', 'How long the pod stays bound after the taint appears (only with effect NoExecute).'),
  }),
  ...AFFINITY_DEFINITIONS,
  operation: {
    ...object('One JSON 6902 (RFC 6902) operation.', {
      op: { enum: ['add', 'remove', 'replace', 'test', 'move', 'copy'], description: 'The operation.' },
      path: ref('jsonPointer', 'Where the operation applies, a JSON pointer.'),
      value: { description: 'The value (add, replace, test).' },
      from: ref('jsonPointer', 'Source path of move and copy, a JSON pointer.'),
    }, ['op', 'path']),
    allOf: [
      { if: { properties: { op: { enum: ['add', 'replace', 'test'] } }, required: ['op'] }, then: { required: ['value'], properties: { from: false } } },
      { if: { properties: { op: { const: 'remove' } }, required: ['op'] }, then: { properties: { value: false, from: false } } },
      { if: { properties: { op: { enum: ['move', 'copy'] } }, required: ['op'] }, then: { required: ['from'], properties: { value: false } } },
    ],
  },
};

const properties = {
  profile: { enum: PROFILES.map((p) => p.name), description: 'The stock overlay the site builds on.' },
  namespace: ref('dnsLabel', 'Namespace of every object (a DNS-1123 label); default: the parent\'s (clearml).'),
  expose: { enum: ['nodePort', 'ingress'], description: 'How users reach the endpoints; default: the profile\'s (ingress for enterprise, else nodePort).' },
  nodePorts: object('NodePorts of the endpoints when exposed by NodePort; default 30008/30080/30081. 30000-32767, distinct.', keys(ENDPOINTS, (e) => ref('nodePort', `NodePort of ${e}; default ${DEFAULT_NODE_PORTS[e]}.`))),
  ingress: object('Ingress settings when exposed by Ingress.', {
    domain: ref('domain', 'Base domain: hosts api., app., files. of it. Either domain or hosts.'),
    hosts: object('Explicit hosts, when the three-label convention cannot be used. Either domain or hosts.', keys(ENDPOINTS, (e) => ref('hostname', `Host of ${e}.`)), [...ENDPOINTS]),
    className: ref('dnsSubdomain', 'spec.ingressClassName; default: the cluster\'s default class.'),
    tlsSecret: ref('secretOrNull', 'TLS Secret covering the three hosts (a declared prerequisite); default clearml-tls; null serves plain HTTP.'),
    annotations: mapping('Extra annotations on every Ingress (e.g. cert-manager.io/cluster-issuer).', ref('labelKey'), { type: 'string' }),
  }),
  placement: object('Where pods run; default node selector app: clearml.', {
    nodeSelector: mapping('Node labels pods require (replaces the default app: clearml).', ref('labelKey'), ref('labelValue')),
    tolerations: { type: 'array', description: 'Tolerations of every pod.', items: ref('toleration') },
    affinity: ref('affinity', 'A Kubernetes core/v1 Affinity (node affinity, pod affinity and anti-affinity), used as given.'),
  }),
  storage: object('Where data is stored.', {
    type: { enum: ['hostPath', 'pvc'], description: 'hostPath: directories under hostPathRoot on the labelled node; pvc: PersistentVolumeClaims.' },
    hostPathRoot: ref('hostPath', 'Root directory on the node (absolute path); default /opt/clearml. Only with hostPath.'),
    storageClass: ref('dnsSubdomain', 'StorageClass of new claims; default: the cluster\'s default. Only with pvc.'),
    sizes: object('Size of each new claim (a quantity). Only with pvc.', keys(STORED, (c) => ref('quantity', `Size of the ${c} claim, e.g. 50Gi.`))),
    existingClaims: object('Existing claims to use instead of creating one. Only with pvc.', keys(STORED, (c) => ref('dnsSubdomain', `Existing claim for ${c}.`))),
    keepOnDelete: { type: 'boolean', description: 'Mark created claims so GitOps tools never prune them. Only with pvc.' },
  }, ['type']),
  images: object('Image sources.', {
    registry: ref('registry', 'Mirror registry host (and optional path) put in front of every image, e.g. registry.example.internal/mirror.'),
    overrides: object('Repository and/or tag per catalog image.', keys(IMAGE_KEYS, (k) => object(`Override of the ${k} image.`, { repository: ref('repository'), tag: ref('tag') }))),
    pullSecrets: { type: 'array', description: 'Image pull Secrets (declared prerequisites).', items: ref('dnsSubdomain') },
  }),
  external: object('External databases: the bundled Deployment, Service and storage of each named one are removed.', {
    mongodb: externalDb('MongoDB'),
    elasticsearch: externalDb('Elasticsearch', { scheme: { enum: ['http', 'https'], description: 'Default http.' } }),
    redis: externalDb('Redis'),
  }),
  components: object('Per-component settings.', keys(COMPONENTS, (c) => ref('componentSettings', `Settings of ${c}.`))),
  credentials: object('Credential Secrets (declared prerequisites).', {
    secret: ref('dnsSubdomain', 'Secret with the internal credentials (keys as clearml-k8s credentials writes); default for enterprise clearml-internal-credentials.'),
    fixedUsersSecret: ref('dnsSubdomain', 'Secret with key apiserver.conf holding auth.fixed_users (username, password, name per user); mounted into the apiserver\'s config directory, enables fixed-user login.'),
  }),
  agents: object('ClearML agents: a k8s glue Deployment per queue (task pods from a template), and optionally agent-services. They use the server\'s services_agent keys from credentials.secret.', {
    queues: {
      type: 'array',
      minItems: 1,
      description: 'Queues, each served by its own glue with its own task pod template.',
      items: object('One queue.', {
        name: ref('queueName', 'ClearML queue name (also in object names and labels: clearml-agent-<name>).'),
        image: ref('imageReference', 'Image of task pods whose task names none; default agents.defaultImage.'),
        gpus: ref('replicas', 'NVIDIA GPUs per task pod (nvidia.com/gpu); also selects GPU nodes and tolerates their taint.'),
        resources: object('Requests and limits of task pods.', { requests: resourceList, limits: resourceList }),
        nodeSelector: mapping('Node labels task pods require.', ref('labelKey'), ref('labelValue')),
        tolerations: { type: 'array', description: 'Tolerations of task pods.', items: ref('toleration') },
        env: mapping('Extra environment variables of task pods.', ref('envName'), { type: 'string' }),
      }, ['name']),
    },
    defaultImage: ref('imageReference', 'Image of task pods whose task and queue name none; default ubuntu:22.04.'),
    listNamespaces: { type: 'boolean', description: 'Let the glue list namespaces (a ClusterRole); off by default.' },
    services: object('agent-services: runs service tasks in Docker, privileged with the node\'s Docker socket. Not on non-root.', { tag: ref('pinnedTag', 'Image tag of clearml/clearml-agent-services (upstream publishes only latest: pin one you have mirrored or tested).') }, ['tag']),
  }, ['queues']),
  patches: {
    type: 'array',
    description: 'Escape hatch: raw JSON 6902 operations on objects of the parent overlay, applied last.',
    items: object('Operations on one object of the parent overlay.', {
      target: object('The object: kind and name, exactly as in the parent overlay.', { kind: { type: 'string', description: 'Kind, e.g. Deployment.' }, name: { type: 'string', description: 'metadata.name, e.g. clearml-apiserver.' } }, ['kind', 'name']),
      operations: { type: 'array', minItems: 1, description: 'The operations, applied in order.', items: ref('operation') },
    }, ['target', 'operations']),
  },
} satisfies Record<keyof SiteSpec, Schema>;

/** The JSON Schema of `SiteSpec` (draft-07); every object is closed (unknown fields are errors). */
export const SITE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:clearml-k8s:schemas:site',
  title: 'ClearML site spec',
  description: 'One deployment site (overlays/sites/<name>/site.yaml), composed on top of the stock overlay it names. Every field but profile is optional.',
  type: 'object',
  required: ['profile'],
  additionalProperties: false,
  properties,
  definitions,
} as const;

/** The shipped schema file: `schemas/site.schema.json`, 2-space JSON with a trailing newline. */
export function siteSchemaFile(): GeneratedFile {
  return { path: 'schemas/site.schema.json', content: JSON.stringify(SITE_SCHEMA, null, 2) + '\n' };
}
