import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Namespace, Service } from 'kubernetes-models/v1';
import { baseObjects as baseObjectsOf, loadReleaseCatalog, objectId, PUBLIC_ENDPOINTS, renderBase as renderBaseOf, STACK } from '../src/index.ts';
import { parseManifests } from '../src/yaml.ts';

const catalog = loadReleaseCatalog({});
const renderBase = () => renderBaseOf(catalog);
const baseObjects = () => baseObjectsOf(catalog);

const MODELS: Record<string, new (data: any) => { validate(): void }> = { Deployment, Service, Namespace };

test('renderBase is byte-stable, LF-only, anchor-free and ends with one newline', () => {
  const first = renderBase();
  const second = renderBase();
  assert.deepEqual(first, second);
  for (const file of first) {
    assert.ok(file.content.endsWith('\n') && !file.content.endsWith('\n\n'), file.path);
    assert.ok(!file.content.includes('\r'), file.path);
    assert.doesNotMatch(file.content, /[&*]a\d+/, `${file.path} has YAML anchors`);
  }
  assert.deepEqual(
    first.map((f) => f.path),
    ['base/namespace.yaml', 'base/mongodb.yaml', 'base/elasticsearch.yaml', 'base/redis.yaml', 'base/apiserver.yaml', 'base/fileserver.yaml', 'base/webserver.yaml', 'base/async-delete.yaml', 'base/kustomization.yaml'],
  );
});

test('rendered files parse back to the base objects', () => {
  const parsed = renderBase()
    .filter((f) => !f.path.endsWith('kustomization.yaml'))
    .flatMap((f) => parseManifests(f.content, f.path));
  assert.deepEqual(parsed, baseObjects());
});

test('every base object validates against the kubernetes-models schema', () => {
  for (const object of baseObjects()) {
    const Model = MODELS[object.kind];
    assert.ok(Model, `no model for ${object.kind}`);
    assert.doesNotThrow(() => new Model(object).validate(), objectId(object));
  }
});

test('every namespaced object lives in clearml and carries the recommended labels', () => {
  for (const object of baseObjects()) {
    if (object.kind === 'Namespace') continue;
    assert.equal(object.metadata.namespace, 'clearml', objectId(object));
    for (const label of ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/component']) {
      assert.ok(object.metadata.labels?.[label], `${objectId(object)} lacks ${label}`);
    }
  }
});

test('NodePorts 30008/30080/30081 map to 8008/8080/8081 and to the named container port', () => {
  const objects = baseObjects() as any[];
  const expected = { api: [30008, 8008, 8008], app: [30080, 8080, 80], files: [30081, 8081, 8081] };
  for (const endpoint of PUBLIC_ENDPOINTS) {
    const component = STACK[endpoint.component];
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === component.name);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === component.name);
    const [nodePort, port, containerPort] = expected[endpoint.hostLabel];
    assert.equal(service.spec.type, 'NodePort');
    assert.equal(service.spec.ports[0].nodePort, nodePort);
    assert.equal(service.spec.ports[0].port, port);
    assert.equal(typeof service.spec.ports[0].targetPort, 'string', 'targetPort is a port name');
    const named = deployment.spec.template.spec.containers[0].ports.find((p: any) => p.name === service.spec.ports[0].targetPort);
    assert.equal(named.containerPort, containerPort);
  }
});

test('each Service selects exactly one workload (no apiserver / async-delete clash)', () => {
  const objects = baseObjects() as any[];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const selected = deployments.filter((d) => Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
    assert.deepEqual(selected.map((d) => d.metadata.name), [service.metadata.name]);
  }
});

test('pods set service hosts explicitly and disable service links', () => {
  const objects = baseObjects() as any[];
  const env = (name: string) => Object.fromEntries(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
  for (const d of objects.filter((o) => o.kind === 'Deployment')) assert.equal(d.spec.template.spec.enableServiceLinks, false, d.metadata.name);
  for (const name of [STACK.apiserver.name, STACK.asyncDelete.name]) {
    assert.equal(env(name).CLEARML_ELASTIC_SERVICE_HOST, STACK.elasticsearch.name);
    assert.equal(env(name).CLEARML_MONGODB_SERVICE_HOST, STACK.mongodb.name);
    assert.equal(env(name).CLEARML_REDIS_SERVICE_HOST, STACK.redis.name);
  }
  assert.equal(env(STACK.fileserver.name).CLEARML__hosts__api_server, 'http://clearml-apiserver:8008');
  assert.equal(env(STACK.webserver.name).NGINX_APISERVER_ADDRESS, 'http://clearml-apiserver:8008');
  assert.equal(env(STACK.webserver.name).NGINX_FILESERVER_ADDRESS, 'http://clearml-fileserver:8081');
});

test('apiserver is probed on /debug.ping; Elasticsearch gets its node prerequisites', () => {
  const objects = baseObjects() as any[];
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.apiserver.name).spec.template.spec.containers[0];
  assert.equal(api.readinessProbe.httpGet.path, '/debug.ping');
  assert.equal(api.livenessProbe.httpGet.path, '/debug.ping');
  const es = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === STACK.elasticsearch.name).spec.template.spec;
  const esEnv = Object.fromEntries(es.containers[0].env.map((e: any) => [e.name, e.value]));
  assert.equal(esEnv['discovery.type'], 'single-node');
  assert.equal(esEnv['bootstrap.memory_lock'], 'false');
  assert.match(es.initContainers[0].command.join(' '), /max_map_count/);
  assert.match(es.initContainers[0].command.join(' '), /262144/);
  assert.equal(es.securityContext.fsGroup, 1000);
});

