// cert-manager on an Ingress site: an issuer in ingress.annotations becomes ONE Certificate for the
// shared TLS Secret, listing the three hosts, and the Ingresses lose the ingress-shim annotations
// (ingress-shim would make one Certificate per Ingress under the one Secret name, owned by the first:
// cert-manager issues #2271, #2585).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeSiteFromText, composeTree, describePrerequisite, planCertificate, SiteSpecError, siteSpecErrors } from '../src/index.ts';

const tree = composeTree(loadReleaseCatalog());
const compose = (text: string) => composeSiteFromText('x', text, 'overlays/sites/x/site.yaml', tree);
const spec = (annotations: string, extra = '') => `profile: current_version\nexpose: ingress\ningress:\n  domain: ml.acme.io\n${extra}  annotations:\n${annotations}`;

test('a ClusterIssuer annotation: one Certificate for the TLS Secret with the three hosts; the Ingresses keep only their other annotations', () => {
  const site = compose(spec('    cert-manager.io/cluster-issuer: letsencrypt-prod\n    nginx.ingress.kubernetes.io/ssl-redirect: "true"\n', '  tlsSecret: ml-tls\n'));
  const objects = site.intended as any[];
  const certificates = objects.filter((o) => o.kind === 'Certificate');
  assert.equal(certificates.length, 1);
  assert.deepEqual(certificates[0], {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'ml-tls', namespace: 'clearml', labels: { 'app.kubernetes.io/part-of': 'clearml' } },
    spec: { secretName: 'ml-tls', dnsNames: ['api.ml.acme.io', 'app.ml.acme.io', 'files.ml.acme.io'], issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' } },
  });
  new Certificate(certificates[0]).validate(); // against cert-manager's CRD schema (@kubernetes-models/cert-manager)
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  assert.equal(ingresses.length, 3);
  for (const ingress of ingresses) {
    assert.equal(ingress.spec.tls[0].secretName, 'ml-tls');
    assert.equal(ingress.metadata.annotations['nginx.ingress.kubernetes.io/ssl-redirect'], 'true');
    assert.deepEqual(Object.keys(ingress.metadata.annotations).filter((k) => k.includes('cert-manager')), [], `${ingress.metadata.name} keeps no ingress-shim annotation`);
  }
  const prerequisites = site.composition.prerequisites;
  assert.ok(!prerequisites.some((p) => p.kind === 'Secret' && p.name === 'ml-tls'), 'cert-manager writes the Secret');
  assert.deepEqual(prerequisites.map((p) => describePrerequisite(p, 'clearml')).filter((d) => !d.startsWith('Secret')), ['CustomResourceDefinition certificates.cert-manager.io (apiextensions.k8s.io)', 'ClusterIssuer letsencrypt-prod']);
});

test('on the enterprise profile the profile\'s TLS Secret stops being a prerequisite once cert-manager fills it', () => {
  const site = compose('profile: enterprise\ningress:\n  domain: ml.acme.io\n  annotations:\n    cert-manager.io/issuer: acme-issuer\n');
  assert.ok(!site.composition.prerequisites.some((p) => p.kind === 'Secret' && p.name === 'clearml-tls'));
  assert.deepEqual(site.composition.prerequisites.filter((p) => p.kind === 'Issuer').map((p) => describePrerequisite(p, 'clearml')), ['Issuer clearml/acme-issuer']);
  const certificate = (site.intended as any[]).find((o) => o.kind === 'Certificate');
  assert.deepEqual(certificate.spec.issuerRef, { name: 'acme-issuer', kind: 'Issuer', group: 'cert-manager.io' });
  assert.equal(certificate.spec.secretName, 'clearml-tls');
});

test('no issuer annotation: no Certificate, the TLS Secret stays a prerequisite, annotations pass through', () => {
  const site = compose(spec('    nginx.ingress.kubernetes.io/ssl-redirect: "true"\n'));
  assert.equal((site.intended as any[]).filter((o) => o.kind === 'Certificate').length, 0);
  assert.ok(site.composition.prerequisites.some((p) => p.kind === 'Secret' && p.name === 'clearml-tls'));
});

