/**
 * cert-manager on an Ingress site: when the site's Ingress annotations name a cert-manager issuer,
 * the site renders ONE `cert-manager.io/v1` Certificate for its TLS Secret, listing the three hosts,
 * and the Ingresses lose the ingress-shim annotations.
 *
 * Why: ingress-shim, cert-manager's Ingress watcher, makes one Certificate per annotated Ingress and
 * `tls[].secretName`, named after the Secret and owned by that Ingress
 * (https://cert-manager.io/docs/usage/ingress/#how-it-works). The site's three Ingresses (api.,
 * app., files.) share one TLS Secret, so the first Ingress synced owns the Certificate, holding its
 * host only; for the other two ingress-shim logs "certificate resource is not owned by this ingress.
 * refusing to update non-owned certificate resource" and skips them (cert-manager issue #2271), so
 * two hosts are served a certificate without their names. cert-manager's answer (issue #2585): manage
 * the Certificate yourself and leave the ingress-shim annotations off the Ingresses; its docs
 * require a unique `tls.secretName` per annotated Ingress
 * (https://cert-manager.io/docs/usage/ingress/#generate-multiple-certificates-with-multiple-ingresses).
 *
 * The annotations are translated as ingress-shim translates them (issuer, ACME HTTP-01 overrides,
 * the documented Certificate fields), so a site keeps the spec it had.
 * @see https://cert-manager.io/docs/usage/ingress/#supported-annotations
 * @see https://cert-manager.io/docs/usage/certificate/
 * @see https://github.com/cert-manager/cert-manager/blob/master/pkg/controller/certificate-shim/sync.go (issuerForIngressLike, setIssuerSpecificConfig, hasShimAnnotation)
 */
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { NAMESPACE, PART_OF, toManifestObject, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { Prerequisite } from '../profiles/profile.ts';

/** Names a namespaced `Issuer` (or, with `issuer-kind`/`issuer-group`, an external issuer). */
export const ISSUER_ANNOTATION = 'cert-manager.io/issuer';
/** Names a `ClusterIssuer`. */
export const CLUSTER_ISSUER_ANNOTATION = 'cert-manager.io/cluster-issuer';
/** Kind of an external (out-of-tree) issuer. */
export const ISSUER_KIND_ANNOTATION = 'cert-manager.io/issuer-kind';
/** API group of an external issuer. */
export const ISSUER_GROUP_ANNOTATION = 'cert-manager.io/issuer-group';
/** kube-lego's trigger: ingress-shim then uses the issuer of its `--default-issuer-*` flags. */
export const TLS_ACME_ANNOTATION = 'kubernetes.io/tls-acme';
/** cert-manager's API group: the default `issuerRef.group`. */
export const CERT_MANAGER_GROUP = 'cert-manager.io';
/** The CRD a Certificate needs: cert-manager installed in the cluster. */
export const CERTIFICATE_CRD = 'certificates.cert-manager.io';

/** Whether ingress-shim reads `key` (any `cert-manager.io/` or `acme.cert-manager.io/` key, or `kubernetes.io/tls-acme`). */
export function isIngressShimAnnotation(key: string): boolean {
  return key.startsWith('cert-manager.io/') || key.startsWith('acme.cert-manager.io/') || key === TLS_ACME_ANNOTATION;
}

/** `strconv.ParseBool` truth, as ingress-shim reads `kubernetes.io/tls-acme`. */
const goTrue = (value: string | undefined) => value !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);

/** Whether the annotations make ingress-shim act on an Ingress (an issuer named, or `tls-acme` true). */
export function hasIngressShimTrigger(annotations: Readonly<Record<string, string>> | undefined): boolean {
  const a = annotations ?? {};
  return ISSUER_ANNOTATION in a || CLUSTER_ISSUER_ANNOTATION in a || goTrue(a[TLS_ACME_ANNOTATION]);
}

/** The issuer a Certificate names (`spec.issuerRef`). */
export interface IssuerReference {
  name: string;
  kind: string;
  group: string;
}

