// The schema validator against real objects and the real libraries (kubernetes-models for types,
// required fields, enums and formats; @kubernetes/client-node for unknown fields), and against every
// object of the committed overlays as the real kustomize renders them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { loadSchemaValidator, type SchemaViolation } from '../src/schema.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const validator = await loadSchemaValidator();

const labels = { 'app.kubernetes.io/name': 'clearml', 'app.kubernetes.io/component': 'apiserver' };

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'clearml-apiserver', namespace: 'clearml', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
          containers: [
            {
              name: 'apiserver',
              image: 'allegroai/clearml:2.0.0',
              imagePullPolicy: 'IfNotPresent',
              args: ['apiserver'],
              ports: [{ name: 'http', containerPort: 8008, protocol: 'TCP' }],
              env: [
                { name: 'CLEARML_ELASTIC_SERVICE_HOST', value: 'clearml-elastic' },
                { name: 'CLEARML__SECURE__CREDENTIALS__APISERVER__USER_SECRET', valueFrom: { secretKeyRef: { name: 'clearml-conf', key: 'apiserver_secret' } } },
              ],
              resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2, memory: '2Gi' } },
              readinessProbe: { httpGet: { path: '/debug.ping', port: 'http' }, periodSeconds: 10 },
              volumeMounts: [{ name: 'logs', mountPath: '/var/log/clearml' }],
            },
          ],
          volumes: [{ name: 'logs', emptyDir: {} }],
        },
      },
    },
  };
}

const VALID: Record<string, unknown> = {
  Deployment: deployment(),
  Service: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'clearml-apiserver', namespace: 'clearml', labels },
    spec: { type: 'NodePort', selector: labels, ports: [{ name: 'http', port: 8008, targetPort: 'http', nodePort: 30008, protocol: 'TCP' }] },
  },
  Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'clearml', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  Ingress: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'clearml-app', namespace: 'clearml', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['app.clearml.example.com'], secretName: 'clearml-tls' }],
      rules: [
        {
          host: 'app.clearml.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'clearml-webserver', port: { number: 8080 } } } }] },
        },
      ],
    },
  },
  PersistentVolumeClaim: {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'clearml-fileserver-data', namespace: 'clearml' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '50Gi' } } },
  },
  Secret: {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'clearml-conf', namespace: 'clearml' },
    type: 'Opaque',
    data: { apiserver_secret: 'c2VjcmV0' },
    stringData: { apiserver_key: 'plain text' },
  },
  ConfigMap: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'clearml-env', namespace: 'clearml' },
    data: { CLEARML_REDIS_SERVICE_HOST: 'clearml-redis' },
  },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'clearml-agent', namespace: 'clearml' }, automountServiceAccountToken: false },
  Role: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'clearml-agent', namespace: 'clearml' },
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch', 'create', 'delete'] }],
  },
  RoleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'clearml-agent', namespace: 'clearml' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'clearml-agent' },
    subjects: [{ kind: 'ServiceAccount', name: 'clearml-agent', namespace: 'clearml' }],
  },
};

/** The violations of an object that must have a built-in schema. */
function violationsOf(object: unknown): SchemaViolation[] {
  const result = validator.validate(object);
  assert.ok(result, 'expected a built-in schema');
  return result;
}

/** The single violation at `path`. */
function only(object: unknown, path: string): SchemaViolation {
  const result = violationsOf(object);
  assert.deepEqual(result.map((v) => v.path), [path], JSON.stringify(result, null, 2));
  return result[0]!;
}

const CONTAINER = '/spec/template/spec/containers/0';

test('valid objects of every kind the stack uses have no violations', () => {
  for (const [kind, object] of Object.entries(VALID)) {
    assert.deepEqual(validator.validate(object), [], kind);
  }
});

test('loading is cached', async () => {
  assert.equal(await loadSchemaValidator(), validator);
});

