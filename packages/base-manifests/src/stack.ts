/**
 * Names and ports of the ClearML Server stack: Service and Deployment names, container names,
 * ports and the three public endpoints. The base, the profiles and the verifier all read them
 * from here, so a name is spelled once.
 *
 * Service names follow the ClearML Helm chart (`clearml-apiserver`, `clearml-mongodb`, ...).
 * Pods set `enableServiceLinks: false` and every `CLEARML_*_SERVICE_HOST` explicitly, so the
 * variables Kubernetes would inject for these Services never reach the server.
 * @see ../../../../shared/reference/clearml-on-kubernetes.md ("Service names each component expects")
 */

/** The namespace everything lives in. */
export const NAMESPACE = 'clearml';

/** The node label that pins node storage (seed docs: "One node labeled app=clearml"). */
export const CLEARML_NODE_LABEL = { app: 'clearml' } as const;

/** The value of `app.kubernetes.io/part-of` on every object. */
export const PART_OF = 'clearml';

/** One component: workload and Service name, container name and port. */
export interface StackComponent {
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

export const STACK = {
  apiserver: { name: 'clearml-apiserver', component: 'apiserver', container: 'apiserver', containerPort: 8008, portName: 'http', servicePort: 8008 },
  webserver: { name: 'clearml-webserver', component: 'webserver', container: 'webserver', containerPort: 80, portName: 'http', servicePort: 8080 },
  fileserver: { name: 'clearml-fileserver', component: 'fileserver', container: 'fileserver', containerPort: 8081, portName: 'http', servicePort: 8081 },
  asyncDelete: { name: 'clearml-async-delete', component: 'async-delete', container: 'async-delete', containerPort: null, portName: null, servicePort: null },
  mongo: { name: 'clearml-mongodb', component: 'mongodb', container: 'mongodb', containerPort: 27017, portName: 'mongodb', servicePort: 27017 },
  elasticsearch: { name: 'clearml-elastic', component: 'elasticsearch', container: 'elasticsearch', containerPort: 9200, portName: 'http', servicePort: 9200 },
  redis: { name: 'clearml-redis', component: 'redis', container: 'redis', containerPort: 6379, portName: 'redis', servicePort: 6379 },
} as const satisfies Record<string, StackComponent>;

export type StackComponentKey = keyof typeof STACK;

/** One of the three endpoints users reach: API, web app, file server. */
export interface PublicEndpoint {
  /** `api`, `app` or `files`: also the DNS label in front of the base domain. */
  hostLabel: 'api' | 'app' | 'files';
  component: 'apiserver' | 'webserver' | 'fileserver';
  /** The NodePort of the seed docs. */
  nodePort: number;
}

/** NodePorts 30008 (api), 30080 (web), 30081 (files): seed docs, "Port Mapping". */
export const PUBLIC_ENDPOINTS: readonly PublicEndpoint[] = [
  { hostLabel: 'api', component: 'apiserver', nodePort: 30008 },
  { hostLabel: 'app', component: 'webserver', nodePort: 30080 },
  { hostLabel: 'files', component: 'fileserver', nodePort: 30081 },
];

/** In-cluster URL of a component's Service, e.g. `http://clearml-apiserver:8008`. */
export function serviceUrl(key: 'apiserver' | 'fileserver' | 'webserver'): string {
  const c = STACK[key];
  return `http://${c.name}:${c.servicePort}`;
}
