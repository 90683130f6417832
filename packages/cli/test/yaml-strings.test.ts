// Every string the composer writes stays a string through kustomize: JSON 6902 patch values are read
// with YAML 1.1 rules (yes, on, y, 0o17, 1_000, 1:20 are booleans and numbers there), so such strings
// must be written quoted. Built with the oldest (kubectl 1.27, kustomize v5.0.1) and the newest
// (kubectl 1.35, kustomize v5.7.1) engines supported.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseBuildOutput } from '@clearml-k8s/base-manifests/yaml';
import { BIN, kubectl135, scratchRepository, which } from './support.ts';

const AMBIGUOUS = ['yes', 'Yes', 'on', 'OFF', 'y', 'n', 'NO', 'true', 'False', 'null', '~', '', '0o17', '017', '0x1F', '1_000', '1:20', '1e3', '.5', '.inf', '2024-01-01', '12'];

const kubectl = which('kubectl');
const oldest = kubectl ? path.join(path.dirname(realpathSync(kubectl)), 'kubectl.1.27') : null;
const newest = kubectl135();
const skip = !oldest || !existsSync(oldest) ? 'kubectl.1.27 is not installed beside kubectl' : 'skip' in newest ? newest.skip : false;

test('strings YAML 1.1 or 1.2 would read as something else round-trip as strings through kustomize v5.0.1 and v5.7.1', { skip }, (t) => {
  const repo = scratchRepository(t);
  const env = Object.fromEntries(AMBIGUOUS.map((value, i) => [`CLEARML_TEST_${i}`, value]));
  const spec = {
    profile: 'enterprise',
    placement: { nodeSelector: { app: 'clearml', disk: 'yes', y: 'on' } },
    ingress: { annotations: { 'example.com/flag': 'on', 'example.com/count': '1_000' } },
    components: { apiserver: { extraEnv: env } },
  };
  mkdirSync(path.join(repo, 'overlays/sites/strings'), { recursive: true });
  writeFileSync(path.join(repo, 'overlays/sites/strings/site.yaml'), JSON.stringify(spec, null, 2));
  const compose = spawnSync(process.execPath, [BIN, 'compose', '--root', repo], { encoding: 'utf8' });
  assert.equal(compose.status, 0, compose.stderr);
  for (const engine of [oldest!, (newest as { path: string }).path]) {
    const build = spawnSync(engine, ['kustomize', path.join(repo, 'overlays/sites/strings')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(build.status, 0, build.stderr);
    const objects = parseBuildOutput(build.stdout, engine) as any[];
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-apiserver');
    const rendered = Object.fromEntries(api.spec.template.spec.containers[0].env.filter((e: any) => e.name.startsWith('CLEARML_TEST_')).map((e: any) => [e.name, e.value]));
    assert.deepEqual(rendered, env, `${path.basename(engine)}: env values stay strings`);
    assert.deepEqual(api.spec.template.spec.nodeSelector, spec.placement.nodeSelector, `${path.basename(engine)}: node selector values stay strings`);
    for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
      assert.equal(ingress.metadata.annotations['example.com/flag'], 'on', path.basename(engine));
      assert.equal(ingress.metadata.annotations['example.com/count'], '1_000', path.basename(engine));
    }
  }
});
