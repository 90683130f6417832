/**
 * Which stack-model component a container runs (`componentOfContainer`: image repository, mirror
 * prefixes and former names allowed, and entrypoint), for every check that applies the model's facts
 * to other people's trees too; and the running containers of a build that are components
 * (`stackContainers`), with their pod template and the JSON pointer of their entry.
 */
import { STACK_MODEL, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { memoised } from '../build-memo.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { parseImageReference } from '@clearml-k8s/overlay-composer';

/** The image repositories of a component: its catalog entry's (else the model's `repository`), then the names it had before. */
function repositoriesOf(spec: ComponentSpec, catalog: ReleaseCatalog): string[] {
  const current = spec.image.catalogKey ? catalog.images[spec.image.catalogKey]?.repository ?? null : spec.image.repository;
  return [...(current === null ? [] : [current]), ...(spec.image.formerRepositories?.repositories ?? [])];
}

/** Image references remembered per catalog and model before the memo starts afresh (a bound on memory). */
const MAX_REMEMBERED_IMAGES = 4096;

/** Per catalog, per model: the components whose repositories an image reference names (`componentsByImage`). */
const componentsByImage = new WeakMap<ReleaseCatalog, WeakMap<object, Map<string, readonly ComponentSpec[]>>>();

/**
 * The components of `model` an image reference names by repository (mirror prefixes and former
 * names allowed), in model order. A pure function of the reference, the catalog and the model
 * (neither is changed after it is loaded), remembered per reference.
 */
function candidatesOf(image: string, catalog: ReleaseCatalog, model: typeof STACK_MODEL): readonly ComponentSpec[] {
  let byModel = componentsByImage.get(catalog);
  if (!byModel) componentsByImage.set(catalog, (byModel = new WeakMap()));
  let byImage = byModel.get(model);
  if (!byImage) byModel.set(model, (byImage = new Map()));
  let candidates = byImage.get(image);
  if (!candidates) {
    const name = parseImageReference(image).name;
    candidates = model.components.filter((c) => repositoriesOf(c, catalog).some((repository) => sameRepository(name, repository)));
    if (byImage.size >= MAX_REMEMBERED_IMAGES) byImage.clear();
    byImage.set(image, candidates);
  }
  return candidates;
}

const startsWith = (a: unknown, b: readonly string[] | undefined): boolean => Array.isArray(a) && !!b && b.length > 0 && b.every((item, i) => a[i] === item);

/**
 * The component a container runs, or null: the image's repository (mirror prefixes allowed; the
 * names the image had before, `allegroai/clearml`, count too) picks
 * the candidates; when several components share the image (the server's four modes), the
 * container's `args` or `command` must start as the model's entrypoint does.
 */
export function componentOfContainer(container: any, catalog: ReleaseCatalog, model = STACK_MODEL): ComponentSpec | null {
  if (typeof container?.image !== 'string') return null;
  const candidates = candidatesOf(container.image, catalog, model);
  if (candidates.length <= 1) return candidates[0] ?? null;
  return candidates.find((c) => (c.entrypoint.args && startsWith(container.args, c.entrypoint.args)) || (c.entrypoint.command && startsWith(container.command, c.entrypoint.command))) ?? null;
}

/**
 * Whether a container's `command` is the one the model's non-root profile gives the component
 * (`nonRoot.start.command`: the server image's entrypoint.sh run through bash, `args` unchanged): it
 * runs the image's own entrypoint, so checks that read `command:` as "the entrypoint was replaced"
 * (`env-semantics`, `probes`) must not.
 */
export function isNonRootStartCommand(container: any, spec: ComponentSpec): boolean {
  const command = spec.nonRoot.start?.command;
  return !!command && Array.isArray(container?.command) && container.command.length === command.length && command.every((item, i) => container.command[i] === item);
}

/** Docker Hub's own host names: an image under them is Docker Hub's, not a mirror's. */
export const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** `docker.io/library/redis` → `redis`, `docker.io/bitnami/redis` → `bitnami/redis`; other names unchanged. */
function dockerHubName(name: string): string {
  const [first, ...rest] = name.split('/');
  if (!DOCKER_HUB_HOSTS.has(first!) || rest.length === 0) return name;
  return rest[0] === 'library' && rest.length > 1 ? rest.slice(1).join('/') : rest.join('/');
}

/**
 * Whether an image name is the repository, or the repository pulled through a mirror
 * (`registry.example.internal/mirror/redis`: a registry host in front). `docker.io/bitnami/redis` is
 * not `redis`: another image of the same short name.
 */
export function sameRepository(name: string, repository: string): boolean {
  const normal = dockerHubName(name);
  if (normal === dockerHubName(repository)) return true;
  const host = name.split('/')[0]!;
  const isRegistryHost = host === 'localhost' || host.includes('.') || host.includes(':');
  return isRegistryHost && !DOCKER_HUB_HOSTS.has(host) && name.endsWith(`/${repository}`);
}

/** One container of a running pod template that runs a stack-model component. */
export interface StackContainer {
  template: PodTemplate;
  container: any;
  /** JSON pointer of the container in its owner, e.g. `/spec/template/spec/containers/0`. */
  path: string;
  spec: ComponentSpec;
}

/** Workloads that run to completion: their pods use a component's image as a tool (a Helm test pod's curl), not as the server. */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

/**
 * Every main container (`spec.containers`) of a running pod template that is a stack-model
 * component, in object order. Pods that run to completion (Jobs, CronJobs, `restartPolicy` `Never`
 * or `OnFailure`, e.g. a Helm test hook that runs `curl` in the Elasticsearch image) are left out:
 * a component is a long-running server. Memoised per `objects`, `catalog` and `model` while
 * `runChecks` runs (`build-memo.ts`).
 */
export function stackContainers(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): StackContainer[] {
  return memoised(objects, [stackContainers, catalog, model], () => findStackContainers(objects, catalog, model));
}

function findStackContainers(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model: typeof STACK_MODEL): StackContainer[] {
  return podTemplates(objects)
    .filter((t) => t.running && !RUN_TO_COMPLETION.has(t.owner.kind) && !['Never', 'OnFailure'].includes(t.spec.restartPolicy))
    .flatMap((template) =>
      (Array.isArray(template.spec.containers) ? template.spec.containers : []).flatMap((container: any, i: number) => {
        const spec = componentOfContainer(container, catalog, model);
        return spec ? [{ template, container, path: `${template.path}/spec/containers/${i}`, spec }] : [];
      }),
    );
}

/** The env entries of a container (`[]` when `env` is not a list). */
export function envList(container: any): any[] {
  return Array.isArray(container?.env) ? container.env : [];
}

/** A literal env value of a container with its index, or null when unset or set from a reference (`valueFrom`). */
export function envEntry(container: any, name: string): { value: string; index: number } | null {
  const list = envList(container);
  // The last entry of a name wins in the pod (Kubernetes keeps the last duplicate).
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    if (e?.name !== name) continue;
    return e.valueFrom === undefined && e.value !== undefined && e.value !== null ? { value: String(e.value), index: i } : null;
  }
  return null;
}

/** Whether the container sets env `name` at all (a literal or a `valueFrom`). */
export function hasEnv(container: any, name: string): boolean {
  return envList(container).some((e) => e?.name === name);
}
