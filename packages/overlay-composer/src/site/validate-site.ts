/**
 * Reads and validates a site spec: YAML syntax, then `SITE_SCHEMA` (ajv), then what a schema
 * cannot say (distinct NodePorts, fields that conflict, replicas only where safe, patches that
 * resolve in the parent overlay). Every error points at the offending node in `site.yaml`.
 */
import { agentK8sGlue, agentServices, DATABASE_KEYS, NODE_STORAGE_ROOT, quantityValue, STACK_MODEL, type ManifestObject } from '@clearml-k8s/base-manifests';

const DATABASE_COMPONENTS: readonly string[] = DATABASE_KEYS;
/** The Deployment name of a component (stack model). */
const componentName = (key: SiteComponent) => STACK_MODEL.get(key).name;
import { parseManifestWithPositions, YamlError } from '@clearml-k8s/base-manifests/yaml';
import { Ajv, type ErrorObject } from 'ajv';
import { applyOperations, pointerFromTokens, pointerTokens, valueAt, type PatchOperation } from '../patches/json-patch.ts';
import { profileByName } from '../profiles/index.ts';
import { planCertificate } from './cert-manager.ts';
import { SiteSpecError, type SiteSpecErrorCode } from './site-error.ts';
import { CONFIG_READING_COMPONENTS, DEFAULT_NODE_PORTS, EXTRA_CONFIG_VOLUME, ENDPOINT_COMPONENTS, ENDPOINT_LABELS, EXTERNAL_SECRET_KEYS, SCALABLE_COMPONENTS, SERVER_COMPONENTS, SITE_FORMATS, SITE_SCHEMA, type SiteFormatName } from './site-schema.ts';
import type { ComponentSettings, EndpointLabel, SiteComponent, SiteSpec, Toleration } from './site-spec.ts';
import { closestMatch } from '@clearml-k8s/base-manifests';

/** What a spec is checked against: the objects of the parent overlay (`composeTree().overlays[…].intended`). */
export interface SiteContext {
  parentObjects: readonly ManifestObject[];
}

const validateSchema = new Ajv({ allErrors: true, verbose: true }).compile<SiteSpec>(SITE_SCHEMA);

/**
 * Parses and validates a site spec.
 * @param text contents of `site.yaml`.
 * @param file its repository-relative path, for messages.
 * @param context the parent overlay's objects (patch targets and paths are resolved in them).
 * @returns the spec, exactly as written (no defaults filled in).
 * @throws SiteSpecError the first error in document order (lowest line, then column).
 */
export function parseSiteSpec(text: string, file: string, context: SiteContext): SiteSpec {
  const { spec, errors } = checkSiteSpec(text, file, context);
  if (errors[0]) throw errors[0];
  return spec as SiteSpec;
}

/**
 * Every error of a site spec, in document order; empty when it is valid. Semantic checks run only
 * on a spec that passes the schema (a YAML error is the only error reported for a file that does
 * not parse).
 */
export function siteSpecErrors(text: string, file: string, context: SiteContext): SiteSpecError[] {
  return checkSiteSpec(text, file, context).errors;
}

/**
 * Checks a site name (the directory under `overlays/sites/`).
 * @throws SiteSpecError `SITE_NAME_INVALID` unless it is a DNS-1123 label (at most 63 characters).
 */