/** What a site's annotations make of its one Certificate. */
export interface CertificatePlan {
  issuerRef: IssuerReference;
  /** Certificate `spec` fields beyond secretName, dnsNames and issuerRef (commonName, duration, privateKey …). */
  spec: Record<string, unknown>;
  /** Annotations of the Certificate (the ACME HTTP-01 solver overrides). */
  annotations: Record<string, string>;
}

/** One annotation the site's Certificate cannot carry: which, and the expected/received/hint of the error. */
export interface CertManagerProblem {
  /** The annotation key (under `ingress.annotations`). */
  annotation: string;
  expected: string;
  received: string;
  hint: string;
}

/** What `planCertificate` found. */
export interface CertManagerAnnotations {
  /** The Certificate to render, or `null` when no issuer is named (or there are problems). */
  plan: CertificatePlan | null;
  /** The annotations the Ingresses keep (all of them without a plan; the non-ingress-shim ones with one). */
  ingressAnnotations: Record<string, string>;
  problems: CertManagerProblem[];
}

const commaList = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);
/** Go `time.ParseDuration` syntax (what cert-manager parses `duration`/`renewBefore` with). */
const GO_DURATION = /^(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+$/;

type Translate = (value: string, plan: CertificatePlan) => string | null;
/** Sets `spec.<path>` (one or two levels); returns null (no problem). */
const set = (path: string, convert: (v: string) => unknown = (v) => v): Translate => (value, plan) => {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) plan.spec[head] = convert(value);
  else plan.spec[head] = { ...((plan.spec[head] as object | undefined) ?? {}), [tail]: convert(value) };
  return null;
};
const duration = (field: string): Translate => (value, plan) => (GO_DURATION.test(value) ? set(field)(value, plan) : 'a Go duration such as 2160h or 90m');
const integer = (path: string, min: number): Translate => (value, plan) => (/^[0-9]+$/.test(value) && Number(value) >= min ? set(path, Number)(value, plan) : `an integer of at least ${min}`);
const certificateAnnotation = (key: string): Translate => (value, plan) => {
  plan.annotations[key] = value;
  return null;
};

/**
 * The ingress-shim annotations besides the issuer, and where each lands on the Certificate: the
 * documented list (https://cert-manager.io/docs/usage/ingress/#supported-annotations) and the ACME
 * overrides `setIssuerSpecificConfig` copies onto the Certificate.
 */
const TRANSLATIONS: Readonly<Record<string, Translate>> = {
  'cert-manager.io/common-name': set('commonName'),
  'cert-manager.io/email-sans': set('emailAddresses', commaList),
  'cert-manager.io/subject-organizations': set('subject.organizations', commaList),
  'cert-manager.io/subject-organizationalunits': set('subject.organizationalUnits', commaList),
  'cert-manager.io/subject-countries': set('subject.countries', commaList),
  'cert-manager.io/subject-provinces': set('subject.provinces', commaList),
  'cert-manager.io/subject-localities': set('subject.localities', commaList),
  'cert-manager.io/subject-postalcodes': set('subject.postalCodes', commaList),
  'cert-manager.io/subject-streetaddresses': set('subject.streetAddresses', commaList),
  'cert-manager.io/subject-serialnumber': set('subject.serialNumber'),
  'cert-manager.io/duration': duration('duration'),
  'cert-manager.io/renew-before': duration('renewBefore'),
  'cert-manager.io/usages': set('usages', commaList),
  'cert-manager.io/revision-history-limit': integer('revisionHistoryLimit', 1),
  'cert-manager.io/private-key-algorithm': set('privateKey.algorithm'),
  'cert-manager.io/private-key-encoding': set('privateKey.encoding'),
  'cert-manager.io/private-key-size': integer('privateKey.size', 1),
  'cert-manager.io/private-key-rotation-policy': set('privateKey.rotationPolicy'),
  'acme.cert-manager.io/http01-ingress-class': certificateAnnotation('acme.cert-manager.io/http01-override-ingress-class'),
  'acme.cert-manager.io/http01-ingress-ingressclassname': certificateAnnotation('acme.cert-manager.io/http01-override-ingress-ingressclassname'),
};

