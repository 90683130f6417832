/**
 * Check `task-images`: the pods ClearML agents create pull like every other pod of the build.
 * - Mirror: when every container of the build that runs a release-catalog image pulls it through
 *   one registry prefix (`<mirror>/<catalog repository>`, an air-gapped site's `images.registry`),
 *   the image task pods run by default is under that mirror too: `CLEARML_DOCKER_IMAGE` of each k8s
 *   glue container (a container with `K8S_GLUE_QUEUE`) and `CLEARML_AGENT_DEFAULT_BASE_DOCKER` of
 *   agent-services. The glue puts that image into each task pod it creates, so a public name there
 *   means task pods that cannot pull on a cluster without internet (the glue then fails the task
 *   on `ImagePullBackOff`). A glue without `CLEARML_DOCKER_IMAGE` defaults to `nvidia/cuda` and is a
 *   finding too.
 * - Pull Secrets: when every running pod template of the build lists an `imagePullSecrets` entry,
 *   every task pod template the glue reads (a ConfigMap's `template.yaml`) lists it as well: the
 *   glue keeps the template's pod spec as written, and the task pods pull from the same registry.
 * Images a task names itself are ClearML data, not in the build; they are not checked.
 * The env names and the glue's behaviour are the stack model's (`K8S_GLUE`, `AGENT_SERVICES_NODE`
 * in base-manifests, with their upstream sources).
 */
import { AGENT_SERVICES_NODE, K8S_GLUE, objectId, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseImageReference } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { DOCKER_HUB_HOSTS } from './stack-containers.ts';

/** Registry prefixes that name Docker Hub itself: an image under them is not mirrored. */
const DOCKER_HUB = new Set([...DOCKER_HUB_HOSTS, 'docker.io/library']);

/** Env vars holding the image of the pods an agent creates, by the env var that marks the agent's container. */
const TASK_IMAGE_ENV: readonly { marker: string; image: string; agent: string; fallback: string | null }[] = [
  { marker: K8S_GLUE.queueEnv.value, image: K8S_GLUE.defaultTaskImageEnv.value, agent: 'k8s glue', fallback: 'nvidia/cuda' },
  { marker: AGENT_SERVICES_NODE.defaultBaseImageEnv.value, image: AGENT_SERVICES_NODE.defaultBaseImageEnv.value, agent: 'agent-services', fallback: null },
];

const containersOf = (t: PodTemplate) => (['initContainers', 'containers'] as const).flatMap((list) => ((Array.isArray(t.spec[list]) ? t.spec[list] : []) as any[]).map((c, i) => ({ c, path: `${t.path}/spec/${list}/${i}` })));
const envList = (c: any): any[] => (Array.isArray(c?.env) ? c.env : []);
const secretNames = (spec: Record<string, any>): string[] => (Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets.map((s: any) => s?.name).filter((n: unknown): n is string => typeof n === 'string') : []);

/**
 * The registry prefix every release-catalog image of the build is pulled through, or `null`: no
 * catalog image, one pulled by its plain catalog name, no prefix they all share, or Docker Hub's own
 * names. A catalog image whose repository a site overrides counts when it still ends with a catalog
 * repository (`<mirror>/docker.elastic.co/elasticsearch/elasticsearch`); the shortest prefix shared by
 * all of them wins.
 */
export function mirrorRegistry(templates: readonly PodTemplate[], catalog: ReleaseCatalog): string | null {
  const repositories = Object.values(catalog.images).map((e) => e.repository);
  const names: string[] = [];
  const candidates = new Set<string>();
  for (const t of templates.filter((t) => t.running)) {
    for (const { c } of containersOf(t)) {
      if (typeof c?.image !== 'string') continue;
      const name = parseImageReference(c.image).name;
      if (repositories.includes(name)) return null;
      for (const r of repositories.filter((r) => name.endsWith(`/${r}`))) {
        names.push(name);
        candidates.add(name.slice(0, -r.length - 1));
      }
    }
  }
  const shared = [...candidates].filter((p) => names.every((n) => n.startsWith(`${p}/`))).sort((a, b) => a.length - b.length);
  return shared[0] && !DOCKER_HUB.has(shared[0]) ? shared[0] : null;
}

/** Findings of `task-images` over a build. Never throws: malformed objects are `schema`'s. */
export function checkTaskImages(objects: readonly ManifestObject[], catalog: ReleaseCatalog): CheckFinding<'task-images'>[] {
  const findings: CheckFinding<'task-images'>[] = [];
  const templates = podTemplates(objects);
  const mirror = mirrorRegistry(templates, catalog);
  if (mirror) {
    for (const t of templates.filter((t) => t.running)) {
      for (const { c, path } of containersOf(t)) {
        const env = envList(c);
        for (const task of TASK_IMAGE_ENV) {
          if (!env.some((e) => e?.name === task.marker)) continue;
          const i = env.findIndex((e) => e?.name === task.image);
          const value = i >= 0 ? env[i].value : undefined;
          if (typeof value === 'string' && value.startsWith(`${mirror}/`)) continue;
          findings.push({
            check: 'task-images',
            resource: objectId(t.owner),
            path: i >= 0 ? `${path}/env/${i}/value` : `${path}/env`,
            message: i >= 0
              ? `the ${task.agent} gives its task pods the image ${JSON.stringify(value ?? null)} by default; every release-catalog image of this build is pulled through ${mirror}/, so expected an image under ${mirror}/ (task pods could not pull it without internet)`
              : `the ${task.agent} sets no ${task.image}, so its task pods default to ${task.fallback}; every release-catalog image of this build is pulled through ${mirror}/, so expected ${task.image} under ${mirror}/`,
            hint: `set ${task.image} to the mirrored image (in a site spec: images.registry puts ${mirror}/ in front of agents.defaultImage and the queues' images)`,
          });
        }
      }
    }
  }
  const running = templates.filter((t) => t.running);
  const shared = running.length ? secretNames(running[0]!.spec).filter((name) => running.every((t) => secretNames(t.spec).includes(name))) : [];
  for (const t of templates.filter((t) => !t.running)) {
    const missing = shared.filter((name) => !secretNames(t.spec).includes(name));
    if (!missing.length) continue;
    findings.push({
      check: 'task-images',
      resource: objectId(t.owner),
      path: `${t.path}/spec/imagePullSecrets`,
      message: `task pod template lists image pull Secrets ${JSON.stringify(secretNames(t.spec))}; every running pod of the build pulls with ${JSON.stringify(shared)}, so expected ${JSON.stringify(missing)} too (task pods pull from the same registry)`,
      hint: 'add the pull Secrets to the template\'s spec.imagePullSecrets (in a site spec: images.pullSecrets does this for every agent queue)',
    });
  }
  return findings;
}

export const taskImagesCheck = defineCheck({
  id: 'task-images',
  severity: 'error',
  title: 'agent task pods pull through the build\'s mirror registry and with its pull Secrets',
  description: 'the images agents give their task pods by default (`CLEARML_DOCKER_IMAGE`, `CLEARML_AGENT_DEFAULT_BASE_DOCKER`) are under the registry every catalog image is pulled through, and task pod templates list the pull Secrets every running pod lists',
  needs: 'build',
  run: ({ objects, catalog }) => checkTaskImages(objects, catalog),
});