export function validateSiteName(name: string): void {
  if (/^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return;
  throw new SiteSpecError({
    code: 'SITE_NAME_INVALID',
    file: `overlays/sites/${name}`,
    expected: `a site name that is ${SITE_FORMATS.dnsLabel.description}`,
    received: JSON.stringify(name),
    hint: 'use lowercase letters, digits and "-", e.g. acme-prod',
  });
}

type Position = { line: number; column: number };
type Locate = (path: string, part?: 'key' | 'value') => Position;
type Report = (code: SiteSpecErrorCode, path: string, part: 'key' | 'value', text: { expected: string; received: string; hint: string }) => SiteSpecError;

function checkSiteSpec(text: string, file: string, context: SiteContext): { spec: unknown; errors: SiteSpecError[] } {
  let parsed: ReturnType<typeof parseManifestWithPositions>;
  try {
    parsed = parseManifestWithPositions(text, file);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    const { line, column } = error.position;
    const received = error.reason;
    const hint = /unique/i.test(received) ? 'remove or merge the repeated key' : /multiple documents/i.test(received) ? 'keep one document: remove the "---" separators' : /alias/i.test(received) ? error.hint : 'fix the syntax there: indent sibling fields equally, nested ones by two more spaces, and put a space after ":"';
    return { spec: undefined, errors: [new SiteSpecError({ code: 'SITE_YAML_INVALID', file, line, column, expected: 'valid YAML', received, hint }, { cause: error })] };
  }
  const spec = parsed.value;
  // The position of `path`, else of its nearest ancestor that exists, else the start of the file.
  const locate: Locate = (path, part = 'value') => {
    for (let tokens = pointerTokens(path); ; tokens = tokens.slice(0, -1)) {
      const pos = parsed.positionOf(pointerFromTokens(tokens), part);
      if (pos) return pos;
      if (!tokens.length) return { line: 1, column: 1 };
      part = 'key';
    }
  };
  const report: Report = (code, path, part, text) => new SiteSpecError({ code, file, path, ...locate(path, part), ...text });
  const errors = validateSchema(spec)
    ? semanticErrors(spec, context, report)
    : (validateSchema.errors ?? []).flatMap((e) => schemaError(e, spec, report) ?? []);
  return { spec, errors: errors.sort((a, b) => a.line - b.line || a.column - b.column) };
}

// ---- schema errors ----

const TYPE_PHRASES: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' };

/** One ajv error as a SiteSpecError, or null for wrappers (`if`, `propertyNames`, `anyOf`) whose inner error is reported. */
function schemaError(e: ErrorObject, spec: unknown, report: Report): SiteSpecError | null {
  const params = e.params as Record<string, unknown>;
  const child = (key: string) => `${e.instancePath}${pointerFromTokens([key])}`;
  switch (e.keyword) {
    case 'if':
    case 'propertyNames':
    case 'anyOf':
    case 'allOf':
      return null;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const near = closest(key, allowed);
      // A credential written where only Secret references go: say where it belongs.
      const literalCredential = e.instancePath.startsWith('/external/') && /pass|user|secret|token|auth|uri|url|connection/i.test(key);
      return report('SITE_UNKNOWN_FIELD', child(key), 'key', {
        expected: `one of the fields ${allowed.join(', ')}`,
        received: JSON.stringify(key),
        hint: literalCredential
          ? `remove "${key}": credentials and connection strings are never written in the spec; create a Secret and name it in ${allowed.filter((f) => f.endsWith('Secret')).join(' or ')} (README.md#external-databases)`
          : near ? `did you mean "${near}"?` : `remove "${key}"`,
      });
    }
    case 'false schema': {
      const tokens = pointerTokens(e.instancePath);
      const op = valueAt(spec, pointerFromTokens([...tokens.slice(0, -1), 'op']));
      return report('SITE_UNKNOWN_FIELD', e.instancePath, 'key', {
        expected: `no "${tokens.at(-1)}" on op ${JSON.stringify(op)}`,
        received: describe(e.data),
        hint: `remove "${tokens.at(-1)}": add, replace and test take value; move and copy take from; remove takes neither`,
      });
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const property = (e.parentSchema as { properties?: Record<string, { description?: string }> }).properties?.[missing];
      return report('SITE_REQUIRED', child(missing), 'key', {
        expected: `field "${missing}"${property?.description ? ` (${property.description.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())})` : ''}`,
        received: 'nothing',
        hint: missing === 'profile' && e.instancePath === '' ? 'add "profile: current_version" (or latest, enterprise, non-root)' : `add "${missing}:"`,
      });
    }
    case 'minItems':
      return report('SITE_REQUIRED', e.instancePath, 'value', { expected: `at least ${params.limit} item`, received: 'an empty list', hint: 'add an item or drop the field' });
    case 'type': {
      const expected = String(params.type).split(',').map((t) => TYPE_PHRASES[t] ?? t).join(' or ');
      const quotedNumber = typeof e.data === 'string' && /^-?\d+(\.\d+)?$/.test(e.data) && /integer|number/.test(String(params.type));
      const unquoted = (typeof e.data === 'number' || typeof e.data === 'boolean') && String(params.type).includes('string');
      const empty = e.instancePath === '' && e.data === null;
      return report('SITE_TYPE', e.instancePath, 'value', {
        expected,
        received: empty ? 'an empty document' : `${describe(e.data)}${typeof e.data === 'string' ? ' (a string)' : ''}`,
        hint: e.instancePath === '' ? 'write a mapping of fields, starting with "profile: current_version"' : quotedNumber ? `write the number without quotes: ${e.data}` : unquoted ? `quote the value: "${e.data}"` : `write ${expected}`,
      });
    }
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      const near = typeof e.data === 'string' ? closest(e.data, allowed.map(String)) : undefined;
      return report('SITE_ENUM', e.instancePath, 'value', {
        expected: `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
        received: describe(e.data),
        hint: near ? `did you mean ${JSON.stringify(near)}?` : `use one of ${allowed.join(', ')}`,
      });
    }
    default: {
      // pattern, minimum, maximum …: the meaning comes from the definition the keyword is in.
      const name = /^#\/definitions\/(\w+)\//.exec(e.schemaPath)?.[1] as SiteFormatName | undefined;
      const format = name && Object.hasOwn(SITE_FORMATS, name) ? (SITE_FORMATS[name] as (typeof SITE_FORMATS)[SiteFormatName]) : undefined;
      if (!format) throw new Error(`site schema: no error code for keyword "${e.keyword}" at ${e.schemaPath}`);
      const path = e.propertyName === undefined ? e.instancePath : child(e.propertyName);
      return report(format.code, path, e.propertyName === undefined ? 'value' : 'key', {
        expected: format.description,
        received: describe(e.propertyName ?? e.data),
        hint: format.hint(path),
      });
    }
  }
}

// ---- semantic checks ----

const EXTERNAL_IMAGE = { mongodb: 'mongo', elasticsearch: 'elasticsearch', redis: 'redis' } as const;
const COMPONENT_LABEL = 'app.kubernetes.io/component';

function semanticErrors(spec: SiteSpec, context: SiteContext, report: Report): SiteSpecError[] {
  const errors: SiteSpecError[] = [];
  const conflict = (path: string, expected: string, received: string, hint: string) => errors.push(report('SITE_CONFLICT', path, 'key', { expected, received, hint }));

  for (const [name, settings] of Object.entries(spec.components ?? {})) {
    if (settings?.replicas !== undefined && !SCALABLE_COMPONENTS.includes(name as never)) {
      errors.push(report('SITE_REPLICAS_UNSAFE', `/components/${name}/replicas`, 'key', {
        expected: `replicas only on ${SCALABLE_COMPONENTS.join(', ')}`,
        received: `replicas: ${settings.replicas} on ${name}`,
        hint: `drop the field: ${name} keeps state or a ReadWriteOnce claim and runs exactly one replica`,
      }));
    }
  }

  // Exposure.
  const profileExposure = profileByName(spec.profile).exposure.kind;
  const expose = spec.expose ?? profileExposure;
  const implied = spec.expose ? '' : ` (profile ${spec.profile} exposes by ${expose})`;
  if (spec.publicUrls && expose === 'ingress') conflict('/publicUrls', 'publicUrls only with expose: nodePort (an Ingress site\'s URLs are its hosts)', `expose: ingress${implied}`, 'drop publicUrls, or set expose: nodePort');
  if (spec.nodePorts && expose === 'ingress') conflict('/nodePorts', 'nodePorts only with expose: nodePort', `expose: ingress${implied}`, 'drop nodePorts, or set expose: nodePort');
  if (spec.ingress && expose === 'nodePort') conflict('/ingress', 'ingress only with expose: ingress', `expose: nodePort${implied}`, 'drop ingress, or set expose: ingress');
  if (spec.ingress?.domain !== undefined && spec.ingress.hosts !== undefined) conflict('/ingress/hosts', 'either ingress.domain or ingress.hosts', 'both', 'keep domain (hosts api., app., files. of it) or hosts, not both');
  if (expose === 'ingress' && profileExposure !== 'ingress' && spec.ingress?.domain === undefined && spec.ingress?.hosts === undefined) {
    errors.push(report('SITE_REQUIRED', '/ingress/domain', 'key', { expected: 'ingress.domain or ingress.hosts (the parent has no Ingress hosts)', received: 'nothing', hint: 'add "ingress: {domain: clearml.example.com}"' }));
  }

  if (spec.profile === 'enterprise' && spec.expose === 'nodePort') conflict('/expose', 'expose: ingress on the enterprise profile (its cookie domain and credentials are for Ingress hosts)', 'expose: nodePort', 'use profile current_version (or non-root) for NodePorts, or drop expose');
  const claims = spec.storage?.type === 'pvc' || (spec.profile === 'non-root' && spec.storage?.type !== 'hostPath');
  if (claims && (spec.components?.apiserver?.replicas ?? 1) > 1) conflict('/components/apiserver/replicas', 'one apiserver replica when data is on ReadWriteOnce claims (the apiserver mounts the fileserver claim)', `replicas: ${spec.components!.apiserver!.replicas} with claims`, 'drop replicas, or keep node storage (type: hostPath) where every replica shares the labelled node');
  if (spec.profile === 'non-root' && spec.storage?.type === 'hostPath') conflict('/storage/type', 'pvc storage on the non-root profile (Pod Security restricted forbids hostPath volumes)', 'type: hostPath', 'set storage.type: pvc, or use profile current_version for node storage');

  // NodePorts: distinct, including the defaults of endpoints not overridden.
  if (spec.nodePorts && expose === 'nodePort') {
    const seen = new Map<number, string>(ENDPOINT_LABELS.filter((e) => spec.nodePorts?.[e] === undefined).map((e) => [DEFAULT_NODE_PORTS[e], `${e}'s default`]));
    for (const [label, port] of Object.entries(spec.nodePorts) as [EndpointLabel, number][]) {
      const other = seen.get(port);
      if (other) {
        errors.push(report('SITE_NODE_PORT_DUPLICATE', `/nodePorts/${label}`, 'value', {
          expected: 'a NodePort no other endpoint uses',
          received: `${port} (also ${other})`,
          hint: `pick another port in 30000-32767${other.endsWith('default') ? `, or set nodePorts.${other.split("'")[0]} as well` : ''}`,
        }));
      } else seen.set(port, label);
    }
  }

  // cert-manager: an issuer in the annotations becomes the site's one Certificate (./cert-manager.ts).
  if (expose === 'ingress') {
    for (const p of planCertificate(spec.ingress?.annotations, spec.ingress?.tlsSecret !== null).problems) {
      errors.push(report('SITE_CERT_MANAGER', pointerFromTokens(['ingress', 'annotations', p.annotation]), 'key', { expected: p.expected, received: p.received, hint: p.hint }));
    }
  }

  // Ingress hosts: one Ingress rule per host, so three distinct hosts.
  const hostOwner = new Map<string, EndpointLabel>();
  for (const label of ENDPOINT_LABELS) {
    const host = spec.ingress?.hosts?.[label];
    if (host === undefined) continue;
    const other = hostOwner.get(host);
    if (other) conflict(`/ingress/hosts/${label}`, 'a host no other endpoint uses (each endpoint is its own Ingress host)', `${JSON.stringify(host)} (also ${other})`, `give ${label} a host of its own, e.g. ${label}.${host.split('.').slice(1).join('.') || 'example.com'}`);
    else hostOwner.set(host, label);
  }

  // Storage.
  const storage = spec.storage;
  for (const [name, size] of Object.entries(storage?.sizes ?? {})) {
    if (size !== undefined && (quantityValue(size) ?? 1) <= 0) {
      errors.push(report('SITE_RANGE', `/storage/sizes/${name}`, 'value', { expected: 'a claim size above zero (e.g. 50Gi)', received: JSON.stringify(size), hint: `give the ${name} claim a size, e.g. 50Gi, or drop the field for the default` }));
    }
  }
  // Node storage without a pinned node: pods move between nodes and each start finds other (empty) data.
  const nodeStorage = spec.storage?.type === 'hostPath' || (spec.storage?.type !== 'pvc' && context.parentObjects.some(usesNodeStorage));
  if (nodeStorage && spec.placement?.nodeSelector !== undefined && Object.keys(spec.placement.nodeSelector).length === 0 && !pinsNode(spec.placement.affinity)) {
    conflict('/placement/nodeSelector', 'a node selector (or a required node affinity) that pins the one node holding the data, with hostPath storage', 'an empty nodeSelector and no required node affinity', 'drop nodeSelector to keep the default (app: clearml, set on one node), select a label only that node has, or set storage.type: pvc');
  }
  if (storage?.type === 'pvc' && storage.hostPathRoot !== undefined) conflict('/storage/hostPathRoot', 'hostPathRoot only with type: hostPath', 'type: pvc', 'drop hostPathRoot, or set storage.type: hostPath');
  if (storage?.type === 'hostPath') {
    for (const field of ['storageClass', 'sizes', 'existingClaims', 'keepOnDelete'] as const) {
      if (storage[field] !== undefined) conflict(`/storage/${field}`, `${field} only with type: pvc`, 'type: hostPath', `drop ${field}, or set storage.type: pvc`);
    }
  }
  for (const name of Object.keys(storage?.existingClaims ?? {})) {
    if (storage?.sizes?.[name as keyof typeof storage.sizes] !== undefined) conflict(`/storage/existingClaims/${name}`, `either a size or an existing claim for ${name}`, 'both', `drop storage.sizes.${name} (an existing claim keeps its size) or this claim`);
  }

  // Pinned profiles run released tags only (verify's image-tag check says the same, later).
  if (profileByName(spec.profile).imagePolicy === 'pinned') {
    for (const [key, override] of Object.entries(spec.images?.overrides ?? {})) {
      if (override?.tag === 'latest') errors.push(report('SITE_IMAGE', `/images/overrides/${key}/tag`, 'value', { expected: `a released tag (profile ${spec.profile} pins every image)`, received: '"latest"', hint: 'pin a released tag, or build on profile latest' }));
    }
  }

  // External databases: nothing of the removed bundled one may be tuned.
  for (const db of Object.keys(spec.external ?? {}) as (keyof typeof EXTERNAL_IMAGE)[]) {
    const hint = (field: string) => `drop ${field}: the bundled ${db} is removed because external.${db} is set`;
    for (const field of ['sizes', 'existingClaims'] as const) {
      if (storage?.[field]?.[db] !== undefined) conflict(`/storage/${field}/${db}`, `no storage.${field}.${db} with external.${db}`, `storage.${field}.${db}`, hint(`storage.${field}.${db}`));
    }
    if (spec.components?.[db] !== undefined) conflict(`/components/${db}`, `no components.${db} with external.${db}`, `components.${db}`, hint(`components.${db}`));
    if (spec.images?.overrides?.[EXTERNAL_IMAGE[db]] !== undefined) conflict(`/images/overrides/${EXTERNAL_IMAGE[db]}`, `no image override for ${db} with external.${db}`, `images.overrides.${EXTERNAL_IMAGE[db]}`, hint(`images.overrides.${EXTERNAL_IMAGE[db]}`));
  }

  errors.push(...externalAccessErrors(spec, report));
  errors.push(...gitopsErrors(spec, report));
  errors.push(...credentialsSourceErrors(spec, report));

  if (spec.readOnlyRootFilesystem && profileByName(spec.profile).podSecurity !== 'restricted') {
    conflict('/readOnlyRootFilesystem', 'readOnlyRootFilesystem only on profile non-root (where every directory the stack model says the images write is a volume)', `profile ${spec.profile}`, 'set profile: non-root, or drop readOnlyRootFilesystem');
  }

  // NetworkPolicies: the ingress controller is the one peer of the public endpoints on an Ingress site.
  const policies = spec.networkPolicies;
  if (policies?.enabled && expose === 'ingress' && !policies.ingressController) {
    errors.push(report('SITE_REQUIRED', '/networkPolicies/ingressController', 'key', {
      expected: 'networkPolicies.ingressController (the namespace and pods of the ingress controller that forwards users to the public endpoints) with expose: ingress',
      received: 'nothing',
      hint: 'add "ingressController: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}, podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}}" with your controller\'s namespace and pod labels',
    }));
  }
  if (policies?.ingressController && expose === 'nodePort') conflict('/networkPolicies/ingressController', 'ingressController only with expose: ingress (NodePort traffic comes from the nodes, not from a controller)', `expose: nodePort${implied}`, 'drop ingressController, or set expose: ingress');
  if (policies?.ingressController && selectsEveryNamespace(policies.ingressController.namespaceSelector)) {
    errors.push(report('SITE_NETWORK_POLICY', '/networkPolicies/ingressController/namespaceSelector', 'value', {
      expected: 'a namespaceSelector that names the controller\'s namespace (at least one label requirement)',
      received: JSON.stringify(policies.ingressController.namespaceSelector),
      hint: 'select the controller\'s namespace by name, e.g. {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}: an empty selector admits every pod of every namespace to the servers',
    }));
  }

  // Tolerations (core/v1 validation rules), of every pod and of each component's.
  const tolerationErrors = (tolerations: readonly Toleration[] | undefined, base: string) => (tolerations ?? []).forEach((t, i) => {
    const at = `${base}/${i}`;
    if (t.operator === 'Exists' && t.value !== undefined && t.value !== '') conflict(`${at}/value`, 'no value with operator: Exists', `value: ${JSON.stringify(t.value)}`, 'drop value, or set operator: Equal');
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') conflict(`${at}/tolerationSeconds`, 'tolerationSeconds only with effect: NoExecute', `effect: ${t.effect ?? 'none'}`, 'drop tolerationSeconds, or set effect: NoExecute');
    if (!t.key && t.operator !== 'Exists') errors.push(report('SITE_REQUIRED', `${at}/key`, 'key', { expected: 'a key (operator Equal needs one)', received: 'nothing', hint: 'add key:, or set operator: Exists to tolerate every taint' }));
  });
  tolerationErrors(spec.placement?.tolerations, '/placement/tolerations');
  for (const [name, settings] of Object.entries(spec.components ?? {}) as [SiteComponent, ComponentSettings | undefined][]) {
    if (settings) {
      tolerationErrors(settings.tolerations, `/components/${name}/tolerations`);
      errors.push(...componentSettingsErrors(name, settings, spec, context, nodeStorage, report));
    }
  }
  for (const [label, endpoint] of Object.entries(spec.ingress?.endpoints ?? {})) {
    for (const key of Object.keys(endpoint?.annotations ?? {})) {
      if (key.startsWith('cert-manager.io/')) {
        errors.push(report('SITE_CERT_MANAGER', pointerFromTokens(['ingress', 'endpoints', label, 'annotations', key]), 'key', { expected: 'cert-manager annotations in ingress.annotations only (the site\'s one Certificate covers the three hosts)', received: key, hint: `move ${key} to ingress.annotations` }));
      }
    }
  }
  for (const name of Object.keys(storage?.existingClaimSubPaths ?? {})) {
    if (storage?.existingClaims?.[name as keyof typeof storage.existingClaims] === undefined) conflict(`/storage/existingClaimSubPaths/${name}`, `existingClaimSubPaths.${name} only with existingClaims.${name}`, `no existing claim for ${name}`, `add storage.existingClaims.${name} (the claim whose directory this is), or drop the field`);
  }
  if (storage?.type === 'hostPath' && storage.existingClaimSubPaths !== undefined) conflict('/storage/existingClaimSubPaths', 'existingClaimSubPaths only with type: pvc', 'type: hostPath', 'drop existingClaimSubPaths, or set storage.type: pvc');

  (spec.patches ?? []).forEach((patch, i) => errors.push(...patchErrors(patch, `/patches/${i}`, spec, context, report)));
  // Agents: they use the server's services_agent keys, so the server must read them from a Secret.
  const agents = spec.agents;
  if (agents) {
    if (spec.profile !== 'enterprise' && !spec.credentials?.secret) {
      errors.push(report('SITE_REQUIRED', '/agents', 'key', {
        expected: 'credentials.secret with the agents (the glue authenticates with the server\'s services_agent keys from that Secret)',
        received: 'agents without credentials.secret',
        hint: 'add "credentials: {secret: clearml-internal-credentials}" (clearml-k8s site add --generate-credentials writes the keys)',
      }));
    }
    // Neither agent image runs as a non-root uid (the stack model's `nonRootBlocker`, with sources).
    if (profileByName(spec.profile).podSecurity === 'restricted') {
      const glue = agentK8sGlue.image.nonRootBlocker!;
      const services = agents.services ? `; agent-services cannot either: ${agentServices.image.nonRootBlocker!.reason}` : '';
      conflict('/agents', `no agents on the ${spec.profile} profile: the k8s glue cannot run as a non-root uid, because ${glue.reason} (${glue.source})${services}`, 'agents', `drop agents (run them from a site on profile current_version or enterprise, whose namespace admits root pods), or build images for it: ${glue.imageNeeds}`);
    }
    // agent-services runs each service task as a sibling Docker container through the node's Docker
    // socket; the task reaches clearml-apiserver only on the pod network it borrows from the agent's
    // own Docker container, which exists only on Docker Engine (cri-dockerd), cgroup v1 nodes.
    // Sources: AGENT_SERVICES_NODE in base-manifests/src/stack/agent-services.ts.
    const dockerNodes = agents.services?.dockerEngineNodes;
    if (agents.services && profileByName(spec.profile).podSecurity !== 'restricted' && !dockerNodes) {
      errors.push(report('SITE_REQUIRED', '/agents/services', 'key', {
        expected: 'agents.services.dockerEngineNodes.nodeSelector: the labels of nodes whose kubelet runs pods with Docker Engine (cri-dockerd) on cgroup v1',
        received: 'agents.services without dockerEngineNodes',
        hint: 'service tasks run as sibling Docker containers through the node\'s Docker socket and resolve clearml-apiserver only on such nodes; containerd and CRI-O nodes (the default since Kubernetes 1.24 removed dockershim) have no Docker socket and the tasks cannot reach the server. Label those nodes and add "dockerEngineNodes: {nodeSelector: {<label>: <value>}}", or drop agents.services and run service tasks from a k8s glue queue',
      }));
    }
    if (dockerNodes && Object.keys(dockerNodes.nodeSelector).length === 0) conflict('/agents/services/dockerEngineNodes/nodeSelector', 'at least one node label (agent-services must run only on Docker Engine nodes)', 'an empty nodeSelector', 'add the label your Docker Engine nodes carry, e.g. {clearml.example.com/container-runtime: docker}');
    const seen = new Set<string>();
    agents.queues.forEach((q, i) => {
      if (seen.has(q.name)) conflict(`/agents/queues/${i}/name`, 'distinct queue names', `"${q.name}" twice`, 'name each queue once (one glue serves one queue)');
      seen.add(q.name);
    });
  }

  return errors;
}

/**
 * What a schema cannot say about one component's settings: which components take a ServiceAccount,
 * a Service or extra config files (the databases are never exposed: the verifier's
 * `database-exposure` says the same of the build), one source of extra config, labels that leave
 * the parent's selector and labels alone, and no per-component node choice where pods must share
 * the one node holding the data.
 */
function componentSettingsErrors(name: SiteComponent, settings: ComponentSettings, spec: SiteSpec, context: SiteContext, nodeStorage: boolean, report: Report): SiteSpecError[] {
  const errors: SiteSpecError[] = [];
  const at = (field: string, ...rest: string[]) => pointerFromTokens(['components', name, field, ...rest]);
  const conflict = (path: string, expected: string, received: string, hint: string) => errors.push(report('SITE_CONFLICT', path, 'key', { expected, received, hint }));
  const only = (field: 'serviceAccount' | 'service' | 'extraConfig', allowed: readonly SiteComponent[], why: string) => {
    if (settings[field] !== undefined && !allowed.includes(name)) conflict(at(field), `${field} only on ${allowed.join(', ')}`, `${field} on ${name}`, `drop the field: ${why}`);
  };
  only('serviceAccount', SERVER_COMPONENTS, `${name} is not a ClearML server component (the databases call no cloud API)`);
  only('service', ENDPOINT_COMPONENTS, `${name} serves no public endpoint${DATABASE_COMPONENTS.includes(name) ? ', and a database is never exposed outside the namespace' : ''}`);
  only('extraConfig', CONFIG_READING_COMPONENTS, `${name} reads no ClearML config directory`);
  const service = settings.service;
  if (service?.loadBalancerSourceRanges !== undefined && service.type !== 'LoadBalancer') conflict(at('service', 'loadBalancerSourceRanges'), 'loadBalancerSourceRanges only with type: LoadBalancer', `type: ${service.type ?? 'none (the exposure\'s)'}`, 'add "type: LoadBalancer", or drop loadBalancerSourceRanges');
  const expose = spec.expose ?? profileByName(spec.profile).exposure.kind;
  if (service?.type === 'LoadBalancer' && expose === 'ingress') conflict(at('service', 'type'), 'type: LoadBalancer only with expose: nodePort (behind an Ingress the Services are ClusterIP; the Ingress controller has the load balancer)', 'expose: ingress', 'drop type (annotate the Ingress controller\'s Service instead), or set expose: nodePort');
  // Pinned tags never change: Always only makes every start depend on the registry (verify's image-tag warns the same).
  if (settings.imagePullPolicy === 'Always' && profileByName(spec.profile).imagePolicy === 'pinned') conflict(at('imagePullPolicy'), `IfNotPresent or Never on profile ${spec.profile} (it pins every image tag)`, 'imagePullPolicy: Always', 'drop imagePullPolicy (a pinned tag is pulled once), or build on profile latest');
  const config = settings.extraConfig;
  if (config) {
    if (config.configMap === undefined && config.secret === undefined) errors.push(report('SITE_REQUIRED', at('extraConfig', 'configMap'), 'key', { expected: 'extraConfig.configMap or extraConfig.secret', received: 'neither', hint: 'name the ConfigMap (or, for files with credentials, the Secret) that holds the files' }));
    if (config.configMap !== undefined && config.secret !== undefined) conflict(at('extraConfig', 'secret'), 'either extraConfig.configMap or extraConfig.secret', 'both', 'keep one source; put every file in it');
    const seen = new Set<string>();
    config.files.forEach((file, i) => {
      if (seen.has(file)) conflict(at('extraConfig', 'files', String(i)), 'each file once', `"${file}" twice`, 'drop the repeated file');
      seen.add(file);
      if (name === 'apiserver' && file === 'apiserver.conf' && spec.credentials?.fixedUsersSecret !== undefined) conflict(at('extraConfig', 'files', String(i)), 'one apiserver.conf (credentials.fixedUsersSecret mounts it already)', 'apiserver.conf in extraConfig with credentials.fixedUsersSecret', 'put the fixed users into the extraConfig apiserver.conf and drop credentials.fixedUsersSecret, or leave apiserver.conf out of extraConfig');
    });
  }
  const deployment = context.parentObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === componentName(name)) as { metadata: { labels?: Record<string, string> }; spec?: { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } } } | undefined;
  const guarded = (field: 'labels' | 'podLabels', taken: Record<string, string>, what: string) => {
    for (const key of Object.keys(settings[field] ?? {})) {
      if (Object.hasOwn(taken, key)) conflict(at(field, key), `a label the stack does not set on the ${what}`, `${key} (set to ${JSON.stringify(taken[key])})`, `pick another key: ${key} ties the ${what} to its Service, selector and checks`);
    }
  };
  guarded('labels', deployment?.metadata.labels ?? {}, 'Deployment');
  guarded('podLabels', { ...(deployment?.spec?.template?.metadata?.labels ?? {}), ...(deployment?.spec?.selector?.matchLabels ?? {}) }, 'pods');
  // Extra volumes: one source each, names new in the pod; mounts of known volumes at paths not taken.
  const pod = (deployment as any)?.spec?.template?.spec ?? {};
  const podVolumes = new Set<string>([...(pod.volumes ?? []).map((v: { name: string }) => v.name), ...(config ? [EXTRA_CONFIG_VOLUME] : [])]);
  const sources = ['configMap', 'secret', 'emptyDir', 'persistentVolumeClaim'] as const;
  const own = new Set<string>();
  (settings.extraVolumes ?? []).forEach((v, i) => {
    const given = sources.filter((k) => v[k] !== undefined);
    if (given.length === 0) errors.push(report('SITE_REQUIRED', at('extraVolumes', String(i), 'name'), 'key', { expected: `one source: ${sources.join(', ')}`, received: 'none', hint: 'add e.g. "emptyDir: {medium: Memory}" or "configMap: {name: <configmap>}"' }));
    if (given.length > 1) conflict(at('extraVolumes', String(i), given[1]!), 'exactly one source per volume', given.join(' and '), 'keep one source; make another volume for the other');
    if (podVolumes.has(v.name) || own.has(v.name)) conflict(at('extraVolumes', String(i), 'name'), 'a volume name the pod does not have', `"${v.name}" (${own.has(v.name) ? 'twice' : 'a volume of the stack'})`, 'pick another name');
    own.add(v.name);
  });
  const mainMounts: { name: string; mountPath: string }[] = pod.containers?.[0]?.volumeMounts ?? [];
  const taken = new Map<string, string>([...mainMounts.map((m) => [m.mountPath.replace(/\/+$/, ''), `mounted by the stack (${m.name})`] as [string, string]), ...(config?.files ?? []).map((f) => [`/opt/clearml/config/${f}`, 'an extraConfig file'] as [string, string])]);
  (settings.extraVolumeMounts ?? []).forEach((m, i) => {
    if (!own.has(m.name) && !podVolumes.has(m.name)) {
      const near = closest(m.name, [...own, ...podVolumes]);
      errors.push(report('SITE_REQUIRED', at('extraVolumeMounts', String(i), 'name'), 'value', { expected: `a volume of extraVolumes or of the pod (${[...own, ...podVolumes].join(', ') || 'none'})`, received: JSON.stringify(m.name), hint: near ? `did you mean "${near}"?` : `add the volume to components.${name}.extraVolumes` }));
    }
    const path = m.mountPath.replace(/\/+$/, '');
    const other = taken.get(path);
    if (other) conflict(at('extraVolumeMounts', String(i), 'mountPath'), 'a mount path the container does not use yet', `${path} (${other})`, 'mount it elsewhere, or tune the stack\'s volume with patches');
    taken.set(path, 'another extraVolumeMounts entry');
  });
  // Probe timings: the liveness probe must not restart a container before its readiness probe can first succeed (verify's probes warns the same).
  const main = pod.containers?.[0] ?? {};
  if ((settings.readinessProbe || settings.livenessProbe) && main.readinessProbe && main.livenessProbe && !main.startupProbe) {
    const readiness = { ...main.readinessProbe, ...settings.readinessProbe };
    const liveness = { ...main.livenessProbe, ...settings.livenessProbe };
    // Kubernetes defaults: initialDelaySeconds 0, periodSeconds 10, failureThreshold 3, successThreshold 1 (core/v1 Probe).
    const restart = (liveness.initialDelaySeconds ?? 0) + (liveness.periodSeconds ?? 10) * (liveness.failureThreshold ?? 3);
    const ready = (readiness.initialDelaySeconds ?? 0) + (readiness.periodSeconds ?? 10) * ((readiness.successThreshold ?? 1) - 1);
    if (restart < ready) conflict(at(settings.livenessProbe ? 'livenessProbe' : 'readinessProbe'), `a liveness probe that restarts no earlier than the readiness probe can first succeed (${ready}s)`, `a restart at ${restart}s (initialDelaySeconds + periodSeconds × failureThreshold)`, 'raise the liveness initialDelaySeconds or failureThreshold');
  }
  if (nodeStorage) {
    for (const field of ['nodeSelector', 'affinity'] as const) {
      if (settings[field] !== undefined) conflict(at(field), `no per-component ${field} with node storage (every pod runs on the one node holding the data)`, `${field} on ${name} with hostPath storage`, `use placement.${field} for every pod, or set storage.type: pvc`);
    }
  }
  return errors;
}

