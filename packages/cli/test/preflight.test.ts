// `clearml-k8s preflight`: the real overlays built with the real kustomize, the cluster read from
// recordings of `kubectl` output (fixtures/preflight/<case>/, the seam of `readClusterState`). One
// case per failure preflight reports, and a passing one for every stock overlay.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { recordingFile, type KubectlRunner, type PreflightItem } from '@clearml-k8s/verifier';
import { preflightCommand } from '../src/commands/preflight.ts';
import { kubectl135, ROOT, runInProcess, scratchRepository } from './support.ts';

const FIXTURES = path.join(ROOT, 'fixtures/preflight');

/**
 * A kubectl that replays a recording: the output of `args` is the file `recordingFile(args)` of the
 * case (missing: empty output, as `--ignore-not-found` prints for a missing object); a file with
 * `.stderr` after that name makes the command exit 1 with it on stderr. Records every call.
 */
function replay(name: string, calls: string[][] = []): KubectlRunner {
  const dir = path.join(FIXTURES, name);
  assert.ok(existsSync(dir), dir);
  return async (args) => {
    calls.push([...args]);
    const file = path.join(dir, recordingFile(args));
    if (existsSync(`${file}.stderr`)) return { exitCode: 1, stdout: '', stderr: readFileSync(`${file}.stderr`, 'utf8') };
    return { exitCode: 0, stdout: existsSync(file) ? readFileSync(file, 'utf8') : '', stderr: '' };
  };
}

const engine = kubectl135();
const env = 'path' in engine ? { ...process.env, KUSTOMIZE: `${engine.path} kustomize` } : process.env;
const skip = 'skip' in engine ? engine.skip : false;

/** Runs preflight in process with the recording `name`; returns the exit code, the JSON report and the calls. */
async function preflight(root: string, target: { overlay?: string; site?: string }, name: string) {
  let stdout = '';
  const calls: string[][] = [];
  const io = { cwd: root, env: { ...env }, stdout: { write: (s: string) => (stdout += s, true) }, stderr: { write: () => true } };
  const code = await preflightCommand(root, { ...target, json: true, kubectl: replay(name, calls) }, io);
  return { code, report: JSON.parse(stdout) as { overlay: string; namespace: string; ok: boolean; items: PreflightItem[] }, calls };
}

const failed = (items: PreflightItem[]) => items.filter((i) => !i.ok).map((i) => ({ id: i.id, subject: i.subject, fix: i.fix }));

test('a cluster with everything passes preflight for every stock overlay, reading only what each needs', { skip }, async () => {
  const expectedItems: Record<string, string[]> = {
    current_version: ['kubectl-version', 'server-version', 'version-skew', 'node-label', 'namespace-pod-security'],
    latest: ['kubectl-version', 'server-version', 'version-skew', 'node-label', 'namespace-pod-security'],
    enterprise: ['kubectl-version', 'server-version', 'version-skew', 'node-label', 'ingress-class', 'prerequisite', 'prerequisite', 'namespace-pod-security'],
    'non-root': ['kubectl-version', 'server-version', 'version-skew', 'storage-class', 'namespace-pod-security'],
  };
  for (const [overlay, ids] of Object.entries(expectedItems)) {
    const { code, report, calls } = await preflight(ROOT, { overlay: `overlays/${overlay}` }, 'passing');
    assert.deepEqual(failed(report.items), [], overlay);
    assert.equal(code, 0, overlay);
    assert.deepEqual(report.items.map((i) => i.id), ids, overlay);
    assert.equal(report.namespace, 'clearml');
    // Read-only and value-free: version and get only; Secrets by name (-o name), never -o json.
    for (const c of calls) assert.ok(c[0] === 'version' || c[0] === 'get', c.join(' '));
    for (const c of calls.filter((c) => /^secrets?$/i.test(c[1]!) || c[1] === 'Secret')) assert.deepEqual(c.slice(-3), ['-o', 'name', '--ignore-not-found'], c.join(' '));
    assert.equal(calls.some((c) => c[1] === 'nodes'), ids.includes('node-label'), `${overlay}: nodes read only for hostPath`);
  }
  const nodes = (await preflight(ROOT, {}, 'passing')).report;
  assert.equal(nodes.overlay, 'overlays/current_version', 'default overlay');
  assert.match(nodes.items.find((i) => i.id === 'node-label')!.detail, /exactly one: worker-1/);
});

