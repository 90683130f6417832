/**
 * Pod templates of a build and how Services reach them: label selection and targetPort
 * resolution (a number matches `containerPort`, a name matches `ports[].name`).
 *
 * Besides workloads and bare Pods, a ConfigMap holding a pod template under the key
 * `template.yaml` (the ClearML k8s glue reads the template of its task pods from there) counts as
 * a pod template: its pods run once the glue creates them, so Pod Security, references and images
 * apply to it, but no Service selects it (`running: false`). Paths into such a template use the
 * prefix `/data/template.yaml#` (a JSON pointer cannot enter a string, so `#` marks where the
 * pointer into the embedded YAML document starts): `/data/template.yaml#/spec/containers/0/image`.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 * @see https://clear.ml/docs/latest/docs/clearml_agent/clearml_agent_deployment_k8s (k8s glue `--template-yaml`)
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { memoised } from './build-memo.ts';

/** The ConfigMap key the ClearML k8s glue reads its task pod template from. */
export const EMBEDDED_TEMPLATE_KEY = 'template.yaml';

/**
 * Path prefix of a pod template embedded in a ConfigMap: the JSON pointer of the string
 * (`/data/template.yaml`), then `#`, then a JSON pointer into the parsed document.
 */
export const EMBEDDED_TEMPLATE_PATH = `/data/${EMBEDDED_TEMPLATE_KEY}#`;

/**
 * The part of a finding path that is a JSON pointer into the object itself: the path up to `#`
 * (`/data/template.yaml#/spec/containers/0` → `/data/template.yaml`); other paths unchanged.
 * Kubernetes field names, keys and label/annotation keys cannot contain `#`.
 */
export function outerPointer(path: string): string {
  const hash = path.indexOf('#');
  return hash < 0 ? path : path.slice(0, hash);
}

/** A pod template and the object that owns it. */
export interface PodTemplate {
  /** The workload, Pod, or ConfigMap holding an embedded template. */
  owner: ManifestObject;
  /**
   * Where the template is in its owner, as a prefix for `/spec/...` pointers: `/spec/template`,
   * `/spec/jobTemplate/spec/template`, `''` for a Pod, or `/data/template.yaml#` (EMBEDDED_TEMPLATE_PATH)
   * for a ConfigMap.
   */
  path: string;
  /** The template itself (`{metadata, spec}`; for a ConfigMap the parsed document), for Pod Security. */
  template: { metadata?: Record<string, any>; spec: Record<string, any>; [field: string]: any };
  labels: Record<string, string>;
  spec: { containers?: Container[]; initContainers?: Container[]; [field: string]: any };
  /**
   * Whether the build itself runs pods from it (workloads and Pods), so Services may select them;
   * false for a ConfigMap template, whose pods another program (the k8s glue) creates on demand.
   */
  running: boolean;
}

interface Container {
  /** Absent in a ConfigMap template when the glue fills it in. */
  name: string;
  ports?: { name?: string; containerPort: number }[];
}

/** Where each workload kind keeps its pod template (JSON pointer). */
const TEMPLATE_AT: Record<string, string> = {
  Deployment: '/spec/template',
  StatefulSet: '/spec/template',
  DaemonSet: '/spec/template',
  ReplicaSet: '/spec/template',
  ReplicationController: '/spec/template',
  Job: '/spec/template',
  CronJob: '/spec/jobTemplate/spec/template',
  Pod: '',
};

/**
 * Every pod template in the build, in object order: workloads and bare Pods (`running: true`), and
 * ConfigMaps whose `data["template.yaml"]` is a YAML document with a `spec.containers` list
 * (`running: false`; the document may omit container name and image). A `template.yaml` that is not
 * valid YAML or holds no such document is not a pod template (no error: it may be anything else).
 * Memoised per `objects` while `runChecks` runs (`build-memo.ts`): the result is then frozen.
 */
export function podTemplates(objects: readonly ManifestObject[]): PodTemplate[] {
  return memoised(objects, [podTemplates], () => findPodTemplates(objects));
}

function findPodTemplates(objects: readonly ManifestObject[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const owner of objects) {
    if (owner.kind === 'ConfigMap') {
      const embedded = embeddedTemplate(owner);
      if (embedded) templates.push({ owner, path: EMBEDDED_TEMPLATE_PATH, template: embedded, labels: stringMap(embedded.metadata?.labels), spec: embedded.spec, running: false });
      continue;
    }
    const path = TEMPLATE_AT[owner.kind];
    if (path === undefined) continue;
    const template = path.split('/').slice(1).reduce<any>((node, key) => node?.[key], owner);
    if (template?.spec && typeof template.spec === 'object') templates.push({ owner, path, template, labels: template.metadata?.labels ?? {}, spec: template.spec, running: true });
  }
  return templates;
}

/** Parsed embedded templates by ConfigMap object: every check of a build asks, the YAML is parsed once. */
const embedded = new WeakMap<object, PodTemplate['template'] | null>();

