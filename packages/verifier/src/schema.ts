/**
 * Strict schema validation of rendered Kubernetes objects, offline and in-process: the checks
 * `kubectl apply --validate=strict` or `kubeconform -strict` would make, without a cluster.
 *
 * What is checked, for every object whose apiVersion/kind is built into Kubernetes:
 * - types, required fields, enums and formats (quantity, date-time, base64 `byte`, int-or-string),
 *   by the ajv validators pre-compiled into `kubernetes-models` 4.5.1. Its schemas are the OpenAPI
 *   spec of Kubernetes v1.33.0 (its CHANGELOG, 4.5.0; the README badge still says 1.27.1), merged
 *   with older specs for API versions removed since (extensions/v1beta1, apps/v1beta2,
 *   policy/v1beta1, ...). Those schemas do not set `additionalProperties: false`, so they accept
 *   any unknown field;
 * - unknown fields, by walking the object along the model classes of `@kubernetes/client-node` 1.4
 *   (generated from the OpenAPI spec of Kubernetes 1.34): every key must be the `baseName` of an
 *   attribute of the class at that point. A field that 1.34 knows and 1.33 does not is accepted.
 *
 * Kinds are found by apiVersion: `kubernetes-models/<apiVersion>/<Kind>` (e.g. apps/v1/Deployment,
 * v1/Service) and the client-node class `<Group word><Version><Kind>` or `<Version><Kind>` (v1 Event →
 * CoreV1Event, events.k8s.io/v1 Event → EventsV1Event, apps/v1 Deployment → V1Deployment,
 * autoscaling/v2 HorizontalPodAutoscaler → V2HorizontalPodAutoscaler), the latter only for the
 * group/versions client-node serves, so a custom resource reusing a built-in kind name is not matched.
 *
 * Custom resources of the packages in `CRD_MODEL_PACKAGES` (cert-manager: `cert-manager.io/v1`
 * Certificate, Issuer, ClusterIssuer, …, from cert-manager's CRDs up to v1.11; Argo CD
 * `argoproj.io/v1alpha1` Application, …; Flux `kustomize.toolkit.fluxcd.io/v1` Kustomization,
 * `source.toolkit.fluxcd.io/v1` GitRepository, …; External Secrets Operator `external-secrets.io/v1`
 * ExternalSecret, SecretStore, …; Bitnami `bitnami.com/v1alpha1` SealedSecret) get the same type,
 * required-field and enum checks from that package's compiled validators, found the same way
 * (`<package>/<apiVersion>/<Kind>`); the unknown-field check does not apply to them (their schemas
 * do not close objects, and client-node has no classes for them). Packages published as ES modules
 * only (no `require` condition in their exports: external-secrets 2.x and sealed-secrets 6.x) cannot be
 * `require`d: `prepare(objects)` imports the kinds of those packages that the objects use, before
 * `validate` (which stays synchronous) checks them; a kind of such a package not prepared is a
 * violation, never silently skipped.
 *
 * Limits:
 * - other custom resources and unknown groups have no schema: `validate` returns `null` for them;
 * - an apiVersion that client-node 1.34 no longer serves (e.g. extensions/v1beta1) gets the type
 *   checks of kubernetes-models only, without the unknown-field check; one that kubernetes-models
 *   lacks (e.g. resource.k8s.io/v1) gets the unknown-field check only;
 * - no semantic checks (name syntax, selector/label agreement, CEL rules, defaults): those are the
 *   API server's job or other checks'.
 *
 * Loading: `loadSchemaValidator` imports the client-node models (0.1 to 0.2 s) and indexes what
 * both libraries provide. The kubernetes-models class of a kind is `require`d synchronously (its
 * CommonJS build) the first time that kind is validated, then cached: each kind module carries its
 * own compiled validator, and importing all 221 of them up front costs 0.3 to 0.9 s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { escapePointerToken, rankByCloseness, valueAt } from '@clearml-k8s/base-manifests';

/** One problem found in an object. */
export interface SchemaViolation {
  /** JSON pointer (RFC 6901) of the offending field in the object, e.g. '/spec/template/spec/containers/0/imagePullPolcy'. */
  path: string;
  /** One line, e.g. 'unknown field "imagePullPolcy" in io.k8s.api.core.v1.Container, did you mean "imagePullPolicy"? (known: ...)'. */
  message: string;
  /** One-sentence fix hint. */
  hint: string;
}

