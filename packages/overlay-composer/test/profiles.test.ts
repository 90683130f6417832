import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectId, loadReleaseCatalog, mountCovers, PRE_POPULATE, STACK, STACK_MODEL, writableDirectories, writableVolumeName, type ManifestObject } from '@clearml-k8s/base-manifests';
import {
  composeOverlay,
  composeTree,
  ComposerError,
  CREDENTIAL_KEYS,
  ENTERPRISE_CREDENTIALS_SECRET,
  FIXED_USERS_ENABLED_ENV,
  FIXED_USERS_ENV,
  generateCredentialsSecret,
  parseImageReference,
  podContainers,
  profileByName,
} from '../src/index.ts';

const tree = composeTree(loadReleaseCatalog());
const intended = (name: string): any[] => tree.overlays.find((o) => o.profile.name === name)!.intended;
const deployments = (name: string) => intended(name).filter((o) => o.kind === 'Deployment');

test('composeTree is deterministic and generates base plus four overlays', () => {
  assert.deepEqual(composeTree(loadReleaseCatalog()).files, tree.files);
  assert.deepEqual(tree.overlays.map((o) => o.dir), ['overlays/current_version', 'overlays/latest', 'overlays/enterprise', 'overlays/non-root']);
  for (const o of tree.overlays) {
    const k = o.kustomization as any;
    for (const deprecated of ['bases', 'commonLabels', 'patchesJson6902', 'patchesStrategicMerge', 'vars', 'imageTags']) assert.equal(k[deprecated], undefined, `${o.dir}: ${deprecated}`);
    for (const p of o.kustomization.patches ?? []) assert.ok(p.target.kind && p.target.name, `${o.dir}: patch without kind+name target`);
  }
});

test('current_version: every image pinned to the catalog, no latest, IfNotPresent', () => {
  const pinned = new Set(Object.values(loadReleaseCatalog().images).map((i) => `${i.repository}:${i.tag}`));
  for (const d of deployments('current_version')) {
    for (const c of podContainers(d)) {
      assert.ok(pinned.has(c.image), `${d.metadata.name}/${c.name}: ${c.image}`);
      assert.equal(c.imagePullPolicy, 'IfNotPresent');
    }
  }
});

test('latest: ClearML images on latest through images:, pulled Always', () => {
  const overlay = tree.overlays.find((o) => o.profile.name === 'latest')!;
  assert.deepEqual(overlay.kustomization.images, [{ name: 'clearml/server', newTag: 'latest' }]);
  for (const d of deployments('latest')) {
    for (const c of podContainers(d)) {
      assert.equal(c.imagePullPolicy, 'Always');
      if (parseImageReference(c.image).name === 'clearml/server') assert.equal(c.image, 'clearml/server:latest');
    }
  }
});

