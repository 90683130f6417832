/**
 * Builders for the object shapes every component uses: a single-replica Deployment on the
 * ClearML node, a Service in front of it, and probes and ports from the stack model. Typed with
 * `kubernetes-models`.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer, IContainerPort, IEnvVar, IPodSecurityContext, IProbe, IVolume } from 'kubernetes-models/v1';
import { Service } from 'kubernetes-models/v1/Service';
import { CLEARML_NODE_LABEL, NAMESPACE } from './constants.ts';
import { recommendedLabels, selectorLabels, type ComponentIdentity } from './labels.ts';
import { toManifestObject, type ManifestObject } from './manifest-object.ts';
import { storageVolume, volumeMount } from './node-storage.ts';
import { imageReference } from './release-catalog.ts';
import type { BuildContext, ComponentSpec, ProbeSpec } from './stack/component-spec.ts';
import { connectionArgs, connectionEnv } from './stack/connections.ts';

/** What differs between the components' Deployments. */
export interface DeploymentSpecInput {
  component: ComponentSpec;
  containers: IContainer[];
  initContainers?: IContainer[];
  volumes?: IVolume[];
  securityContext?: IPodSecurityContext;
}

/**
 * A one-replica Deployment for a component: recommended labels, selector on the component's own
 * labels, the rollout strategy and node pinning of its placement, `enableServiceLinks: false` (so
 * Kubernetes injects no `*_SERVICE_HOST` variables the server would read as fallbacks).
 */
export function clearmlDeployment(input: DeploymentSpecInput): ManifestObject {
  const { component } = input;
  return toManifestObject(
    new Deployment({
      metadata: { name: component.name, namespace: NAMESPACE, labels: recommendedLabels(component) },
      spec: {
        replicas: 1,
        strategy: { type: component.placement.strategy },
        selector: { matchLabels: selectorLabels(component) },
        template: {
          metadata: { labels: recommendedLabels(component) },
          spec: {
            enableServiceLinks: false,
            ...(component.placement.onClearmlNode ? { nodeSelector: { ...CLEARML_NODE_LABEL } } : {}),
            ...(input.securityContext ? { securityContext: input.securityContext } : {}),
            ...(input.initContainers ? { initContainers: input.initContainers } : {}),
            containers: input.containers,
            ...(input.volumes ? { volumes: input.volumes } : {}),
          },
        },
      },
    }),
  );
}

/**
 * The Service of a component: its first port, targeting the container port by name; the port's
 * public NodePort makes it a NodePort Service, otherwise ClusterIP.
 * @throws TypeError for a component without a port.
 */
export function clearmlService(component: ComponentSpec): ManifestObject {
  const port = component.ports[0];
  if (!port) throw new TypeError(`${component.name} has no port to expose`);
  const nodePort = port.public?.nodePort;
  return toManifestObject(
    new Service({
      metadata: { name: component.name, namespace: NAMESPACE, labels: recommendedLabels(component as ComponentIdentity) },
      spec: {
        type: nodePort === undefined ? 'ClusterIP' : 'NodePort',
        selector: selectorLabels(component),
        ports: [
          {
            name: port.name,
            protocol: port.protocol,
            port: port.servicePort,
            targetPort: port.name,
            ...(nodePort === undefined ? {} : { nodePort }),
          },
        ],
      },
    }),
  );
}

/** The container ports of a component (`name`, `containerPort`, `protocol`). */
export function containerPorts(component: ComponentSpec): IContainerPort[] {
  return component.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol }));
}

/** A Kubernetes probe from the model: the target (HTTP scheme left at its default) then the timings. */
export function probe(spec: ProbeSpec): IProbe {
  const t = spec.target;
  const target =
    t.kind === 'httpGet'
      ? { httpGet: { path: t.path, port: t.port, ...(t.scheme === 'HTTP' ? {} : { scheme: t.scheme }) } }
      : { tcpSocket: { port: t.port } };
  return {
    ...target,
    initialDelaySeconds: spec.initialDelaySeconds,
    periodSeconds: spec.periodSeconds,
    ...(spec.timeoutSeconds === undefined ? {} : { timeoutSeconds: spec.timeoutSeconds }),
    ...(spec.failureThreshold === undefined ? {} : { failureThreshold: spec.failureThreshold }),
  };
}

/** The readiness and liveness probes of a component (none for workers). */
export function probes(component: ComponentSpec): { readinessProbe?: IProbe; livenessProbe?: IProbe } {
  return component.probes ? { readinessProbe: probe(component.probes.readiness), livenessProbe: probe(component.probes.liveness) } : {};
}

/** `name=value` pairs as a container `env` list (values are strings, as Kubernetes requires). */
export function envList(values: Record<string, string | number>): IEnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
}

/**
 * The main container of a component from its spec: the catalog image, the entrypoint's args or
 * command (argument connections appended), the ports, the env (env connections first, then
 * `extraEnv`), the probes, the resources and the storage mounts; fields the spec leaves empty are
 * left out.
 * @throws TypeError for a component without a catalog image.
 */
export function mainContainer(context: BuildContext, component: ComponentSpec, extraEnv: Record<string, string | number> = {}): IContainer {
  const { catalog, model } = context;
  const key = component.image.catalogKey;
  if (!key) throw new TypeError(`${component.key} has no catalog image`);
  const env = { ...connectionEnv(model, component), ...extraEnv };
  const connectionArguments = connectionArgs(model, component);
  const { args, command } = component.entrypoint;
  const mounts = component.storage.mounts.map((m) => m.dir);
  return {
    name: component.container,
    image: imageReference(catalog.images[key]),
    ...(command ? { command: [...command, ...(args ? [] : connectionArguments)] } : {}),
    ...(args ? { args: [...args, ...connectionArguments] } : {}),
    ...(component.ports.length ? { ports: containerPorts(component) } : {}),
    ...(Object.keys(env).length ? { env: envList(env) } : {}),
    ...probes(component),
    resources: { requests: { ...component.resources.requests }, limits: { ...component.resources.limits } },
    ...(mounts.length ? { volumeMounts: mounts.map(volumeMount) } : {}),
  };
}

/** A component's Deployment around its main container, with a volume per storage mount (hostPath for node storage, emptyDir for scratch). */
export function componentDeployment(component: ComponentSpec, container: IContainer, extra: { initContainers?: IContainer[]; securityContext?: IPodSecurityContext } = {}): ManifestObject {
  const mounts = component.storage.mounts.map((m) => m.dir);
  return clearmlDeployment({ component, containers: [container], ...extra, ...(mounts.length ? { volumes: mounts.map(storageVolume) } : {}) });
}
