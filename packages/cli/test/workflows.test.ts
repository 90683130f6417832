// The CI workflow under .github/workflows/: valid for GitHub's own parser, actions pinned, and
// running exactly the commands the README gives (read from README.md), the e2e job covering every
// stock overlay with the endpoints of the stack model. It cannot run here (no cluster, no container
// engine): these are static proofs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { loadReleaseCatalog, STACK_MODEL, PUBLIC_ENDPOINTS } from '@clearml-k8s/base-manifests';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { composeTree } from '@clearml-k8s/overlay-composer';
import { lintWorkflow, readmeCommands } from './github-workflows.ts';
import { ROOT } from './support.ts';

const WORKFLOWS_DIR = path.join(ROOT, '.github', 'workflows');
const CI_FILE = path.join(WORKFLOWS_DIR, 'ci.yml');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const ci = readFileSync(CI_FILE, 'utf8');
const workflow = parseManifest(ci, '.github/workflows/ci.yml') as { jobs: Record<string, Job> };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
}
interface Job {
  needs?: string | string[];
  steps: Step[];
  strategy?: { matrix: { include: { overlay: string; storage: string; access: string }[] } };
}

/** The name of the step that installs kubectl 1.27 (the one run step of the test job the README describes in prose). */
const KUBECTL_127_STEP = 'kubectl 1.27 for the verify matrix';

test('every workflow has no error for GitHub\'s workflow parser', async () => {
  const files = readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f));
  assert.deepEqual(files, ['ci.yml']);
  for (const file of files) {
    const problems = await lintWorkflow(`.github/workflows/${file}`, readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8'));
    assert.deepEqual(problems, [], `${file}: ${problems.map((p) => p.message).join('\n')}`);
  }
});

test('the parser catches what a broken copy of the workflow gets wrong, with its line', async () => {
  const broken: [string, string, RegExp][] = [
    ['unknown key', ci.replace('    steps:\n      - uses: actions/checkout', '    stepz:\n      - uses: actions/checkout'), /\(Line: \d+, Col: \d+\): Unexpected value 'stepz'/],
    ['unknown context', ci.replace('${{ matrix.overlay }}', '${{ matrixx.overlay }}'), /Unrecognized named-value: 'matrixx'/],
    ['expression syntax', ci.replace('${{ runner.os }}-${{ github.sha }}', '${{ runner.os ) }}'), /Unexpected symbol: '\)'/],
    ['duplicate key', ci.replace('    timeout-minutes: 60\n', '    timeout-minutes: 60\n    timeout-minutes: 30\n'), /'timeout-minutes' is already defined/],
    ['wrong type', ci.replace('timeout-minutes: 60', 'timeout-minutes: soon'), /Unexpected value 'soon'/],
    ['YAML syntax', ci.replace('    runs-on: ubuntu-24.04\n    timeout-minutes: 60', '    runs-on: [ubuntu-24.04\n    timeout-minutes: 60'), /./],
  ];
  for (const [what, content, message] of broken) {
    assert.notEqual(content, ci, `${what}: the replacement must change the workflow`);
    const problems = await lintWorkflow('ci.yml', content);
    assert.ok(problems.some((p) => message.test(p.message)), `${what}: expected a problem matching ${message}, received ${JSON.stringify(problems)}`);
  }
});

test('every action is pinned to a full version (vMAJOR.MINOR.PATCH)', () => {
  const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
  assert.ok(uses.length >= 4);
  for (const u of uses) assert.match(u, /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/, u);
  assert.ok(uses.some((u) => u.startsWith('actions/cache@')), 'turbo cache');
  assert.ok(uses.some((u) => u.startsWith('helm/kind-action@')), 'kind');
});