/**
 * How the site reaches its external databases: MongoDB by host or by connection string (the server
 * uses a connection string as is and ignores host, port, user, password and query then:
 * clearml/clearml-server@v2.3.0:apiserver/database/__init__.py:88-102), authSource only with
 * credentials, and a credentials Secret's user and password under two different keys.
 */
function externalAccessErrors(spec: SiteSpec, report: Report): SiteSpecError[] {
  const errors: SiteSpecError[] = [];
  const conflict = (path: string, expected: string, received: string, hint: string) => errors.push(report('SITE_CONFLICT', path, 'key', { expected, received, hint }));
  const mongodb = spec.external?.mongodb;
  if (mongodb) {
    const byString = mongodb.connectionStringSecret !== undefined;
    if (mongodb.host === undefined && !byString) {
      errors.push(report('SITE_REQUIRED', '/external/mongodb/host', 'key', {
        expected: 'external.mongodb.host or external.mongodb.connectionStringSecret',
        received: 'neither',
        hint: 'add "host: <mongodb host>" (with credentialsSecret if it needs a login), or "connectionStringSecret: {name: <secret>}" for a replica set or URI options',
      }));
    }
    if (mongodb.host !== undefined && byString) {
      conflict('/external/mongodb/connectionStringSecret', 'either external.mongodb.host or connectionStringSecret', 'both', 'keep host (the server sets it into its own URIs) or the connection string (used as is, host and port ignored), not both');
    }
    if (mongodb.host === undefined && byString) {
      for (const field of ['port', 'credentialsSecret', 'authSource'] as const) {
        if (mongodb[field] !== undefined) conflict(`/external/mongodb/${field}`, `${field} only with external.mongodb.host`, `${field} with connectionStringSecret`, `drop ${field}: the server ignores it when it has a connection string; put ${field === 'port' ? 'the port' : field === 'authSource' ? '"?authSource=…"' : 'the user and password'} in the connection string instead`);
      }
    } else if (mongodb.authSource !== undefined && mongodb.credentialsSecret === undefined) {
      conflict('/external/mongodb/authSource', 'authSource only with external.mongodb.credentialsSecret', 'authSource without credentials', 'add credentialsSecret (the user to authenticate), or drop authSource');
    }
  }
  for (const db of ['mongodb', 'elasticsearch'] as const) {
    const secret = spec.external?.[db]?.credentialsSecret;
    if (secret && (secret.usernameKey ?? EXTERNAL_SECRET_KEYS.username) === (secret.passwordKey ?? EXTERNAL_SECRET_KEYS.password)) {
      conflict(`/external/${db}/credentialsSecret/${secret.passwordKey ? 'passwordKey' : 'usernameKey'}`, 'the user name and the password under two different keys of the Secret', `both under "${secret.passwordKey ?? EXTERNAL_SECRET_KEYS.password}"`, `name the key that holds the ${secret.passwordKey ? 'password' : 'user name'}`);
    }
  }
  return errors;
}