/** A synchronous validator over the built-in Kubernetes schemas. */
export interface SchemaValidator {
  /**
   * Validates one object (any apiVersion/kind). Synchronous, never throws.
   *
   * @param object a parsed manifest: a plain JSON value (properties set to `undefined` count as absent).
   * @returns the violations, `[]` when the object is valid, or `null` when its apiVersion/kind has no
   *   built-in schema (custom resources, unknown groups or versions). Input that is not an object, or
   *   lacks a string `apiVersion` or `kind`, is not skipped: it yields violations at `''`,
   *   `/apiVersion` or `/kind`. Violations from the type checks come first, then unknown fields;
   *   no path is reported twice.
   */
  validate(object: unknown): SchemaViolation[] | null;
  /**
   * Loads the schemas `validate` needs for `objects` that are not loaded on demand: the kinds of
   * `CRD_MODEL_PACKAGES` published as ES modules only (imported, not `require`d). Call it before
   * validating objects of those kinds; a kind already prepared costs nothing. Never rejects: a kind
   * whose module cannot be imported is then validated as having no schema (`null`).
   */
  prepare(objects: readonly unknown[]): Promise<void>;
}

let loading: Promise<SchemaValidator> | undefined;

/**
 * kubernetes-models packages of custom resources whose kinds `validate` checks (types, required
 * fields, enums), pinned in packages/verifier/package.json. cert-manager 4.4.x, argo-cd 2.7.x (CRDs
 * of Argo CD v2.14.11) and flux-cd 2.3.x (source-controller v1.2.4, kustomize-controller v1.2.2) are
 * on the `kubernetes-models` 4.x / `@kubernetes-models/base` 5.x line the built-in kinds use;
 * external-secrets 2.x (the only line with `external-secrets.io/v1`, which External Secrets Operator
 * serves alone since v0.17.0) and sealed-secrets 6.x exist only on the base 6.x line, as ES modules
 * (see `prepare`).
 * @see https://github.com/tommy351/kubernetes-models-ts/tree/master/third-party
 */
export const CRD_MODEL_PACKAGES = ['@kubernetes-models/cert-manager', '@kubernetes-models/argo-cd', '@kubernetes-models/flux-cd', '@kubernetes-models/external-secrets', '@kubernetes-models/sealed-secrets'] as const;

/**
 * Loads the schemas once and returns the synchronous validator. The promise is cached: later calls
 * return the same validator at no cost. Rejects only if `@kubernetes/client-node`'s models cannot
 * be imported (a broken installation).
 */
export function loadSchemaValidator(): Promise<SchemaValidator> {
  if (!loading) {
    loading = createValidator();
    loading.catch(() => {
      loading = undefined; // a failed load may be retried
    });
  }
  return loading;
}

// ---------------------------------------------------------------------------------------------
// Library shapes (declared locally: only these members are used).

