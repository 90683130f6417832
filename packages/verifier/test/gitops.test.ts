// GitOps and secrets from a store (issue 15): the maintained models validate the objects of the two
// GitOps example sites (Argo CD Application, Flux GitRepository and Kustomization, ExternalSecret,
// SealedSecret), the `gitops` check fails each way a GitOps file can miss its site, and the Secrets a
// controller writes from an ExternalSecret or SealedSecret count for object-reference and key-references.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText, SYNC_WAVE_ANNOTATION } from '@clearml-k8s/overlay-composer';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { CHECK_REGISTRY, checkGitops, checkKeyReferences, checkObjectReferences, CRD_MODEL_PACKAGES, loadSchemaValidator } from '../src/index.ts';
import { TREE } from './support.ts';

const fixture = (name: string, file: string) => new URL(`../../../fixtures/sites/${name}/${file}`, import.meta.url);
const compose = (name: string) =>
  composeSiteFromText(name, readFileSync(fixture(name, 'site.yaml'), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE, (basename) => (existsSync(fixture(name, basename)) ? readFileSync(fixture(name, basename), 'utf8') : null));
const validator = await loadSchemaValidator();

/** The site's build (its intended objects) and its gitops.yaml, as verify reads them. */
function siteContext(name: string) {
  const site = compose(name);
  const gitopsFile = site.files.find((f) => f.path.endsWith('/gitops.yaml'))!;
  return { overlay: `overlays/sites/${name}`, objects: structuredClone(site.intended) as any[], gitops: { file: gitopsFile.path, documents: parseManifests(gitopsFile.content, gitopsFile.path) as any[], parseError: null }, schema: validator };
}
const paths = (findings: { resource: string; path: string }[]) => findings.map((f) => [f.resource, f.path]);

test('the four GitOps model packages are schema sources of verify, next to cert-manager', () => {
  assert.deepEqual([...CRD_MODEL_PACKAGES].sort(), ['@kubernetes-models/argo-cd', '@kubernetes-models/cert-manager', '@kubernetes-models/external-secrets', '@kubernetes-models/flux-cd', '@kubernetes-models/sealed-secrets']);
  assert.equal(CHECK_REGISTRY.find((c) => c.id === 'gitops')?.severity, 'error');
});

test('the models accept every GitOps and secret-source object the example sites render, and reject broken ones', async () => {
  const argo = siteContext('argocd-external-secret');
  const flux = siteContext('flux-sealed-secret');
  const objects = [...argo.gitops.documents, ...flux.gitops.documents, ...argo.objects.filter((o) => o.kind === 'ExternalSecret'), ...flux.objects.filter((o) => o.kind === 'SealedSecret')];
  assert.deepEqual(objects.map((o) => o.kind).sort(), ['Application', 'ExternalSecret', 'GitRepository', 'Kustomization', 'SealedSecret']);
  await validator.prepare(objects);
  for (const o of objects) assert.deepEqual(validator.validate(o), [], `${o.kind} validates (not skipped as an unknown kind)`);
  // Each model really checks: a required field dropped or a wrong type is a violation at its path.
  const broken = structuredClone(objects) as any[];
  const find = (kind: string) => broken.find((o) => o.kind === kind);
  delete find('Application').spec.destination;
  find('Kustomization').spec.prune = 'yes';
  delete find('GitRepository').spec.url;
  find('ExternalSecret').spec.data[0].remoteRef = 'clearml/acme';
  find('SealedSecret').spec.encryptedData = ['not', 'a', 'map'];
  const violations = Object.fromEntries(broken.map((o) => [o.kind, (validator.validate(o) ?? []).map((v) => v.path)]));
  assert.deepEqual(violations, {
    Application: ['/spec/destination'],
    Kustomization: ['/spec/prune'],
    GitRepository: ['/spec/url'],
    ExternalSecret: ['/spec/data/0/remoteRef'],
    SealedSecret: ['/spec/encryptedData'],
  });
});

test('a kind of an ES-module model package is never silently skipped: before prepare it is a violation', async () => {
  const fresh = await loadSchemaValidator(); // the cached validator: prepare once more for a kind not seen yet
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'vault', namespace: 'clearml' }, spec: { provider: { fake: { data: [{ key: 'clearml/acme', value: 'placeholder' }] } } } };
  const before = fresh.validate(store);
  assert.equal(before?.length, 1);
  assert.match(before![0]!.message, /not loaded .*prepare/);
  await fresh.prepare([store]);
  assert.deepEqual(fresh.validate(store), []);
  // A kind the package does not have is, after prepare, an unknown custom resource (no schema), as any other.
  const unknown = { apiVersion: 'external-secrets.io/v1', kind: 'NoSuchKind', metadata: { name: 'x' } };
  await fresh.prepare([unknown]);
  assert.equal(fresh.validate(unknown), null);
});

