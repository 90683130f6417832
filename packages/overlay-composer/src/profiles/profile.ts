/**
 * A profile: a pure function from the objects of its parent (the base or another overlay) to the
 * objects the overlay should render, plus what the verifier should expect of the result.
 */
import type { AcceptedRisk, ManifestObject, ReleaseCatalog, StackModel } from '@clearml-k8s/base-manifests';

/** The stock overlays under `overlays/`. */
export type ProfileName = 'current_version' | 'latest' | 'enterprise' | 'non-root';

/** How users reach the three endpoints in a profile's output. */
export type Exposure =
  | { kind: 'nodePort'; /** Per host label; default 30008/30080/30081. */ nodePorts?: Record<'api' | 'app' | 'files', number> }
  | { kind: 'ingress'; baseDomain: string; /** Per host label; default `api.`/`app.`/`files.` of `baseDomain`. */ hosts?: Record<'api' | 'app' | 'files', string> };

/**
 * An object the operator creates (or installs) before applying the overlay; it is not in the build.
 * Namespaced ones (the four kinds a pod or Ingress names) live in the overlay's namespace; a site
 * with a cert-manager issuer also needs cert-manager's `CustomResourceDefinition` and the issuer
 * (`ClusterIssuer`, `Issuer`, or an external issuer's kind); a site naming a storage or Ingress class
 * needs that cluster-scoped `StorageClass` or `IngressClass` (the verifier's `cluster-prerequisites`).
 */
export interface Prerequisite {
  kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount' | 'CustomResourceDefinition' | 'ClusterIssuer' | 'Issuer' | 'StorageClass' | 'IngressClass' | 'PriorityClass' | (string & {});
  name: string;
  /** API group of a kind outside the core group (e.g. `cert-manager.io`, `apiextensions.k8s.io`). */
  group?: string;
  /** Whether it is cluster-scoped (a CRD, a ClusterIssuer); default false: in the overlay's namespace. */
  clusterScoped?: boolean;
  /** Where the README says how to create it, e.g. `README.md#enterprise-credentials`. */
  documentedIn: string;
}

/** A prerequisite as a reader finds it: `Secret clearml/clearml-tls`, `ClusterIssuer letsencrypt-prod (cert-manager.io)`. */
export function describePrerequisite(p: Prerequisite, namespace: string): string {
  return `${p.kind} ${p.clusterScoped ? '' : `${namespace}/`}${p.name}${p.group ? ` (${p.group})` : ''}`;
}

/**
 * What the NodePort trial profiles (current_version, latest, non-root) accept: `public-credentials`.
 * Like ClearML's own docker-compose (clearml/clearml-server@v2.3.0:docker/docker-compose.yml sets no
 * keys), they run on the image's public default keys with open sign-in, so that `kubectl apply -k`
 * works from a clone with nothing to create first; `verify` prints the warning as accepted, with this
 * reason, on these three overlays only.
 */
export const TRIAL_CREDENTIALS_RISK: AcceptedRisk = {
  check: 'public-credentials',
  reason: "a trial profile: like ClearML's docker-compose it runs on the image's public default keys with open sign-in; for a server others can reach, deploy overlays/enterprise or a site with credentials.secret (README \"Site credentials\")",
};

/** Pod Security Standards levels. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface Profile {
  /** Directory name under `overlays/`. */
  name: ProfileName;
  /** The overlay (or `base`) this one is built on. */
  parent: 'base' | ProfileName;
  /** One line for the README and the header of the generated kustomization. */
  summary: string;
  /** Source file of the profile, for the generated header. */
  source: string;
  exposure: Exposure;
  /** The Pod Security level its namespace enforces and every pod template meets. */
  podSecurity: PodSecurityLevel;
  /** `pinned`: every image on a catalog tag, pull IfNotPresent; `latest`: ClearML images follow `latest`. */
  imagePolicy: 'pinned' | 'latest';
  /** Objects the operator creates first (checked by the verifier's `object-reference`). */
  prerequisites: readonly Prerequisite[];
  /**
   * Warnings of `verify` this profile accepts by design, each with the reason printed beside it;
   * written into the overlay's kustomization (`ACCEPT_ANNOTATION_PREFIX`), not inherited by sites.
   */
  acceptedRisks: readonly AcceptedRisk[];
  /**
   * Pure: parent objects in, desired objects out. Must not mutate its input.
   * Objects it adds are written as resource files of the overlay (grouped by kind).
   */
  apply(parent: readonly ManifestObject[], context: ProfileContext): ManifestObject[];
}

/** What every profile and site composes with: the release catalog and the stack model, as values. */
export interface ProfileContext {
  catalog: ReleaseCatalog;
  model: StackModel;
}

/**
 * Applies `change` to a copy of each object matching `kind` (and `name` when given).
 * A small building block for profiles: returns new objects, never mutates.
 */