/** An entry of a client-node model's `attributeTypeMap`. */
interface AttributeType {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

/** A kubernetes-models class of a kind, e.g. `Deployment` from `kubernetes-models/apps/v1/Deployment`. */
interface ModelClass {
  new (data: object): { validate(): void };
  /** The prototype whose `validate` kubernetes-models sets (`setValidateFunc`); it reads only `this`. */
  readonly prototype: { validate(): void };
  readonly apiVersion: string;
  readonly kind: string;
}

/** An ajv error as kubernetes-models' ValidationError carries it in `errors`. */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

// ---------------------------------------------------------------------------------------------
// client-node class tables

const LEAF = 0;
const CLASS = 1;
const ARRAY = 2;
const MAP = 3;

/** How to descend into a field's value: stop, into a class, into each element, into each map value. */
type TypeNode = { t: typeof LEAF } | { t: typeof CLASS; cls: ClassInfo } | { t: typeof ARRAY; item: TypeNode } | { t: typeof MAP; value: TypeNode };

const LEAF_NODE: TypeNode = { t: LEAF };

/** One client-node model class: its fields by `baseName`. */
interface ClassInfo {
  /** client-node class name, e.g. 'V1Container'. */
  readonly name: string;
  readonly fields: Map<string, TypeNode>;
  /** The OpenAPI definition name, e.g. 'io.k8s.api.core.v1.Container', computed on first use. */
  definition: string | undefined;
}

const ARRAY_TYPE = /^Array<(.+)>$/;
const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;
const CLIENT_CLASS_NAME = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;
const SCHEMA_ID = /^([A-Za-z0-9]+?)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/;
const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const VERSIONED_API_FILE = /^([A-Za-z]+?)(V\d+(?:(?:alpha|beta)\d+)?)Api\.js$/;
const GROUP_API_FILE = /^([A-Za-z]+)Api\.js$/;
const GROUP_PATH = /'\/apis?\/([^'/]*)\/?'/;

/** Builds the field tables of every client-node model class. */
function buildClassTables(models: Record<string, unknown>): Map<string, ClassInfo> {
  const attributes = new Map<string, readonly AttributeType[]>();
  for (const [name, value] of Object.entries(models)) {
    const map = typeof value === 'function' ? (value as { attributeTypeMap?: unknown }).attributeTypeMap : undefined;
    if (Array.isArray(map)) attributes.set(name, map as AttributeType[]);
  }
  const classes = new Map<string, ClassInfo>();
  for (const name of attributes.keys()) classes.set(name, { name, fields: new Map(), definition: undefined });
  const parsed = new Map<string, TypeNode>();
  const parse = (type: string): TypeNode => {
    let node = parsed.get(type);
    if (node) return node;
    const array = ARRAY_TYPE.exec(type);
    const map = array ? null : MAP_TYPE.exec(type);
    const cls = classes.get(type);
    if (array) {
      const item = parse(array[1]!);
      node = item.t === LEAF ? LEAF_NODE : { t: ARRAY, item };
    } else if (map) {
      const value = parse(map[1]!);
      node = value.t === LEAF ? LEAF_NODE : { t: MAP, value };
    } else if (cls) {
      node = { t: CLASS, cls };
    } else {
      node = LEAF_NODE; // string, number, boolean, Date, any, object, IntOrString
    }
    parsed.set(type, node);
    return node;
  };
  for (const [name, attrs] of attributes) {
    const fields = classes.get(name)!.fields;
    for (const attr of attrs) fields.set(attr.baseName, parse(attr.type));
  }
  return classes;
}

/**
 * The group/versions client-node serves, read from its generated API file names
 * (`AppsV1Api.js`) and the group paths in its group-level files (`AppsApi.js` → '/apis/apps/').
 * Returns null when the layout is not as expected.
 */
function clientNodeGroupVersions(clientNodeRoot: string): Set<string> | null {
  try {
    const dir = path.join(clientNodeRoot, 'dist', 'gen', 'apis');
    const files = readdirSync(dir);
    const groups = new Map<string, string>();
    for (const file of files) {
      const match = GROUP_API_FILE.exec(file);
      if (!match || VERSIONED_API_FILE.test(file)) continue;
      const group = GROUP_PATH.exec(readFileSync(path.join(dir, file), 'utf8'));
      if (group) groups.set(match[1]!, group[1]!);
    }
    const result = new Set<string>();
    for (const file of files) {
      const match = VERSIONED_API_FILE.exec(file);
      if (!match) continue;
      const group = groups.get(match[1]!);
      if (group === undefined) continue;
      const version = match[2]!.toLowerCase();
      result.add(group ? `${group}/${version}` : version);
    }
    return result.size > 0 ? result : null;
  } catch {
    return null;
  }
}

