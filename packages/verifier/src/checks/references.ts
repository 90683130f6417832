/**
 * Reference checks:
 * - `env-reference`: env values that name in-cluster hosts (`*_SERVICE_HOST` with its
 *   `*_SERVICE_PORT`, `NGINX_*_ADDRESS`, `CLEARML__hosts__*`, `CLEARML_*_HOST`, and any URL) resolve
 *   to a Service in the build with that port. Hosts with dots are in-cluster only when they end in
 *   `.svc` / `.svc.cluster.local` or are `name.namespace` of a namespace in the build; others (public
 *   domains, IPs, localhost) are left alone.
 * - `object-reference`: every ConfigMap, Secret, PersistentVolumeClaim and ServiceAccount that a pod
 *   template or Ingress names exists in the build, or is a declared prerequisite of the overlay
 *   (something the operator creates first, like the enterprise credentials Secret), or, for a
 *   Secret, is written by a controller from an object of the build (`controllerSecrets`: a
 *   cert-manager Certificate's `spec.secretName`, https://cert-manager.io/docs/usage/certificate/;
 *   an ExternalSecret's target; a SealedSecret's Secret). References marked `optional: true` and the
 *   `default` ServiceAccount are not required.
 * Objects without a namespace resolve into the build's single explicit namespace, if any
 * (`namespaceResolver`, e.g. a `helm template -n clearml` render).
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { namespaceResolver } from '../build-namespace.ts';
import { podTemplates } from '../pod-templates.ts';
import type { Prerequisite } from '@clearml-k8s/overlay-composer';

/** An object the overlay expects to exist before it is applied: the composer's type, spelled once. */
export type { Prerequisite } from '@clearml-k8s/overlay-composer';

/** Default ports of URL schemes the ClearML stack uses. */
const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443, mongodb: 27017, redis: 6379, rediss: 6379 };

const HOST_ENV = [/_SERVICE_HOST$/, /^NGINX_\w+_ADDRESS$/, /^CLEARML__hosts__/, /^CLEARML_\w+_HOST$/];

interface HostTarget {
  host: string;
  port: number | null;
  /** The env var the port came from, when not the same one (`*_SERVICE_PORT`). */
  portVar?: string;
}

