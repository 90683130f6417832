import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import { Ajv } from 'ajv';
import { composeTree } from '../src/compose-tree.ts';
import { SITE_SPEC_ERROR_CODES, SiteSpecError, type SiteSpecErrorCode } from '../src/site/site-error.ts';
import { SITE_SCHEMA, siteSchemaFile } from '../src/site/site-schema.ts';
import type { SiteSpec } from '../src/site/site-spec.ts';
import { parseSiteSpec, siteSpecErrors, validateSiteName } from '../src/site/validate-site.ts';

const FIXTURES = new URL('../../../fixtures/sites-invalid/', import.meta.url);
const overlays = composeTree(loadReleaseCatalog()).overlays;
const parentOf = (profile: string | undefined) => ({ parentObjects: (overlays.find((o) => o.profile.name === profile) ?? overlays.find((o) => o.profile.name === 'current_version'))!.intended });
const contextOf = (text: string) => parentOf(/^profile:\s*(\S+)/m.exec(text)?.[1]);

/** Each invalid fixture: the code, JSON pointer and line of the first error. */
const EXPECTED: Record<string, [SiteSpecErrorCode, string, number]> = {
  'cpu-quantity-word': ['SITE_QUANTITY', '/components/apiserver/resources/requests/cpu', 7],
  'cpu-unquoted-number': ['SITE_TYPE', '/components/webserver/resources/limits/cpu', 7],
  'domain-single-label': ['SITE_DNS_NAME', '/ingress/domain', 4],
  'domain-with-underscore': ['SITE_DNS_NAME', '/ingress/domain', 5],
  'empty-file': ['SITE_TYPE', '', 1],
  'env-var-name-invalid': ['SITE_ENV_NAME', '/components/apiserver/extraEnv/2FA_ENABLED', 7],
  'external-mongodb-port-70000': ['SITE_PORT_RANGE', '/external/mongodb/port', 6],
  'external-mongodb-with-storage-size': ['SITE_CONFLICT', '/storage/sizes/mongodb', 9],
  'external-redis-host-invalid': ['SITE_DNS_NAME', '/external/redis/host', 5],
  // Issue 13 item 19: credentials and connection strings only as Secret references, in combinations the server reads.
  'external-mongodb-host-and-connection-string': ['SITE_CONFLICT', '/external/mongodb/connectionStringSecret', 6],
  'external-mongodb-without-host': ['SITE_REQUIRED', '/external/mongodb/host', 4],
  'external-mongodb-port-with-connection-string': ['SITE_CONFLICT', '/external/mongodb/port', 8],
  'external-mongodb-auth-source-without-credentials': ['SITE_CONFLICT', '/external/mongodb/authSource', 6],
  'external-mongodb-auth-source-invalid': ['SITE_DATABASE_NAME', '/external/mongodb/authSource', 8],
  'external-mongodb-credentials-in-host': ['SITE_DNS_NAME', '/external/mongodb/host', 5],
  'external-redis-password-literal': ['SITE_UNKNOWN_FIELD', '/external/redis/password', 6],
  'external-elasticsearch-secret-key-invalid': ['SITE_K8S_NAME', '/external/elasticsearch/credentialsSecret/passwordKey', 8],
  'external-elasticsearch-same-username-and-password-key': ['SITE_CONFLICT', '/external/elasticsearch/credentialsSecret/usernameKey', 8],
  'host-path-root-relative': ['SITE_HOST_PATH', '/storage/hostPathRoot', 5],
  // Issue 15, hardening: NetworkPolicies need the ingress controller's selectors on Ingress sites, and only there.
  'network-policies-without-ingress-controller': ['SITE_REQUIRED', '/networkPolicies/ingressController', 6],
  'network-policies-ingress-controller-with-node-port': ['SITE_CONFLICT', '/networkPolicies/ingressController', 5],
  'network-policies-every-namespace': ['SITE_NETWORK_POLICY', '/networkPolicies/ingressController/namespaceSelector', 9],
  'priority-class-name-invalid': ['SITE_K8S_NAME', '/placement/priorityClassName', 4],
  'read-only-root-filesystem-on-current-version': ['SITE_CONFLICT', '/readOnlyRootFilesystem', 3],
  'host-path-root-with-pvc': ['SITE_CONFLICT', '/storage/hostPathRoot', 6],
  'image-tag-with-space': ['SITE_IMAGE', '/images/overrides/clearmlServer/tag', 6],
  'ingress-domain-and-hosts': ['SITE_CONFLICT', '/ingress/hosts', 5],
  'cert-manager-issuer-and-cluster-issuer': ['SITE_CERT_MANAGER', '/ingress/annotations/cert-manager.io~1cluster-issuer', 8],
  'cert-manager-without-tls': ['SITE_CERT_MANAGER', '/ingress/annotations/cert-manager.io~1cluster-issuer', 8],
  'ingress-hosts-missing-files': ['SITE_REQUIRED', '/ingress/hosts/files', 4],
  'ingress-with-expose-node-port': ['SITE_CONFLICT', '/ingress', 3],
  'ingress-without-domain': ['SITE_REQUIRED', '/ingress/domain', 4],
  'missing-profile': ['SITE_REQUIRED', '/profile', 2],
  'misspelt-storage-class-key': ['SITE_UNKNOWN_FIELD', '/storage/storageClas', 5],
  'namespace-uppercase': ['SITE_K8S_NAME', '/namespace', 3],
  'node-port-40000': ['SITE_NODE_PORT_RANGE', '/nodePorts/files', 4],
  'node-port-80': ['SITE_NODE_PORT_RANGE', '/nodePorts/api', 5],
  'node-port-equals-other-default': ['SITE_NODE_PORT_DUPLICATE', '/nodePorts/files', 4],
  'node-port-quoted-string': ['SITE_TYPE', '/nodePorts/api', 4],
  'node-ports-equal': ['SITE_NODE_PORT_DUPLICATE', '/nodePorts/app', 5],
  'node-ports-on-enterprise': ['SITE_CONFLICT', '/nodePorts', 3],
  'enterprise-expose-node-port': ['SITE_CONFLICT', '/expose', 3],
  'agents-on-non-root': ['SITE_CONFLICT', '/agents', 6],
  'agent-services-without-docker-engine-nodes': ['SITE_REQUIRED', '/agents/services', 9],
  'agent-services-docker-engine-nodes-empty': ['SITE_CONFLICT', '/agents/services/dockerEngineNodes/nodeSelector', 11],
  'agents-without-credentials': ['SITE_REQUIRED', '/agents', 3],
  'agents-queue-twice': ['SITE_CONFLICT', '/agents/queues/1/name', 8],
  'agents-image-latest': ['SITE_IMAGE', '/agents/defaultImage', 6],
  'apiserver-replicas-with-claims': ['SITE_CONFLICT', '/components/apiserver/replicas', 7],
  'non-root-host-path': ['SITE_CONFLICT', '/storage/type', 4],
  'node-ports-with-ingress': ['SITE_CONFLICT', '/nodePorts', 6],
  'node-selector-label-key-invalid': ['SITE_LABEL', '/placement/nodeSelector/clearml node', 5],
  'not-a-mapping': ['SITE_TYPE', '', 2],
  'patch-add-missing-parent': ['SITE_PATCH_PATH', '/patches/0/operations/0/path', 9],
  'patch-add-without-value': ['SITE_REQUIRED', '/patches/0/operations/0/value', 8],
  'patch-op-update': ['SITE_ENUM', '/patches/0/operations/0/op', 8],
  'patch-path-not-pointer': ['SITE_JSON_POINTER', '/patches/0/operations/0/path', 9],
  'patch-remove-missing-path': ['SITE_PATCH_PATH', '/patches/0/operations/0/path', 9],
  'patch-remove-with-value': ['SITE_UNKNOWN_FIELD', '/patches/0/operations/0/value', 10],
  'patch-replace-missing-path': ['SITE_PATCH_PATH', '/patches/0/operations/0/path', 9],
  'patch-target-matches-nothing': ['SITE_PATCH_TARGET', '/patches/0/target/kind', 5],
  'patch-target-removed-by-external': ['SITE_CONFLICT', '/patches/0/target', 7],
  'patch-test-value-differs': ['SITE_PATCH_TEST', '/patches/0/operations/0/value', 10],
  'profile-not-in-enum': ['SITE_ENUM', '/profile', 2],
  'pull-secret-invalid-name': ['SITE_K8S_NAME', '/images/pullSecrets/1', 7],
  'registry-with-scheme': ['SITE_IMAGE', '/images/registry', 4],
  'replicas-on-elasticsearch': ['SITE_REPLICAS_UNSAFE', '/components/elasticsearch/replicas', 7],
  'replicas-on-mongodb': ['SITE_REPLICAS_UNSAFE', '/components/mongodb/replicas', 5],
  'replicas-zero': ['SITE_RANGE', '/components/webserver/replicas', 5],
  'size-quantity-10GB': ['SITE_QUANTITY', '/storage/sizes/mongodb', 7],
  'storage-class-with-host-path': ['SITE_CONFLICT', '/storage/storageClass', 5],
  'storage-missing-type': ['SITE_REQUIRED', '/storage/type', 3],
  'tls-secret-invalid-name': ['SITE_K8S_NAME', '/ingress/tlsSecret', 5],
  'toleration-bad-operator': ['SITE_ENUM', '/placement/tolerations/0/operator', 6],
  'toleration-seconds-without-no-execute': ['SITE_CONFLICT', '/placement/tolerations/0/tolerationSeconds', 8],
  'unknown-top-level-key': ['SITE_UNKNOWN_FIELD', '/replicas', 4],
  'yaml-bad-indentation': ['SITE_YAML_INVALID', '', 4],
  // Specs that used to compose and break later (issue 11, item 12), hostPath without a pinned node (item 13), YAML traps (item 8, 17).
  'agents-queue-name-too-long': ['SITE_K8S_NAME', '/agents/queues/0/name', 7],
  'size-zero': ['SITE_RANGE', '/storage/sizes/fileserver', 6],
  'image-override-tag-latest': ['SITE_IMAGE', '/images/overrides/clearmlServer/tag', 6],
  'ingress-hosts-identical': ['SITE_CONFLICT', '/ingress/hosts/app', 6],
  'affinity-misspelt-field': ['SITE_UNKNOWN_FIELD', '/placement/affinity/nodeAffinity/requiredDuringScheduling', 6],
  'affinity-bad-operator': ['SITE_ENUM', '/placement/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0/operator', 10],
  'replicas-above-int32': ['SITE_RANGE', '/components/apiserver/replicas', 5],
  'host-path-empty-node-selector': ['SITE_CONFLICT', '/placement/nodeSelector', 6],
  'yaml-unresolved-alias': ['SITE_YAML_INVALID', '', 2],
  'yaml-alias-bomb': ['SITE_YAML_INVALID', '', 4],
  'node-port-infinity': ['SITE_TYPE', '/nodePorts/app', 4],
  'yaml-duplicate-key': ['SITE_YAML_INVALID', '', 4],
  // Issue 15: the fields Helm users configure.
  'service-on-mongodb': ['SITE_CONFLICT', '/components/mongodb/service', 5],
  'service-account-on-redis': ['SITE_CONFLICT', '/components/redis/serviceAccount', 5],
  'load-balancer-source-range-invalid': ['SITE_CIDR', '/components/webserver/service/loadBalancerSourceRanges/0', 8],
  'load-balancer-source-ranges-without-type': ['SITE_CONFLICT', '/components/apiserver/service/loadBalancerSourceRanges', 6],
  'extra-config-file-not-conf': ['SITE_CONFIG_FILE', '/components/apiserver/extraConfig/files/0', 8],
  'extra-config-without-source': ['SITE_REQUIRED', '/components/fileserver/extraConfig/configMap', 5],
  'extra-config-on-webserver': ['SITE_CONFLICT', '/components/webserver/extraConfig', 5],
  'pod-label-of-selector': ['SITE_CONFLICT', '/components/webserver/podLabels/app.kubernetes.io~1name', 6],
  'component-node-selector-with-node-storage': ['SITE_CONFLICT', '/components/mongodb/nodeSelector', 5],
  'ingress-endpoint-path-relative': ['SITE_INGRESS_PATH', '/ingress/endpoints/files/path', 8],
  'ingress-endpoint-cert-manager-annotation': ['SITE_CERT_MANAGER', '/ingress/endpoints/api/annotations/cert-manager.io~1cluster-issuer', 9],
  'existing-claim-sub-path-without-claim': ['SITE_CONFLICT', '/storage/existingClaimSubPaths/mongodb', 6],
  'load-balancer-behind-ingress': ['SITE_CONFLICT', '/components/webserver/service/type', 6],
  'image-pull-policy-always-pinned': ['SITE_CONFLICT', '/components/apiserver/imagePullPolicy', 5],
  'extra-volume-mount-unknown-volume': ['SITE_REQUIRED', '/components/webserver/extraVolumeMounts/0/name', 9],
  'extra-volume-two-sources': ['SITE_CONFLICT', '/components/apiserver/extraVolumes/0/emptyDir', 7],
  'extra-volume-mount-path-taken': ['SITE_CONFLICT', '/components/apiserver/extraVolumeMounts/0/mountPath', 10],
  'liveness-before-readiness': ['SITE_CONFLICT', '/components/apiserver/livenessProbe', 5],
  // Issue 15, GitOps: gitops fields that fit the tool, credentials made in the cluster from one source.
  'gitops-repo-url-with-token': ['SITE_GITOPS', '/gitops/repoURL', 5],
  'gitops-argocd-without-repo-url': ['SITE_REQUIRED', '/gitops/repoURL', 3],
  'gitops-interval-on-argocd': ['SITE_GITOPS', '/gitops/interval', 6],
  'gitops-flux-repo-url-and-source-ref': ['SITE_GITOPS', '/gitops/sourceRef', 6],
  'external-secret-remote-key-with-space': ['SITE_SECRET_STORE', '/credentials/externalSecret/remoteKey', 8],
  'credentials-external-and-sealed-secret': ['SITE_SECRET_STORE', '/credentials/sealedSecret', 9],
  'external-secret-without-credentials-secret': ['SITE_REQUIRED', '/credentials/externalSecret', 4],
};