/** Dotted OpenAPI prefixes of the kubernetes-models schema ids that are not `IoK8sApi<Group>`. */
const SPECIAL_PREFIXES: ReadonlyArray<[string, string]> = [
  ['IoK8sApimachineryPkgApisMeta', 'io.k8s.apimachinery.pkg.apis.meta'],
  ['IoK8sApiextensionsApiserverPkgApisApiextensions', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions'],
  ['IoK8sKubeAggregatorPkgApisApiregistration', 'io.k8s.kube-aggregator.pkg.apis.apiregistration'],
];

/** A schema id prefix (before the version) as a dotted OpenAPI prefix and the group word client-node uses. */
function dottedPrefix(prefix: string): { dotted: string; group: string } | null {
  for (const [pascal, dotted] of SPECIAL_PREFIXES) {
    if (prefix === pascal) return { dotted, group: dotted.slice(dotted.lastIndexOf('.') + 1) };
  }
  if (!prefix.startsWith('IoK8sApi') || prefix.length === 'IoK8sApi'.length) return null;
  const group = prefix.slice('IoK8sApi'.length).toLowerCase();
  return { dotted: `io.k8s.api.${group}`, group };
}

/**
 * Index of OpenAPI definition names by version + name ('V1Container' → io.k8s.api.core.v1.Container),
 * from the schema file names of kubernetes-models and @kubernetes-models/apimachinery. Used for messages only.
 */
function definitionIndex(kmRoot: string): Map<string, Array<{ group: string; definition: string }>> {
  const index = new Map<string, Array<{ group: string; definition: string }>>();
  const dirs = [path.join(kmRoot, '_schemas')];
  try {
    const apimachinery = createRequire(path.join(kmRoot, 'package.json')).resolve('@kubernetes-models/apimachinery/package.json');
    dirs.push(path.join(path.dirname(apimachinery), '_schemas'));
  } catch {
    // names of apimachinery types fall back to client-node class names
  }
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files) {
      if (!file.endsWith('.mjs')) continue;
      const id = SCHEMA_ID.exec(file.slice(0, -4));
      if (!id) continue;
      const prefix = dottedPrefix(id[1]!);
      if (!prefix) continue;
      const key = id[2]! + id[3]!;
      const entry = { group: prefix.group, definition: `${prefix.dotted}.${id[2]!.toLowerCase()}.${id[3]!}` };
      const list = index.get(key);
      if (list) list.push(entry);
      else index.set(key, [entry]);
    }
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// Messages

const MAX_KNOWN = 8;

/** 'string "abc"', 'number 3', 'boolean true', 'null', 'array', 'object'. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'nothing';
    default:
      return typeof value;
  }
}

const escapePointer = escapePointerToken;

const VOWEL_START = /^[aeiou]/;

function article(word: string): string {
  return VOWEL_START.test(word) ? `an ${word}` : `a ${word}`;
}

/** Examples for the formats the kubernetes-models schemas use. */
const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'Use an RFC 3339 timestamp such as 2024-01-31T12:00:00Z.',
  byte: 'Use base64-encoded data (for a Secret, put plain text under stringData instead of data).',
  quantity: 'Use a Kubernetes quantity such as 500m, 2, 1Gi or 512Mi.',
  double: 'Use a number.',
};