test('the test job runs exactly the README\'s CI commands, which begin with the set-up and test commands', () => {
  const setUp = readmeCommands(README, 'Set up and test (fresh machine)');
  const ciCommands = readmeCommands(README, 'CI workflow');
  assert.deepEqual(setUp, ['npm ci', 'npm test']);
  assert.deepEqual(ciCommands.slice(0, setUp.length), setUp);
  assert.ok(ciCommands.some((c) => / verify --matrix/.test(c)), 'verify --matrix');
  assert.ok(ciCommands.some((c) => / compose --check$/.test(c)), 'compose --check');
  const runs = workflow.jobs.test!.steps.filter((s) => s.run !== undefined && s.name !== KUBECTL_127_STEP).map((s) => s.run!.trim());
  assert.deepEqual(runs, ciCommands);
  const kubectl127 = workflow.jobs.test!.steps.findIndex((s) => s.name === KUBECTL_127_STEP);
  const verifyMatrix = workflow.jobs.test!.steps.findIndex((s) => / verify --matrix/.test(s.run ?? ''));
  assert.ok(kubectl127 >= 0 && kubectl127 < verifyMatrix, 'kubectl.1.27 is on PATH before verify --matrix');
  assert.match(workflow.jobs.test!.steps[kubectl127]!.run!, /kubectl\.1\.27"[\s\S]*sha256sum --check[\s\S]*GITHUB_PATH/);
  // The cache step caches turbo's local cache directory.
  const cache = workflow.jobs.test!.steps.find((s) => s.uses?.startsWith('actions/cache@')) as Step & { with: { path: string } };
  assert.equal(cache.with.path, '.turbo/cache');
});

test('the e2e job applies every stock overlay, with its storage and access, and curls the stack model\'s endpoints', () => {
  const e2e = workflow.jobs['e2e-kind']!;
  assert.equal(e2e.needs, 'test');
  const tree = composeTree(loadReleaseCatalog({}));
  const expected = tree.overlays.map((o) => ({
    overlay: o.profile.name,
    storage: o.intended.some((x) => JSON.stringify((x as { spec?: unknown }).spec ?? {}).includes('"hostPath"')) ? 'hostPath' : 'pvc',
    access: o.profile.exposure.kind === 'nodePort' ? 'nodePort' : 'port-forward',
  }));
  assert.deepEqual(e2e.strategy!.matrix.include, expected);
  const run = (name: string) => e2e.steps.find((s) => s.name === name)?.run ?? assert.fail(`no step "${name}"`);
  assert.equal(run('set-up').trim(), readmeCommands(README, 'Set up and test (fresh machine)')[0]);
  assert.equal(run('apply').trim(), 'kubectl apply -k overlays/${{ matrix.overlay }}');
  assert.equal(run('preflight').trim(), 'npm exec --no -- clearml-k8s preflight --overlay overlays/${{ matrix.overlay }}');
  assert.match(run('label the node for hostPath'), /kubectl label node .* app=clearml$/m);
  assert.equal(e2e.steps.find((s) => s.name === 'label the node for hostPath')!.if, "matrix.storage == 'hostPath'");
  assert.match(run('wait for rollouts'), /rollout status "\$deployment"/);
  const steps = e2e.steps.map((s) => s.name);
  assert.ok(steps.indexOf('preflight') < steps.indexOf('apply') && steps.indexOf('apply') < steps.indexOf('wait for rollouts') && steps.indexOf('wait for rollouts') < steps.indexOf('endpoints through the NodePorts'));
  // Health paths: the stack model's readiness httpGet path; the fileserver has only a TCP probe in the
  // model, and answers GET / with "OK" (clearml/clearml-server@v2.3.0:fileserver/fileserver.py:45-51).
  const nodePorts = run('endpoints through the NodePorts');
  const forwarded = run('endpoints through port-forward');
  assert.equal(PUBLIC_ENDPOINTS.length, 3);
  for (const endpoint of PUBLIC_ENDPOINTS) {
    const component = STACK_MODEL.get(endpoint.component);
    const target = component.probes?.readiness?.target;
    const healthPath = target?.kind === 'httpGet' ? target.path : '/';
    const port = component.ports[0]!;
    assert.ok(nodePorts.includes(`"http://$node_ip:${endpoint.nodePort}${healthPath}"`), `${endpoint.component}: curl NodePort ${endpoint.nodePort}${healthPath}`);
    assert.ok(forwarded.includes(`port-forward service/${component.name} ${port.servicePort}:${port.servicePort}`), `${endpoint.component}: port-forward`);
    assert.ok(forwarded.includes(`"http://127.0.0.1:${port.servicePort}${healthPath}"`), `${endpoint.component}: curl ${port.servicePort}${healthPath}`);
  }
  for (const script of [nodePorts, forwarded]) assert.equal(script.match(/curl -fsS /g)?.length, 3);
});