const fixtureNames = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();

test('every invalid fixture is in the table and every table entry has a fixture', () => {
  assert.ok(fixtureNames.length >= 25, `only ${fixtureNames.length} fixtures`);
  assert.deepEqual(fixtureNames, Object.keys(EXPECTED).sort());
  const covered = new Set(Object.values(EXPECTED).map(([code]) => code));
  const cliLevel = new Set(['SITE_EXISTS', 'SITE_NAME_INVALID']);
  assert.deepEqual(Object.keys(SITE_SPEC_ERROR_CODES).filter((c) => !cliLevel.has(c) && !covered.has(c as SiteSpecErrorCode)), []);
});

for (const name of fixtureNames) {
  test(`invalid fixture ${name}`, () => {
    const file = `fixtures/sites-invalid/${name}.yaml`;
    const text = readFileSync(new URL(`${name}.yaml`, FIXTURES), 'utf8');
    const [code, path, line] = EXPECTED[name] ?? assert.fail(`${name} is not in the table`);
    assert.throws(() => parseSiteSpec(text, file, contextOf(text)), (error: unknown) => {
      assert.ok(error instanceof SiteSpecError, String(error));
      assert.deepEqual({ code: error.code, path: error.path, line: error.line }, { code, path, line }, error.message);
      assert.ok(error.column >= 1);
      assert.ok(error.message.startsWith(`${file}:${line}:${error.column}: `), error.message);
      assert.match(error.message, /expected .+, received .+; .+/);
      return true;
    });
    assert.equal(siteSpecErrors(text, file, contextOf(text)).length, 1, 'one defect per fixture');
  });
}