// One recording per failure: the overlay, and the failed items (id, subject, fix) it must report.
const FAILURES: { name: string; overlay: string; failed: { id: string; subject: string; fix: RegExp }[] }[] = [
  { name: 'no-labelled-node', overlay: 'current_version', failed: [{ id: 'node-label', subject: 'nodes with app=clearml', fix: /^kubectl label node worker-1 app=clearml$/ }] },
  { name: 'two-labelled-nodes', overlay: 'latest', failed: [{ id: 'node-label', subject: 'nodes with app=clearml', fix: /^kubectl label node worker-2 app-$/ }] },
  { name: 'labelled-node-cordoned', overlay: 'current_version', failed: [{ id: 'node-label', subject: 'nodes with app=clearml', fix: /^kubectl uncordon worker-1$/ }] },
  { name: 'labelled-node-not-ready', overlay: 'current_version', failed: [{ id: 'node-label', subject: 'nodes with app=clearml', fix: /^kubectl describe node worker-1/ }] },
  { name: 'no-default-storage-class', overlay: 'non-root', failed: [{ id: 'storage-class', subject: 'default StorageClass', fix: /^kubectl patch storageclass gp3 -p '\{"metadata":\{"annotations":\{"storageclass.kubernetes.io\/is-default-class":"true"\}\}\}'/ }] },
  { name: 'no-ingress-class', overlay: 'enterprise', failed: [{ id: 'ingress-class', subject: 'default IngressClass', fix: /install an ingress controller/ }] },
  {
    name: 'missing-secrets',
    overlay: 'enterprise',
    failed: [
      { id: 'prerequisite', subject: 'Secret clearml/clearml-internal-credentials', fix: /^kubectl -n clearml create secret generic clearml-internal-credentials .*#enterprise-credentials/ },
      { id: 'prerequisite', subject: 'Secret clearml/clearml-tls', fix: /#tls-secret/ },
    ],
  },
  { name: 'namespace-restricted', overlay: 'current_version', failed: [{ id: 'namespace-pod-security', subject: 'Namespace clearml', fix: /^kubectl label namespace clearml pod-security.kubernetes.io\/enforce=privileged --overwrite/ }] },
  { name: 'kubectl-too-old', overlay: 'current_version', failed: [{ id: 'kubectl-version', subject: 'kubectl', fix: /^install kubectl 1\.27 / }] },
  { name: 'server-too-new', overlay: 'current_version', failed: [{ id: 'server-version', subject: 'Kubernetes server', fix: /Kubernetes 1\.27 to 1\.35/ }] },
  { name: 'version-skew', overlay: 'current_version', failed: [{ id: 'version-skew', subject: 'kubectl and server', fix: /^install kubectl 1\.32 / }] },
];

for (const c of FAILURES) {
  test(`preflight reports ${c.name} (overlays/${c.overlay}), with its fix, exit 1`, { skip }, async () => {
    const { code, report } = await preflight(ROOT, { overlay: `overlays/${c.overlay}` }, c.name);
    const got = failed(report.items);
    assert.deepEqual(got.map((i) => [i.id, i.subject]), c.failed.map((i) => [i.id, i.subject]), JSON.stringify(report.items, null, 2));
    c.failed.forEach((f, i) => assert.match(got[i]!.fix ?? '', f.fix, f.subject));
    assert.equal(code, 1);
    assert.equal(report.ok, false);
  });
}

test("a site's named StorageClass and IngressClass and its cert-manager prerequisites (fixtures/sites/cloud)", { skip }, async (t) => {
  const repo = scratchRepository(t);
  mkdirSync(path.join(repo, 'overlays/sites/cloud'), { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/sites/cloud/site.yaml'), path.join(repo, 'overlays/sites/cloud/site.yaml'));
  const compose = await runInProcess(['compose', '--root', repo], { env });
  assert.equal(compose.code, 0, compose.stderr);
  const { code, report } = await preflight(repo, { site: 'cloud' }, 'site-cloud-missing');
  assert.equal(code, 1);
  assert.equal(report.overlay, 'overlays/sites/cloud');
  assert.deepEqual(failed(report.items).map((i) => [i.id, i.subject]), [
    ['storage-class', 'StorageClass gp3'],
    ['ingress-class', 'IngressClass nginx'],
    ['prerequisite', 'CustomResourceDefinition.apiextensions.k8s.io certificates.cert-manager.io'],
    ['prerequisite', 'ClusterIssuer letsencrypt-prod'],
    ['prerequisite', 'Secret clearml/clearml-fixed-users'],
  ]);
  const fixes = Object.fromEntries(failed(report.items).map((i) => [i.subject, i.fix]));
  assert.match(fixes['StorageClass gp3']!, /storage\.storageClass to one of standard/);
  assert.match(fixes['IngressClass nginx']!, /ingress\.className to one of traefik/);
  assert.match(fixes['ClusterIssuer letsencrypt-prod']!, /^install the CustomResourceDefinition that serves ClusterIssuer/);
  assert.match(fixes['CustomResourceDefinition.apiextensions.k8s.io certificates.cert-manager.io']!, /#tls-with-cert-manager/);
  assert.ok(report.items.some((i) => i.ok && i.subject === 'Secret clearml/clearml-internal-credentials'));
});

test('kubectl failing, or printing something that is not JSON, is exit 2 with the command and how to fix it', { skip }, async () => {
  const io = (out: { stderr: string }) => ({ cwd: ROOT, env: { ...env }, stdout: { write: () => true }, stderr: { write: (s: string) => ((out.stderr += s), true) } });
  const refused: KubectlRunner = async () => ({ exitCode: 1, stdout: '', stderr: 'E1203 07:40:01.123456   4711 memcache.go:265] couldn\'t get current server API group list: Get "https://127.0.0.1:6443/api?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused\nThe connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n' });
  await assert.rejects(preflightCommand(ROOT, { json: false, kubectl: refused }, io({ stderr: '' })), (e: any) => e.code === 'KUBECTL_FAILED' && /^kubectl version -o json: expected exit 0, received exit 1: .*connection to the server .* was refused.*; check that kubectl's current context reaches the cluster/.test(e.message));
  const garbage: KubectlRunner = async (args) => ({ exitCode: 0, stdout: args[0] === 'version' ? readFileSync(path.join(FIXTURES, 'passing/version.json'), 'utf8') : 'No resources found\n', stderr: '' });
  await assert.rejects(preflightCommand(ROOT, { json: false, kubectl: garbage }, io({ stderr: '' })), (e: any) => e.code === 'KUBECTL_OUTPUT_INVALID' && /^kubectl get nodes -o json: expected a JSON List/.test(e.message));
  // Through the CLI: no kubectl on PATH (the engine given by $KUSTOMIZE) is exit 2 with one error line.
  const run = await runInProcess(['preflight', '--overlay', 'overlays/current_version'], { env: { ...env, PATH: '' } });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^clearml-k8s preflight: KUBECTL_FAILED: kubectl: expected kubectl on PATH, received none; install kubectl 1\.27 to 1\.35/);
  assert.equal(run.stdout, '');
});

test('preflight usage errors: --overlay with --site, a directory without a kustomization, an unknown site', async () => {
  const both = await runInProcess(['preflight', '--overlay', 'overlays/latest', '--site', 'x']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^clearml-k8s preflight: USAGE: --site: expected either --overlay DIR or --site NAME, received both/);
  const none = await runInProcess(['preflight', '--overlay', 'fixtures']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^clearml-k8s preflight: OVERLAY_NOT_FOUND: fixtures: expected a directory with kustomization.yaml \(fixtures\), received a directory without one/);
  const site = await runInProcess(['preflight', '--site', 'nope']);
  assert.equal(site.code, 2);
  assert.match(site.stderr, /OVERLAY_NOT_FOUND: --site nope: expected a directory with kustomization.yaml \(overlays\/sites\/nope\), received no such path/);
});

test('the table names every item, and each failed one with its fix', { skip }, async () => {
  let stdout = '';
  const io = { cwd: ROOT, env: { ...env }, stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: () => true } };
  assert.equal(await preflightCommand(ROOT, { overlay: 'overlays/current_version', json: false, kubectl: replay('no-labelled-node') }, io), 1);
  assert.match(stdout, /│ node-label +│ FAIL +│ nodes with app=clearml +│/);
  assert.match(stdout, /^fix \(node-label, nodes with app=clearml\): kubectl label node worker-1 app=clearml$/m);
  assert.match(stdout, /^preflight overlays\/current_version \(namespace clearml\): 1 of 5 items failed$/m);
});
