/**
 * Check `probes`: every readiness, liveness and startup probe of a long-running container (its
 * `containers` and sidecars) reaches a port the process listens on, with the right scheme.
 * Kubernetes accepts a probe on any port: the kubelet resolves a named port against the container's
 * own `ports[].name` and, when none matches, the probe fails on every attempt ("port not found"), so a
 * readiness probe keeps the pod out of its Services forever and a liveness probe restarts it in a
 * loop; a numeric port need not be declared (the kubelet connects to it anyway), so it is valid
 * unless nothing listens there.
 *
 * Per probe (`httpGet`, `tcpSocket` and `grpc` handlers; `exec` has no port):
 * - a named port must be a `ports[].name` of the same container (error);
 * - for a stack-model component (`componentOfContainer`), the port (a name resolved to its
 *   containerPort, or the number) must be one of the model's `ports[].containerPort` (error: the
 *   process listens nowhere else), and an `httpGet` probe's `scheme` (default `HTTP`) must match the
 *   model's `ports[].scheme` on it (`http` ↔ `HTTP`, `https` ↔ `HTTPS`; the databases' `tcp` ports
 *   are not judged by scheme). A numeric port of another image is left alone.
 * Per container, warnings (`severity: 'warning'` on the finding; the deployment works, degraded):
 * - a stack-model component whose model has probes has no probe at all, in a long-running pod (not a
 *   Job's, `restartPolicy` Always) and running the component's process (no `command` where the
 *   model has none): Kubernetes then counts the pod ready as soon as its process starts and never
 *   restarts a hung one;
 * - without a startupProbe, the liveness probe's first restart, at
 *   `initialDelaySeconds + periodSeconds × failureThreshold` (defaults 0, 10, 3), comes before the
 *   readiness probe's first possible success, at `initialDelaySeconds + periodSeconds × (successThreshold − 1)`:
 *   "liveness probes do not wait for readiness probes to succeed", so a start that needs as long as
 *   the readiness probe allows is killed first and the container restarts forever.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/ ("Caution: Liveness probes do not wait for readiness probes to succeed"; named ports; defaults of the timings)
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
import { objectId, STACK_MODEL, type ComponentSpec, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { declaredPorts, runningContainers } from './containers-common.ts';
import { defineCheck } from './definition.ts';
import { componentOfContainer, isNonRootStartCommand } from './stack-containers.ts';

const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** Probe timing defaults (seconds, counts) of the Kubernetes API. */
const DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3, successThreshold: 1 } as const;

const num = (probe: any, field: keyof typeof DEFAULTS): number => (Number.isFinite(probe?.[field]) ? probe[field] : DEFAULTS[field]);

/** Workload kinds whose pods run to completion. */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

/**
 * Whether a container runs the component's own process: a `command` where the model has none
 * replaces the image's entrypoint with something else (a test pod's `curl` in the Elasticsearch image);
 * the model's non-root start (the same entrypoint through bash) is the model's process.
 */
function runsModelProcess(container: any, spec: ComponentSpec): boolean {
  return spec.entrypoint.command !== undefined || container.command === undefined || isNonRootStartCommand(container, spec);
}

/** Seconds after start at which a liveness probe that never succeeds restarts the container. */
export function livenessRestartSeconds(probe: any): number {
  return num(probe, 'initialDelaySeconds') + num(probe, 'periodSeconds') * num(probe, 'failureThreshold');
}

/** Seconds after start at which a readiness probe can first report the container ready. */
export function readinessFirstSuccessSeconds(probe: any): number {
  return num(probe, 'initialDelaySeconds') + num(probe, 'periodSeconds') * (num(probe, 'successThreshold') - 1);
}