test('messages read file:line:column: path: expected, received; hint', () => {
  const text = readFileSync(new URL('node-port-80.yaml', FIXTURES), 'utf8');
  assert.throws(() => parseSiteSpec(text, 'overlays/sites/acme/site.yaml', contextOf(text)), {
    message: 'overlays/sites/acme/site.yaml:5:8: /nodePorts/api: expected a NodePort in 30000-32767, received 80; pick a free port in 30000-32767 or drop the field to keep 30008',
  });
});

test('the first error in document order is reported; siteSpecErrors lists all', () => {
  const text = 'profile: current_version\nnamespace: Acme\nnodePorts:\n  api: 80\nstorag: {}\n';
  const errors = siteSpecErrors(text, 'site.yaml', contextOf(text));
  assert.deepEqual(errors.map((e) => [e.code, e.path, e.line]), [['SITE_K8S_NAME', '/namespace', 2], ['SITE_NODE_PORT_RANGE', '/nodePorts/api', 4], ['SITE_UNKNOWN_FIELD', '/storag', 5]]);
  assert.match(errors[2]!.hint, /did you mean "storage"/);
  assert.throws(() => parseSiteSpec(text, 'site.yaml', contextOf(text)), { code: 'SITE_K8S_NAME' });
});

// ---- valid specs ----

