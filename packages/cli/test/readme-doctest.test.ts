/**
 * The documentation test's own parts (`readme-doctest.ts`), so that it can fail: the markers, the
 * statements and commands it finds, what it runs, renders and skips, kubectl's last-applied warning as
 * the cluster model predicts it, and the comparison of printed outputs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { ClusterModel, LAST_APPLIED, commandSegments, compareOutput, parseMarker, planStatement, readmeBlocks, shellStatements } from './readme-doctest.ts';
import { engineSkip } from './support.ts';

test('markers: modes, reasons and options parse; anything else is reported', () => {
  assert.deepEqual(parseMarker('<!-- doctest: run -->'), { mode: 'run' });
  assert.deepEqual(parseMarker('<!-- doctest: skip: needs a node -->'), { mode: 'skip', reason: 'needs a node' });
  assert.deepEqual(parseMarker('<!-- doctest: render; stand-in: cp a b -->'), { mode: 'render', standIn: 'cp a b' });
  assert.deepEqual(parseMarker('<!-- doctest: output; of: echo hi; echo there -->'), { mode: 'output', of: 'echo hi; echo there' });
  assert.match(String(parseMarker('<!-- doctest: skip -->')), /without a reason/);
  assert.match(String(parseMarker('<!-- doctest: execute -->')), /unknown doctest mode/);
  assert.match(String(parseMarker('<!-- doctest: run; timeout: 3 -->')), /unexpected text after run|unknown doctest option/);
});

test('blocks: the marker on the line before a fence belongs to it, in lists too; a block without one has none', () => {
  const md = '# A\n\n<!-- doctest: run -->\n```sh\necho a\n```\n\n- item\n\n  <!-- doctest: skip: why -->\n  ```sh\n  echo b\n  ```\n\n```sh\necho c\n```\n\n```text\nout\n```\n';
  const blocks = readmeBlocks(md);
  assert.deepEqual(blocks.map((b) => [b.line, b.lang, b.text, b.marker, b.section]), [
    [4, 'sh', 'echo a', { mode: 'run' }, 'A'],
    [11, 'sh', 'echo b', { mode: 'skip', reason: 'why' }, 'A'],
    [15, 'sh', 'echo c', null, 'A'],
    [19, 'text', 'out', null, 'A'],
  ]);
});

test('statements and commands: continuations, loops, pipelines, substitutions, heredocs, comments', async () => {
  const block = "kubectl -n x get pvc \\\n  -o name   # a comment\nfor pv in $(kubectl get pv -o name); do\n  kubectl patch \"$pv\" -p '{}'\ndone\ncat > a.conf <<'CONF'\ncurl inside the heredoc is no command\nCONF\na | b && c";
  const statements = await shellStatements(block);
  assert.deepEqual(statements.map((s) => s.line), [1, 3, 6, 9]);
  assert.equal(statements[0]!.text, 'kubectl -n x get pvc \\\n  -o name');
  assert.deepEqual(commandSegments(statements[1]!.text).map((c) => c.words[0]), ['kubectl', 'kubectl']);
  assert.deepEqual(commandSegments(statements[2]!.text).map((c) => c.words), [['cat', '>', 'a.conf', 'CONF']]);
  assert.deepEqual(commandSegments(statements[3]!.text).map((c) => c.words[0]), ['a', 'b', 'c']);
  await assert.rejects(shellStatements('kubectl create secret generic x --from-file=password=<file with the password>'), /must be followed by a word/);
});

test('plans: the CLI through npm exec --no only; cluster commands rendered or skipped with a reason', () => {
  const plan = (text: string, mode: 'run' | 'render' = 'render') => planStatement(text, mode, { next: 1 });
  assert.match((plan('npx clearml-k8s verify') as { problem: string }).problem, /npm registry/);
  assert.match((plan('clearml-k8s verify') as { problem: string }).problem, /not on PATH/);
  assert.match((plan('npm exec clearml-k8s verify') as { problem: string }).problem, /npm exec --no -- clearml-k8s/);
  assert.equal(plan('npm exec --no -- clearml-k8s verify overlays/base', 'run').kind, 'run');
  assert.deepEqual(plan('npm test', 'run'), { kind: 'skip', reason: 'npm test is what runs this test (.ci/run runs it first)' });
  assert.match((plan('npm install left-pad', 'run') as { problem: string }).problem, /cannot run inside npm test/);
  assert.deepEqual(plan('kubectl apply -k overlays/enterprise'), {
    kind: 'render',
    script: 'kubectl kustomize overlays/enterprise > "$DOCTEST_OUT/r1.yaml" 2> "$DOCTEST_OUT/r1.stderr"',
    renderings: [{ kind: 'apply', command: 'kubectl apply -k overlays/enterprise', file: 'r1.yaml', stderrFile: 'r1.stderr' }],
  });
  assert.equal((plan('npm exec --no -- clearml-k8s credentials | kubectl create -f -') as { script: string }).script, 'npm exec --no -- clearml-k8s credentials | cat > "$DOCTEST_OUT/r1.yaml"');
  assert.equal((plan('kubectl create namespace clearml --save-config && echo ok') as { script: string }).script, 'kubectl create namespace clearml --save-config --dry-run=client -o yaml > "$DOCTEST_OUT/r1.yaml" && echo ok');
  assert.match((plan('kubectl label node NODE_NAME app=clearml') as { script: string }).script, /kubectl label --local --dry-run=client -o yaml -f "\$DOCTEST_OUT\/r1.node.json" app=clearml/);
  assert.match((plan('kubectl apply -k overlays/current_version', 'run') as { problem: string }).problem, /needs a live cluster/);
  assert.deepEqual(plan('kubectl -n clearml get pods'), { kind: 'skip', reason: 'kubectl get reads a live cluster' });
  assert.deepEqual(plan('kubectl -n clearml rollout restart deploy/clearml-apiserver'), { kind: 'skip', reason: 'kubectl rollout changes a live cluster' });
  assert.deepEqual(plan("helm get values clearml -o yaml > values.yaml"), { kind: 'skip', reason: 'helm needs a Helm release in a live cluster' });
  assert.equal(plan('kubectl create secret generic x --from-literal=a=b --dry-run=client -o yaml').kind, 'run');
  assert.match((plan('cat <file>', 'run') as { problem: string }).problem, /placeholder/);
});

test("cluster model: apply warns about what kubectl create made without --save-config, and create refuses what exists", () => {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'clearml' } };
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'clearml' } };
  const before = new ClusterModel();
  assert.deepEqual(before.create([namespace, secret], 'kubectl create -f -'), []);
  const warnings = before.apply([namespace]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`namespaces/clearml is missing the ${LAST_APPLIED.replace(/\./g, '\\.')} annotation`));
  assert.match(before.create([secret], 'again')[0]!, /AlreadyExists/);
  const saved = new ClusterModel();
  saved.create([{ ...namespace, metadata: { name: 'clearml', annotations: { [LAST_APPLIED]: '{}' } } }], 'kubectl create namespace clearml --save-config');
  assert.deepEqual(saved.apply([namespace, secret]), []);
});

test('kubectl create --save-config, rendered offline, writes the annotation apply needs', { skip: engineSkip || (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0 ? false : 'no kubectl') }, () => {
  const run = (args: string[]) => spawnSync('kubectl', args, { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });
  const saved = parseManifests(run(['create', 'namespace', 'clearml', '--save-config', '--dry-run=client', '-o', 'yaml']).stdout, 'ns.yaml')[0];
  const plain = parseManifests(run(['create', 'namespace', 'clearml', '--dry-run=client', '-o', 'yaml']).stdout, 'ns.yaml')[0];
  const model = new ClusterModel();
  model.create([saved], 'kubectl create namespace clearml --save-config');
  assert.deepEqual(model.apply([saved]), []);
  const bare = new ClusterModel();
  bare.create([plain], 'kubectl create namespace clearml');
  assert.equal(bare.apply([plain]).length, 1);
});

test('outputs: ... stands for text within a line, or for lines', () => {
  assert.equal(compareOutput(['a ... c', '...', 'z'], ['a b c', 'x', 'y', 'z']), null);
  assert.equal(compareOutput(['a', '...'], ['a']), null);
  assert.match(String(compareOutput(['a b'], ['a c'])), /line 1: README shows "a b", the command printed "a c"/);
  assert.match(String(compareOutput(['a'], ['a', 'b'])), /line 2/);
});

test('every README.md#anchor the sources point users to is a heading of README.md (GitHub anchors)', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const path = await import('node:path');
  const { ROOT } = await import('./support.ts');
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
  const anchors = new Set(readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, '').replace(/`/g, ''))));
  const pointed = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(path.join(dir, e.name), 'utf8').matchAll(/(?<![/\w-])README\.md#([a-z0-9-]+)/g)) pointed.add(m[1]!);
    }
  };
  for (const pkg of readdirSync(path.join(ROOT, 'packages'))) walk(path.join(ROOT, 'packages', pkg, 'src'));
  assert.ok(pointed.has('tls-secret'), 'the TLS prerequisites point at the TLS steps');
  assert.deepEqual([...pointed].filter((a) => !anchors.has(a)), []);
});