test('enterprise: ClusterIP Services, three Ingress hosts, credentials only from the Secret', () => {
  const objects = intended('enterprise');
  for (const name of [STACK.apiserver.name, STACK.webserver.name, STACK.fileserver.name]) {
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    assert.equal(service.spec.type, 'ClusterIP');
    assert.ok(service.spec.ports.every((p: any) => p.nodePort === undefined));
  }
  const hosts = objects.filter((o) => o.kind === 'Ingress').map((i) => i.spec.rules[0].host).sort();
  assert.deepEqual(hosts, ['api.clearml.example.com', 'app.clearml.example.com', 'files.clearml.example.com']);
  const files = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === STACK.fileserver.name);
  assert.equal(files.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'], '0');
  // api. too: the SDK's events.add_batch posts every queued event in one body (PROXY_BODY_SIZES cites the sources).
  const api = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === STACK.apiserver.name);
  assert.equal(api.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'], '0');
  const app = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === STACK.webserver.name);
  assert.equal(app.metadata.annotations, undefined, 'app. keeps ingress-nginx\'s default');
  const env = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0].env as any[];
  for (const e of [...env(STACK.apiserver.name), ...env(STACK.fileserver.name), ...env(STACK.asyncDelete.name)]) {
    if (e.name.startsWith('CLEARML__secure__')) {
      assert.equal(e.value, undefined, `${e.name} must not carry a literal`);
      assert.equal(e.valueFrom.secretKeyRef.name, ENTERPRISE_CREDENTIALS_SECRET);
      assert.notEqual(e.valueFrom.secretKeyRef.optional, true, 'pods must not start without the Secret');
    }
  }
  const apiKeys = env(STACK.apiserver.name).filter((e) => e.name.includes('credentials__fileserver')).map((e) => e.valueFrom.secretKeyRef.key);
  const fileKeys = env(STACK.fileserver.name).filter((e) => e.name.includes('credentials__fileserver')).map((e) => e.valueFrom.secretKeyRef.key);
  assert.deepEqual(apiKeys, fileKeys, 'fileserver credentials are equal on apiserver and fileserver');
  const apiEnv = Object.fromEntries(env(STACK.apiserver.name).map((e) => [e.name, e.value]));
  const fileEnv = Object.fromEntries(env(STACK.fileserver.name).map((e) => [e.name, e.value]));
  assert.equal(apiEnv.CLEARML__apiserver__auth__cookies__domain, '.clearml.example.com');
  assert.equal(fileEnv.CLEARML__fileserver__auth__cookie_names, `["${apiEnv.CLEARML__apiserver__auth__session_auth_cookie_name}"]`);
});

test('enterprise: fixed users on, from the Secret, so the public webserver and tests credentials are revoked (issue 13 item 9)', () => {
  const objects = intended('enterprise');
  const env = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name).spec.template.spec.containers[0].env as any[];
  const byName = new Map(env.map((e) => [e.name, e]));
  // The apiserver revokes the credentials of every secure.credentials entry with revoke_in_fixed_mode (webserver,
  // tests) only when apiserver.auth.fixed_users.enabled is true (clearml-server v2.3.0 mongo/initialize/__init__.py:63,77).
  assert.deepEqual(byName.get(FIXED_USERS_ENABLED_ENV), { name: FIXED_USERS_ENABLED_ENV, value: 'true' });
  assert.deepEqual(byName.get(FIXED_USERS_ENV), { name: FIXED_USERS_ENV, valueFrom: { secretKeyRef: { name: ENTERPRISE_CREDENTIALS_SECRET, key: 'fixed_users' } } });
  assert.equal(env.filter((e) => e.name === FIXED_USERS_ENABLED_ENV || e.name === FIXED_USERS_ENV).length, 2, 'each once');
  // Nothing else may set the webserver's system key: the web app cannot use any other (it is compiled in).
  assert.ok(!env.some((e) => e.name.startsWith('CLEARML__secure__credentials__webserver__')));
  // The NodePort overlays keep the image's defaults (the public-credentials warning says so).
  for (const name of ['current_version', 'latest', 'non-root']) {
    const d = intended(name).find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name);
    assert.ok(!d.spec.template.spec.containers[0].env.some((e: any) => e.name === FIXED_USERS_ENABLED_ENV), name);
  }
});

test('non-root: every pod meets the Pod Security restricted fields', () => {
  const objects = intended('non-root');
  const ns = objects.find((o) => o.kind === 'Namespace');
  assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  const allowedVolumes = ['configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret', 'csi', 'persistentVolumeClaim', 'ephemeral', 'image'];
  for (const d of deployments('non-root')) {
    const pod = d.spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true, d.metadata.name);
    assert.ok(pod.securityContext.runAsUser > 0, d.metadata.name);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    for (const ic of pod.initContainers ?? []) assert.match(ic.name, /^seed-/, `${d.metadata.name}: only seeding init containers, no privileged ones`);
    for (const v of pod.volumes ?? []) assert.ok(Object.keys(v).filter((k) => k !== 'name').every((k) => allowedVolumes.includes(k)), `${d.metadata.name}/${v.name}`);
    for (const c of podContainers(d)) {
      assert.equal(c.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
      assert.equal(c.securityContext.privileged, undefined);
    }
    for (const s of pod.securityContext.sysctls ?? []) assert.equal(s.name, 'net.ipv4.ip_unprivileged_port_start');
  }
  const claims = new Set(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name));
  for (const d of deployments('non-root')) {
    for (const v of d.spec.template.spec.volumes ?? []) if (v.persistentVolumeClaim) assert.ok(claims.has(v.persistentVolumeClaim.claimName), v.persistentVolumeClaim.claimName);
  }
});

