/**
 * GitOps for a site: the Argo CD Application or the Flux GitRepository and Kustomization that deploy
 * the site's directory from the repository (`gitops`), and the objects that make the credentials
 * Secret inside the cluster, so that nothing secret is committed in clear (`credentials.externalSecret`:
 * an External Secrets Operator ExternalSecret; `credentials.sealedSecret`: a Bitnami SealedSecret the
 * user seals with kubeseal). Pure: spec in, plain objects out (the types are the maintained models'
 * interfaces; `verify`'s `schema` check and the tests validate the objects with the models).
 *
 * Ordering, namespace and Secrets before workloads:
 * - Argo CD: the Namespace and the Secret's source (ExternalSecret, SealedSecret) carry the annotation
 *   `argocd.argoproj.io/sync-wave: "-1"`; every other object stays in wave 0. Argo CD applies a wave
 *   only when every resource of the waves before it is in sync and healthy, and orders a wave by kind,
 *   namespaces first (argoproj/argo-cd docs/user-guide/sync-waves.md). Argo CD's built-in health checks
 *   call an ExternalSecret healthy once its Ready condition is True and a SealedSecret once its Synced
 *   condition is True, i.e. once the controller wrote the Secret
 *   (argoproj/argo-cd resource_customizations/external-secrets.io/ExternalSecret/health.lua,
 *   resource_customizations/bitnami.com/SealedSecret/health.lua).
 * - Flux: kustomize-controller applies Namespaces (and CRDs) first and waits for them, then the rest
 *   (fluxcd/pkg ssa ApplyAllStaged); `dependsOn` holds the site back until the named Kustomizations
 *   (the controllers and stores that make the Secret) are Ready, and `wait: true` reports the site Ready
 *   only when every object is healthy (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md:
 *   Dependencies, Wait). Within the site the pods read the Secret through non-optional secretKeyRefs,
 *   so no container starts before the controller wrote it (the kubelet retries: CreateContainerConfigError).
 *
 * Where the GitOps objects live: `overlays/sites/<name>/gitops.yaml`, beside the site's kustomization
 * and not listed in it (the site is what they deploy; Argo CD and Flux build a directory with a
 * kustomization.yaml by that file alone). The user applies it once to the tool's namespace.
 */