test('the documented ingress-shim annotations land where ingress-shim puts them', () => {
  const { plan, ingressAnnotations, problems } = planCertificate({
    'cert-manager.io/issuer': 'pca',
    'cert-manager.io/issuer-kind': 'AWSPCAClusterIssuer',
    'cert-manager.io/issuer-group': 'awspca.cert-manager.io',
    'cert-manager.io/common-name': 'ml.acme.io',
    'cert-manager.io/duration': '2160h',
    'cert-manager.io/renew-before': '360h',
    'cert-manager.io/usages': 'digital signature, key encipherment,server auth',
    'cert-manager.io/revision-history-limit': '3',
    'cert-manager.io/private-key-algorithm': 'ECDSA',
    'cert-manager.io/private-key-size': '384',
    'cert-manager.io/private-key-rotation-policy': 'Always',
    'cert-manager.io/subject-organizations': 'Acme,Acme ML',
    'acme.cert-manager.io/http01-ingress-class': 'nginx-public',
    'kubernetes.io/tls-acme': 'true',
    'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
  }, true);
  assert.deepEqual(problems, []);
  assert.deepEqual(ingressAnnotations, { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' });
  assert.deepEqual(plan, {
    issuerRef: { name: 'pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' },
    spec: {
      commonName: 'ml.acme.io',
      duration: '2160h',
      renewBefore: '360h',
      usages: ['digital signature', 'key encipherment', 'server auth'],
      revisionHistoryLimit: 3,
      privateKey: { algorithm: 'ECDSA', size: 384, rotationPolicy: 'Always' },
      subject: { organizations: ['Acme', 'Acme ML'] },
    },
    annotations: { 'acme.cert-manager.io/http01-override-ingress-class': 'nginx-public' },
  });
});

test('annotations the one Certificate cannot carry are SITE_CERT_MANAGER errors at the annotation', () => {
  const cases: [string, string, string][] = [
    ['both issuer kinds', spec('    cert-manager.io/issuer: a\n    cert-manager.io/cluster-issuer: b\n'), 'cert-manager.io~1cluster-issuer'],
    ['cluster-issuer with issuer-kind', spec('    cert-manager.io/cluster-issuer: b\n    cert-manager.io/issuer-kind: Foo\n'), 'cert-manager.io~1issuer-kind'],
    ['tls-acme names no issuer', spec('    kubernetes.io/tls-acme: "true"\n'), 'kubernetes.io~1tls-acme'],
    ['no TLS Secret', spec('    cert-manager.io/cluster-issuer: b\n', '  tlsSecret: null\n'), 'cert-manager.io~1cluster-issuer'],
    ['edit in place', spec('    cert-manager.io/cluster-issuer: b\n    acme.cert-manager.io/http01-edit-in-place: "true"\n'), 'acme.cert-manager.io~1http01-edit-in-place'],
    ['not translated', spec('    cert-manager.io/cluster-issuer: b\n    cert-manager.io/alt-names: x.acme.io\n'), 'cert-manager.io~1alt-names'],
    ['a duration cert-manager cannot parse', spec('    cert-manager.io/cluster-issuer: b\n    cert-manager.io/duration: 90d\n'), 'cert-manager.io~1duration'],
    ['a key algorithm not in the CRD enum', spec('    cert-manager.io/cluster-issuer: b\n    cert-manager.io/private-key-algorithm: DSA\n'), 'cert-manager.io~1private-key-algorithm'],
    ['a usage not in the CRD enum', spec('    cert-manager.io/cluster-issuer: b\n    cert-manager.io/usages: server auth,web\n'), 'cert-manager.io~1usages'],
  ];
  for (const [name, text, key] of cases) {
    const errors = siteSpecErrors(text, 'site.yaml', { parentObjects: tree.overlays[0]!.intended });
    assert.deepEqual(errors.map((e) => [e.code, e.path]), [['SITE_CERT_MANAGER', `/ingress/annotations/${key}`]], name);
    assert.ok(errors[0]!.line > 1, name);
    assert.throws(() => compose(text), (error: unknown) => error instanceof SiteSpecError && error.code === 'SITE_CERT_MANAGER', name);
  }
});