/** Hosts (and ports when stated) named by one env value. */
function hostTargets(name: string, value: string, siblings: Map<string, string>): HostTarget[] {
  const trimmed = value.trim();
  if (/_SERVICE_HOST$/.test(name)) {
    const portVar = name.replace(/_SERVICE_HOST$/, '_SERVICE_PORT');
    const port = Number(siblings.get(portVar));
    return Number.isInteger(port) && port > 0 ? [{ host: trimmed, port, portVar }] : [{ host: trimmed, port: null }];
  }
  if (/^[[{]/.test(trimmed)) {
    try {
      const found: HostTarget[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if (typeof o.host === 'string') found.push({ host: o.host, port: typeof o.port === 'number' ? o.port : Number(o.port) || null });
          Object.values(o).forEach(walk);
        }
      };
      walk(JSON.parse(trimmed));
      return found;
    } catch {
      return [];
    }
  }
  return trimmed.split(',').flatMap((part) => {
    const m = part.trim().match(/^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:[^@/]*@)?([A-Za-z0-9.-]+)(?::(\d+))?(?:[/?#].*)?$/);
    if (!m) return [];
    if (!m[1] && !HOST_ENV.some((re) => re.test(name))) return [];
    const port = m[3] ? Number(m[3]) : (m[1] ? SCHEME_PORTS[m[1]] ?? null : null);
    return [{ host: m[2]!, port }];
  });
}

/** The Service a host names, when it is an in-cluster name: `{name, namespace}` or null. */
function inClusterService(host: string, podNamespace: string, namespaces: ReadonlySet<string>): { name: string; namespace: string } | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || /^\d+(\.\d+){3}$/.test(h)) return null;
  const labels = h.split('.');
  if (labels.length === 1) return { name: h, namespace: podNamespace };
  const svc = h.match(/^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/);
  if (svc) return { name: svc[1]!, namespace: svc[2]! };
  if (labels.length === 2 && namespaces.has(labels[1]!)) return { name: labels[0]!, namespace: labels[1]! };
  return null;
}

/** Runs `env-reference` over every container of every pod template. */
export function checkEnvReferences(objects: readonly ManifestObject[]): CheckFinding<'env-reference'>[] {
  const findings: CheckFinding<'env-reference'>[] = [];
  const namespaceOf = namespaceResolver(objects);
  const services = new Map(objects.filter((o) => o.kind === 'Service').map((s: any) => [`${namespaceOf(s)}/${s.metadata.name}`, s]));
  const namespaces = new Set(objects.map((o) => (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace)).filter((n): n is string => !!n));
  for (const template of podTemplates(objects)) {
    const namespace = namespaceOf(template.owner);
    for (const [listName, containers] of [['initContainers', template.spec.initContainers], ['containers', template.spec.containers]] as const) {
      (containers ?? []).forEach((container: any, c: number) => {
        const env: any[] = container.env ?? [];
        const siblings = new Map(env.filter((e) => typeof e.value === 'string').map((e) => [e.name as string, e.value as string]));
        env.forEach((variable, e) => {
          if (typeof variable.value !== 'string') return;
          if (!HOST_ENV.some((re) => re.test(variable.name)) && !/^[a-z][a-z0-9+.-]*:\/\//.test(variable.value.trim())) return;
          for (const target of hostTargets(variable.name, variable.value, siblings)) {
            const ref = inClusterService(target.host, namespace, namespaces);
            if (!ref) continue;
            const service = services.get(`${ref.namespace}/${ref.name}`);
            const ports: any[] = service?.spec?.ports ?? [];
            if (service && (target.port === null || ports.some((p) => p.port === target.port))) continue;
            const portIndex = service && target.portVar ? env.findIndex((v) => v.name === target.portVar) : -1;
            const culprit = portIndex >= 0 ? env[portIndex] : variable;
            findings.push({
              check: 'env-reference',
              resource: objectId(template.owner),
              path: `${template.path}/spec/${listName}/${c}/env/${portIndex >= 0 ? portIndex : e}/value`,
              message: `${culprit.name}=${JSON.stringify(culprit.value)} in container ${container.name}: expected Service ${ref.namespace}/${ref.name}${target.port ? ` with port ${target.port}` : ''} in the build, received ${service ? `ports [${ports.map((p) => p.port).join(', ')}]` : 'no such Service'}`,
              hint: service ? `point the value at one of the Service's ports, or add port ${target.port} to it` : `use the name of a Service in the build (${[...services.keys()].filter((k) => k.startsWith(`${ref.namespace}/`)).map((k) => k.split('/')[1]).join(', ') || 'none in that namespace'})`,
            });
          }
        });
      });
    }
  }
  return findings;
}

/** The kinds a pod template or an Ingress names. */
type RefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** `Secret/<namespace>/<name>` of every Secret a cert-manager Certificate of the build writes. */
export function certificateSecrets(objects: readonly ManifestObject[]): Set<string> {
  const namespaceOf = namespaceResolver(objects);
  return new Set(
    objects
      .filter((o) => o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/') && typeof (o as any).spec?.secretName === 'string')
      .map((o: any) => `Secret/${namespaceOf(o)}/${o.spec.secretName}`),
  );
}

/**
 * The Secrets that controllers write from objects of the build, by `Secret/<namespace>/<name>`, with
 * the keys each will hold when the object says (null when it does not: a `dataFrom` of an
 * ExternalSecret, a Certificate's `tls.crt`/`tls.key`/`ca.crt` are not judged):
 * - an External Secrets Operator `ExternalSecret` (external-secrets.io): `spec.target.name`, default
 *   its own name; keys the `spec.data[].secretKey` unless `spec.dataFrom` adds more
 *   (https://external-secrets.io/latest/api/externalsecret/);
 * - a Bitnami `SealedSecret` (bitnami.com): `spec.template.metadata.name`, default its own name (the
 *   controller names the Secret after it); keys those of `spec.encryptedData` and `spec.template.data`
 *   (https://github.com/bitnami-labs/sealed-secrets#sealedsecrets-as-templates-for-secrets);
 * - a cert-manager `Certificate`: `spec.secretName` (keys not judged).
 */
export function controllerSecrets(objects: readonly ManifestObject[]): Map<string, Set<string> | null> {
  const namespaceOf = namespaceResolver(objects);
  const out = new Map<string, Set<string> | null>();
  for (const key of certificateSecrets(objects)) out.set(key, null);
  const mapKeys = (m: unknown) => (m && typeof m === 'object' && !Array.isArray(m) ? Object.keys(m) : []);
  for (const o of objects as any[]) {
    const group = typeof o.apiVersion === 'string' ? o.apiVersion.split('/')[0] : '';
    if (o.kind === 'ExternalSecret' && group === 'external-secrets.io') {
      const name = typeof o.spec?.target?.name === 'string' ? o.spec.target.name : o.metadata.name;
      const data: unknown[] = Array.isArray(o.spec?.data) ? o.spec.data : [];
      const keys = o.spec?.dataFrom !== undefined || o.spec?.target?.template !== undefined ? null : new Set(data.map((d: any) => d?.secretKey).filter((k): k is string => typeof k === 'string'));
      out.set(`Secret/${namespaceOf(o)}/${name}`, keys);
    } else if (o.kind === 'SealedSecret' && group === 'bitnami.com') {
      const name = typeof o.spec?.template?.metadata?.name === 'string' ? o.spec.template.metadata.name : o.metadata.name;
      out.set(`Secret/${namespaceOf(o)}/${name}`, new Set([...mapKeys(o.spec?.encryptedData), ...mapKeys(o.spec?.template?.data)]));
    }
  }
  return out;
}

/** Runs `object-reference`. */
export function checkObjectReferences(objects: readonly ManifestObject[], prerequisites: readonly Prerequisite[]): CheckFinding<'object-reference'>[] {
  const namespaceOf = namespaceResolver(objects);
  const present = new Set([...objects.map((o) => `${o.kind}/${namespaceOf(o)}/${o.metadata.name}`), ...controllerSecrets(objects).keys()]);
  const findings: CheckFinding<'object-reference'>[] = [];
  const require = (kind: RefKind, namespace: string, name: unknown, owner: ManifestObject, path: string, optional: unknown) => {
    if (typeof name !== 'string' || optional === true) return;
    if (kind === 'ServiceAccount' && name === 'default') return;
    if (present.has(`${kind}/${namespace}/${name}`) || prerequisites.some((p) => p.kind === kind && p.name === name)) return;
    findings.push({
      check: 'object-reference',
      resource: objectId(owner),
      path,
      message: `references ${kind} ${namespace}/${name}, which is neither in the build nor a declared prerequisite of this overlay; ${owner.kind === 'Ingress' ? 'the controller serves its default certificate' : 'pods will not start (CreateContainerConfigError / FailedMount)'}`,
      hint: `add the ${kind} to the overlay's resources, fix the name, or declare it as a prerequisite the operator creates (and document how)`,
    });
  };
  for (const template of podTemplates(objects)) {
    const owner = template.owner;
    const ns = namespaceOf(owner);
    const at = `${template.path}/spec`;
    const spec: any = template.spec;
    require('ServiceAccount', ns, spec.serviceAccountName, owner, `${at}/serviceAccountName`, false);
    (spec.imagePullSecrets ?? []).forEach((s: any, i: number) => require('Secret', ns, s?.name, owner, `${at}/imagePullSecrets/${i}/name`, false));
    (spec.volumes ?? []).forEach((v: any, i: number) => {
      const vp = `${at}/volumes/${i}`;
      if (v.configMap) require('ConfigMap', ns, v.configMap.name, owner, `${vp}/configMap/name`, v.configMap.optional);
      if (v.secret) require('Secret', ns, v.secret.secretName, owner, `${vp}/secret/secretName`, v.secret.optional);
      if (v.persistentVolumeClaim) require('PersistentVolumeClaim', ns, v.persistentVolumeClaim.claimName, owner, `${vp}/persistentVolumeClaim/claimName`, false);
      (v.projected?.sources ?? []).forEach((s: any, j: number) => {
        if (s.configMap) require('ConfigMap', ns, s.configMap.name, owner, `${vp}/projected/sources/${j}/configMap/name`, s.configMap.optional);
        if (s.secret) require('Secret', ns, s.secret.name, owner, `${vp}/projected/sources/${j}/secret/name`, s.secret.optional);
      });
    });
    for (const listName of ['initContainers', 'containers'] as const) {
      (spec[listName] ?? []).forEach((container: any, c: number) => {
        const cp = `${at}/${listName}/${c}`;
        (container.env ?? []).forEach((e: any, i: number) => {
          const from = e.valueFrom;
          if (from?.configMapKeyRef) require('ConfigMap', ns, from.configMapKeyRef.name, owner, `${cp}/env/${i}/valueFrom/configMapKeyRef/name`, from.configMapKeyRef.optional);
          if (from?.secretKeyRef) require('Secret', ns, from.secretKeyRef.name, owner, `${cp}/env/${i}/valueFrom/secretKeyRef/name`, from.secretKeyRef.optional);
        });
        (container.envFrom ?? []).forEach((e: any, i: number) => {
          if (e.configMapRef) require('ConfigMap', ns, e.configMapRef.name, owner, `${cp}/envFrom/${i}/configMapRef/name`, e.configMapRef.optional);
          if (e.secretRef) require('Secret', ns, e.secretRef.name, owner, `${cp}/envFrom/${i}/secretRef/name`, e.secretRef.optional);
        });
      });
    }
  }
  for (const ingress of objects.filter((o) => o.kind === 'Ingress') as any[]) {
    (ingress.spec?.tls ?? []).forEach((t: any, i: number) => require('Secret', namespaceOf(ingress), t.secretName, ingress, `/spec/tls/${i}/secretName`, false));
  }
  return findings;
}