/** One violation from the ajv errors reported at one path (several when a oneOf failed). */
function ajvViolation(pointer: string, errors: readonly AjvError[], object: unknown): SchemaViolation {
  const first = errors[0]!;
  if (first.keyword === 'required' || first.keyword === 'additionalProperties') {
    const property = String(first.keyword === 'required' ? first.params.missingProperty : first.params.additionalProperty);
    const parent = pointer.slice(0, pointer.lastIndexOf('/'));
    return first.keyword === 'required'
      ? { path: pointer, message: `missing required field "${property}"`, hint: `Add the required field "${property}" at ${parent || '/'}.` }
      : { path: pointer, message: `unknown field "${property}"`, hint: `Remove "${property}" or move it to where it belongs.` };
  }
  const received = describe(valueAt(object, pointer));
  const oneOf = errors.some((e) => e.keyword === 'oneOf');
  if (oneOf || errors.filter((e) => e.keyword === 'type' || e.keyword === 'format').length > 1) {
    const alternatives: string[] = [];
    let quantity = false;
    for (const e of errors) {
      if (e.keyword === 'type') alternatives.push(String(e.params.type));
      else if (e.keyword === 'format') {
        alternatives.push(`a string in format "${String(e.params.format)}"`);
        if (e.params.format === 'quantity') quantity = true;
      }
    }
    const wanted = alternatives.length > 0 ? alternatives.join(' or ') : 'exactly one of the allowed forms';
    const intOrString = alternatives.includes('integer') && alternatives.includes('string');
    const hint = quantity
      ? FORMAT_HINTS.quantity!
      : intOrString
        ? 'Use an integer (unquoted) or a string such as "25%" or a port name.'
        : `Use ${wanted}.`;
    return { path: pointer, message: `must be ${wanted}, received ${received}`, hint };
  }
  const error = first;
  switch (error.keyword) {
    case 'type': {
      const type = String(error.params.type);
      const value = valueAt(object, pointer);
      let hint = `Change the value to ${article(type)}.`;
      if ((type === 'integer' || type === 'number') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
        hint = 'Write the number without quotes so YAML reads it as a number.';
      } else if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
        hint = `Quote the value ("${String(value)}") so YAML reads it as a string.`;
      }
      return { path: pointer, message: `must be ${type}, received ${received}`, hint };
    }
    case 'enum': {
      const allowed = Array.isArray(error.params.allowedValues) ? error.params.allowedValues.map(String) : [];
      const value = valueAt(object, pointer);
      const { suggestion } = typeof value === 'string' ? rankByCloseness(value, allowed) : { suggestion: undefined };
      const mean = suggestion ? `, did you mean "${suggestion}"?` : '';
      return {
        path: pointer,
        message: `must be one of ${allowed.join(', ')}, received ${received}${mean}`,
        hint: suggestion ? `Use "${suggestion}" (enum values are case-sensitive).` : `Use one of: ${allowed.join(', ')}.`,
      };
    }
    case 'format': {
      const format = String(error.params.format);
      return {
        path: pointer,
        message: `must match format "${format}", received ${received}`,
        hint: FORMAT_HINTS[format] ?? `Use a value in "${format}" format.`,
      };
    }
    default:
      return { path: pointer, message: `${error.message ?? `fails "${error.keyword}"`}, received ${received}`, hint: 'Fix the value to match the schema.' };
  }
}

// ---------------------------------------------------------------------------------------------
// The validator

/** What is known about one apiVersion/kind. */
interface KindEntry {
  readonly model: ModelClass | null;
  readonly root: ClassInfo | null;
}

