/**
 * The shape of the stack model: what one ClearML component is, as typed data. Every fact the
 * composer and the verifier rely on (a port, an env name, a path the image writes, a uid) is a
 * field here, next to the upstream source it was checked at (`source`: `owner/repo@tag:path:line`
 * or a documentation URL). A missing fact is a type error.
 *
 * One module per component under `stack/` exports a `ComponentSpec`; `stack/index.ts` registers
 * them. Adding a component is one new file plus its registration there.
 */
import type { CatalogImageKey, ReleaseCatalog } from '../release-catalog.ts';
import type { ManifestObject } from '../manifest-object.ts';
import type { NodeStorageDirectory, ScratchDirectory } from '../node-storage.ts';

/** Where a fact was checked: `owner/repo@tag:path:line`, or a documentation URL. */
export type Source = string;

/**
 * Keys of the components, one spelling everywhere (site spec `components`, `storage`, `external`,
 * the model registry): `mongodb`, never `mongo` (the catalog's image key) or `clearml-mongodb` (the
 * Service name).
 */
export type ComponentKey =
  | 'apiserver'
  | 'webserver'
  | 'fileserver'
  | 'asyncDelete'
  | 'elasticsearch'
  | 'mongodb'
  | 'redis'
  | 'agentK8sGlue'
  | 'agentServices';

/** How a component takes part in the stack. */
export type ComponentRole = 'server' | 'database' | 'agent';

/** The three public endpoints, by the DNS label in front of a base domain. */
export type EndpointLabel = 'api' | 'app' | 'files';

/** Application protocol on a port: `tcp` for the databases' own wire protocols. */
export type PortScheme = 'http' | 'https' | 'tcp';

/** A port the component's process listens on. */
export interface PortSpec {
  /** Name of the container port (Services target it by name), e.g. `http`. */
  name: string;
  /** The port the process binds in the container. */
  containerPort: number;
  /** The port of the component's Service. */
  servicePort: number;
  protocol: 'TCP' | 'UDP';
  scheme: PortScheme;
  /** Set for the three public endpoints: their host label and the NodePort of the seed docs. */
  public: { hostLabel: EndpointLabel; nodePort: number } | null;
  source: Source;
}

/** A health endpoint the process really serves. */
export type ProbeTarget =
  | { kind: 'httpGet'; path: string; /** Port name. */ port: string; scheme: 'HTTP' | 'HTTPS'; source: Source }
  | { kind: 'tcpSocket'; /** Port name. */ port: string; source: Source };