const MINIMAL = 'profile: current_version\n';

const FULL_NODE_PORT: SiteSpec = {
  profile: 'current_version',
  namespace: 'clearml-acme',
  expose: 'nodePort',
  nodePorts: { api: 30108, app: 30180, files: 30181 },
  publicUrls: { api: 'http://10.0.0.5:30108', app: 'http://10.0.0.5:30180', files: 'http://10.0.0.5:30181' },
  placement: {
    nodeSelector: { 'node-role.kubernetes.io/clearml': '', app: 'clearml-acme' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'clearml', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists' }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['old-node'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disktype', operator: 'Exists' }] } }],
      },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, namespaces: ['clearml'], topologyKey: 'kubernetes.io/hostname', matchLabelKeys: ['pod-template-hash'] }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'NotIn', values: ['other'] }] }, namespaceSelector: {}, topologyKey: 'topology.kubernetes.io/zone', mismatchLabelKeys: ['tenant'] } }],
      },
    },
    priorityClassName: 'clearml-high',
  },
  networkPolicies: { enabled: true },
  storage: { type: 'hostPath', hostPathRoot: '/data/clearml' },
  images: {
    registry: 'registry.acme.internal:5000/mirror',
    overrides: {
      clearmlServer: { repository: 'acme/clearml-server', tag: '2.3.0-acme.1' },
      elasticsearch: { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.17.0' },
      mongo: { repository: 'library/mongo', tag: '7.0.22' },
      redis: { repository: 'library/redis', tag: '7.4.1-alpine' },
      agentK8sGlue: { repository: 'acme/clearml-agent-k8s-base', tag: '1.24-21' },
    },
    pullSecrets: ['acme-registry', 'acme.mirror'],
  },
  components: {
    apiserver: { replicas: 2, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } }, extraEnv: { CLEARML__logging__level: 'DEBUG', 'my.setting': '1' } },
    webserver: { replicas: 3 },
    fileserver: { resources: { limits: { memory: '1.5Gi' } } },
    asyncDelete: { extraEnv: { _DEBUG: 'true' } },
    elasticsearch: { resources: { requests: { cpu: '1', memory: '4Gi' } } },
    mongodb: { resources: { limits: { cpu: '750m' } }, priorityClassName: 'system-cluster-critical' },
    redis: { resources: { requests: { memory: '256M' } } },
  },
  credentials: { secret: 'clearml-internal-credentials', fixedUsersSecret: 'clearml-fixed-users' },
  agents: {
    defaultImage: 'python:3.11-slim',
    listNamespaces: true,
    services: { tag: '1.9.2', dockerEngineNodes: { nodeSelector: { 'acme.example/container-runtime': 'docker' } } },
    queues: [
      { name: 'cpu', resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4' } }, env: { PIP_INDEX_URL: 'https://pypi.acme.internal/simple' } },
      { name: 'gpu', image: 'nvidia/cuda:12.4.1-runtime-ubuntu22.04', gpus: 2, resources: { limits: { memory: '32Gi' } }, nodeSelector: { pool: 'a100' }, tolerations: [{ key: 'pool', operator: 'Equal', value: 'a100', effect: 'NoSchedule' }] },
    ],
  },
  patches: [
    {
      target: { kind: 'Deployment', name: 'clearml-apiserver' },
      operations: [
        { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'apiserver' },
        { op: 'add', path: '/metadata/annotations', value: { 'acme.example/owner': 'ml-platform' } },
        { op: 'copy', from: '/metadata/annotations', path: '/spec/template/metadata/annotations' },
        { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'TZ', value: 'UTC' } },
        { op: 'move', from: '/spec/template/spec/containers/0/env/0', path: '/spec/template/spec/containers/0/env/-' },
        { op: 'replace', path: '/spec/strategy/type', value: 'Recreate' },
        { op: 'remove', path: '/spec/template/spec/enableServiceLinks' },
      ],
    },
    { target: { kind: 'Service', name: 'clearml-webserver' }, operations: [{ op: 'add', path: '/metadata/annotations', value: { 'acme.example/lb': 'internal' } }] },
  ],
};