async function createValidator(): Promise<SchemaValidator> {
  const models = (await import('@kubernetes/client-node/dist/gen/models/all.js')) as unknown as Record<string, unknown>;
  const require = createRequire(import.meta.url);
  const classes = buildClassTables(models);

  const kmRoot = path.dirname(require.resolve('kubernetes-models/package.json'));
  const kmExports = (JSON.parse(readFileSync(path.join(kmRoot, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }).exports ?? {};
  /** apiVersions with a `kubernetes-models/<apiVersion>/<Kind>` module. */
  const groupVersionsOf = (exports: Record<string, unknown>) =>
    new Set(
      Object.keys(exports)
        .filter((key) => key.endsWith('/*'))
        .map((key) => key.slice(2, -2)),
    );
  const kmGroupVersions = groupVersionsOf(kmExports);
  /** apiVersion → the CRD model package that has `<package>/<apiVersion>/<Kind>` modules. */
  const crdPackages = new Map<string, string>();
  /** apiVersion → the file of `<Kind>` (a `*` in it) of an ES-module-only package, from its exports map. */
  const esmFiles = new Map<string, string>();
  for (const name of CRD_MODEL_PACKAGES) {
    try {
      const manifest = require.resolve(`${name}/package.json`);
      const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, unknown> }).exports ?? {};
      for (const groupVersion of groupVersionsOf(exports)) {
        if (kmGroupVersions.has(groupVersion)) continue;
        crdPackages.set(groupVersion, name);
        const target = exports[`./${groupVersion}/*`] as { require?: unknown; import?: unknown } | undefined;
        if (target && typeof target === 'object' && target.require === undefined && typeof target.import === 'string') esmFiles.set(groupVersion, path.join(path.dirname(manifest), target.import));
      }
    } catch {
      // not installed: its kinds stay unchecked (validate returns null), as any custom resource
    }
  }
  /** `<apiVersion>/<Kind>` → the model class imported by `prepare` (null: no such kind in the package). */
  const imported = new Map<string, ModelClass | null>();
  const clientRoot = path.dirname(require.resolve('@kubernetes/client-node/package.json'));
  /** apiVersions client-node 1.34 serves; falls back to kubernetes-models' list. */
  const clientGroupVersions = clientNodeGroupVersions(clientRoot) ?? kmGroupVersions;
  const definitions = definitionIndex(kmRoot);

  const kinds = new Map<string, Map<string, KindEntry | null>>();

  const loadModel = (apiVersion: string, kind: string): ModelClass | null | typeof UNPREPARED => {
    const from = kmGroupVersions.has(apiVersion) ? 'kubernetes-models' : crdPackages.get(apiVersion);
    if (!from) return null;
    if (esmFiles.has(apiVersion)) {
      const model = imported.get(`${apiVersion}/${kind}`);
      return model === undefined ? UNPREPARED : model;
    }
    try {
      const exports = require(`${from}/${apiVersion}/${kind}`) as Record<string, unknown>;
      const model = exports[kind] as ModelClass | undefined;
      return typeof model === 'function' && model.apiVersion === apiVersion && model.kind === kind ? model : null;
    } catch {
      return null;
    }
  };

  const findRoot = (group: string, version: string, kind: string): ClassInfo | null => {
    if (!clientGroupVersions.has(group ? `${group}/${version}` : version)) return null;
    const v = version[0]!.toUpperCase() + version.slice(1);
    const dot = group.indexOf('.');
    const word = group ? (dot < 0 ? group : group.slice(0, dot)) : 'core';
    const prefixed = word[0]!.toUpperCase() + word.slice(1) + v + kind;
    for (const name of [prefixed, v + kind]) {
      const cls = classes.get(name);
      if (cls && cls.fields.has('kind') && cls.fields.has('apiVersion')) return cls;
    }
    return null;
  };

  const resolve = (apiVersion: string, kind: string): KindEntry | null | typeof UNPREPARED => {
    let byKind = kinds.get(apiVersion);
    if (!byKind) {
      byKind = new Map();
      kinds.set(apiVersion, byKind);
    }
    let entry = byKind.get(kind);
    if (entry !== undefined) return entry;
    entry = null;
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    if (VERSION.test(version) && KIND.test(kind) && !group.includes('/')) {
      const model = loadModel(apiVersion, kind);
      if (model === UNPREPARED) return UNPREPARED; // not cached: prepare() may load it
      const root = findRoot(group, version, kind);
      if (model || root) entry = { model, root };
    }
    byKind.set(kind, entry);
    return entry;
  };

  const definitionOf = (cls: ClassInfo): string => {
    if (cls.definition !== undefined) return cls.definition;
    let definition = cls.name;
    const match = CLIENT_CLASS_NAME.exec(cls.name);
    const candidates = match ? definitions.get(match[2]! + match[3]!) : undefined;
    if (match && candidates) {
      const group = match[1]?.toLowerCase();
      const fitting = group ? candidates.filter((c) => c.group === group) : candidates;
      if (fitting.length === 1) definition = fitting[0]!.definition;
    }
    cls.definition = definition;
    return definition;
  };

  /** Type, required, enum and format errors from kubernetes-models. */
  const checkModel = (model: ModelClass, object: Record<string, unknown>, out: Violations): void => {
    let errors: AjvError[];
    try {
      // The model's validate function reads only the data: run it on the object itself, skipping
      // the model instance (whose constructor deep-copies the object to drop undefined values).
      // Only when that fails is it run on an instance, so an undefined value (which JSON and YAML
      // never produce, but an object built in code may hold) is never reported as a wrong type.
      try {
        model.prototype.validate.call(object);
      } catch {
        new model(object).validate();
      }
      return;
    } catch (error) {
      const list = (error as { errors?: unknown }).errors;
      if (!Array.isArray(list)) throw error;
      errors = list as AjvError[];
    }
    // One group per reported path, in ajv's order: a failed oneOf yields several errors at one path.
    const groups = new Map<string, AjvError[]>();
    for (const e of errors) {
      let pointer = typeof e.instancePath === 'string' ? e.instancePath : '';
      if (e.keyword === 'required') pointer += `/${escapePointer(String(e.params.missingProperty))}`;
      else if (e.keyword === 'additionalProperties') pointer += `/${escapePointer(String(e.params.additionalProperty))}`;
      const group = groups.get(pointer);
      if (group) group.push(e);
      else groups.set(pointer, [e]);
    }
    for (const [pointer, group] of groups) out.add(ajvViolation(pointer, group, object));
  };

  /** Unknown fields, along client-node's attribute tables. */
  const checkFields = (root: ClassInfo, object: Record<string, unknown>, kind: string, out: Violations): void => {
    new FieldWalker(kind, out, definitionOf).walk(root, object);
  };

  const validate = (object: unknown): SchemaViolation[] | null => {
    try {
      if (object === null || typeof object !== 'object' || Array.isArray(object)) {
        return [
          {
            path: '',
            message: `must be a Kubernetes object (a mapping with apiVersion and kind), received ${describe(object)}`,
            hint: 'Make each YAML document a mapping with apiVersion, kind and metadata.',
          },
        ];
      }
      const record = object as Record<string, unknown>;
      const { apiVersion, kind } = record;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
        const out = new Violations();
        for (const [field, value, example] of [
          ['apiVersion', apiVersion, 'apps/v1'],
          ['kind', kind, 'Deployment'],
        ] as const) {
          if (typeof value === 'string') continue;
          out.add(
            value === undefined
              ? { path: `/${field}`, message: `missing required field "${field}"`, hint: `Add "${field}" (e.g. ${example}).` }
              : { path: `/${field}`, message: `must be string, received ${describe(value)}`, hint: `Set "${field}" to a string (e.g. ${example}).` },
          );
        }
        return out.list;
      }
      const entry = resolve(apiVersion, kind);
      if (entry === UNPREPARED) {
        return [{ path: '', message: `the schema of ${apiVersion} ${kind} was not loaded (${crdPackages.get(apiVersion)} is an ES module, imported by prepare())`, hint: 'Call `await validator.prepare(objects)` before validating them.' }];
      }
      if (!entry) return null;
      const out = new Violations();
      if (entry.model) checkModel(entry.model, record, out);
      if (entry.root) checkFields(entry.root, record, kind, out);
      return out.list;
    } catch (error) {
      return [
        {
          path: '',
          message: `schema validation failed: ${error instanceof Error ? error.message : String(error)}`.split('\n')[0]!,
          hint: 'Check that the object is plain JSON data (no cycles, no functions).',
        },
      ];
    }
  };

  const prepare = async (objects: readonly unknown[]): Promise<void> => {
    const wanted = new Set<string>();
    for (const o of objects) {
      const { apiVersion, kind } = (o ?? {}) as { apiVersion?: unknown; kind?: unknown };
      if (typeof apiVersion === 'string' && typeof kind === 'string' && esmFiles.has(apiVersion) && KIND.test(kind) && !imported.has(`${apiVersion}/${kind}`)) wanted.add(`${apiVersion}\n${kind}`);
    }
    await Promise.all(
      [...wanted].map(async (entry) => {
        const [apiVersion, kind] = entry.split('\n') as [string, string];
        let model: ModelClass | null = null;
        try {
          // The file the package's exports map gives `<apiVersion>/<Kind>` (import condition).
          const exports = (await import(pathToFileURL(esmFiles.get(apiVersion)!.replace('*', kind)).href)) as Record<string, unknown>;
          const candidate = exports[kind] as ModelClass | undefined;
          model = typeof candidate === 'function' && candidate.apiVersion === apiVersion && candidate.kind === kind ? candidate : null;
        } catch {
          model = null; // no such kind in the package: no schema, as any custom resource
        }
        imported.set(`${apiVersion}/${kind}`, model);
        kinds.get(apiVersion)?.delete(kind);
      }),
    );
  };

  return { validate, prepare };
}