/**
 * `gitops` fields that fit the tool: Argo CD needs the repository URL (an Application's
 * `spec.source.repoURL`); Flux takes a repository URL (a GitRepository is rendered) or an existing
 * GitRepository (`sourceRef`), not both; the fields of one tool are refused on the other.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#source-reference
 */
function gitopsErrors(spec: SiteSpec, report: Report): SiteSpecError[] {
  const gitops = spec.gitops;
  if (!gitops) return [];
  const errors: SiteSpecError[] = [];
  const only = (field: 'project' | 'interval' | 'sourceRef' | 'dependsOn', tool: 'argocd' | 'flux') => {
    if (gitops[field] !== undefined && gitops.tool !== tool) {
      errors.push(report('SITE_GITOPS', `/gitops/${field}`, 'key', { expected: `gitops.${field} only with tool: ${tool}`, received: `${field} with tool: ${gitops.tool}`, hint: `drop ${field}, or set tool: ${tool}` }));
    }
  };
  only('project', 'argocd');
  for (const field of ['interval', 'sourceRef', 'dependsOn'] as const) only(field, 'flux');
  if (gitops.repoURL === undefined && (gitops.tool === 'argocd' || gitops.sourceRef === undefined)) {
    errors.push(report('SITE_REQUIRED', '/gitops/repoURL', 'key', {
      expected: gitops.tool === 'argocd' ? 'gitops.repoURL (the repository Argo CD syncs the site from)' : 'gitops.repoURL or gitops.sourceRef (the GitRepository Flux reads the site from)',
      received: 'nothing',
      hint: gitops.tool === 'argocd' ? 'add "repoURL: https://git.example.com/platform/clearml-k8s.git"' : 'add "repoURL: https://git.example.com/platform/clearml-k8s.git", or "sourceRef: {name: flux-system}" for the repository flux bootstrap made',
    }));
  }
  if (gitops.tool === 'flux' && gitops.repoURL !== undefined && gitops.sourceRef !== undefined) {
    errors.push(report('SITE_GITOPS', '/gitops/sourceRef', 'key', { expected: 'either gitops.repoURL (a GitRepository is rendered) or gitops.sourceRef (an existing one)', received: 'both', hint: 'keep one: sourceRef names a GitRepository you already have; repoURL makes one for this site' }));
  }
  if (gitops.tool === 'flux' && gitops.revision !== undefined && gitops.sourceRef !== undefined) {
    errors.push(report('SITE_GITOPS', '/gitops/revision', 'key', { expected: 'no revision with gitops.sourceRef (the GitRepository named there chooses the branch)', received: 'revision with sourceRef', hint: 'drop revision, or use repoURL instead of sourceRef' }));
  }
  return errors;
}

