/**
 * What `clearml-k8s preflight` reads from the cluster of kubectl's current context, through one seam:
 * a `KubectlRunner` that runs `kubectl ARGS...` and returns its output. The CLI gives it the real
 * kubectl; tests give it recordings (`fixtures/preflight/<case>/`, see `recordingFile`). Every command
 * is read-only (`version`, `get`); Secrets are looked up by name with `-o name`, so no Secret value
 * ever reaches this process.
 */
import { VerifierError } from './verifier-error.ts';

/** Runs `kubectl` with `args` (no shell) and returns how it ended. */
export type KubectlRunner = (args: readonly string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/** `kubectl version -o json`: the client's and the server's `major`, `minor` (`"35"`, or `"28+"` on some providers) and `gitVersion`. */
export interface VersionInfo {
  clientVersion?: { major?: string; minor?: string; gitVersion?: string };
  serverVersion?: { major?: string; minor?: string; gitVersion?: string };
}

/** The fields of an object preflight reads (`kubectl get … -o json` returns the whole object). */
export interface ClusterObject {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { unschedulable?: boolean; [field: string]: unknown };
  status?: { conditions?: { type: string; status: string }[]; [field: string]: unknown };
}

/** A namespaced or cluster-scoped object preflight looks up by kind and name. */
export interface ObjectRef {
  kind: string;
  name: string;
  /** API group of a kind outside the core group (`cert-manager.io`). */
  group?: string;
  /** Unset for cluster-scoped objects. */
  namespace?: string;
}

/** What to read: the overlay's namespace, the objects to look up by name, and which lists (`PreflightNeeds` extends it). */
export interface ClusterReads {
  namespace: string;
  objects: readonly ObjectRef[];
  nodes: boolean;
  storageClasses: boolean;
  ingressClasses: boolean;
}

/** What preflight knows of the cluster; a list is `null` when preflight did not need to read it. */
export interface ClusterState {
  version: VersionInfo;
  nodes: ClusterObject[] | null;
  storageClasses: ClusterObject[] | null;
  ingressClasses: ClusterObject[] | null;
  /** The overlay's namespace, or `null` when it does not exist. */
  namespace: ClusterObject | null;
  /** Whether each looked-up object exists, by `objectKey`; `'no-kind'` when the cluster has no such resource type (e.g. a CRD not installed). */
  objects: Record<string, 'found' | 'missing' | 'no-kind'>;
}

/** The key of an object in `ClusterState.objects`: `Secret clearml/clearml-tls`, `ClusterIssuer.cert-manager.io letsencrypt`. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.kind}${ref.group ? `.${ref.group}` : ''} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/**
 * The kubectl arguments of each read. `get KIND NAME` with `--ignore-not-found` prints nothing for a
 * missing object (exit 0); `-o name` prints `kind/name` only.
 * @see https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/
 */
export const KUBECTL_READS = {
  version: ['version', '-o', 'json'],
  nodes: ['get', 'nodes', '-o', 'json'],
  storageClasses: ['get', 'storageclasses', '-o', 'json'],
  ingressClasses: ['get', 'ingressclasses', '-o', 'json'],
  namespace: (name: string) => ['get', 'namespace', name, '-o', 'json', '--ignore-not-found'],
  object: (ref: ObjectRef) => ['get', `${ref.kind}${ref.group ? `.${ref.group}` : ''}`, ref.name, ...(ref.namespace ? ['-n', ref.namespace] : []), '-o', 'name', '--ignore-not-found'],
} as const;

/**
 * The file of a recording that holds the output of `args` (tests replay recordings through it):
 * `version.json`, `nodes.json`, `storageclasses.json`, `ingressclasses.json`, `namespace-NAME.json`,
 * `object-KIND[.GROUP]-[NAMESPACE-]NAME.txt`. A missing file replays as empty output (what
 * `--ignore-not-found` prints for a missing object).
 */
export function recordingFile(args: readonly string[]): string {
  const [verb, resource, name] = args;
  if (verb === 'version') return 'version.json';
  if (resource === 'nodes' || resource === 'storageclasses' || resource === 'ingressclasses') return `${resource}.json`;
  if (resource === 'namespace') return `namespace-${name}.json`;
  const namespace = args.includes('-n') ? `${args[args.indexOf('-n') + 1]}-` : '';
  return `object-${resource}-${namespace}${name}.txt`;
}

/** Runs one read; a failing kubectl is a `KUBECTL_FAILED` error naming the command and its stderr. */
async function run(kubectl: KubectlRunner, args: readonly string[], allow?: (stderr: string) => boolean): Promise<string | null> {
  let result: Awaited<ReturnType<KubectlRunner>>;
  try {
    result = await kubectl(args);
  } catch (error) {
    throw new VerifierError('KUBECTL_FAILED', `kubectl ${args.join(' ')}: expected it to run, received ${(error as Error).message}; install kubectl 1.27 to 1.35 (https://kubernetes.io/docs/tasks/tools/) and put it on PATH`, `kubectl ${args.join(' ')}`, { cause: error });
  }
  if (result.exitCode === 0) return result.stdout;
  if (allow?.(result.stderr)) return null;
  const stderr = result.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 400) || 'nothing on stderr';
  throw new VerifierError('KUBECTL_FAILED', `kubectl ${args.join(' ')}: expected exit 0, received exit ${result.exitCode}: ${stderr}; check that kubectl's current context reaches the cluster (kubectl config current-context, kubectl cluster-info) and that you may read what preflight reads (kubectl auth can-i get nodes)`, `kubectl ${args.join(' ')}`);
}

