// Check `public-default-keys`: the Helm chart's public defaults, read at test time from its values.yaml
// in ../shared/foreign (never copied here), are found wherever a build carries them; other values are not.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { checkPublicDefaultKeys, PUBLIC_DEFAULT_DIGESTS, publicDefaultsIn } from '../src/index.ts';
import { TREE } from './support.ts';

const VALUES = path.resolve(import.meta.dirname, '../../../../shared/foreign/helm-clearml-7.14.4/values.yaml');
const skip = !existsSync(VALUES) && `no ${VALUES} (the ClearML Helm chart beside the repository, ../shared/foreign)`;
const lines = skip ? [] : readFileSync(VALUES, 'utf8').split('\n');

/** The Helm defaults each digest entry cites, read from the line it names: `[key, value]`. */
function helmDefaults(): [string, string][] {
  return PUBLIC_DEFAULT_DIGESTS.flatMap((d) => d.sources)
    .filter((s) => s.source.includes('clearml-helm-charts@clearml-7.14.4:charts/clearml/values.yaml:'))
    .map((s) => {
      const line = lines[Number(s.source.split(':').pop()) - 1]!;
      const m = line.match(/^\s+(\w+):\s*"?([A-Za-z0-9_-]+)"?\s*$/);
      assert.ok(m, `${s.source}: expected "key: value", received ${JSON.stringify(line.slice(0, 30))}…`);
      assert.equal(`clearml.${m[1]}`, s.key, `${s.source} is the line of ${s.key}`);
      return [s.key, m[2]!];
    });
}

const secret = (data: Record<string, string>, stringData?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'clearml' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), ...(stringData ? { stringData } : {}) });
const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'clearml' }, data });
const findings = (objects: object[]) => checkPublicDefaultKeys(objects as ManifestObject[]).map((f) => [f.check, f.resource, f.path]);

test('public-default-keys: every Helm default the digests cite is on its cited line and found as a whole value', { skip }, () => {
  const defaults = helmDefaults();
  assert.equal(defaults.length, 9, 'nine Helm values (two share one value)');
  for (const [key, value] of defaults) assert.ok(publicDefaultsIn(value).some((d) => d.sources.some((s) => s.key === key)), key);
  assert.deepEqual(publicDefaultsIn('an-own-generated-secret-0123456789'), []);
});

test('public-default-keys: Secret data and stringData, ConfigMap config files and literal env values are read; a longer token is another value', { skip }, () => {
  const values = new Map(helmDefaults());
  const [key, secretValue, token] = ['clearml.apiserverKey', 'clearml.apiserverSecret', 'clearml.secureAuthTokenSecret'].map((k) => values.get(k)!);
  assert.deepEqual(findings([secret({ own: 'x'.repeat(40), apiserver_key: key! }, { token: token! })]), [
    ['public-default-keys', 'Secret/clearml/s', '/data/apiserver_key'],
    ['public-default-keys', 'Secret/clearml/s', '/stringData/token'],
  ]);
  const hocon = `secure {\n  auth { token_secret: "${token}" }\n  credentials { apiserver { user_key: ${key}, user_secret: "${secretValue}" } }\n}\n`;
  assert.deepEqual(findings([configMap({ 'apiserver.conf': hocon, 'a/b': `{"k":"${key}"}`, other: `x${key}` })]), [
    ['public-default-keys', 'ConfigMap/clearml/c', '/data/apiserver.conf'],
    ['public-default-keys', 'ConfigMap/clearml/c', '/data/a~1b'],
  ]);
  const objects = structuredClone(TREE.overlays.find((o) => o.profile.name === 'enterprise')!.intended) as any[];
  assert.deepEqual(findings(objects), [], 'the stock overlay carries none');
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clearml-apiserver');
  api.spec.template.spec.containers[0].env.push({ name: 'CLEARML__secure__auth__token_secret', value: token });
  assert.deepEqual(findings(objects), [['public-default-keys', 'Deployment/clearml/clearml-apiserver', `/spec/template/spec/containers/0/env/${api.spec.template.spec.containers[0].env.length - 1}/value`]]);
  const message = checkPublicDefaultKeys(objects as ManifestObject[])[0]!.message;
  assert.match(message, /clearml\.secureAuthTokenSecret \(clearml\/clearml-helm-charts@clearml-7\.14\.4:charts\/clearml\/values\.yaml:42\)/);
  assert.ok(!message.includes(token!), 'the message never repeats the value');
});