/** What `loadModel` and `resolve` answer for a kind of an ES-module-only package that `prepare` has not imported. */
const UNPREPARED = Symbol('unprepared');

/**
 * The walk of `checkFields`: the object along client-node's attribute tables, reporting each field
 * its class does not have. A class (not closures made per object) keeps the walk cheap: it runs on
 * every object of every build.
 */
class FieldWalker {
  /** The path to the current node: field names and array indexes or map keys. */
  private readonly segments: Array<string | number> = [];
  /** For each segment, whether it is a field name (for `kubectl explain`) rather than an index or key. */
  private readonly isField: boolean[] = [];

  constructor(
    private readonly kind: string,
    private readonly out: Violations,
    private readonly definitionOf: (cls: ClassInfo) => string,
  ) {}

  private report(cls: ClassInfo, key: string): void {
    const pointer = this.segments.map((s) => `/${escapePointer(s)}`).join('') + `/${escapePointer(key)}`;
    if (this.out.has(pointer)) return;
    const { ranked, suggestion } = rankByCloseness(key, cls.fields.keys());
    const known = ranked.slice(0, MAX_KNOWN).join(', ') + (ranked.length > MAX_KNOWN ? ', ...' : '');
    const mean = suggestion ? `, did you mean "${suggestion}"?` : '';
    const explain = [this.kind.toLowerCase(), ...this.segments.filter((_, i) => this.isField[i])].join('.');
    this.out.add({
      path: pointer,
      message: `unknown field "${key}" in ${this.definitionOf(cls)}${mean} (known: ${known})`,
      hint: suggestion
        ? `Rename "${key}" to "${suggestion}".`
        : `Remove "${key}" or move it to where it belongs (see \`kubectl explain ${explain}\`).`,
    });
  }