test('node storage is hostPath under /opt/clearml on the node labelled app=clearml; scratch is emptyDir', () => {
  for (const d of baseObjects().filter((o) => o.kind === 'Deployment') as any[]) {
    const volumes = d.spec.template.spec.volumes ?? [];
    for (const v of volumes) {
      if (v.emptyDir) assert.deepEqual(Object.keys(v).sort(), ['emptyDir', 'name'], `${d.metadata.name}/${v.name}`);
      else assert.match(v.hostPath.path, /^\/opt\/clearml\//, `${d.metadata.name}/${v.name}`);
    }
    if (volumes.some((v: any) => v.hostPath)) assert.deepEqual(d.spec.template.spec.nodeSelector, { app: 'clearml' }, d.metadata.name);
  }
});

test('every image comes from the release catalog with a pinned tag', () => {
  const pinned = new Set(Object.values(catalog.images).map((i) => `${i.repository}:${i.tag}`));
  for (const d of baseObjects().filter((o) => o.kind === 'Deployment') as any[]) {
    for (const c of [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers]) {
      assert.ok(pinned.has(c.image), `${d.metadata.name}/${c.name}: ${c.image} is not in the catalog`);
      assert.doesNotMatch(c.image, /:latest$/);
    }
  }
});

test('the stack model: every connection names a registered component and one of its ports; every probe a declared port', async () => {
  const { STACK_MODEL } = await import('../src/index.ts');
  for (const c of STACK_MODEL.components) {
    for (const k of c.connections) {
      const target = STACK_MODEL.get(k.target);
      assert.ok(target.ports.some((p) => p.name === k.port), `${c.key} → ${k.target}:${k.port}`);
      assert.ok(k.source.length > 0);
    }
    for (const p of c.probes ? [c.probes.readiness, c.probes.liveness] : []) assert.ok(c.ports.some((port) => port.name === p.target.port), `${c.key} probe on ${p.target.port}`);
    if (c.storage.singleWriter) assert.equal(c.placement.strategy, 'Recreate', `${c.key} is a single writer`);
    if (c.resources.heap) assert.match(c.resources.heap.value, /-Xmx/);
  }
  assert.deepEqual(PUBLIC_ENDPOINTS.map((e) => [e.hostLabel, e.nodePort]), [['api', 30008], ['app', 30080], ['files', 30081]]);
});

test('issue 13 item 19: every component that connects to a database records how it reads that database\'s password, and only for databases it connects to', async () => {
  const { DATABASE_KEYS, STACK_MODEL } = await import('../src/index.ts');
  let clients = 0;
  for (const c of STACK_MODEL.components) {
    for (const a of c.databaseAccess) {
      assert.ok(c.connections.some((k) => k.target === a.target && k.form === 'host'), `${c.key} reads ${a.env} but does not connect to ${a.target}`);
      assert.match(a.source, /^clearml\/clearml-server@v2\.3\.0:\S+:\d/, `${c.key} ${a.env}`);
      assert.doesNotMatch(a.env, /^CLEARML__/, `${a.env}: a config path (parsed as HOCON), not a verbatim env`);
    }
    const names = c.databaseAccess.map((a) => `${a.target}/${a.carries}`);
    assert.equal(new Set(names).size, names.length, `${c.key}: one env per database and purpose`);
    for (const db of DATABASE_KEYS) {
      if (!c.connections.some((k) => k.target === db)) continue;
      clients++;
      assert.ok(c.databaseAccess.some((a) => a.target === db && a.carries === 'password'), `${c.key} connects to ${db} without a password env`);
    }
  }
  assert.equal(clients, 7, 'apiserver and async delete to all three databases, the fileserver to Redis');
  assert.deepEqual(STACK_MODEL.get('fileserver').databaseAccess.map((a) => a.env), ['CLEARML_REDIS_SERVICE_PASSWORD']);
});

test('formatReleaseCatalog reproduces the committed catalog byte for byte', async () => {
  const { readFileSync } = await import('node:fs');
  const { formatReleaseCatalog, RELEASE_CATALOG_FILE } = await import('../src/index.ts');
  assert.equal(formatReleaseCatalog(catalog), readFileSync(RELEASE_CATALOG_FILE, 'utf8'));
});

test('issue 13 item 8: the apiserver and async delete queue the in-cluster fileserver URL for deletion (not only Allegro\'s hosted domain)', () => {
  for (const name of ['clearml-apiserver', 'clearml-async-delete']) {
    const d = baseObjects().find((o) => o.kind === 'Deployment' && o.metadata.name === name) as any;
    const env = new Map(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    assert.equal(env.get('CLEARML__services__async_urls_delete__fileserver__url_prefixes'), `["http://${STACK.fileserver.name}:${STACK.fileserver.servicePort}"]`, name);
  }
});

test('the stack model: every start write is absolute, cited and under its writable directory; only the agents cannot run as non-root', async () => {
  const { STACK_MODEL, writableDirectories } = await import('../src/index.ts');
  for (const c of STACK_MODEL.components) {
    for (const w of c.image.writesAtStart) {
      assert.match(w.path, /^\//, `${c.key}: ${w.path}`);
      assert.ok(w.source.length > 10, `${c.key}: ${w.path} has a source`);
      if (w.writableDir !== null) assert.ok(w.path === w.writableDir || w.path.startsWith(`${w.writableDir}/`), `${c.key}: ${w.path} under ${w.writableDir}`);
      if (w.writableDir === null) assert.equal(w.seedFromImage, false, `${c.key}: nothing to seed where any uid writes`);
    }
  }
  assert.deepEqual(STACK_MODEL.components.filter((c) => c.image.nonRootBlocker).map((c) => c.key), ['agentK8sGlue', 'agentServices']);
  assert.deepEqual(writableDirectories(STACK_MODEL.get('webserver')).map((w) => [w.dir, w.seedFromImage]), [
    ['/var/log/clearml', false],
    ['/usr/share/nginx/html', true],
    ['/etc/nginx/sites-enabled', false],
    ['/run', false],
    ['/var/lib/nginx', false],
  ]);
});

test('the stack model: each image\'s entrypoint file and mode is recorded, and nonRoot.start is exactly what a non-root uid needs (interpreter for a file it cannot execute, an owned copy for each file the entrypoint executes directly)', async () => {
  const { STACK_MODEL, canExecute, modeString } = await import('../src/index.ts');
  // Linux permission classes: owner, else group, else other; root needs one execute bit.
  const file = { path: '/x', uid: 0, gid: 0, mode: 0o744, interpreter: null, source: 'test' };
  assert.deepEqual([canExecute(file, 0, [0]), canExecute(file, 1000, [1000]), canExecute(file, null, [1000]), canExecute({ ...file, uid: 1000 }, 1000, [1000])], [true, false, false, true]);
  assert.deepEqual([canExecute({ ...file, mode: 0o754 }, 1000, [0]), canExecute({ ...file, mode: 0o754 }, 1000, [1000]), canExecute({ ...file, mode: 0o644 }, 0, [0]), canExecute({ ...file, mode: 0o555 }, 999, [999])], [true, false, false, true]);
  assert.deepEqual([modeString(0o744), modeString(0o555), modeString(0o755)], ['rwxr--r--', 'r-xr-xr-x', 'rwxr-xr-x']);
  const base = STACK_MODEL.components.filter((c) => c.base);
  assert.deepEqual(base.filter((c) => !c.image.entrypoint).map((c) => c.key), [], 'every component the base renders records its image entrypoint');
  for (const c of base) {
    const entry = c.image.entrypoint!;
    assert.match(entry.file.source, /Dockerfile/, `${c.key}: the mode is cited at a Dockerfile`);
    const gids = [c.nonRoot.gid];
    const startsEntrypoint = c.entrypoint.command === undefined;
    const needsInterpreter = startsEntrypoint && !canExecute(entry.file, c.nonRoot.uid, gids);
    const blocked = startsEntrypoint ? (c.entrypoint.executes ?? []).filter((f) => !canExecute(f, c.nonRoot.uid, gids)) : [];
    const dirs = [...new Set(blocked.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))))];
    if (!needsInterpreter && dirs.length === 0) {
      assert.equal(c.nonRoot.start, undefined, `${c.key}: the image starts as its non-root uid as shipped`);
      continue;
    }
    assert.deepEqual(c.nonRoot.start?.command, needsInterpreter ? [...entry.file.interpreter!, entry.file.path] : null, `${c.key}: through the #! interpreter`);
    assert.deepEqual(c.nonRoot.start?.ownedCopies, dirs, `${c.key}: an owned copy of each directory of a file executed directly`);
    for (const f of blocked) assert.ok(canExecute({ ...f, uid: c.nonRoot.uid }, c.nonRoot.uid, gids), `${c.key}: the owner bit of ${f.path} lets the copy run`);
  }
  assert.deepEqual(base.filter((c) => c.nonRoot.start).map((c) => c.key), ['apiserver', 'webserver', 'fileserver']);
  assert.deepEqual(STACK_MODEL.get('webserver').nonRoot.start?.ownedCopies, ['/opt/clearml/utilities']);
  assert.deepEqual(base.map((c) => [c.key, modeString(c.image.entrypoint!.file.mode)]), [
    ['apiserver', 'rwxr--r--'],
    ['webserver', 'rwxr--r--'],
    ['fileserver', 'rwxr--r--'],
    ['asyncDelete', 'rwxr--r--'],
    ['elasticsearch', 'r-xr-xr-x'],
    ['mongodb', 'rwxr-xr-x'],
    ['redis', 'rwxr-xr-x'],
  ]);
});