test('gitops: both example sites pass; every way an Argo CD Application misses its site is a finding', async () => {
  const argo = siteContext('argocd-external-secret');
  const flux = siteContext('flux-sealed-secret');
  await validator.prepare([...argo.gitops.documents, ...flux.gitops.documents]);
  assert.deepEqual(checkGitops(argo), []);
  assert.deepEqual(checkGitops(flux), []);
  assert.deepEqual(checkGitops({ ...argo, gitops: null }), [], 'an overlay without gitops.yaml is not judged');

  const app = argo.gitops.documents[0]!;
  app.spec.source.path = './overlays/sites/argocd-external-secret/'; // the same directory, written otherwise
  assert.deepEqual(checkGitops(argo), []);
  app.spec.source.path = 'overlays/sites/cloud';
  app.spec.syncPolicy.automated.prune = false;
  app.spec.destination.namespace = 'clearml';
  const id = 'Application/argocd/clearml-argocd-external-secret';
  assert.deepEqual(paths(checkGitops(argo)), [[id, '/spec/source/path'], [id, '/spec/syncPolicy/automated/prune'], [id, '/spec/destination/namespace']]);
});

test('gitops: the Argo CD sync waves put the ExternalSecret before the workloads and the Namespace no later', async () => {
  const argo = siteContext('argocd-external-secret');
  await validator.prepare(argo.gitops.documents);
  const wave = (kind: string) => argo.objects.find((o) => o.kind === kind).metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  assert.deepEqual([wave('Namespace'), wave('ExternalSecret'), wave('Deployment')], ['-1', '-1', undefined]);
  const source = argo.objects.find((o) => o.kind === 'ExternalSecret');
  delete source.metadata.annotations[SYNC_WAVE_ANNOTATION];
  const namespace = argo.objects.find((o) => o.kind === 'Namespace');
  assert.deepEqual(paths(checkGitops(argo)), [[`ExternalSecret/clearml-acme/clearml-internal-credentials`, '/metadata/annotations/argocd.argoproj.io~1sync-wave']]);
  source.metadata.annotations[SYNC_WAVE_ANNOTATION] = '-2';
  assert.deepEqual(paths(checkGitops(argo)), [['Namespace/clearml-acme', '/metadata/annotations/argocd.argoproj.io~1sync-wave']]);
  namespace.metadata.annotations[SYNC_WAVE_ANNOTATION] = '-5';
  assert.deepEqual(checkGitops(argo), []);
});

test('gitops: a Flux Kustomization without pruning or health checks, on another path or another source, is a finding; so is a foreign document', async () => {
  const flux = siteContext('flux-sealed-secret');
  await validator.prepare(flux.gitops.documents);
  const kustomization = flux.gitops.documents.find((d) => d.kind === 'Kustomization');
  kustomization.spec.prune = false;
  kustomization.spec.wait = false;
  kustomization.spec.path = './overlays/sites/on-prem';
  kustomization.spec.sourceRef.name = 'flux-system';
  const id = 'Kustomization/flux-system/clearml-flux-sealed-secret';
  assert.deepEqual(paths(checkGitops(flux)), [[id, '/spec/path'], [id, '/spec/prune'], [id, '/spec/wait'], [id, '/spec/sourceRef/name']]);
  kustomization.spec.healthChecks = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'clearml-apiserver', namespace: 'clearml' }];
  assert.ok(!paths(checkGitops(flux)).some(([, p]) => p === '/spec/wait'), 'healthChecks stand in for wait');
  const foreign = { ...flux, gitops: { ...flux.gitops, documents: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' } }] } };
  assert.deepEqual(paths(checkGitops(foreign)), [['overlays/sites/flux-sealed-secret/gitops.yaml#0', '']]);
  assert.deepEqual(paths(checkGitops({ ...flux, gitops: { file: 'x/gitops.yaml', documents: [], parseError: 'bad indentation' } })), [['x/gitops.yaml', '']]);
});

test('Secrets written from an ExternalSecret or SealedSecret of the build satisfy object-reference, with the keys they will hold', () => {
  for (const name of ['argocd-external-secret', 'flux-sealed-secret']) {
    const { objects } = siteContext(name);
    assert.ok(!objects.some((o) => o.kind === 'Secret'), `${name}: no Secret is committed`);
    assert.deepEqual(checkObjectReferences(objects, []).filter((f) => /clearml-internal-credentials/.test(f.message)), [], name);
    assert.deepEqual(checkKeyReferences(objects), [], name);
  }
  // A key the pods read but the sealed data lacks: the container would never start.
  const { objects } = siteContext('flux-sealed-secret');
  delete objects.find((o) => o.kind === 'SealedSecret').spec.encryptedData.services_agent_secret;
  const missing = checkKeyReferences(objects);
  assert.ok(missing.length > 0 && missing.every((f) => /services_agent_secret/.test(f.message)), JSON.stringify(missing));
  // Without the ExternalSecret, the Secret is neither in the build nor (for this call) a prerequisite.
  const argo = siteContext('argocd-external-secret').objects.filter((o) => o.kind !== 'ExternalSecret');
  assert.ok(checkObjectReferences(argo, []).some((f) => /Secret clearml-acme\/clearml-internal-credentials/.test(f.message)));
});