/** The parsed `template.yaml` of a ConfigMap when it is a pod template (`spec.containers` is a list), else null. */
function embeddedTemplate(configMap: ManifestObject): PodTemplate['template'] | null {
  if (!embedded.has(configMap)) embedded.set(configMap, parseEmbeddedTemplate(configMap));
  return embedded.get(configMap)!;
}

function parseEmbeddedTemplate(configMap: ManifestObject): PodTemplate['template'] | null {
  const result = readEmbeddedTemplate(configMap);
  return result && !('error' in result) && isPodDocument(result.document) ? (result.document as PodTemplate['template']) : null;
}

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const isPodDocument = (doc: unknown): boolean => isObject(doc) && isObject(doc.spec) && Array.isArray(doc.spec.containers);

/**
 * The ConfigMap's `template.yaml` parsed: `null` when there is no such key (or it is not a string),
 * `{ error }` with the parse error (file `ConfigMap-name/template.yaml`, line and column inside the
 * template) when it is not YAML, else `{ document }`.
 */
export function readEmbeddedTemplate(configMap: ManifestObject): { document: unknown } | { error: Error } | null {
  const text = (configMap as { data?: Record<string, unknown> }).data?.[EMBEDDED_TEMPLATE_KEY];
  if (typeof text !== 'string') return null;
  try {
    return { document: parseManifest(text, `${configMap.metadata?.name ?? 'ConfigMap'}/${EMBEDDED_TEMPLATE_KEY}`) };
  } catch (error) {
    return { error: error as Error };
  }
}

/** One field of a pod template whose shape Pod Security cannot read. */
export interface PodShapeProblem {
  /** JSON pointer, relative to the template (`/spec/containers`). */
  path: string;
  expected: string;
  received: string;
}

const kindOf = (v: unknown): string => (v === undefined ? 'nothing' : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`);

/**
 * The fields of a pod (or pod template) that Pod Security reads but that have the wrong shape: a
 * spec that is not a mapping, container lists that are not lists of mappings (`containers: "oops"`),
 * security contexts, volumes and host namespace flags of the wrong type. Pod Security treats such
 * fields as unset, which would admit a pod the API server rejects; `check` reports them instead.
 * @returns the problems in document order; `[]` when the shape is sound.
 */
export function podShapeProblems(pod: unknown): PodShapeProblem[] {
  if (!isObject(pod)) return [{ path: '', expected: 'a pod template (a mapping with spec)', received: kindOf(pod) }];
  const spec = pod.spec;
  if (!isObject(spec)) return [{ path: '/spec', expected: 'a pod spec (a mapping)', received: kindOf(spec) }];
  const problems: PodShapeProblem[] = [];
  const expectObject = (v: unknown, path: string, what: string) => v !== undefined && v !== null && !isObject(v) && problems.push({ path, expected: what, received: kindOf(v) });
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) problems.push({ path: '/spec/containers', expected: 'a list of at least one container', received: kindOf(spec.containers) });
  for (const field of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const list = spec[field];
    if (field !== 'containers' && list !== undefined && list !== null && !Array.isArray(list)) problems.push({ path: `/spec/${field}`, expected: 'a list of containers', received: kindOf(list) });
    if (!Array.isArray(list)) continue;
    list.forEach((c: unknown, i: number) => {
      if (!isObject(c)) problems.push({ path: `/spec/${field}/${i}`, expected: 'a container (a mapping)', received: kindOf(c) });
      else expectObject(c.securityContext, `/spec/${field}/${i}/securityContext`, 'a security context (a mapping)');
    });
  }
  expectObject(spec.securityContext, '/spec/securityContext', 'a pod security context (a mapping)');
  if (spec.volumes !== undefined && spec.volumes !== null) {
    if (!Array.isArray(spec.volumes)) problems.push({ path: '/spec/volumes', expected: 'a list of volumes', received: kindOf(spec.volumes) });
    else spec.volumes.forEach((v: unknown, i: number) => expectObject(v, `/spec/volumes/${i}`, 'a volume (a mapping)'));
  }
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean') problems.push({ path: `/spec/${flag}`, expected: 'true or false', received: kindOf(spec[flag]) });
  }
  return problems;
}

/** Where each workload kind keeps its pod template, for callers that must find malformed ones too. */
export function podTemplatePath(kind: string): string | undefined {
  return TEMPLATE_AT[kind];
}

function stringMap(value: unknown): Record<string, string> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
}

/** True when every `selector` entry is among `labels` (an empty selector selects nothing, as for Services). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The container port a Service targetPort reaches in a template, or `null`. */
export function resolveTargetPort(template: PodTemplate, targetPort: string | number): { container: string; containerPort: number } | null {
  for (const container of template.spec.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (typeof targetPort === 'number' ? port.containerPort === targetPort : port.name === targetPort) {
        return { container: container.name, containerPort: port.containerPort };
      }
    }
  }
  return null;
}