/**
 * Where the credentials Secret comes from: an ExternalSecret or a SealedSecret makes the Secret the
 * pods read (`credentials.secret`, or the enterprise profile's `clearml-internal-credentials`), so the
 * site must read one, and only one source may make it.
 */
function credentialsSourceErrors(spec: SiteSpec, report: Report): SiteSpecError[] {
  const credentials = spec.credentials;
  const source = credentials?.externalSecret ? 'externalSecret' : credentials?.sealedSecret ? 'sealedSecret' : null;
  if (!source) return [];
  if (credentials!.externalSecret && credentials!.sealedSecret) {
    return [report('SITE_SECRET_STORE', '/credentials/sealedSecret', 'key', { expected: 'either credentials.externalSecret or credentials.sealedSecret (one object makes the Secret)', received: 'both', hint: 'keep the one your cluster runs: External Secrets Operator, or the sealed-secrets controller' })];
  }
  if (!credentials!.secret && spec.profile !== 'enterprise') {
    return [report('SITE_REQUIRED', `/credentials/${source}`, 'key', {
      expected: `credentials.secret with credentials.${source} (the name of the Secret it makes, which the pods read)`,
      received: `credentials.${source} without credentials.secret`,
      hint: 'add "secret: clearml-internal-credentials" under credentials',
    })];
  }
  return [];
}