/** Findings of `probes` over a build. Never throws: malformed objects are `schema`'s. */
export function checkProbes(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): CheckFinding<'probes'>[] {
  const findings: CheckFinding<'probes'>[] = [];
  for (const t of podTemplates(objects)) {
    const resource = objectId(t.owner);
    // Pods that run to completion (Jobs, `restartPolicy: Never`/`OnFailure`, a Helm test pod) are never probed for readiness by a Service.
    const longRunning = !RUN_TO_COMPLETION.has(t.owner.kind) && (t.spec.restartPolicy ?? 'Always') === 'Always';
    for (const { container, path } of runningContainers(t)) {
      const spec: ComponentSpec | null = componentOfContainer(container, catalog, model);
      const declared = declaredPorts(container);
      const listens = spec ? spec.ports : [];
      const name = container.name ?? '(unnamed)';
      for (const kind of PROBES) {
        const probe = container[kind];
        if (!probe || typeof probe !== 'object') continue;
        for (const handler of HANDLERS) {
          const action = probe[handler];
          if (!action || typeof action !== 'object' || action.port === undefined) continue;
          const at = `${path}/${kind}/${handler}/port`;
          const port = action.port;
          let number: number | null = null;
          if (typeof port === 'string') {
            const found = declared.find((p) => p.name === port);
            if (!found) {
              findings.push({
                check: 'probes',
                resource,
                path: at,
                message: `${kind} of container ${name} targets the port named ${JSON.stringify(port)}, which the container does not declare (ports: [${declared.map((p) => `${p.name ?? '-'}/${p.containerPort}`).join(', ')}]); the kubelet cannot resolve it and the probe fails on every attempt${kind === 'readinessProbe' ? ' (the pod never becomes ready)' : ' (the container is restarted in a loop)'}`,
                hint: `name one of the container's ports${spec?.ports[0] ? ` (the model's ${spec.ports[0].name}/${spec.ports[0].containerPort})` : ''}, or declare the port`,
              });
              continue;
            }
            number = found.containerPort;
          } else if (Number.isInteger(port)) number = port;
          if (!spec || number === null) continue;
          const listened = listens.find((p) => p.containerPort === number);
          if (!listened) {
            findings.push({
              check: 'probes',
              resource,
              path: at,
              message: `${kind} of ${spec.name} (container ${name}) targets port ${number}, where the process does not listen; it listens on [${listens.map((p) => `${p.name}/${p.containerPort}`).join(', ') || 'nothing'}] (${listens.map((p) => p.source).join('; ') || spec.entrypoint.source})`,
              hint: `probe the model's port${listens[0] ? ` ${listens[0].name} (${listens[0].containerPort})` : ''}${spec.probes ? `, as the base does (${spec.probes.readiness.target.source})` : ''}`,
            });
            continue;
          }
          if (handler !== 'httpGet' || listened.scheme === 'tcp') continue;
          const scheme = typeof action.scheme === 'string' ? action.scheme : 'HTTP';
          const expected = listened.scheme.toUpperCase();
          if (scheme !== expected) {
            findings.push({
              check: 'probes',
              resource,
              path: `${path}/${kind}/httpGet/scheme`,
              message: `${kind} of ${spec.name} (container ${name}) probes port ${listened.name}/${number} with scheme ${scheme}, but the process serves ${listened.scheme} there (${listened.source}); every probe fails`,
              hint: `set scheme: ${expected}`,
            });
          }
        }
      }
      if (spec?.probes && longRunning && runsModelProcess(container, spec) && !PROBES.some((k) => container[k])) {
        findings.push({
          check: 'probes',
          severity: 'warning',
          resource,
          path,
          message: `${spec.name} (container ${name}) has no probe at all: it counts as ready the moment its process starts (Services send it traffic before it serves) and is never restarted when it hangs; the model probes it with ${spec.probes.readiness.target.kind} on ${spec.probes.readiness.target.port} (${spec.probes.readiness.target.source})`,
          hint: `add a readinessProbe and a livenessProbe like the base's (${spec.probes.readiness.target.kind} on port ${spec.probes.readiness.target.port})`,
        });
      }
      const { readinessProbe: readiness, livenessProbe: liveness, startupProbe: startup } = container;
      if (readiness && liveness && !startup && livenessRestartSeconds(liveness) < readinessFirstSuccessSeconds(readiness)) {
        findings.push({
          check: 'probes',
          severity: 'warning',
          resource,
          path: `${path}/livenessProbe`,
          message: `container ${name}: the livenessProbe restarts a container that has not answered after ${livenessRestartSeconds(liveness)}s (initialDelaySeconds + periodSeconds × failureThreshold), before the readinessProbe can first succeed at ${readinessFirstSuccessSeconds(readiness)}s; liveness probes do not wait for readiness, so a start that takes as long as readiness allows ends in a restart loop`,
          hint: 'raise the liveness initialDelaySeconds or failureThreshold above the readiness timing, or add a startupProbe',
        });
      }
    }
  }
  return findings;
}

export const probesCheck = defineCheck({
  id: 'probes',
  severity: 'error',
  title: 'probes target a port the container declares and, for ClearML components, one the process listens on with its scheme',
  description:
    'every readiness/liveness/startup probe names a port the container declares; for stack-model components the port is one the model says the process listens on and an `httpGet` scheme matches the port\'s; warnings: a component the model probes has no probe at all, or the liveness probe restarts before the readiness probe can first succeed (no startupProbe)',
  needs: 'build',
  run: ({ objects, catalog }) => checkProbes(objects, catalog),
});
