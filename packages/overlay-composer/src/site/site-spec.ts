/**
 * The site spec: one short, user-written file per deployment site,
 * `overlays/sites/<name>/site.yaml`, composed into `overlays/sites/<name>/kustomization.yaml` on top
 * of the stock overlay it names. Every field but `profile` is optional; an absent field keeps what
 * the parent overlay renders. The JSON Schema (`schemas/site.schema.json`) is generated from
 * `SITE_SCHEMA` and referenced by a `yaml-language-server` modeline in specs `site add` writes.
 */
import type { CatalogImageKey } from '@clearml-k8s/base-manifests';
import type { PatchOperation } from '../json-patch.ts';
import type { ProfileName } from '../profile.ts';

/** Components a site can tune (keys of `components`). */
export type SiteComponent = 'apiserver' | 'webserver' | 'fileserver' | 'asyncDelete' | 'elasticsearch' | 'mongodb' | 'redis';

/** Components that may run more than one replica (stateless, no ReadWriteOnce claim of their own). */
export const SCALABLE_COMPONENTS: readonly SiteComponent[] = ['apiserver', 'webserver'];

/** Components whose data a site stores (keys of `storage.sizes` / `storage.existingClaims`). */
export type StoredComponent = 'fileserver' | 'elasticsearch' | 'mongodb' | 'redis';

/** The three public endpoints, by host label. */
export type EndpointLabel = 'api' | 'app' | 'files';

/** CPU and memory, as Kubernetes quantities (`500m`, `2`, `4Gi`). */
export interface ResourceList {
  cpu?: string;
  memory?: string;
}

export interface ComponentSettings {
  /** Only for `SCALABLE_COMPONENTS`. */
  replicas?: number;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  /** Extra environment variables of the main container (name → value), appended after the parent's. */
  extraEnv?: Record<string, string>;
}

/** A toleration (Kubernetes `core/v1` Toleration). */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** One ClearML queue served by its own k8s glue Deployment. */
export interface AgentQueue {
  /** The ClearML queue name (a DNS-1123 label; also in object names: `clearml-agent-<name>`). */
  name: string;
  /** Image of task pods whose task names none; default `agents.defaultImage`. */
  image?: string;
  /** NVIDIA GPUs per task pod (`nvidia.com/gpu` limit); also selects GPU nodes and tolerates their taint. */
  gpus?: number;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  /** Extra environment variables of task pods. */
  env?: Record<string, string>;
}

/** ClearML agents: the k8s glue (one Deployment per queue) and, optionally, agent-services. */
export interface AgentsSpec {
  queues: AgentQueue[];
  /** Image of task pods whose task and queue name none; default `ubuntu:22.04`. */
  defaultImage?: string;
  /** Let the glue list namespaces (a ClusterRole and ClusterRoleBinding); off by default. */
  listNamespaces?: boolean;
  /**
   * agent-services, which runs service tasks in Docker: privileged, with the node's Docker socket
   * (as upstream's compose file runs it). Not allowed on the non-root profile. Upstream publishes
   * only `latest`, so the tag is required.
   */
  services?: { tag: string };
}

export interface SiteSpec {
  /** The stock overlay the site builds on. */
  profile: ProfileName;
  /** Namespace of every object (a DNS-1123 label); default: the parent's (`clearml`). */
  namespace?: string;
  /** How users reach the endpoints; default: the profile's (`ingress` for enterprise, else `nodePort`). */
  expose?: 'nodePort' | 'ingress';
  /** NodePorts of the endpoints when exposed by NodePort; default 30008/30080/30081. 30000–32767, distinct. */
  nodePorts?: Partial<Record<EndpointLabel, number>>;
  /** Ingress settings when exposed by Ingress. */
  ingress?: {
    /** Base domain: hosts `api.`, `app.`, `files.` of it. Either `domain` or `hosts`. */
    domain?: string;
    /** Explicit hosts, when the three-label convention cannot be used. */
    hosts?: Record<EndpointLabel, string>;
    /** `spec.ingressClassName`; default: the cluster's default class. */
    className?: string;
    /** TLS Secret covering the three hosts (a declared prerequisite); default `clearml-tls`; `null` serves plain HTTP. */
    tlsSecret?: string | null;
    /** Extra annotations on every Ingress (e.g. cert-manager's cluster-issuer). */
    annotations?: Record<string, string>;
  };
  /** Where pods run; default node selector `app: clearml`. */
  placement?: {
    nodeSelector?: Record<string, string>;
    tolerations?: Toleration[];
    /** A Kubernetes `core/v1` Affinity, used as given. */
    affinity?: Record<string, unknown>;
  };
  storage?: {
    /** `hostPath`: directories under `hostPathRoot` on the labelled node; `pvc`: PersistentVolumeClaims. */
    type: 'hostPath' | 'pvc';
    /** Root directory on the node (absolute path); default `/opt/clearml`. Only with `hostPath`. */
    hostPathRoot?: string;
    /** StorageClass of new claims; default: the cluster's default. Only with `pvc`. */
    storageClass?: string;
    /** Size of each new claim (a quantity). Only with `pvc`. */
    sizes?: Partial<Record<StoredComponent, string>>;
    /** Existing claims to use instead of creating one. Only with `pvc`. */
    existingClaims?: Partial<Record<StoredComponent, string>>;
    /** Mark created claims so GitOps tools never prune them. Only with `pvc`. */
    keepOnDelete?: boolean;
  };
  images?: {
    /** Mirror registry host (and optional path) put in front of every image, e.g. `registry.example.internal/mirror`. */
    registry?: string;
    /** Repository and/or tag per catalog image. */
    overrides?: Partial<Record<CatalogImageKey, { repository?: string; tag?: string }>>;
    /** Image pull Secrets (declared prerequisites). */
    pullSecrets?: string[];
  };
  /** External databases: the bundled Deployment, Service and storage of each named one are removed. */
  external?: {
    mongodb?: { host: string; port?: number };
    elasticsearch?: { host: string; port?: number; scheme?: 'http' | 'https' };
    redis?: { host: string; port?: number };
  };
  components?: Partial<Record<SiteComponent, ComponentSettings>>;
  credentials?: {
    /** Secret with the internal credentials (keys as `clearml-k8s credentials` writes); default for enterprise `clearml-internal-credentials`. */
    secret?: string;
    /**
     * Secret with key `apiserver.conf` holding `auth { fixed_users { enabled: true, pass_hashed: false,
     * users: [ { username, password, name } ] } }`; mounted into the apiserver's config directory.
     */
    fixedUsersSecret?: string;
  };
  /** ClearML agents; they authenticate with the server's `services_agent` keys from `credentials.secret`. */
  agents?: AgentsSpec;
  /** Escape hatch: raw JSON 6902 operations on objects of the parent overlay, applied last. */
  patches?: { target: { kind: string; name: string }; operations: PatchOperation[] }[];
}