const FULL_INGRESS: SiteSpec = {
  profile: 'enterprise',
  namespace: 'clearml-lab',
  expose: 'ingress',
  ingress: { domain: 'clearml.acme.example', className: 'nginx', tlsSecret: 'clearml-acme-tls', annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } },
  storage: { type: 'pvc', storageClass: 'fast-ssd', sizes: { fileserver: '100Gi', elasticsearch: '50Gi', mongodb: '20Gi' }, existingClaims: { redis: 'clearml-redis-data' }, existingClaimSubPaths: { redis: 'redis' }, keepOnDelete: true },
  networkPolicies: { enabled: true, ingressController: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } } },
  patches: [{ target: { kind: 'Ingress', name: 'clearml-webserver' }, operations: [{ op: 'add', path: '/metadata/labels/acme.example~1tier', value: 'frontend' }] }],
};

const FULL_EXTERNAL: SiteSpec = {
  profile: 'non-root',
  expose: 'ingress',
  ingress: { hosts: { api: 'api.ml.acme.example', app: 'ml.acme.example', files: 'files.ml.acme.example' }, tlsSecret: null },
  storage: { type: 'pvc', existingClaims: { fileserver: 'clearml-files' }, existingClaimSubPaths: { fileserver: 'clearml/files' } },
  readOnlyRootFilesystem: true,
  external: {
    mongodb: { host: 'mongo.db.acme.internal', port: 27018, credentialsSecret: { name: 'clearml-mongodb', usernameKey: 'user', passwordKey: 'pass' }, authSource: 'admin' },
    elasticsearch: { host: 'es.acme.internal', port: 9243, scheme: 'https', credentialsSecret: { name: 'clearml-elasticsearch', usernameKey: 'user', passwordKey: 'pass' } },
    redis: { host: '10.0.3.7', port: 6380, credentialsSecret: { name: 'clearml-redis', passwordKey: 'auth' } },
  },
};