/** Certificate `spec` fields back to the annotation that set them (for the model's validation errors). */
const FIELD_ANNOTATIONS: Readonly<Record<string, string>> = {
  commonName: 'cert-manager.io/common-name',
  emailAddresses: 'cert-manager.io/email-sans',
  subject: 'cert-manager.io/subject-organizations',
  usages: 'cert-manager.io/usages',
  'privateKey/algorithm': 'cert-manager.io/private-key-algorithm',
  'privateKey/encoding': 'cert-manager.io/private-key-encoding',
  'privateKey/rotationPolicy': 'cert-manager.io/private-key-rotation-policy',
};

/**
 * Reads a site's Ingress annotations for cert-manager: the issuer (as ingress-shim's
 * `issuerForIngressLike` does), the Certificate fields and annotations the others set, and what
 * the Ingresses keep. Pure; problems are data (the validator reports them with their position).
 * @param annotations `ingress.annotations` of the site spec.
 * @param tls whether the site serves TLS (`ingress.tlsSecret` is not null).
 */
export function planCertificate(annotations: Readonly<Record<string, string>> | undefined, tls: boolean): CertManagerAnnotations {
  const all = { ...(annotations ?? {}) };
  if (!hasIngressShimTrigger(all)) return { plan: null, ingressAnnotations: all, problems: [] };
  const problems: CertManagerProblem[] = [];
  const problem = (annotation: string, expected: string, hint: string) => problems.push({ annotation, expected, received: `${annotation}: ${JSON.stringify(all[annotation])}`, hint });
  const issuer = all[ISSUER_ANNOTATION];
  const clusterIssuer = all[CLUSTER_ISSUER_ANNOTATION];
  const trigger = clusterIssuer !== undefined ? CLUSTER_ISSUER_ANNOTATION : issuer !== undefined ? ISSUER_ANNOTATION : TLS_ACME_ANNOTATION;
  if (!tls) problem(trigger, 'a TLS Secret for the issuer to fill (ingress.tlsSecret: null serves plain HTTP)', 'drop the cert-manager annotations, or set ingress.tlsSecret to the Secret cert-manager should write');
  if (issuer === undefined && clusterIssuer === undefined) {
    problem(TLS_ACME_ANNOTATION, `the issuer named with ${CLUSTER_ISSUER_ANNOTATION} or ${ISSUER_ANNOTATION} (the site renders the Certificate itself, so ingress-shim's default issuer does not apply)`, `replace it with "${CLUSTER_ISSUER_ANNOTATION}: <name of your ClusterIssuer>"`);
  }
  if (issuer !== undefined && clusterIssuer !== undefined) problem(CLUSTER_ISSUER_ANNOTATION, `either ${ISSUER_ANNOTATION} or ${CLUSTER_ISSUER_ANNOTATION} (cert-manager refuses both)`, 'keep the one that names your issuer');
  if (clusterIssuer !== undefined) {
    for (const key of [ISSUER_KIND_ANNOTATION, ISSUER_GROUP_ANNOTATION]) {
      if (key in all) problem(key, `no ${key} with ${CLUSTER_ISSUER_ANNOTATION} (cert-manager refuses both; it names a cert-manager.io ClusterIssuer)`, `drop ${key}, or name an external issuer with ${ISSUER_ANNOTATION}`);
    }
  }
  const name = clusterIssuer ?? issuer;
  if (name !== undefined && name.trim() === '') problem(trigger, 'the name of the issuer', 'write the name of your issuer');
  if ('acme.cert-manager.io/http01-edit-in-place' in all) {
    problem('acme.cert-manager.io/http01-edit-in-place', 'no HTTP-01 edit-in-place (it sends every challenge through one Ingress, and the site\'s one Certificate covers three)', 'drop it; with ingress-gce use a DNS-01 solver on the issuer instead');
  }
  const plan: CertificatePlan = {
    issuerRef: { name: name ?? '', kind: all[ISSUER_KIND_ANNOTATION] ?? (clusterIssuer !== undefined ? 'ClusterIssuer' : 'Issuer'), group: all[ISSUER_GROUP_ANNOTATION] ?? CERT_MANAGER_GROUP },
    spec: {},
    annotations: {},
  };
  const ingressAnnotations: Record<string, string> = {};
  const known = new Set([ISSUER_ANNOTATION, CLUSTER_ISSUER_ANNOTATION, ISSUER_KIND_ANNOTATION, ISSUER_GROUP_ANNOTATION, TLS_ACME_ANNOTATION, 'acme.cert-manager.io/http01-edit-in-place']);
  for (const [key, value] of Object.entries(all)) {
    if (!isIngressShimAnnotation(key)) {
      ingressAnnotations[key] = value;
      continue;
    }
    if (known.has(key)) continue;
    const translate = TRANSLATIONS[key];
    if (!translate) {
      problem(key, `an annotation the site's Certificate takes (${Object.keys(TRANSLATIONS).join(', ')}, and the issuer)`, 'drop it, or leave the issuer annotation off and create the Certificate yourself (tlsSecret is then a prerequisite)');
      continue;
    }
    const wanted = translate(value, plan);
    if (wanted) problem(key, wanted, 'fix the value, or drop the annotation for cert-manager\'s default');
  }
  if (problems.length === 0) {
    // The rest (enums, types) as cert-manager's CRD schema has them, reported on the annotation that set the field.
    try {
      new Certificate({ metadata: { name: 'check' }, spec: { secretName: 'check', issuerRef: plan.issuerRef, ...plan.spec } as any }).validate();
    } catch (error) {
      for (const e of ((error as { errors?: { instancePath: string; message?: string; params?: { allowedValues?: unknown[] } }[] }).errors ?? [])) {
        const field = e.instancePath.replace(/^\/spec\//, '');
        const key = Object.entries(FIELD_ANNOTATIONS).find(([f]) => field === f || field.startsWith(`${f}/`))?.[1] ?? trigger;
        const rule = e.params?.allowedValues ? `one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : (e.message ?? 'a valid value');
        if (!problems.some((p) => p.annotation === key)) problem(key, `a value cert-manager accepts (Certificate spec.${field.replaceAll('/', '.')}: ${rule})`, 'see https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificateSpec');
      }
    }
  }
  return problems.length ? { plan: null, ingressAnnotations: all, problems } : { plan, ingressAnnotations, problems };
}

/**
 * The site's one Certificate: named after the TLS Secret (as ingress-shim names its own), the three
 * hosts as `dnsNames`, in the stack's namespace (the kustomization's `namespace:` moves it with the rest).
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export function siteCertificate(secretName: string, dnsNames: readonly string[], plan: CertificatePlan): ManifestObject {
  return toManifestObject(
    new Certificate({
      metadata: {
        name: secretName,
        namespace: NAMESPACE,
        labels: { 'app.kubernetes.io/part-of': PART_OF },
        ...(Object.keys(plan.annotations).length ? { annotations: { ...plan.annotations } } : {}),
      },
      spec: { secretName, dnsNames: [...dnsNames], issuerRef: { ...plan.issuerRef }, ...structuredClone(plan.spec) },
    }),
  );
}

/**
 * What the cluster must have for the site's Certificate: cert-manager's CRD and the issuer (cluster-
 * scoped when its kind is a `…ClusterIssuer`, as cert-manager's and the external issuers' kinds are
 * named). The TLS Secret itself is not among them: cert-manager writes it.
 */
export function certificatePrerequisites(plan: CertificatePlan): Prerequisite[] {
  const { name, kind, group } = plan.issuerRef;
  return [
    { kind: 'CustomResourceDefinition', name: CERTIFICATE_CRD, group: 'apiextensions.k8s.io', clusterScoped: true, documentedIn: 'README.md#tls-with-cert-manager' },
    { kind, name, ...(group === CERT_MANAGER_GROUP ? {} : { group }), clusterScoped: kind.endsWith('ClusterIssuer'), documentedIn: 'README.md#tls-with-cert-manager' },
  ];
}
