/**
 * The stack model: every ClearML component as a `ComponentSpec`, registered here once. The
 * tables the base, the profiles, the sites and the verifier used to keep apart (Service names,
 * ports, public endpoints, non-root uids, claim sizes, stored directories, site component keys)
 * are derived from it.
 *
 * Service names follow the ClearML Helm chart (`clearml-apiserver`, `clearml-mongodb`, ...).
 * Pods set `enableServiceLinks: false` and every `CLEARML_*_SERVICE_HOST` explicitly, so the
 * variables Kubernetes would inject for these Services never reach the server.
 * @see ../../../../../shared/reference/clearml-on-kubernetes.md ("Service names each component expects")
 */
import { agentK8sGlue } from './agent-k8s-glue.ts';
import { agentServices } from './agent-services.ts';
import { apiserver } from './apiserver.ts';
import { asyncDelete } from './async-delete.ts';
import type { ComponentKey, ComponentSpec, DatabaseKey, EndpointLabel, ImageFile, OwnedStorageMount, StackModel, StartWrite } from './component-spec.ts';
import { serviceUrlOf } from './connections.ts';
import { elasticsearch } from './elasticsearch.ts';
import { fileserver } from './fileserver.ts';
import { mongodb } from './mongodb.ts';
import { redis } from './redis.ts';
import { webserver } from './webserver.ts';

/** The registration: every component, in the order tables and the site spec list them. */
const REGISTERED = [apiserver, webserver, fileserver, asyncDelete, elasticsearch, mongodb, redis, agentK8sGlue, agentServices] as const satisfies readonly ComponentSpec[];

/** A model of `components` (keys unique), looked up by key; `STACK_MODEL` is the one of this release. */
export function stackModel(components: readonly ComponentSpec[]): StackModel {
  const byKey = new Map(components.map((c) => [c.key, c]));
  return {
    components,
    get(key) {
      const found = byKey.get(key);
      if (!found) throw new TypeError(`stack model: no component ${key}`);
      return found;
    },
  };
}

/** The stack model of this release. */
export const STACK_MODEL: StackModel = stackModel(REGISTERED);

/** Keys of the components the base renders (the server and its databases), in model order. */
export const BASE_COMPONENT_KEYS = REGISTERED.filter((c) => c.base !== null).map((c) => c.key) as BaseComponentKey[];
export type BaseComponentKey = 'apiserver' | 'webserver' | 'fileserver' | 'asyncDelete' | 'elasticsearch' | 'mongodb' | 'redis';

/** Keys of the components that own data (claims in PVC profiles), in model order. */
export const STORED_COMPONENT_KEYS = REGISTERED.filter((c) => c.storage.mounts.some((m) => m.claim)).map((c) => c.key) as StoredComponentKey[];
export type StoredComponentKey = 'fileserver' | 'elasticsearch' | 'mongodb' | 'redis';

/** Keys of the components that may run more than one replica. */
export const SCALABLE_COMPONENT_KEYS = REGISTERED.filter((c) => c.placement.scalable).map((c) => c.key) as BaseComponentKey[];

/** Keys of the bundled databases (a site may replace each with an external one). */
export const DATABASE_KEYS = REGISTERED.filter((c) => c.role === 'database').map((c) => c.key) as DatabaseKey[];

/** One component in the shape most code needs: names, main port. */
export interface StackComponent {
  key: ComponentKey;
  /** Deployment name, Service name (when it has one) and `app.kubernetes.io/name`. */
  name: string;
  /** `app.kubernetes.io/component`. */
  component: string;
  /** Name of the main container. */
  container: string;
  /** Port the container listens on, or `null` for workers without one. */
  containerPort: number | null;
  /** Name of that container port (Services target it by name). */
  portName: string | null;
  /** Port of the Service, or `null` when the component has no Service. */
  servicePort: number | null;
}

function summary(c: ComponentSpec): StackComponent {
  const port = c.ports[0];
  return { key: c.key, name: c.name, component: c.component, container: c.container, containerPort: port?.containerPort ?? null, portName: port?.name ?? null, servicePort: port?.servicePort ?? null };
}

/** Names and main ports of the components the base renders, by key. Derived from `STACK_MODEL`. */
export const STACK = Object.fromEntries(BASE_COMPONENT_KEYS.map((k) => [k, summary(STACK_MODEL.get(k))])) as Record<BaseComponentKey, StackComponent>;

/** One of the three endpoints users reach: API, web app, file server. */
export interface PublicEndpoint {
  /** `api`, `app` or `files`: also the DNS label in front of the base domain. */
  hostLabel: EndpointLabel;
  component: 'apiserver' | 'webserver' | 'fileserver';
  /** The NodePort of the seed docs. */
  nodePort: number;
}

/** NodePorts 30008 (api), 30080 (web), 30081 (files): seed docs, "Port Mapping". Derived from the ports marked public. */
export const PUBLIC_ENDPOINTS: readonly PublicEndpoint[] = REGISTERED.flatMap((c) =>
  c.ports.flatMap((p) => (p.public ? [{ hostLabel: p.public.hostLabel, component: c.key as PublicEndpoint['component'], nodePort: p.public.nodePort }] : [])),
);

/** In-cluster URL of a component's Service, e.g. `http://clearml-apiserver:8008`. */
export function serviceUrl(key: 'apiserver' | 'fileserver' | 'webserver'): string {
  return serviceUrlOf(STACK_MODEL, key);
}