const EXTERNAL_MONGODB_URI: SiteSpec = {
  profile: 'current_version',
  external: { mongodb: { connectionStringSecret: { name: 'clearml-mongodb', key: 'uri' } } },
};

const GITOPS_ARGOCD: SiteSpec = {
  profile: 'current_version',
  credentials: { secret: 'clearml-internal-credentials', externalSecret: { storeRef: { name: 'vault-backend', kind: 'ClusterSecretStore' }, remoteKey: 'clearml/acme', refreshInterval: '30m' } },
  gitops: { tool: 'argocd', repoURL: 'git@git.example.com:platform/clearml-k8s.git', revision: 'release/2.3', namespace: 'gitops', project: 'ml-platform' },
};

const GITOPS_FLUX: SiteSpec = {
  profile: 'current_version',
  credentials: { secret: 'clearml-internal-credentials', sealedSecret: { file: 'sealed-acme.yaml' } },
  gitops: { tool: 'flux', sourceRef: { name: 'flux-system' }, interval: '1h30m', dependsOn: ['sealed-secrets'] },
};

const PVC_CLAIMS: SiteSpec = {
  profile: 'latest',
  storage: { type: 'pvc', sizes: { redis: '2Gi' }, existingClaims: { elasticsearch: 'clearml-es-data', mongodb: 'clearml-mongo-data' }, existingClaimSubPaths: { elasticsearch: 'data' } },
};