test('an unknown field in a container names the path, the schema and the likely spelling', () => {
  const object = deployment();
  object.spec.template.spec.containers[0].imagePullPolcy = 'Always';
  const v = only(object, `${CONTAINER}/imagePullPolcy`);
  assert.match(v.message, /^unknown field "imagePullPolcy" in io\.k8s\.api\.core\.v1\.Container/);
  assert.match(v.message, /did you mean "imagePullPolicy"\?/);
  assert.match(v.message, /\(known: imagePullPolicy, /);
  assert.ok(!v.message.includes('\n'));
  assert.equal((v.message.match(/, /g) ?? []).length <= 10, true, 'at most ~8 known fields');
  assert.match(v.hint, /imagePullPolicy/);
});

test('an unknown top-level spec field of a Service', () => {
  const object = structuredClone(VALID.Service) as Record<string, any>;
  object.spec.sessionAfinity = 'ClientIP';
  const v = only(object, '/spec/sessionAfinity');
  assert.match(v.message, /in io\.k8s\.api\.core\.v1\.ServiceSpec, did you mean "sessionAffinity"\?/);
});

test('an unknown field under metadata', () => {
  const object = structuredClone(VALID.ConfigMap) as Record<string, any>;
  object.metadata.lables = { a: 'b' };
  const v = only(object, '/metadata/lables');
  assert.match(v.message, /in io\.k8s\.apimachinery\.pkg\.apis\.meta\.v1\.ObjectMeta, did you mean "labels"\?/);
});

test('an unknown field far from any known one gets no suggestion but a kubectl explain hint', () => {
  const object = structuredClone(VALID.ConfigMap) as Record<string, any>;
  object.metadata.owner = 'team-ml';
  const v = only(object, '/metadata/owner');
  assert.doesNotMatch(v.message, /did you mean/);
  assert.match(v.hint, /kubectl explain configmap\.metadata/);
});

test('an unknown field inside env valueFrom.secretKeyRef', () => {
  const object = deployment();
  object.spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.secretName = 'clearml-conf';
  const v = only(object, `${CONTAINER}/env/1/valueFrom/secretKeyRef/secretName`);
  assert.match(v.message, /in io\.k8s\.api\.core\.v1\.SecretKeySelector/);
  assert.match(v.message, /known: .*name/);
});

test('a field at the wrong level is unknown there (kustomize patches often misplace them)', () => {
  const object = deployment();
  object.spec.containers = object.spec.template.spec.containers;
  const v = only(object, '/spec/containers');
  assert.match(v.message, /in io\.k8s\.api\.apps\.v1\.DeploymentSpec/);
  assert.match(v.hint, /kubectl explain deployment\.spec/);
});

test('a wrong type: containerPort "abc"', () => {
  const object = deployment();
  object.spec.template.spec.containers[0].ports[0].containerPort = 'abc';
  const v = only(object, `${CONTAINER}/ports/0/containerPort`);
  assert.equal(v.message, 'must be integer, received string "abc"');
});

test('a quoted number and an unquoted boolean string get YAML hints', () => {
  const object = deployment();
  object.spec.replicas = '2';
  object.metadata.labels = { ...labels, critical: true };
  const result = violationsOf(object);
  assert.deepEqual(result.map((v) => v.path), ['/metadata/labels/critical', '/spec/replicas']);
  assert.match(result[0]!.hint, /Quote the value/);
  assert.match(result[1]!.hint, /without quotes/);
});

test('a missing required field: a container without a name', () => {
  const object = deployment();
  delete object.spec.template.spec.containers[0].name;
  const v = only(object, `${CONTAINER}/name`);
  assert.equal(v.message, 'missing required field "name"');
});

test('a bad enum value, with a suggestion when the spelling is close', () => {
  const object = deployment();
  object.spec.template.spec.containers[0].imagePullPolicy = 'ifnotpresent';
  const v = only(object, `${CONTAINER}/imagePullPolicy`);
  assert.match(v.message, /^must be one of Always, IfNotPresent, Never, received string "ifnotpresent", did you mean "IfNotPresent"\?$/);

  const service = structuredClone(VALID.Service) as Record<string, any>;
  service.spec.ports[0].protocol = 'HTTP';
  assert.match(only(service, '/spec/ports/0/protocol').message, /^must be one of SCTP, TCP, UDP, received string "HTTP"$/);
});

test('int-or-string and quantity failures are reported once per path', () => {
  const object = deployment();
  object.spec.strategy.rollingUpdate.maxUnavailable = true;
  object.spec.template.spec.containers[0].resources.limits.memory = '2 GB';
  const result = violationsOf(object);
  assert.deepEqual(result.map((v) => v.path), ['/spec/strategy/rollingUpdate/maxUnavailable', `${CONTAINER}/resources/limits/memory`]);
  assert.equal(result[0]!.message, 'must be string or integer, received boolean true');
  assert.match(result[1]!.message, /format "quantity", received string "2 GB"/);
  assert.match(result[1]!.hint, /1Gi/);
});

test('JSON pointers escape "/" and "~" in keys', () => {
  const object = structuredClone(VALID.ConfigMap) as Record<string, any>;
  object.metadata.annotations = { 'example.com/a~b': 1 };
  only(object, '/metadata/annotations/example.com~1a~0b');
});

test('several problems in one object are all reported, none twice', () => {
  const object = deployment();
  const container = object.spec.template.spec.containers[0];
  delete container.name;
  container.imagePullPolcy = 'Always';
  container.ports[0].containerPort = 'abc';
  object.spec.template.spec.restartPolicy = 'Sometimes';
  const paths = violationsOf(object).map((v) => v.path);
  assert.deepEqual(new Set(paths).size, paths.length);
  assert.deepEqual(
    [...paths].sort(),
    [`${CONTAINER}/imagePullPolcy`, `${CONTAINER}/name`, `${CONTAINER}/ports/0/containerPort`, '/spec/template/spec/restartPolicy'],
  );
});

test('properties set to undefined count as absent', () => {
  const object = deployment();
  object.spec.template.spec.containers[0].workingDir = undefined;
  object.spec.paused = undefined;
  assert.deepEqual(violationsOf(object), []);
});

test('kinds without a schema yield null: custom resources, unknown groups and kinds', () => {
  assert.equal(validator.validate({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' }, spec: {} }), null);
  assert.equal(validator.validate({ apiVersion: 'cert-manager.io/v1', kind: 'Certficate', metadata: { name: 'x' } }), null, 'a kind cert-manager does not have');
  // A CRD group that reuses a built-in kind name is still a custom resource.
  assert.equal(validator.validate({ apiVersion: 'example.com/v1', kind: 'Deployment', spec: { anything: 1 } }), null);
  assert.equal(validator.validate({ apiVersion: 'apps/v1', kind: 'Deploymnt', metadata: { name: 'x' } }), null);
  assert.equal(validator.validate({ apiVersion: 'apps/v7', kind: 'Deployment' }), null);
  assert.equal(validator.validate({ apiVersion: '../../etc/v1', kind: 'Passwd' }), null);
  // The CustomResourceDefinition itself is built in.
  assert.deepEqual(
    validator.validate({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Thing', plural: 'things' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    }),
    [],
  );
});

test('cert-manager kinds are checked against cert-manager\'s CRD schemas (@kubernetes-models/cert-manager): types, required fields, enums', () => {
  // The cloud site's Certificate (fixtures/sites/cloud/expected/certificates.yaml).
  const [certificate] = parseManifests(readFileSync(path.join(ROOT, 'fixtures/sites/cloud/expected/certificates.yaml'), 'utf8'), 'certificates.yaml') as Record<string, any>[];
  assert.equal(certificate!.kind, 'Certificate');
  assert.deepEqual(validator.validate(certificate), []);
  const broken = structuredClone(certificate!);
  delete broken.spec.secretName;
  broken.spec.dnsNames = 'api.clearml.acme.io';
  broken.spec.privateKey = { algorithm: 'rsa' };
  const violations = validator.validate(broken)!;
  assert.deepEqual(violations.map((v) => v.path), ['/spec/secretName', '/spec/dnsNames', '/spec/privateKey/algorithm']);
  assert.match(violations[2]!.message, /did you mean "RSA"/);
  assert.deepEqual(validator.validate({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-prod' }, spec: { selfSigned: {} } }), []);
});

test('groups with a kind of the same name resolve to their own schema', () => {
  const coreEvent = validator.validate({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: {}, note: 'x' });
  assert.deepEqual(coreEvent?.map((v) => v.path), ['/note']);
  assert.match(coreEvent![0]!.message, /io\.k8s\.api\.core\.v1\.Event/);
  const eventsEvent = validator.validate({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2024-01-31T12:00:00.000000Z', note: 'x' });
  assert.deepEqual(eventsEvent, []);
});

test('API versions removed from Kubernetes 1.34 get type checks only', () => {
  const legacy = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'x' }, spec: { backend: { serviceName: 'web', servicePort: 80 }, legacyField: 1 } };
  assert.deepEqual(validator.validate(legacy), []);
  const wrongType = { ...legacy, spec: { rules: 'none' } };
  assert.deepEqual(validator.validate(wrongType)?.map((v) => v.path), ['/spec/rules']);
});

test('input that is not a Kubernetes object yields violations, never a throw', () => {
  for (const input of [null, undefined, 42, 'kind: Pod', [], [VALID.Namespace]]) {
    const result = validator.validate(input);
    assert.equal(result?.length, 1, String(input));
    assert.equal(result[0]!.path, '');
    assert.match(result[0]!.message, /^must be a Kubernetes object/);
  }
  assert.deepEqual(validator.validate({ metadata: { name: 'x' } })?.map((v) => [v.path, v.message]), [
    ['/apiVersion', 'missing required field "apiVersion"'],
    ['/kind', 'missing required field "kind"'],
  ]);
  assert.deepEqual(validator.validate({ apiVersion: 'v1', kind: 7 })?.map((v) => [v.path, v.message]), [['/kind', 'must be string, received number 7']]);
  const cyclic: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
  cyclic.data = cyclic;
  const result = validator.validate(cyclic);
  assert.ok(result && result.length > 0);
});

const OVERLAYS = ['overlays/current_version', 'overlays/latest', 'overlays/enterprise', 'overlays/non-root'];
const kubectl = await execa('kubectl', ['version', '--client'], { reject: false });
const skip = kubectl.exitCode === 0 ? false : 'kubectl is not on PATH';

test('every object of the committed overlays, rendered by kustomize, is schema-valid', { skip }, async (t) => {
  const rendered = await Promise.all(OVERLAYS.map((dir) => execa('kubectl', ['kustomize', dir], { cwd: ROOT })));
  const objects: unknown[] = [];
  const failures: Array<{ overlay: string; object: string; violations: SchemaViolation[] | null }> = [];
  rendered.forEach(({ stdout }, index) => {
    const overlay = OVERLAYS[index]!;
    for (const object of parseManifests(stdout, `<kubectl kustomize ${overlay}>`)) {
      objects.push(object);
      const { kind, metadata } = object as { kind?: string; metadata?: { name?: string } };
      const violations = validator.validate(object);
      if (violations === null || violations.length > 0) failures.push({ overlay, object: `${kind}/${metadata?.name}`, violations });
    }
  });
  assert.ok(objects.length >= 4 * 14, `rendered ${objects.length} objects`);
  assert.deepEqual(failures, []);

  const rounds = 2000;
  for (const object of objects) validator.validate(object); // warm up
  const started = performance.now();
  for (let i = 0; i < rounds; i++) validator.validate(objects[i % objects.length]);
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(`schema validation throughput: ${Math.round(rounds / seconds)} objects/s (${rounds} validations of ${objects.length} rendered objects)`);
});

// The site spec's closed Affinity schema is hand-written (so editors complete it and compose rejects
// misspelt fields); its field lists must stay those of the Kubernetes API.
test('the site schema\'s Affinity types have exactly the fields of the Kubernetes models', async () => {
  const k8s = await import('@kubernetes/client-node');
  const { SITE_SCHEMA } = await import('@clearml-k8s/overlay-composer');
  const defs = (SITE_SCHEMA as any).definitions;
  const affinity = defs.affinity.properties;
  const pairs: [string, any, { getAttributeTypeMap(): { baseName: string }[] }][] = [
    ['affinity', defs.affinity, k8s.V1Affinity],
    ['nodeAffinity', affinity.nodeAffinity, k8s.V1NodeAffinity],
    ['nodeSelector', affinity.nodeAffinity.properties.requiredDuringSchedulingIgnoredDuringExecution, k8s.V1NodeSelector],
    ['preferredSchedulingTerm', affinity.nodeAffinity.properties.preferredDuringSchedulingIgnoredDuringExecution.items, k8s.V1PreferredSchedulingTerm],
    ['nodeSelectorTerm', defs.nodeSelectorTerm, k8s.V1NodeSelectorTerm],
    ['nodeSelectorRequirement', defs.nodeSelectorRequirement, k8s.V1NodeSelectorRequirement],
    ['labelSelector', defs.labelSelector, k8s.V1LabelSelector],
    ['labelSelectorRequirement', defs.labelSelectorRequirement, k8s.V1LabelSelectorRequirement],
    ['podAffinityTerm', defs.podAffinityTerm, k8s.V1PodAffinityTerm],
    ['weightedPodAffinityTerm', defs.weightedPodAffinityTerm, k8s.V1WeightedPodAffinityTerm],
    ['podAffinity', defs.podAffinity, k8s.V1PodAffinity],
    ['podAntiAffinity', defs.podAffinity, k8s.V1PodAntiAffinity],
  ];
  for (const [name, schema, model] of pairs) {
    assert.equal(schema.additionalProperties, false, `${name} is closed`);
    assert.deepEqual(Object.keys(schema.properties).sort(), model.getAttributeTypeMap().map((a) => a.baseName).sort(), name);
  }
});
