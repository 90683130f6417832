// Check `public-credentials` in memory: a server reachable from outside the cluster on ClearML's public
// token secret, system keys or open sign-in is a warning; the composer's own Secret-backed outputs are not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { composeSiteFromText } from '@clearml-k8s/overlay-composer';
import { CHECK_REGISTRY, checkPublicCredentials, FIXED_USERS_ENABLED, SYSTEM_KEY_ENVS, TOKEN_SECRET_ENV } from '../src/index.ts';
import { TREE } from './support.ts';

const intended = (name: string) => structuredClone(TREE.overlays.find((o) => o.profile.name === name)!.intended) as any[];
const site = (name: string) => structuredClone(composeSiteFromText(name, readFileSync(new URL(`../../../fixtures/sites/${name}/site.yaml`, import.meta.url), 'utf8'), `overlays/sites/${name}/site.yaml`, TREE).intended) as any[];
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const apiEnv = (objects: any[]) => find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0].env as any[];
const kept = (objects: any[]) => {
  const findings = checkPublicCredentials(objects);
  assert.ok(findings.length <= 1, 'one finding per apiserver');
  if (!findings.length) return [];
  const message = findings[0]!.message;
  return [/the token secret/.test(message) && 'token', /system keys/.test(message) && 'system keys', /open sign-in/.test(message) && 'sign-in'].filter(Boolean);
};

test('public-credentials is a registered warning', () => {
  const check = CHECK_REGISTRY.find((c) => c.id === 'public-credentials');
  assert.equal(check?.severity, 'warning');
});

test('public-credentials: the NodePort overlays keep every public default; enterprise and sites with credentials keep none', () => {
  for (const name of ['current_version', 'latest', 'non-root']) {
    const objects = intended(name);
    const findings = checkPublicCredentials(objects);
    assert.deepEqual(findings.map((f) => [f.check, f.resource, f.path]), [['public-credentials', 'Deployment/clearml/clearml-apiserver', '/spec/template/spec/containers/0/env']], name);
    assert.deepEqual(kept(objects), ['token', 'system keys', 'sign-in'], name);
    assert.match(findings[0]!.message, /Service\/clearml\/clearml-webserver NodePort 30080/, name);
    assert.match(findings[0]!.hint, /credentials\.secret/, name);
    assert.match(findings[0]!.hint, /Site credentials/, name);
  }
  assert.deepEqual(checkPublicCredentials(intended('enterprise')), []);
  // Sites: credentials.secret closes all three, on NodePorts (non-root, agents) and on Ingress (cloud, with a
  // fixed-users Secret); external-db is on enterprise; on-prem names its Secret too.
  for (const name of ['agents', 'air-gapped', 'cloud', 'external-db', 'non-root', 'on-prem']) assert.deepEqual(checkPublicCredentials(site(name)), [], name);
  // A NodePort site that names no Secret keeps all three (and its own NodePorts).
  const open = structuredClone(composeSiteFromText('open', 'profile: current_version\nnodePorts:\n  app: 30180\n', 'overlays/sites/open/site.yaml', TREE).intended) as any[];
  assert.deepEqual(kept(open), ['token', 'system keys', 'sign-in']);
  assert.match(checkPublicCredentials(open)[0]!.message, /NodePort 30180/);
});

test('public-credentials: fixed users turned off on enterprise is open sign-in, and only that', () => {
  const objects = intended('enterprise');
  const enabled = apiEnv(objects).find((e) => e.name === FIXED_USERS_ENABLED);
  enabled.value = 'false';
  assert.deepEqual(kept(objects), ['sign-in']);
  assert.match(checkPublicCredentials(objects)[0]!.message, /Ingress\/clearml\/clearml-webserver app\.clearml\.example\.com/);
  enabled.value = 'TRUE'; // HOCON's true is caseless
  assert.deepEqual(kept(objects), []);
  apiEnv(objects).splice(apiEnv(objects).indexOf(enabled), 1);
  assert.deepEqual(kept(objects), ['sign-in']);
});

test('public-credentials: literals are as public as the manifest; envFrom a Secret and a mounted apiserver.conf count as private', () => {
  const objects = intended('enterprise');
  const env = apiEnv(objects);
  const token = env.find((e) => e.name === TOKEN_SECRET_ENV);
  delete token.valueFrom;
  token.value = 'abc123';
  assert.deepEqual(kept(objects), ['token']);
  assert.match(checkPublicCredentials(objects)[0]!.message, /a literal in the manifest/);
  for (const name of SYSTEM_KEY_ENVS) env.splice(env.findIndex((e) => e.name === name), 1);
  assert.deepEqual(kept(objects), ['token', 'system keys']);
  const container = find(objects, 'Deployment', 'clearml-apiserver').spec.template.spec.containers[0];
  container.envFrom = [{ secretRef: { name: 'clearml-env' } }];
  assert.deepEqual(kept(objects), [], 'the check cannot see into envFrom Secrets');
  // current_version with a fixed-users Secret mounted as apiserver.conf: sign-in is closed, the secrets are not.
  const cv = intended('current_version');
  const pod = find(cv, 'Deployment', 'clearml-apiserver').spec.template.spec;
  pod.volumes.push({ name: 'fixed-users', secret: { secretName: 'clearml-fixed-users' } });
  pod.containers[0].volumeMounts.push({ name: 'fixed-users', mountPath: '/opt/clearml/config/apiserver.conf', subPath: 'apiserver.conf' });
  assert.deepEqual(kept(cv), ['token', 'system keys']);
  // Mounted in a directory the server does not read (CLEARML_CONFIG_DIR names others): not fixed users.
  pod.containers[0].env.push({ name: 'CLEARML_CONFIG_DIR', value: '/etc/clearml' });
  assert.deepEqual(kept(cv), ['token', 'system keys', 'sign-in']);
});

test('public-credentials: only routes from outside the cluster count (ClusterIP is none; LoadBalancer and an Ingress to a server Service are)', () => {
  const objects = intended('current_version');
  for (const name of ['clearml-apiserver', 'clearml-webserver', 'clearml-fileserver']) {
    const service = find(objects, 'Service', name);
    service.spec.type = 'ClusterIP';
    for (const port of service.spec.ports) delete port.nodePort;
  }
  assert.deepEqual(checkPublicCredentials(objects), []);
  find(objects, 'Service', 'clearml-fileserver').spec.type = 'LoadBalancer';
  assert.match(checkPublicCredentials(objects)[0]!.message, /Service\/clearml\/clearml-fileserver LoadBalancer/);
  find(objects, 'Service', 'clearml-fileserver').spec.type = 'ClusterIP';
  // An Ingress to a database Service is not the server; one to the webserver is.
  const ingress = (service: string, port: number) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: `to-${service}`, namespace: 'clearml' }, spec: { rules: [{ host: 'ml.acme.io', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: port } } } }] } }] } });
  objects.push(ingress('clearml-redis', 6379));
  assert.deepEqual(checkPublicCredentials(objects), []);
  objects.push(ingress('clearml-webserver', 8080));
  assert.match(checkPublicCredentials(objects)[0]!.message, /Ingress\/clearml\/to-clearml-webserver ml\.acme\.io/);
});
