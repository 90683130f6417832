/**
 * Connections resolved against the model: the value an env var or argument carries (a Service
 * host, a port, or a URL) when every component runs under its own Service name.
 */
import type { ComponentKey, ComponentSpec, ConnectionSpec, PortSpec, StackModel } from './component-spec.ts';

/**
 * The port of `component` named `name`.
 * @throws TypeError when the component has no such port (a model error).
 */
export function portNamed(component: ComponentSpec, name: string): PortSpec {
  const port = component.ports.find((p) => p.name === name);
  if (!port) throw new TypeError(`stack model: ${component.key} has no port named ${name}`);
  return port;
}

/** The main port of a component (its first), or `null` for workers without one. */
export function mainPort(component: ComponentSpec): PortSpec | null {
  return component.ports[0] ?? null;
}

/** In-cluster URL of a component's Service port, e.g. `http://clearml-apiserver:8008`. */
export function serviceUrlOf(model: StackModel, key: ComponentKey, portName?: string): string {
  const target = model.get(key);
  const port = portName ? portNamed(target, portName) : mainPort(target);
  if (!port) throw new TypeError(`stack model: ${key} has no port`);
  return `${port.scheme}://${target.name}:${port.servicePort}`;
}

/** What a connection carries in the base: the target's Service name, Service port, or URL. */
export function connectionValue(model: StackModel, connection: ConnectionSpec): string | number {
  const target = model.get(connection.target);
  const port = portNamed(target, connection.port);
  if (connection.form === 'host') return target.name;
  if (connection.form === 'port') return port.servicePort;
  const url = `${port.scheme}://${target.name}:${port.servicePort}`;
  return connection.form === 'urlList' ? `["${url}"]` : url;
}

/** The env var connections of a component, name → value, in model order. */
export function connectionEnv(model: StackModel, component: ComponentSpec): Record<string, string | number> {
  const env: Record<string, string | number> = {};
  for (const c of component.connections) if ('env' in c.via) env[c.via.env] = connectionValue(model, c);
  return env;
}

/** The argument connections of a component as `[flag, value]` pairs, in model order. */
export function connectionArgs(model: StackModel, component: ComponentSpec): string[] {
  return component.connections.flatMap((c) => ('arg' in c.via ? [c.via.arg, String(connectionValue(model, c))] : []));
}