/** Issue 15: the fields Helm users configure (chart clearml 7.14.4 values), each once. */
const HELM_FIELDS: SiteSpec = {
  profile: 'current_version',
  credentials: { secret: 'clearml-internal-credentials' },
  components: {
    apiserver: {
      annotations: { 'acme.example/owner': 'ml-platform' },
      labels: { 'acme.example/team': 'ml' },
      podAnnotations: { 'prometheus.io/scrape': 'false' },
      podLabels: { 'acme.example/tier': 'api' },
      nodeSelector: { 'cloud.example.com/pool': 'clearml' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'clearml', effect: 'NoSchedule' }],
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'clearml-apiserver' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
      imagePullPolicy: 'IfNotPresent',
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/clearml' } },
      service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' }, loadBalancerSourceRanges: ['10.0.0.0/8', '2001:db8::/32'] },
      extraConfig: { configMap: 'clearml-apiserver-extra', files: ['services.conf'] },
    },
    fileserver: { extraConfig: { secret: 'clearml-fileserver-extra', files: ['fileserver.conf'] }, readinessProbe: { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 6 }, livenessProbe: { initialDelaySeconds: 120, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 } },
    webserver: {
      extraVolumes: [
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
        { name: 'branding', configMap: { name: 'clearml-branding' } },
        { name: 'tls-ca', secret: { secretName: 'corp-ca' } },
        { name: 'datasets', persistentVolumeClaim: { claimName: 'datasets', readOnly: true } },
      ],
      extraVolumeMounts: [
        { name: 'shm', mountPath: '/dev/shm' },
        { name: 'branding', mountPath: '/mnt/branding', readOnly: true },
        { name: 'tls-ca', mountPath: '/etc/ssl/corp', readOnly: true },
        { name: 'datasets', mountPath: '/mnt/datasets', subPath: 'public', readOnly: true },
      ],
    },
  },
  storage: { type: 'pvc', existingClaims: { mongodb: 'clearml-mongodb' }, existingClaimSubPaths: { mongodb: 'data/db' } },
};

/** Issue 15: per-endpoint Ingress settings. */
const HELM_INGRESS: SiteSpec = {
  profile: 'current_version',
  expose: 'ingress',
  ingress: {
    domain: 'clearml.acme.example',
    tlsSecret: null,
    endpoints: {
      api: { path: '/', annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '600' } },
      app: { path: '/', annotations: { 'nginx.ingress.kubernetes.io/enable-cors': 'true' } },
      files: { path: '/', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } },
    },
  },
};

test('a minimal spec parses to itself', () => {
  assert.deepEqual(parseSiteSpec(MINIMAL, 'site.yaml', parentOf('current_version')), { profile: 'current_version' });
});

for (const [name, spec] of Object.entries({ FULL_NODE_PORT, FULL_INGRESS, FULL_EXTERNAL, EXTERNAL_MONGODB_URI, PVC_CLAIMS, HELM_FIELDS, HELM_INGRESS, GITOPS_ARGOCD, GITOPS_FLUX })) {
  test(`full-featured spec ${name} parses to itself`, () => {
    const context = parentOf(spec.profile);
    const before = JSON.stringify(context.parentObjects);
    assert.deepEqual(parseSiteSpec(stringifyValue(spec), 'site.yaml', context), spec);
    assert.equal(JSON.stringify(context.parentObjects), before, 'parent objects are not mutated');
  });
}

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema };
/** Schema locations of fields (`#/properties/storage/type`, `#/definitions/toleration/key`), all or those `value` uses. */
function fieldLocations(schema: Schema, at: string, out: Set<string>, value?: unknown, all = value === undefined): Set<string> {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return fieldLocations((SITE_SCHEMA.definitions as Record<string, Schema>)[name]!, `#/definitions/${name}`, out, value, all);
  }
  if (schema.items && (all || Array.isArray(value))) for (const item of all ? [undefined] : (value as unknown[])) fieldLocations(schema.items, `${at}/*`, out, item, all);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const v = all ? undefined : (value as Record<string, unknown> | undefined)?.[key];
    if (!all && v === undefined) continue;
    if (!out.has(`${at}/${key}`) || !all) fieldLocations(sub, `${at}/${key}`, out.add(`${at}/${key}`), v, all);
  }
  return out;
}

test('the valid specs together use every field of the schema', () => {
  const all = fieldLocations(SITE_SCHEMA as Schema, '#', new Set());
  const used = new Set<string>();
  for (const spec of [FULL_NODE_PORT, FULL_INGRESS, FULL_EXTERNAL, EXTERNAL_MONGODB_URI, PVC_CLAIMS, HELM_FIELDS, HELM_INGRESS, GITOPS_ARGOCD, GITOPS_FLUX]) fieldLocations(SITE_SCHEMA as Schema, '#', used, spec);
  assert.ok(all.size > 60, `${all.size} fields`);
  assert.deepEqual([...all].filter((f) => !used.has(f)), []);
});

// ---- schema and names ----