/** Errors of one patch: its target must be a parent object, each op must resolve after the ones before it. */
function patchErrors(patch: NonNullable<SiteSpec['patches']>[number], at: string, spec: SiteSpec, context: SiteContext, report: Report): SiteSpecError[] {
  const { kind, name } = patch.target;
  const target = context.parentObjects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!target) {
    const sameKind = context.parentObjects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    const kinds = [...new Set(context.parentObjects.map((o) => o.kind))];
    const near = sameKind.length ? closest(name, sameKind) : closest(kind, kinds);
    return [report('SITE_PATCH_TARGET', `${at}/target/${sameKind.length ? 'name' : 'kind'}`, 'value', {
      expected: sameKind.length ? `the name of a ${kind} of profile ${spec.profile} (${sameKind.join(', ')})` : `a kind of profile ${spec.profile} (${kinds.join(', ')})`,
      received: JSON.stringify(sameKind.length ? name : kind),
      hint: near ? `did you mean ${JSON.stringify(near)}?` : 'target an object of the parent overlay, by its exact kind and metadata.name',
    })];
  }
  const removedBy = Object.keys(spec.external ?? {}).find((db) => target.metadata.labels?.[COMPONENT_LABEL] === db);
  if (removedBy) {
    return [report('SITE_CONFLICT', `${at}/target`, 'key', { expected: 'a target the site keeps', received: `${kind}/${name}, removed by external.${removedBy}`, hint: `drop the patch, or external.${removedBy}` })];
  }
  let document: unknown = target;
  for (const [j, op] of patch.operations.entries()) {
    const opAt = `${at}/operations/${j}`;
    const pathError = (field: 'path' | 'from', expected: string) => {
      const pointer = field === 'from' && 'from' in op ? op.from : op.path;
      return report('SITE_PATCH_PATH', `${opAt}/${field}`, 'value', { expected: `${expected} in ${kind}/${name}`, received: JSON.stringify(pointer), hint: pathHint(document, pointer) });
    };
    if ((op.op === 'move' || op.op === 'copy') && valueAt(document, op.from) === undefined) return [pathError('from', 'a from path that exists')];
    if ((op.op === 'replace' || op.op === 'remove' || op.op === 'test') && valueAt(document, op.path) === undefined) return [pathError('path', `a path that exists (${op.op} needs one)`)];
    if (op.op === 'add' || op.op === 'move' || op.op === 'copy') {
      const tokens = pointerTokens(op.path);
      const parent = valueAt(document, pointerFromTokens(tokens.slice(0, -1)));
      const last = tokens.at(-1) ?? '';
      const fits = Array.isArray(parent) ? last === '-' || (/^(0|[1-9]\d*)$/.test(last) && Number(last) <= parent.length) : typeof parent === 'object' && parent !== null;
      if (!fits) return [pathError('path', Array.isArray(parent) ? `an index 0-${parent.length} or "-" of the list` : `a path whose parent exists (${op.op} needs one)`)];
    }
    try {
      document = applyOperations(document, [op as PatchOperation]);
    } catch (error) {
      const failedTest = (error as { name?: string }).name === 'TEST_OPERATION_FAILED';
      return [report(failedTest ? 'SITE_PATCH_TEST' : 'SITE_PATCH_PATH', `${opAt}/${failedTest ? 'value' : 'path'}`, 'value', {
        expected: failedTest ? `the value at ${op.path} of ${kind}/${name}: ${JSON.stringify(valueAt(document, op.path))}` : `an operation that applies to ${kind}/${name}`,
        received: failedTest ? describe((op as { value: unknown }).value) : String((error as Error).message).split('\n')[0] ?? '',
        hint: failedTest ? 'fix the value, or drop the test op' : pathHint(document, op.path),
      })];
    }
  }
  return [];
}