/** Parses JSON output; anything else is `KUBECTL_OUTPUT_INVALID`. */
function json<T>(text: string, args: readonly string[], shape: (value: any) => boolean, expected: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new VerifierError('KUBECTL_OUTPUT_INVALID', `kubectl ${args.join(' ')}: expected ${expected}, received ${JSON.stringify(text.slice(0, 80))} (not JSON: ${(error as Error).message}); run the command yourself and check kubectl's version and plugins`, `kubectl ${args.join(' ')}`, { cause: error });
  }
  if (!shape(value)) throw new VerifierError('KUBECTL_OUTPUT_INVALID', `kubectl ${args.join(' ')}: expected ${expected}, received ${JSON.stringify(text.slice(0, 80))}; run the command yourself and check kubectl's version and plugins`, `kubectl ${args.join(' ')}`);
  return value as T;
}

const isList = (v: any) => v && typeof v === 'object' && Array.isArray(v.items) && v.items.every((i: any) => typeof i?.metadata?.name === 'string');

/** A resource type the server does not serve (kubectl: `the server doesn't have a resource type "x"`, or `no matches for kind`). */
const noSuchKind = (stderr: string) => /doesn't have a resource type|no matches for kind/i.test(stderr);

/**
 * Reads what `needs` asks for, one kubectl command at a time (in `KUBECTL_READS` order).
 * @throws VerifierError `KUBECTL_FAILED` when kubectl cannot be run or exits non-zero (no cluster,
 *   forbidden, …), `KUBECTL_OUTPUT_INVALID` when its output is not the JSON it should be.
 */
export async function readClusterState(kubectl: KubectlRunner, needs: ClusterReads): Promise<ClusterState> {
  const list = async (args: readonly string[]) => json<{ items: ClusterObject[] }>((await run(kubectl, args))!, args, isList, 'a JSON List of objects with metadata.name').items;
  const versionArgs = KUBECTL_READS.version;
  const version = json<VersionInfo>((await run(kubectl, versionArgs))!, versionArgs, (v) => v && typeof v === 'object' && typeof v.clientVersion === 'object', 'JSON with clientVersion and serverVersion');
  const nodes = needs.nodes ? await list(KUBECTL_READS.nodes) : null;
  const storageClasses = needs.storageClasses ? await list(KUBECTL_READS.storageClasses) : null;
  const ingressClasses = needs.ingressClasses ? await list(KUBECTL_READS.ingressClasses) : null;
  const nsArgs = KUBECTL_READS.namespace(needs.namespace);
  const nsText = (await run(kubectl, nsArgs))!;
  const namespace = nsText.trim() ? json<ClusterObject>(nsText, nsArgs, (v) => v?.kind === 'Namespace' && typeof v.metadata?.name === 'string', 'a JSON Namespace') : null;
  const objects: ClusterState['objects'] = {};
  for (const ref of needs.objects) {
    const out = await run(kubectl, KUBECTL_READS.object(ref), noSuchKind);
    objects[objectKey(ref)] = out === null ? 'no-kind' : out.trim() ? 'found' : 'missing';
  }
  return { version, nodes, storageClasses, ingressClasses, namespace, objects };
}