test('SITE_SCHEMA is a valid draft-07 schema and siteSchemaFile is deterministic', () => {
  const ajv = new Ajv();
  assert.equal(ajv.validateSchema(SITE_SCHEMA), true, ajv.errorsText());
  assert.equal(typeof ajv.compile(SITE_SCHEMA), 'function');
  const file = siteSchemaFile();
  assert.equal(file.path, 'schemas/site.schema.json');
  assert.deepEqual(siteSchemaFile(), file);
  assert.ok(file.content.endsWith('}\n'));
  assert.deepEqual(JSON.parse(file.content), SITE_SCHEMA);
});

test('validateSiteName accepts DNS-1123 labels only', () => {
  for (const ok of ['acme', 'acme-prod-2', 'a'.repeat(63)]) validateSiteName(ok);
  for (const bad of ['Acme', 'acme_prod', '-acme', 'acme-', '', 'a'.repeat(64), 'acme/prod']) {
    assert.throws(() => validateSiteName(bad), { name: 'SiteSpecError', code: 'SITE_NAME_INVALID' }, bad);
  }
});

test('issue 13 item 14: publicUrls are http(s) scheme, host and port only, and only on NodePort sites', () => {
  const bad = 'profile: current_version\npublicUrls:\n  api: http://10.0.0.5:30008\n  app: http://10.0.0.5:30080\n  files: http://10.0.0.5:30081/files\n';
  assert.deepEqual(siteSpecErrors(bad, 'site.yaml', contextOf(bad)).map((e) => [e.code, e.path, e.line]), [['SITE_DNS_NAME', '/publicUrls/files', 5]]);
  const ingress = 'profile: enterprise\npublicUrls:\n  api: https://a.example.com\n  app: https://b.example.com\n  files: https://c.example.com\n';
  assert.deepEqual(siteSpecErrors(ingress, 'site.yaml', contextOf(ingress)).map((e) => [e.code, e.path]), [['SITE_CONFLICT', '/publicUrls']]);
  const good = 'profile: current_version\npublicUrls:\n  api: http://10.0.0.5:30008\n  app: http://10.0.0.5:30080\n  files: http://10.0.0.5:30081\n';
  assert.deepEqual(siteSpecErrors(good, 'site.yaml', contextOf(good)), []);
});

test('issue 13 item 19: a literal credential under external is refused with the Secret field to use; MongoDB fields that only go with host are refused with a connection string', () => {
  const literal = 'profile: current_version\nexternal:\n  mongodb:\n    host: mongo.db.acme.internal\n    password: PASSWORD\n';
  const [unknown] = siteSpecErrors(literal, 'site.yaml', contextOf(literal));
  assert.deepEqual([unknown?.code, unknown?.path], ['SITE_UNKNOWN_FIELD', '/external/mongodb/password']);
  assert.match(unknown!.hint, /credentialsSecret or connectionStringSecret/);
  const inHost = readFileSync(new URL('external-mongodb-credentials-in-host.yaml', FIXTURES), 'utf8');
  assert.match(siteSpecErrors(inHost, 'site.yaml', contextOf(inHost))[0]!.hint, /read from a Secret/);
  const byString = (extra: string) => `profile: current_version\nexternal:\n  mongodb:\n    connectionStringSecret: {name: m}\n${extra}`;
  for (const [extra, path] of [['    credentialsSecret: {name: m}\n', '/external/mongodb/credentialsSecret'], ['    authSource: admin\n', '/external/mongodb/authSource'], ['    port: 27017\n', '/external/mongodb/port']] as const) {
    assert.deepEqual(siteSpecErrors(byString(extra), 'site.yaml', contextOf(byString(extra))).map((e) => [e.code, e.path]), [['SITE_CONFLICT', path]], extra);
  }
  const sameMongoKeys = 'profile: current_version\nexternal:\n  mongodb:\n    host: m.example.org\n    credentialsSecret: {name: m, passwordKey: username}\n';
  assert.deepEqual(siteSpecErrors(sameMongoKeys, 'site.yaml', contextOf(sameMongoKeys)).map((e) => [e.code, e.path]), [['SITE_CONFLICT', '/external/mongodb/credentialsSecret/passwordKey']]);
  const schemaText = JSON.stringify(SITE_SCHEMA.properties.external);
  assert.doesNotMatch(schemaText, /"password"\s*:/, 'no field holds a password');
});