import { PART_OF, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import type { IGitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import type { ISealedSecret } from '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret';
import { parseManifestWithPositions, YamlError } from '@clearml-k8s/base-manifests/yaml';
import type { Prerequisite } from '../profiles/profile.ts';
import type { ExternalSecretSpec, GitopsSpec } from './site-spec.ts';

/** The Argo CD annotation naming an object's sync wave (a string integer; default "0"). @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** The wave of the Namespace and the credentials Secret's source: before every workload (wave 0). */
export const PREREQUISITE_SYNC_WAVE = '-1';
/** The generated file with the GitOps objects, in the site directory (not a resource of its kustomization). */
export const GITOPS_FILE = 'gitops.yaml';
/** Default name of the user's sealed credentials file in the site directory. */
export const DEFAULT_SEALED_FILE = 'sealed-credentials.yaml';
/** Whether a file name in a site directory is the user's sealed data (never written or removed by compose). */
export const isSealedFile = (file: string) => /^sealed-[a-z0-9][-a-z0-9]*\.yaml$/.test(file);
/** Default namespace of the GitOps objects: where each tool's install puts its controllers. */
export const GITOPS_NAMESPACES = { argocd: 'argocd', flux: 'flux-system' } as const;
/** The cluster Argo CD itself runs in (its in-cluster destination). @see https://argo-cd.readthedocs.io/en/stable/user-guide/commands/argocd_cluster_add/ */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
/** Defaults: branch, reconcile interval and timeout of Flux, refresh of External Secrets Operator. */
export const GITOPS_DEFAULTS = { revision: 'main', interval: '10m', timeout: '10m', project: 'default', refreshInterval: '1h' } as const;

/** API groups and CRDs of the credentials sources (what the cluster must have installed). */
export const EXTERNAL_SECRETS_GROUP = 'external-secrets.io';
export const EXTERNAL_SECRET_CRD = 'externalsecrets.external-secrets.io';
export const SEALED_SECRETS_GROUP = 'bitnami.com';
export const SEALED_SECRET_CRD = 'sealedsecrets.bitnami.com';

/** The name of a site's GitOps objects: `clearml-<site>` (also the Application's and Kustomization's). */
export const gitopsName = (siteName: string) => `clearml-${siteName}`;

const labels = () => ({ 'app.kubernetes.io/part-of': PART_OF });

/**
 * The GitOps objects of a site, in the tool's namespace: an Argo CD `Application` (argoproj.io/v1alpha1)
 * with automated sync, prune and self-heal, or a Flux `Kustomization` (kustomize.toolkit.fluxcd.io/v1)
 * with prune, wait and dependsOn, preceded by the `GitRepository` (source.toolkit.fluxcd.io/v1) it
 * reads unless `sourceRef` names one.
 * @param siteName the site (names the objects `clearml-<site>`).
 * @param sitePath repository-relative directory of the site (`overlays/sites/<name>`), the path synced.
 * @param destinationNamespace the site's namespace (Argo CD's `destination.namespace`).
 * @returns plain objects, in apply order.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/ (automated prune and selfHeal)
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 * @see https://fluxcd.io/flux/components/source/gitrepositories/
 */
export function gitopsObjects(siteName: string, sitePath: string, gitops: GitopsSpec, destinationNamespace: string): ManifestObject[] {
  const name = gitopsName(siteName);
  const namespace = gitops.namespace ?? GITOPS_NAMESPACES[gitops.tool];
  const metadata = { name, namespace, labels: labels() };
  if (gitops.tool === 'argocd') {
    const application: IApplication = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata,
      spec: {
        project: gitops.project ?? GITOPS_DEFAULTS.project,
        source: { repoURL: gitops.repoURL!, targetRevision: gitops.revision ?? GITOPS_DEFAULTS.revision, path: sitePath },
        destination: { server: IN_CLUSTER_SERVER, namespace: destinationNamespace },
        // prune: objects removed from git are deleted; selfHeal: drift in the cluster is reverted.
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    };
    return [application as unknown as ManifestObject];
  }
  const interval = gitops.interval ?? GITOPS_DEFAULTS.interval;
  const out: ManifestObject[] = [];
  let sourceName = gitops.sourceRef?.name;
  if (!sourceName) {
    sourceName = name;
    const repository: IGitRepository = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata,
      spec: { interval, url: gitops.repoURL!, ref: { branch: gitops.revision ?? GITOPS_DEFAULTS.revision } },
    };
    out.push(repository as unknown as ManifestObject);
  }
  const kustomization: IKustomization = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata,
    spec: {
      interval,
      sourceRef: { kind: 'GitRepository', name: sourceName },
      path: `./${sitePath}`,
      prune: true,
      wait: true,
      timeout: GITOPS_DEFAULTS.timeout,
      ...(gitops.dependsOn?.length ? { dependsOn: gitops.dependsOn.map((dependency) => ({ name: dependency })) } : {}),
    },
  };
  out.push(kustomization as unknown as ManifestObject);
  return out;
}

/**
 * The ExternalSecret (external-secrets.io/v1) that makes the credentials Secret: one `data` entry per
 * key the pods read, each the property of the same name of the store's secret `remoteKey`; the Secret is
 * owned by the ExternalSecret (`creationPolicy: Owner`). The fields the CRD defaults are written out with
 * their default values (`deletionPolicy: Retain`; `conversionStrategy: Default`, `decodingStrategy: None`,
 * `metadataPolicy: None` on each `remoteRef`: the `+kubebuilder:default` markers of
 * external-secrets/external-secrets apis/externalsecrets/v1/externalsecret_types.go): the API server adds
 * them to the live object, and Argo CD would otherwise show it OutOfSync forever and re-apply it on every
 * self-heal (argoproj/argo-cd#13004).
 * @param secretName the Secret the pods read (`credentials.secret`), in `namespace`.
 * @param keys the keys it must hold, in order.
 * @see https://external-secrets.io/latest/api/externalsecret/
 * @see https://external-secrets.io/latest/api/spec/#external-secrets.io/v1.ExternalSecretSpec
 */
export function externalSecretObject(secretName: string, namespace: string, keys: readonly string[], spec: ExternalSecretSpec): ManifestObject {
  const externalSecret: IExternalSecret = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: secretName, namespace, labels: labels() },
    spec: {
      refreshInterval: spec.refreshInterval ?? GITOPS_DEFAULTS.refreshInterval,
      secretStoreRef: { name: spec.storeRef.name, kind: spec.storeRef.kind ?? 'SecretStore' },
      target: { name: secretName, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: keys.map((key) => ({ secretKey: key, remoteRef: { key: spec.remoteKey, property: key, conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } })),
    },
  };
  return externalSecret as unknown as ManifestObject;
}