  walk(cls: ClassInfo, value: Record<string, unknown>): void {
    const fields = cls.fields;
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const child = value[key];
      if (child === undefined) continue;
      const node = fields.get(key);
      if (node === undefined) {
        this.report(cls, key);
        continue;
      }
      if (node.t === LEAF || child === null || typeof child !== 'object') continue;
      this.enter(key, true, node, child);
    }
  }

  /** Descends into `value` (an object or array) at `segment` of the path, then leaves it. */
  private enter(segment: string | number, isField: boolean, node: TypeNode, value: object): void {
    this.segments.push(segment);
    this.isField.push(isField);
    this.descend(node, value);
    this.segments.pop();
    this.isField.pop();
  }

  private descend(node: TypeNode, value: object): void {
    switch (node.t) {
      case CLASS:
        if (!Array.isArray(value)) this.walk(node.cls, value as Record<string, unknown>);
        return;
      case ARRAY:
        if (!Array.isArray(value)) return;
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (item !== null && typeof item === 'object') this.enter(i, false, node.item, item);
        }
        return;
      case MAP:
        if (Array.isArray(value)) return;
        for (const key in value) {
          if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
          const item = (value as Record<string, unknown>)[key];
          if (item !== null && typeof item === 'object') this.enter(key, false, node.value, item);
        }
        return;
      default:
    }
  }
}

/** Violations in order, at most one per path. */
class Violations {
  readonly list: SchemaViolation[] = [];
  /** The paths reported, made on the first violation (most objects have none). */
  private paths: Set<string> | null = null;

  has(pointer: string): boolean {
    return this.paths !== null && this.paths.has(pointer);
  }

  add(violation: SchemaViolation): void {
    if (this.paths === null) this.paths = new Set();
    if (this.paths.has(violation.path)) return;
    this.paths.add(violation.path);
    this.list.push(violation);
  }
}