test('issue 13 items 1 and 2: on non-root every directory the stack model says an image writes at start is writable, seeded where the image ships files', () => {
  let seeded = 0;
  for (const d of deployments('non-root')) {
    const spec = STACK_MODEL.components.find((c) => c.name === d.metadata.name)!;
    const pod = d.spec.template.spec;
    const main = pod.containers.find((c: any) => c.name === spec.container);
    for (const w of writableDirectories(spec)) {
      const mount = main.volumeMounts.find((m: any) => mountCovers(m.mountPath, w.dir) && !m.readOnly);
      assert.ok(mount, `${spec.name}: nothing writable at ${w.dir}`);
      const volume = pod.volumes.find((v: any) => v.name === mount.name);
      assert.ok(volume.emptyDir || volume.persistentVolumeClaim, `${spec.name}: ${w.dir} on ${JSON.stringify(volume)}`);
      if (!w.seedFromImage) continue;
      seeded++;
      const seed = pod.initContainers.find((ic: any) => ic.volumeMounts.some((m: any) => m.name === mount.name));
      assert.equal(seed.image, main.image, 'same image');
      assert.deepEqual(seed.command, ['cp', '-R', `${w.dir}/.`, '/seed/']);
      assert.deepEqual(seed.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
  }
  assert.equal(seeded, 1, 'the web app in /usr/share/nginx/html');
  const webserver = deployments('non-root').find((d) => d.metadata.name === STACK.webserver.name).spec.template.spec;
  assert.deepEqual(webserver.containers[0].volumeMounts.map((m: any) => m.mountPath), ['/var/log/clearml', '/usr/share/nginx/html', '/etc/nginx/sites-enabled', '/run', '/var/lib/nginx', '/opt/clearml/utilities']);
  assert.equal(writableVolumeName('/opt/clearml/apiserver/apierrors/errors'), 'writable-opt-clearml-apiserver-apierrors-errors');
  assert.throws(() => writableVolumeName(`/${'a'.repeat(60)}`), /longer than 63/);
  // The classic overlays run as root: nothing added.
  for (const d of deployments('current_version')) assert.ok(!(d.spec.template.spec.volumes ?? []).some((v: any) => v.name.startsWith('writable-')), d.metadata.name);
});

test('non-root: the server modes run the image\'s 0744 entrypoint.sh through bash with args unchanged, the webserver owns a copy of update_from_env.py; root profiles and the databases keep the image\'s entrypoint', () => {
  const byName = (profile: string, name: string) => deployments(profile).find((d) => d.metadata.name === name).spec.template.spec;
  for (const key of ['apiserver', 'fileserver', 'webserver'] as const) {
    const spec = STACK_MODEL.get(key);
    const pod = byName('non-root', spec.name);
    const main = pod.containers.find((c: any) => c.name === spec.container);
    assert.deepEqual(main.command, ['/usr/bin/env', 'bash', '/opt/clearml/entrypoint.sh'], key);
    assert.deepEqual(main.args, [key], `${key}: args unchanged, so $1 is still the mode`);
    for (const profile of ['current_version', 'latest', 'enterprise']) {
      const root = byName(profile, spec.name).containers.find((c: any) => c.name === spec.container);
      assert.equal(root.command, undefined, `${profile}/${key}: the image's ENTRYPOINT`);
      assert.deepEqual(root.args, [key]);
    }
  }
  // The webserver: an emptyDir at /opt/clearml/utilities, filled by an init container of the same image and the pod's uid.
  const web = byName('non-root', STACK.webserver.name);
  const mount = web.containers[0].volumeMounts.find((m: any) => m.mountPath === '/opt/clearml/utilities');
  assert.deepEqual(web.volumes.find((v: any) => v.name === mount.name), { name: 'writable-opt-clearml-utilities', emptyDir: {} });
  const seed = web.initContainers.find((ic: any) => ic.volumeMounts.some((m: any) => m.name === mount.name));
  assert.deepEqual([seed.name, seed.image, seed.command, seed.securityContext.runAsUser], ['seed-opt-clearml-utilities', web.containers[0].image, ['cp', '-R', '/opt/clearml/utilities/.', '/seed/'], undefined]);
  assert.equal(web.securityContext.runAsUser, STACK_MODEL.get('webserver').nonRoot.uid, 'the seed runs as the pod\'s uid, which then owns the copy');
  // apiserver and fileserver get no copy; async delete keeps its model command; the databases keep their image's entrypoint.
  for (const key of ['apiserver', 'fileserver'] as const) assert.ok(!byName('non-root', STACK_MODEL.get(key).name).volumes.some((v: any) => v.name === 'writable-opt-clearml-utilities'), key);
  assert.deepEqual(byName('non-root', STACK_MODEL.get('asyncDelete').name).containers[0].command.slice(0, 3), ['python3', '-m', 'jobs.async_urls_delete']);
  for (const key of ['elasticsearch', 'mongodb', 'redis'] as const) assert.equal(byName('non-root', STACK_MODEL.get(key).name).containers[0].command, undefined, key);
});

test('issue 13 item 12: pre-population stays on with node storage and is off where the apiserver\'s /mnt/fileserver is not the fileserver\'s', () => {
  const enabled = (name: string) => deployments(name).find((d) => d.metadata.name === STACK.apiserver.name).spec.template.spec.containers[0].env.find((e: any) => e.name === PRE_POPULATE.enabledEnv).value;
  for (const name of ['current_version', 'latest', 'enterprise']) assert.equal(enabled(name), 'true', name);
  assert.equal(enabled('non-root'), 'false');
});

test('a profile that removes an object is refused with COMPOSE_OBJECT_REMOVED', () => {
  const parent = tree.overlays[0]!.intended;
  assert.throws(
    () => composeOverlay({ dir: 'overlays/x', parentDir: 'base', parentObjects: parent, desiredObjects: parent.slice(1), source: 'test' }),
    (e: unknown) => e instanceof ComposerError && e.code === 'COMPOSE_OBJECT_REMOVED' && e.message.includes(objectId(parent[0] as ManifestObject)),
  );
});

test('unknown profile names are refused with PROFILE_UNKNOWN', () => {
  assert.throws(() => profileByName('prod'), (e: unknown) => e instanceof ComposerError && e.code === 'PROFILE_UNKNOWN');
});

test('generated credentials are random, complete and shaped like ClearML keys', () => {
  const a = generateCredentialsSecret() as any;
  const b = generateCredentialsSecret() as any;
  assert.equal(a.kind, 'Secret');
  assert.deepEqual(Object.keys(a.stringData).sort(), CREDENTIAL_KEYS.map((c) => c.key).sort());
  for (const c of CREDENTIAL_KEYS) {
    assert.notEqual(a.stringData[c.key], b.stringData[c.key]);
    if (c.shape === 'fixedUsers') {
      const users = JSON.parse(a.stringData[c.key]);
      assert.deepEqual(users.map((u: any) => Object.keys(u)), [['username', 'password', 'name']]);
      assert.equal(users[0].username, 'admin');
      assert.match(users[0].password, /^[A-Za-z0-9]{24}$/);
    } else assert.match(a.stringData[c.key], c.shape === 'key' ? /^[A-Z0-9]{30}$/ : /^[A-Za-z0-9]{60}$/);
  }
});