export function mapObjects(
  objects: readonly ManifestObject[],
  match: { kind: string; name?: string },
  change: (object: any) => void,
): ManifestObject[] {
  return objects.map((o) => {
    if (o.kind !== match.kind || (match.name !== undefined && o.metadata.name !== match.name)) return o;
    const copy = structuredClone(o);
    change(copy);
    return copy;
  });
}

/** Every container and init container of a workload's pod template (mutable references). */
export function podContainers(object: any): any[] {
  const spec = object?.spec?.template?.spec;
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

/**
 * Applies `change` to a copy of every container and init container of every Deployment.
 * @returns new objects; the input is not mutated.
 */
export function mapDeploymentContainers(objects: readonly ManifestObject[], change: (container: any) => void): ManifestObject[] {
  return mapObjects(objects, { kind: 'Deployment' }, (d) => podContainers(d).forEach(change));
}

/** Where the README's TLS steps are (own certificate or cert-manager). */
export const TLS_SECRET_DOCS = 'README.md#tls-secret';

/**
 * The command that creates a prerequisite, as `site prerequisites` and `site add` print it: copyable
 * kubectl (placeholders in capitals: files and values only you have), or, for what the cluster or a
 * controller provides (classes, existing claims, CRDs, issuers, stores), the `kubectl get` that shows it
 * is there (`prerequisiteIsProvided`).
 * @param p the prerequisite
 * @param namespace the overlay's namespace
 * @param context what the spec says the Secrets are for: the site's `credentials.env` when there is one
 *   (the credentials Secret is made from it), the fixed-users Secret, the image pull Secrets
 * @returns one shell command line (kubectl's own flags: `create secret tls --cert --key`, `create secret
 *   docker-registry`, `create secret generic --from-env-file`, `create priorityclass --value`).
 */
export function prerequisiteCommand(p: Prerequisite, namespace: string, context: { credentialsFile?: string; fixedUsersSecret?: string; pullSecrets?: readonly string[] } = {}): string {
  const ns = `kubectl -n ${namespace}`;
  if (p.kind === 'Secret') {
    if (p.documentedIn === TLS_SECRET_DOCS) return `${ns} create secret tls ${p.name} --cert=tls.crt --key=tls.key`;
    if (p.name === context.fixedUsersSecret) return `${ns} create secret generic ${p.name} --from-file=apiserver.conf`;
    if (context.pullSecrets?.includes(p.name)) return `${ns} create secret docker-registry ${p.name} --docker-server=REGISTRY --docker-username=USER --docker-password=PASSWORD`;
    if (p.documentedIn === 'README.md#enterprise-credentials' || p.documentedIn === 'README.md#site-credentials') {
      return context.credentialsFile
        ? `${ns} create secret generic ${p.name} --from-env-file=${context.credentialsFile}`
        : p.name === 'clearml-internal-credentials' && namespace === 'clearml'
          ? 'npm exec --no -- clearml-k8s credentials | kubectl create -f -'
          : `npm exec --no -- clearml-k8s credentials | sed 's/^  name: clearml-internal-credentials$/  name: ${p.name}/; s/^  namespace: clearml$/  namespace: ${namespace}/' | kubectl create -f -`;
    }
    if (p.documentedIn === 'README.md#external-databases') return `${ns} create secret generic ${p.name} --from-literal=username=USER --from-file=password=PASSWORD_FILE`;
    return `${ns} create secret generic ${p.name} --from-file=FILE`;
  }
  if (p.kind === 'ConfigMap') return `${ns} create configmap ${p.name} --from-file=FILE`;
  if (p.kind === 'PriorityClass') return `kubectl create priorityclass ${p.name} --value=100000`;
  if (p.kind === 'PersistentVolumeClaim') return `${ns} get persistentvolumeclaim ${p.name}`; // an existing claim: shows whether it is Bound
  if (p.kind === 'StorageClass') return `kubectl get storageclass ${p.name}`; // the cluster provides it
  if (p.kind === 'IngressClass') return `kubectl get ingressclass ${p.name}`; // the ingress controller provides it
  if (p.kind === 'CustomResourceDefinition') return `kubectl get customresourcedefinition ${p.name}`; // installed with its controller (documentedIn says how)
  const scope = p.clusterScoped ? 'kubectl' : ns;
  return `${scope} get ${p.kind.toLowerCase()}${p.group ? `.${p.group}` : ''} ${p.name}`; // made as documentedIn says (an issuer, a secret store)
}

/** Whether the cluster or a controller provides `p` (the step checks it) rather than a command creating it. */
export function prerequisiteIsProvided(p: Prerequisite): boolean {
  return !['Secret', 'ConfigMap', 'PriorityClass'].includes(p.kind);
}