/** A probe as the base renders it: its target and our timings (seconds). */
export interface ProbeSpec {
  target: ProbeTarget;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

/**
 * One setting that points a component at another: an env var or a command-line argument, what it
 * carries (a host name, a port, or a URL), and the target component and port (by name).
 */
export interface ConnectionSpec {
  via: { env: string } | { arg: string };
  /**
   * `host`: the target's Service name; `port`: its Service port; `url`: `scheme://host:port`;
   * `urlList`: a HOCON list holding that URL (`["scheme://host:port"]`), for settings that take several.
   */
  form: 'host' | 'port' | 'url' | 'urlList';
  target: ComponentKey;
  /** Name of the target's port (one of its `ports`). */
  port: string;
  source: Source;
}

/** Keys of the components a site may replace with an external database (`role: 'database'`). */
export type DatabaseKey = 'elasticsearch' | 'mongodb' | 'redis';

/**
 * What a database access env var carries:
 * - `connectionString`: a whole URI, used as is and instead of host, port and the others;
 * - `username`, `password`: credentials (the server puts them into the client or its URI itself);
 * - `query`: URI options (`authSource=admin`) that replace the query of the default URI.
 */
export type DatabaseAccessCarries = 'connectionString' | 'username' | 'password' | 'query';

/**
 * One env var a component reads to reach a database beyond its host and port (its connections): a
 * credential or a connection string. Every one of them is read verbatim (`os.getenv`), not as a
 * `CLEARML__` config path, so its value is never parsed as HOCON. The base sets none; a site sets
 * them from Secrets for an external database (`external.<db>` in the site spec).
 */
export interface DatabaseAccessEnv {
  env: string;
  target: DatabaseKey;
  carries: DatabaseAccessCarries;
  source: Source;
}

/**
 * One directory a component mounts, and whether it owns the data (a claim in PVC profiles): node
 * storage (hostPath, may be claimed) or scratch (emptyDir, never claimed: compose keeps it in an
 * anonymous volume).
 */
export type StorageMount =
  | {
      dir: NodeStorageDirectory;
      /**
       * Set when the component owns the data: the claim size (a Kubernetes quantity) of the PVC that
       * replaces the directory in PVC profiles. Unset: shared logs/config, or data another component
       * owns (emptyDir where hostPath is not allowed).
       */
      claim: { size: string; source: Source } | null;
    }
  | { dir: ScratchDirectory; claim: null };

/** A mount the component owns: node storage with a claim. */
export type OwnedStorageMount = { dir: NodeStorageDirectory; claim: { size: string; source: Source } };

/** Storage of a component. */
export interface StorageSpec {
  mounts: readonly StorageMount[];
  /**
   * Only one process may write the data at a time (`replicas: 1`, `Recreate`, and a ReadWriteOnce
   * claim): databases, and the fileserver's flat directory.
   */
  singleWriter: boolean;
  source: Source;
}

/**
 * A path the image's entrypoint or process writes before it serves, and what a non-root uid needs to
 * write it. The images of the server run as root and write into root-owned directories; profiles
 * that run them as another uid mount an `emptyDir` at `writableDir` (unless one of the component's
 * own volumes is mounted there already) and, where the image ships files there that the process
 * needs, seed it first with an init container of the same image (`seedFromImage`).
 */
export interface StartWrite {
  /** The file or directory written, absolute. */
  path: string;
  /**
   * The directory that must be writable for it (a file's parent, or the directory itself); `null`
   * when the image already lets any uid write there (e.g. `/tmp`, mode 1777).
   */
  writableDir: string | null;
  /** The image ships files under `writableDir` that the process reads (copied into the emptyDir first). */
  seedFromImage: boolean;
  source: Source;
}

/** Why an image cannot run as a non-root uid at all (a profile that needs it refuses the component). */
export interface NonRootBlocker {
  /** One sentence: what in the image stops a non-root uid. */
  reason: string;
  /** What an image must do instead, for the README and the error. */
  imageNeeds: string;
  source: Source;
}

/**
 * A file of the image that is executed (its ENTRYPOINT, or a file the entrypoint runs directly), with
 * its owner and permission bits as the image ships it. `execve` needs the execute bit of the class the
 * process falls in (owner when its uid owns the file, else group when one of its gids is the file's,
 * else other); a script whose execute bit is missing still runs through its interpreter, which only
 * reads it (`bash FILE`).
 * @see https://man7.org/linux/man-pages/man7/path_resolution.7.html ("Permissions": owner, group, other)
 * @see https://man7.org/linux/man-pages/man2/execve.2.html (EACCES: execute permission denied)
 */
export interface ImageFile {
  /** Absolute path in the image. */
  path: string;
  /** Owner uid and gid in the image (Dockerfile `COPY` without `--chown`: 0:0). */
  uid: number;
  gid: number;
  /** Permission bits, e.g. `0o744` (rwxr--r--). */
  mode: number;
  /** The interpreter its `#!` line names (`['/usr/bin/env', 'bash']`), `null` for a binary. */
  interpreter: readonly string[] | null;
  source: Source;
}

/** The image's `ENTRYPOINT` (exec form) and the file its first word runs. */
export interface ImageEntrypoint {
  /** The exec form as the Dockerfile writes it, e.g. `['/opt/clearml/entrypoint.sh']`, `['docker-entrypoint.sh']` (found on PATH). */
  command: readonly string[];
  /** The file `command[0]` resolves to, with its mode. */
  file: ImageFile;
  source: Source;
}

/**
 * How a profile that runs a component as its `nonRoot` uid starts it, where the image as shipped
 * cannot be started by that uid: the image's entrypoint is a script the uid may read but not execute
 * (`command` runs it through its interpreter, `args` unchanged), and files the entrypoint executes
 * directly in this mode are made the uid's own (`ownedCopies`: each directory is an `emptyDir` an init
 * container of the same image and uid fills with `cp -R`; a copy belongs to the uid that makes it and
 * keeps the image's mode bits, so the owner's execute bit applies).
 */
export interface NonRootStart {
  /** Replaces the image's ENTRYPOINT: `[...interpreter, entrypoint file]`; `null` keeps the image's. */
  command: readonly string[] | null;
  /** Directories copied into an emptyDir owned by the uid, for files of `entrypoint.executes` there. */
  ownedCopies: readonly string[];
  source: Source;
}

/** What the image is: its catalog entry, its user, and the paths its entrypoint writes at start. */
export interface ImageSpec {
  /** Key in the release catalog, or `null` when the site names the image (agent-services). */
  catalogKey: CatalogImageKey | null;
  /** Repository when `catalogKey` is null. */
  repository: string | null;
  /**
   * Names the same image was published under before (`allegroai/clearml` before `clearml/server`):
   * other people's trees still pull them, and a check that tells components by image must know them.
   */
  formerRepositories?: { repositories: readonly string[]; source: Source };
  /**
   * The image's ENTRYPOINT and the file it runs, with its mode; unset where the modes were not checked
   * at the image's sources (the agents, which cannot run as non-root anyway: `nonRootBlocker`).
   */
  entrypoint?: ImageEntrypoint;
  /** The user the image runs as when nothing overrides it (`uid` 0 for root). */
  user: { uid: number; gid: number; source: Source };
  /** Paths the entrypoint and process write before serving (non-root needs them writable). */
  writesAtStart: readonly StartWrite[];
  /** Set when no emptyDir makes the image work as non-root (profiles that need it refuse the component). */
  nonRootBlocker: NonRootBlocker | null;
  /** Whether the container may run with `readOnlyRootFilesystem: true`, and the scratch directories it then needs. */
  readOnlyRoot: ReadOnlyRoot;
}

/** A directory the process writes while it runs (beyond `writesAtStart`), which a read-only root filesystem needs as a volume. */
export interface ScratchWrite {
  /** The directory, absolute (e.g. `/tmp`). */
  dir: string;
  /** What writes there, in a few words. */
  why: string;
  source: Source;
}

/**
 * Whether every path the image writes is known, so its root filesystem can be read-only with a volume
 * on each: `writesAtStart` plus `scratch` (an `emptyDir` each); or, where the writes were not all
 * checked at the image's sources, why not (`unknown`): such a container keeps a writable root.
 */
export type ReadOnlyRoot = { scratch: readonly ScratchWrite[] } | { unknown: string; source: Source };

/** The Java heap of a JVM component, set by env, against its memory limit. */
export interface HeapSpec {
  env: string;
  value: string;
  /** Largest share of the container's memory limit the heap should take (Elastic: at most about 50–75%). */
  maxShareOfLimit: number;
  source: Source;
}

/** CPU and memory, as Kubernetes quantities. */
export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

/** Resources the base sets, and JVM facts. */
export interface ResourceSpec {
  requests: ResourceQuantities;
  limits: ResourceQuantities;
  heap: HeapSpec | null;
}

/** How a component is scheduled and rolled out. */
export interface PlacementSpec {
  /** Pinned to the node labelled `app=clearml` (components with node storage). */
  onClearmlNode: boolean;
  /** `Recreate` for single writers (two pods would write the same data during a rollout). */
  strategy: 'Recreate' | 'RollingUpdate';
  /** May run more than one replica (stateless, no claim of its own). */
  scalable: boolean;
}

/** What the base renders for a component, built from its spec. */
export interface BaseSpec {
  /** File under `base/`. */
  file: string;
  /** Position in `base/kustomization.yaml` (databases first, as compose's `depends_on`). */
  rank: number;
  /** The component's objects for a release catalog (fresh copies on each call). */
  objects(context: BuildContext): ManifestObject[];
}

/** Everything the project knows about one ClearML component. */
export interface ComponentSpec {
  key: ComponentKey;
  role: ComponentRole;
  /** Deployment name, Service name (when it has one) and `app.kubernetes.io/name`. */
  name: string;
  /** `app.kubernetes.io/component`. */
  component: string;
  /** Name of the main container. */
  container: string;
  /** One line: what the component does. */
  summary: string;
  image: ImageSpec;
  /** How the image is told which process to run (`args: [apiserver]`, a command line), with its source. */
  entrypoint: {
    args?: readonly string[];
    command?: readonly string[];
    /** Files of the image the entrypoint executes directly (not through an interpreter) in this mode, before the process serves. */
    executes?: readonly ImageFile[];
    source: Source;
  };
  ports: readonly PortSpec[];
  probes: { readiness: ProbeSpec; liveness: ProbeSpec } | null;
  connections: readonly ConnectionSpec[];
  /** Env vars it reads for credentials or a connection string of a database it connects to (none for most). */
  databaseAccess: readonly DatabaseAccessEnv[];
  storage: StorageSpec;
  resources: ResourceSpec;
  /** uid/gid (and fsGroup) on profiles that run everything as non-root. */
  nonRoot: {
    uid: number;
    gid: number;
    source: Source;
    /** Set where the image as shipped cannot be started by `uid` (the server image's 0744 scripts). */
    start?: NonRootStart;
  };
  placement: PlacementSpec;
  /** Set for components the base renders; agents are rendered by sites. */
  base: BaseSpec | null;
}

/** The registered components, looked up by key (what builders and derived tables read). */
export interface StackModel {
  /** Every component, in registration order. */
  readonly components: readonly ComponentSpec[];
  /** @throws TypeError for a key that is not registered. */
  get(key: ComponentKey): ComponentSpec;
}

/** What a component's base builder gets: the release catalog and the model (to resolve connections). */
export interface BuildContext {
  catalog: ReleaseCatalog;
  model: StackModel;
}