/** The storage directories a component owns (claims), with their sizes. */
export function ownedStorage(component: ComponentSpec): OwnedStorageMount[] {
  return component.storage.mounts.filter((m): m is OwnedStorageMount => m.claim !== null);
}

/** A directory a non-root uid must be able to write, for one or more `writesAtStart` paths. */
export interface WritableDirectory {
  dir: string;
  /** Seeded with what the image ships there (an init container copies it into the emptyDir). */
  seedFromImage: boolean;
  /** The paths written under it, with their sources. */
  writes: readonly StartWrite[];
}

/**
 * The directories a component's image writes at start that are not already world-writable
 * (`writesAtStart` with a `writableDir`), one entry per directory, in first-write order.
 */
export function writableDirectories(component: ComponentSpec): WritableDirectory[] {
  const byDir = new Map<string, { dir: string; seedFromImage: boolean; writes: StartWrite[] }>();
  for (const write of component.image.writesAtStart) {
    if (write.writableDir === null) continue;
    const entry = byDir.get(write.writableDir) ?? { dir: write.writableDir, seedFromImage: false, writes: [] };
    entry.seedFromImage ||= write.seedFromImage;
    entry.writes.push(write);
    byDir.set(write.writableDir, entry);
  }
  return [...byDir.values()];
}

/** A directory a read-only root filesystem needs as a writable volume, and why (the model's facts). */
export interface ReadOnlyRootDirectory {
  dir: string;
  /** Seeded with what the image ships there (from `writesAtStart`). */
  seedFromImage: boolean;
  /** Upstream sources of the writes there. */
  sources: readonly string[];
}

/**
 * Every directory a component writes, when its root filesystem is read-only: the directories of
 * `writableDirectories` and the `readOnlyRoot.scratch` ones (in that order, each once). `null` when
 * the model does not know all its writes (`readOnlyRoot.unknown`): it must keep a writable root.
 */
export function readOnlyRootDirectories(component: ComponentSpec): ReadOnlyRootDirectory[] | null {
  if ('unknown' in component.image.readOnlyRoot) return null;
  const byDir = new Map<string, ReadOnlyRootDirectory>();
  for (const w of writableDirectories(component)) byDir.set(w.dir, { dir: w.dir, seedFromImage: w.seedFromImage, sources: w.writes.map((x) => x.source) });
  for (const s of component.image.readOnlyRoot.scratch) {
    const known = byDir.get(s.dir);
    byDir.set(s.dir, { dir: s.dir, seedFromImage: known?.seedFromImage ?? false, sources: [...(known?.sources ?? []), s.source] });
  }
  return [...byDir.values()];
}

/**
 * Whether a process may `execve` an image file: root when any execute bit is set; otherwise the
 * execute bit of the owner class when `uid` owns the file, else of the group class when one of `gids`
 * is the file's group, else of the other class (Linux checks one class only, the first that applies).
 * `uid` `null` stands for "some non-root uid" (`runAsNonRoot` without `runAsUser`): never the owner of
 * a root-owned file.
 * @param gids the process's gid and supplementary groups (`runAsGroup`, `fsGroup`, `supplementalGroups`).
 * @see https://man7.org/linux/man-pages/man7/path_resolution.7.html ("Permissions"; root needs one execute bit)
 */
export function canExecute(file: ImageFile, uid: number | null, gids: readonly number[]): boolean {
  if (uid === 0) return (file.mode & 0o111) !== 0;
  if (uid !== null && uid === file.uid) return (file.mode & 0o100) !== 0;
  if (gids.includes(file.gid)) return (file.mode & 0o010) !== 0;
  return (file.mode & 0o001) !== 0;
}

/** A mode as `ls -l` writes it: `0o744` → `rwxr--r--`. */
export function modeString(mode: number): string {
  return [6, 3, 0].map((shift) => ((mode >> shift) & 4 ? 'r' : '-') + ((mode >> shift) & 2 ? 'w' : '-') + ((mode >> shift) & 1 ? 'x' : '-')).join('');
}

/** Whether a mount at `mountPath` covers `dir` (the same directory or one of its parents). */
export function mountCovers(mountPath: string, dir: string): boolean {
  const base = mountPath.replace(/\/+$/, '');
  return dir === base || dir.startsWith(`${base}/`);
}

/**
 * Name of the emptyDir that makes `dir` writable on non-root profiles: `writable-` and the path's
 * segments, e.g. `writable-usr-share-nginx-html` (a DNS-1123 label; at most 63 characters).
 * @throws TypeError when the name would exceed 63 characters.
 */
export function writableVolumeName(dir: string): string {
  const name = `writable-${dir.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
  if (name.length > 63) throw new TypeError(`writable volume for ${dir}: ${name} is longer than 63 characters`);
  return name;
}

export type * from './component-spec.ts';
export { connectionArgs, connectionEnv, connectionValue, mainPort, portNamed, serviceUrlOf } from './connections.ts';
export { ES_MAX_MAP_COUNT, ES_UID, elasticsearchEnv } from './elasticsearch.ts';
export { K8S_GLUE, type GlueFact } from './agent-k8s-glue.ts';
export { AGENT_SERVICES_NODE } from './agent-services.ts';
export { PRE_POPULATE } from './apiserver.ts';
export { agentK8sGlue, agentServices, apiserver, asyncDelete, elasticsearch, fileserver, mongodb, redis, webserver };
