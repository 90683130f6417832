/**
 * Builders for the two object shapes every component uses: a single-replica Deployment on the
 * ClearML node and a Service in front of it. Typed with `kubernetes-models`.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer, IEnvVar, IPodSecurityContext, IVolume } from 'kubernetes-models/v1';
import { Service } from 'kubernetes-models/v1/Service';
import { recommendedLabels, selectorLabels } from './labels.ts';
import { toManifestObject, type ManifestObject } from './manifest-object.ts';
import { CLEARML_NODE_LABEL, NAMESPACE, type StackComponent } from './stack.ts';

/** What differs between the components' Deployments. */
export interface DeploymentSpecInput {
  component: StackComponent;
  containers: IContainer[];
  initContainers?: IContainer[];
  volumes?: IVolume[];
  securityContext?: IPodSecurityContext;
  /** `Recreate` for components that own node storage (two writers would corrupt it). */
  strategy: 'Recreate' | 'RollingUpdate';
  /** Pin to the `app=clearml` node (components with node storage). */
  onClearmlNode: boolean;
}

/**
 * A one-replica Deployment for a component: recommended labels, selector on the component's own
 * labels, `enableServiceLinks: false` (so Kubernetes injects no `*_SERVICE_HOST` variables the
 * server would read as fallbacks).
 */
export function clearmlDeployment(input: DeploymentSpecInput): ManifestObject {
  const { component } = input;
  return toManifestObject(
    new Deployment({
      metadata: { name: component.name, namespace: NAMESPACE, labels: recommendedLabels(component) },
      spec: {
        replicas: 1,
        strategy: { type: input.strategy },
        selector: { matchLabels: selectorLabels(component) },
        template: {
          metadata: { labels: recommendedLabels(component) },
          spec: {
            enableServiceLinks: false,
            ...(input.onClearmlNode ? { nodeSelector: { ...CLEARML_NODE_LABEL } } : {}),
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
 * The Service of a component: targets the container port by name; `nodePort` makes it a
 * NodePort Service, otherwise ClusterIP.
 * @throws TypeError for a component without a port.
 */
export function clearmlService(component: StackComponent, nodePort?: number): ManifestObject {
  if (component.servicePort === null || component.portName === null) throw new TypeError(`${component.name} has no port to expose`);
  return toManifestObject(
    new Service({
      metadata: { name: component.name, namespace: NAMESPACE, labels: recommendedLabels(component) },
      spec: {
        type: nodePort === undefined ? 'ClusterIP' : 'NodePort',
        selector: selectorLabels(component),
        ports: [
          {
            name: component.portName,
            protocol: 'TCP',
            port: component.servicePort,
            targetPort: component.portName,
            ...(nodePort === undefined ? {} : { nodePort }),
          },
        ],
      },
    }),
  );
}

/** `name=value` pairs as a container `env` list (values are strings, as Kubernetes requires). */
export function envList(values: Record<string, string | number>): IEnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
}
