/**
 * Check `cluster-prerequisites`: every cluster-scoped class a build names is in the build or a
 * declared prerequisite of the overlay (what the operator's cluster must provide):
 * - `PriorityClass`: a pod template's `spec.priorityClassName` (the built-in
 *   `system-cluster-critical` and `system-node-critical` always exist); the API server rejects a pod
 *   naming one that does not exist, so the workload creates no pods;
 * - `StorageClass`: a PersistentVolumeClaim's `spec.storageClassName`, a StatefulSet's
 *   `volumeClaimTemplates`, a pod's generic ephemeral volume; the claim stays Pending and the pod
 *   with it. An empty name (`""`: no dynamic provisioning) or none (the default class) is not a reference;
 * - `IngressClass`: an Ingress's `spec.ingressClassName`, or the deprecated annotation
 *   `kubernetes.io/ingress.class`; no controller serves the Ingress, so the hosts do not answer.
 * Namespaced objects (ConfigMaps, Secrets including `imagePullSecrets`, PVCs, ServiceAccounts) are
 * `object-reference`'s.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class
 */
import { BUILTIN_PRIORITY_CLASSES, objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import type { Prerequisite } from './references.ts';
import { defineCheck } from './definition.ts';

/** The PriorityClasses every cluster has (kube-apiserver creates them); defined once, in base-manifests, for the composer too. */
export { BUILTIN_PRIORITY_CLASSES };

/** The deprecated annotation that named an Ingress's class before `spec.ingressClassName`. */
export const LEGACY_INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

type ClassKind = 'PriorityClass' | 'StorageClass' | 'IngressClass';

const EFFECT: Record<ClassKind, string> = {
  PriorityClass: 'the API server rejects its pods (no PriorityClass with that name), so the workload runs nothing',
  StorageClass: 'the claim stays Pending (no class to provision it), and so does every pod that mounts it',
  IngressClass: 'no Ingress controller serves it, so its hosts do not answer',
};

/** Findings of `cluster-prerequisites` over a build. Never throws. */
export function checkClusterPrerequisites(objects: readonly ManifestObject[], prerequisites: readonly Prerequisite[]): CheckFinding<'cluster-prerequisites'>[] {
  const present = new Set(objects.filter((o) => o.kind === 'PriorityClass' || o.kind === 'StorageClass' || o.kind === 'IngressClass').map((o) => `${o.kind}/${o.metadata.name}`));
  const findings: CheckFinding<'cluster-prerequisites'>[] = [];
  const require = (kind: ClassKind, name: unknown, owner: ManifestObject, path: string, via = '') => {
    if (typeof name !== 'string' || name === '') return;
    if (kind === 'PriorityClass' && BUILTIN_PRIORITY_CLASSES.includes(name)) return;
    if (present.has(`${kind}/${name}`) || prerequisites.some((p) => p.kind === kind && p.name === name)) return;
    findings.push({
      check: 'cluster-prerequisites',
      resource: objectId(owner),
      path,
      message: `names ${kind} ${name}${via}, which is neither in the build nor a declared prerequisite of this overlay; if the cluster lacks it, ${EFFECT[kind]}`,
      hint: `use a ${kind} the cluster has (kubectl get ${kind.toLowerCase()}es), fix the name, or declare it as a prerequisite of the overlay (a site's storage.storageClass and ingress.className are)`,
    });
  };
  for (const t of podTemplates(objects)) {
    require('PriorityClass', t.spec.priorityClassName, t.owner, `${t.path}/spec/priorityClassName`);
    (Array.isArray(t.spec.volumes) ? t.spec.volumes : []).forEach((v: any, i: number) => require('StorageClass', v?.ephemeral?.volumeClaimTemplate?.spec?.storageClassName, t.owner, `${t.path}/spec/volumes/${i}/ephemeral/volumeClaimTemplate/spec/storageClassName`));
  }
  for (const o of objects as any[]) {
    if (o.kind === 'PersistentVolumeClaim') require('StorageClass', o.spec?.storageClassName, o, '/spec/storageClassName');
    if (o.kind === 'StatefulSet') (Array.isArray(o.spec?.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : []).forEach((c: any, i: number) => require('StorageClass', c?.spec?.storageClassName, o, `/spec/volumeClaimTemplates/${i}/spec/storageClassName`));
    if (o.kind === 'Ingress') {
      require('IngressClass', o.spec?.ingressClassName, o, '/spec/ingressClassName');
      require('IngressClass', o.metadata?.annotations?.[LEGACY_INGRESS_CLASS_ANNOTATION], o, `/metadata/annotations/${LEGACY_INGRESS_CLASS_ANNOTATION.replace('/', '~1')}`, ` (annotation ${LEGACY_INGRESS_CLASS_ANNOTATION})`);
    }
  }
  return findings;
}

export const clusterPrerequisitesCheck = defineCheck({
  id: 'cluster-prerequisites',
  severity: 'error',
  title: 'every PriorityClass, StorageClass and IngressClass the build names is in the build or a declared prerequisite',
  description:
    'every `priorityClassName` (besides the built-in `system-cluster-critical` and `system-node-critical`), `storageClassName` (claims, claim templates, ephemeral volumes) and `ingressClassName` or `kubernetes.io/ingress.class` annotation names a class in the build or a declared prerequisite of the overlay (a site declares its `storage.storageClass` and `ingress.className`)',
  needs: 'build',
  run: ({ objects, expectation }) => checkClusterPrerequisites(objects, expectation.prerequisites),
});