/** What an ExternalSecret needs in the cluster: the operator's CRD and the store it names. */
export function externalSecretPrerequisites(spec: ExternalSecretSpec): Prerequisite[] {
  const kind = spec.storeRef.kind ?? 'SecretStore';
  return [
    { kind: 'CustomResourceDefinition', name: EXTERNAL_SECRET_CRD, group: 'apiextensions.k8s.io', clusterScoped: true, documentedIn: 'README.md#secrets-from-a-store' },
    { kind, name: spec.storeRef.name, group: EXTERNAL_SECRETS_GROUP, clusterScoped: kind === 'ClusterSecretStore', documentedIn: 'README.md#secrets-from-a-store' },
  ];
}

/** What a SealedSecret needs in the cluster: the sealed-secrets controller's CRD. */
export function sealedSecretPrerequisites(): Prerequisite[] {
  return [{ kind: 'CustomResourceDefinition', name: SEALED_SECRET_CRD, group: 'apiextensions.k8s.io', clusterScoped: true, documentedIn: 'README.md#secrets-from-a-store' }];
}

/** One problem of a sealed credentials file, with its position there. */
export interface SealedFileProblem {
  line: number;
  column: number;
  /** JSON pointer in the file's document. */
  path: string;
  expected: string;
  received: string;
  hint: string;
}

/**
 * Reads the user's sealed credentials file: one SealedSecret (bitnami.com/v1alpha1) named as the
 * credentials Secret, in the site's namespace (kubeseal's default strict scope binds the ciphertext to
 * both: the controller decrypts it under no other name or namespace), with an `encryptedData` entry for
 * every key the pods read. Pure; problems are data, with positions in the file.
 * @returns the object as written (with the sync wave added by the caller), or the problems.
 * @see https://github.com/bitnami-labs/sealed-secrets#scopes
 * @see https://github.com/bitnami-labs/sealed-secrets#usage
 */
export function readSealedCredentials(text: string, file: string, expected: { name: string; namespace: string; keys: readonly string[] }): { object: ManifestObject | null; problems: SealedFileProblem[] } {
  const problems: SealedFileProblem[] = [];
  let parsed: ReturnType<typeof parseManifestWithPositions>;
  try {
    parsed = parseManifestWithPositions(text, file);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    return { object: null, problems: [{ ...error.position, path: '', expected: 'one YAML document (kubeseal --format yaml writes one)', received: error.reason, hint: 'write the file again with kubeseal --format yaml (see README.md#secrets-from-a-store)' }] };
  }
  const at = (path: string) => parsed.positionOf(path, 'value') ?? parsed.positionOf(path, 'key') ?? { line: 1, column: 1 };
  const problem = (path: string, expectedText: string, received: string, hint: string) => problems.push({ ...at(path), path, expected: expectedText, received, hint });
  const doc = parsed.value as Partial<ISealedSecret> & Record<string, any>;
  const reseal = 'seal the Secret again with kubeseal (see README.md#secrets-from-a-store)';
  if (!doc || typeof doc !== 'object' || doc.apiVersion !== 'bitnami.com/v1alpha1' || doc.kind !== 'SealedSecret') {
    problem('/kind', 'a bitnami.com/v1alpha1 SealedSecret', doc && typeof doc === 'object' ? `${String(doc.apiVersion)} ${String(doc.kind)}` : JSON.stringify(doc), reseal);
    return { object: null, problems };
  }
  if (doc.metadata?.name !== expected.name) problem('/metadata/name', `metadata.name ${expected.name} (the credentials Secret; a strict-scope seal is bound to it)`, JSON.stringify(doc.metadata?.name), `${reseal}, from a Secret named ${expected.name}`);
  if (doc.metadata?.namespace !== expected.namespace) problem('/metadata/namespace', `metadata.namespace ${expected.namespace} (the site's namespace; a strict-scope seal is bound to it)`, JSON.stringify(doc.metadata?.namespace), `${reseal}, with -n ${expected.namespace}`);
  const encrypted = doc.spec?.encryptedData;
  if (!encrypted || typeof encrypted !== 'object') {
    problem('/spec', 'spec.encryptedData with the sealed keys', 'nothing', reseal);
  } else {
    const missing = expected.keys.filter((k) => typeof (encrypted as Record<string, unknown>)[k] !== 'string' || (encrypted as Record<string, string>)[k] === '');
    if (missing.length) problem('/spec/encryptedData', `an encrypted value for every key the pods read (${expected.keys.join(', ')})`, `none for ${missing.join(', ')}`, `${reseal}, from credentials.env with every key (clearml-k8s credentials writes them all)`);
  }
  return { object: problems.length ? null : (doc as unknown as ManifestObject), problems };
}

/** Adds the prerequisite sync wave to an object's annotations (a copy). */
export function inPrerequisiteWave<T extends ManifestObject>(object: T): T {
  const copy = structuredClone(object);
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [SYNC_WAVE_ANNOTATION]: PREREQUISITE_SYNC_WAVE };
  return copy;
}