/** Where a pointer stops resolving, with the keys found there and a close one. */
function pathHint(document: unknown, pointer: string): string {
  const tokens = pointerTokens(pointer);
  let depth = 0;
  while (depth < tokens.length && valueAt(document, pointerFromTokens(tokens.slice(0, depth + 1))) !== undefined) depth++;
  const prefix = pointerFromTokens(tokens.slice(0, depth)) || '/';
  const there = valueAt(document, pointerFromTokens(tokens.slice(0, depth)));
  if (Array.isArray(there)) return `${prefix} is a list of ${there.length} item${there.length === 1 ? '' : 's'}`;
  const keys = typeof there === 'object' && there !== null ? Object.keys(there) : [];
  if (!keys.length) return `${prefix} is ${describe(there)}, with nothing under it`;
  const near = closest(tokens[depth] ?? '', keys);
  return `${prefix} has ${keys.length > 12 ? `${keys.slice(0, 12).join(', ')}, …` : keys.join(', ')}${near ? `; did you mean "${near}"?` : ''}`;
}

// ---- helpers ----

/** Whether a Deployment of the parent keeps data on the node (a hostPath under the node storage root). */
function usesNodeStorage(o: ManifestObject): boolean {
  const volumes = (o as { kind: string; spec?: { template?: { spec?: { volumes?: { hostPath?: { path?: string } }[] } } } }).spec?.template?.spec?.volumes ?? [];
  return o.kind === 'Deployment' && volumes.some((v) => v.hostPath?.path?.startsWith(`${NODE_STORAGE_ROOT}/`));
}

/** Whether a label selector has no requirement at all (`{}`, or empty lists): it selects every namespace. */
function selectsEveryNamespace(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** Whether an affinity requires particular nodes (a required node selector term with a requirement). */
function pinsNode(affinity: Record<string, any> | undefined): boolean {
  const terms = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return Array.isArray(terms) && terms.length > 0 && terms.every((t: any) => (t?.matchExpressions?.length ?? 0) + (t?.matchFields?.length ?? 0) > 0);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && Number.isNaN(value)) return 'not a number (.nan)';
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value < 0 ? 'minus ' : ''}infinity (.inf, or a number too large such as 1e400)`;
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

/** The candidate to suggest for a misspelt field (the project's one edit distance, `closestMatch`). */
const closest = (word: string, candidates: readonly string[]): string | undefined => closestMatch(word, candidates);
