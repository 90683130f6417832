/**
 * Check `resources`: container requests do not exceed their limits, ClearML components are not given
 * a memory limit far below what they need, and the Elasticsearch heap fits its memory limit.
 *
 * - **requests ≤ limits** (error), for every resource a container both requests and limits, in every
 *   pod template (also the k8s glue's task template: the glue's pods would be refused). The API
 *   server refuses such a pod, and a workload whose template has one ("must be less than or equal
 *   to ... limit"): https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits.
 *   Kustomize does not validate values and the OpenAPI schema (`schema`) cannot express it, so
 *   nothing before `kubectl apply` catches it.
 * - **memory limit far below the need** (warning), for stack-model containers: a limit below a
 *   quarter of the model's `resources.requests.memory` (what the base reserves for the component:
 *   apiserver 1Gi, MongoDB 1Gi, Elasticsearch 4Gi ...). A quarter of the apiserver's 1Gi is the
 *   256Mi the Helm chart calls the server's "minimal requirements"
 *   (clearml/clearml-helm-charts@clearml-7.14.4:charts/clearml/values.yaml:121-129). Below it the
 *   container is OOM-killed under ordinary load (the kernel kills at the limit:
 *   https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-limits-are-run),
 *   e.g. the old kustomize tree's apiserver at 150M and MongoDB at 250M.
 * - **Elasticsearch heap** (error above 100 % of the memory limit, warning above the model's
 *   `heap.maxShareOfLimit`): the last `-Xmx` of the model's heap env (`ES_JAVA_OPTS`). Elastic: "Set
 *   Xms and Xmx to no more than 50% of your total memory. Elasticsearch requires memory for purposes
 *   other than the JVM heap" (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/advanced-configuration.html#set-jvm-heap-size);
 *   the issue's "about 75%" is looser than that source, so the model's 0.5 is the threshold. A heap
 *   above the limit cannot be committed: the JVM is OOM-killed once it grows. Without `-Xmx`
 *   Elasticsearch sizes the heap from the container's memory itself: no finding; without a memory
 *   limit there is nothing to compare.
 */
import { escapePointerToken, objectId, STACK_MODEL, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { formatBytes, javaMaxHeapBytes, quantityValue } from '@clearml-k8s/base-manifests';
import { defineCheck } from './definition.ts';
import { envEntry, stackContainers } from './stack-containers.ts';

/** A limit below this share of the model's memory request is far below the component's need. */
export const MEMORY_FLOOR_SHARE = 0.25;

type Finding = CheckFinding<'resources'>;

const CONTAINER_LISTS = ['initContainers', 'containers'] as const;
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Findings of `resources` over a build. Never throws: malformed objects and quantities are `schema`'s. */
export function checkResources(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): Finding[] {
  const findings: Finding[] = [];
  for (const t of podTemplates(objects)) {
    for (const list of CONTAINER_LISTS) {
      const containers = Array.isArray(t.spec[list]) ? (t.spec[list] as any[]) : [];
      containers.forEach((c, i) => {
        const requests = c?.resources?.requests;
        const limits = c?.resources?.limits;
        if (!isMap(requests) || !isMap(limits)) return;
        for (const [name, requested] of Object.entries(requests)) {
          const request = quantityValue(requested);
          const limit = quantityValue(limits[name]);
          if (request === null || limit === null || request <= limit) continue;
          findings.push({
            check: 'resources',
            resource: objectId(t.owner),
            path: `${t.path}/spec/${list}/${i}/resources/requests/${escapePointerToken(name)}`,
            message: `container ${c.name ?? i} requests ${name} ${requested}, more than its limit ${limits[name]}; the API server refuses the pod (a request must be less than or equal to the limit: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits)`,
            hint: `lower the ${name} request to at most ${limits[name]}, or raise the limit`,
          });
        }
      });
    }
  }
  for (const { template, container, path, spec } of stackContainers(objects, catalog, model)) {
    const owner = objectId(template.owner);
    const limitText = container?.resources?.limits?.memory;
    const limit = quantityValue(limitText);
    if (limit === null) continue;
    const need = quantityValue(spec.resources.requests.memory);
    if (need !== null && limit < need * MEMORY_FLOOR_SHARE) {
      findings.push({
        check: 'resources',
        resource: owner,
        path: `${path}/resources/limits/memory`,
        severity: 'warning',
        message: `${spec.name} (${container.image}) has a memory limit of ${limitText} (${formatBytes(limit)}), below a quarter of the ${spec.resources.requests.memory} the stack model requests for it; the container is OOM-killed at its limit under ordinary load`,
        hint: `raise the memory limit to at least ${spec.resources.requests.memory} (the base's request for ${spec.name})`,
      });
    }
    const heap = spec.resources.heap;
    if (!heap) continue;
    const options = envEntry(container, heap.env);
    const xmx = options ? javaMaxHeapBytes(options.value) : null;
    if (!options || xmx === null) continue;
    const share = xmx / limit;
    if (share <= heap.maxShareOfLimit) continue;
    const over = share > 1;
    findings.push({
      check: 'resources',
      resource: owner,
      path: `${path}/env/${options.index}/value`,
      ...(over ? {} : { severity: 'warning' as const }),
      message: `${spec.name}'s heap (${heap.env} ${options.value}: ${formatBytes(xmx)}) is ${Math.round(share * 100)}% of its memory limit ${limitText} (${formatBytes(limit)}); ${over ? 'the heap does not fit the limit, so the JVM is OOM-killed once it grows' : `Elastic advises at most ${Math.round(heap.maxShareOfLimit * 100)}%: the rest is for off-heap memory and the file system cache, without it the container is OOM-killed or slow`} (${heap.source})`,
      hint: `set -Xms and -Xmx to at most ${formatBytes(limit * heap.maxShareOfLimit)}, or raise the memory limit to at least ${formatBytes(xmx / heap.maxShareOfLimit)}`,
    });
  }
  return findings;
}

export const resourcesCheck = defineCheck({
  id: 'resources',
  severity: 'error',
  title: 'requests within limits, ClearML memory limits not far below the need, the Elasticsearch heap within its limit',
  description:
    'every container request is at most its limit (the API server refuses the pod otherwise); a stack-model container\'s memory limit is not below a quarter of the model\'s memory request (warning); the Elasticsearch heap (`-Xmx` of `ES_JAVA_OPTS`) is at most the memory limit (error) and at most the model\'s share of it, 50% as Elastic advises (warning)',
  needs: 'build',
  run: ({ objects, catalog }) => checkResources(objects, catalog),
});
