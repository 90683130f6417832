/**
 * Verifies one overlay directory: build it with the engine, then run every check that applies.
 */
import path from 'node:path';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { composeTree, type Exposure, type ProfileName } from '@clearml-k8s/overlay-composer';
import { checkBuild } from './checks/build.ts';
import { checkIngressHosts, observedHosts } from './checks/ingress-hosts.ts';
import { checkIntendedObjects } from './checks/intended-objects.ts';
import { checkNodePorts, defaultNodePorts, observedNodePorts } from './checks/node-ports.ts';
import type { Engine } from './engine.ts';
import type { Finding } from './finding.ts';
import { renderOverlay } from './render-overlay.ts';

/** What an overlay must render. */
export interface OverlayExpectation {
  /** The stock profile the directory is an instance of, if any. */
  profile: ProfileName | null;
  /** How endpoints are exposed; `null` skips the `node-ports` and `ingress-hosts` checks. */
  exposure: Exposure | null;
  /** The composer's objects for this overlay; `null` skips `intended-objects`. */
  intended: ManifestObject[] | null;
}

/** The report of one overlay. */
export interface OverlayReport {
  /** The directory as given (repository-relative when under the root). */
  dir: string;
  ok: boolean;
  /** Number of objects rendered. */
  resources: number;
  /** NodePorts of the endpoints in the build, by host label (`api`, `app`, `files`). */
  nodePorts: Record<string, number>;
  /** Ingress hosts in the build. */
  hosts: string[];
  findings: Finding[];
  /** Wall time of the build and checks, in milliseconds. */
  durationMs: number;
}

let composed: ReturnType<typeof composeTree> | null = null;

/**
 * The expectation for a directory: a directory named like a stock profile (`current_version`,
 * `latest`, `enterprise`, `non-root`) must render that profile's objects; any other directory
 * gets the generic checks (NodePorts 30008/30080/30081 when the apiserver Service is a NodePort,
 * hosts when it has Ingresses for `api.`).
 */
export function expectationFor(dir: string): OverlayExpectation {
  composed ??= composeTree();
  const overlay = composed.overlays.find((o) => o.profile.name === path.basename(dir));
  if (overlay) return { profile: overlay.profile.name, exposure: overlay.profile.exposure, intended: overlay.intended };
  return { profile: null, exposure: null, intended: null };
}

function inferExposure(objects: readonly ManifestObject[]): Exposure | null {
  const apiHost = observedHosts(objects).find((h) => h.startsWith('api.'));
  if (apiHost) return { kind: 'ingress', baseDomain: apiHost.slice('api.'.length) };
  const api = objects.find((o: any) => o.kind === 'Service' && o.metadata.name === 'clearml-apiserver') as any;
  return api?.spec?.type === 'NodePort' ? { kind: 'nodePort' } : null;
}

/**
 * Builds `absoluteDir` with `engine` and runs the checks.
 * @param displayDir how the overlay is named in the report.
 */
export async function verifyOverlay(engine: Engine, absoluteDir: string, displayDir: string, expectation: OverlayExpectation): Promise<OverlayReport> {
  const started = performance.now();
  const render = await renderOverlay(engine, absoluteDir);
  const findings: Finding[] = checkBuild(render, displayDir);
  const objects = render.objects;
  if (render.exitCode === 0 && !render.parseError) {
    const exposure = expectation.exposure ?? inferExposure(objects);
    if (exposure?.kind === 'nodePort') findings.push(...checkNodePorts(objects, { kind: 'nodePort', nodePorts: defaultNodePorts() }));
    if (exposure?.kind === 'ingress') {
      findings.push(...checkNodePorts(objects, { kind: 'none' }));
      findings.push(...checkIngressHosts(objects, exposure.baseDomain));
    }
    if (expectation.intended) findings.push(...checkIntendedObjects(objects, expectation.intended));
  }
  return {
    dir: displayDir,
    ok: findings.length === 0,
    resources: objects.length,
    nodePorts: observedNodePorts(objects),
    hosts: observedHosts(objects),
    findings,
    durationMs: Math.round(performance.now() - started),
  };
}
