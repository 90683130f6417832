/**
 * `clearml-k8s check`: Pod Security for manifests, at one level and policy version (default `latest`, v1.37). Targets are YAML/JSON files, `-`
 * (or `/dev/stdin`) for standard input, and directories: read recursively, except that a directory
 * holding a kustomization is built with the kustomize engine and its output checked (its raw files
 * are not what the cluster receives). Every pod template of every object is evaluated.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { readUserFile } from '@clearml-k8s/repository-io';
import type { Engine } from './engine.ts';
import { hasKustomization } from './kustomization-files.ts';
import { evaluatePodSecurity, type PodSecurityLevel, type PodSecurityVersion } from './pod-security.ts';
import { EMBEDDED_TEMPLATE_KEY, podShapeProblems, podTemplatePath, podTemplates, readEmbeddedTemplate } from './pod-templates.ts';
import { renderOverlay } from './render-overlay.ts';
import { VerifierError } from './verifier-error.ts';

/** One violation in a manifest. */
export interface ManifestFinding {
  /** The file as given (or found under a given directory), `-` for standard input, or the kustomization directory built. */
  file: string;
  /** `Kind/namespace/name`. */
  resource: string;
  /** JSON pointer in the object. */
  path: string;
  /** Upstream Pod Security check id, e.g. `hostPathVolumes`. */
  rule: string;
  /** The level whose rule is broken. */
  level: 'baseline' | 'restricted';
  message: string;
  hint: string;
}

export interface ManifestCheckResult {
  ok: boolean;
  level: PodSecurityLevel;
  /** Policy version evaluated: `latest` (v1.37) or `v1.N`. */
  version: PodSecurityVersion;
  /** Sources read, in order: files, `-`, and kustomization directories (built). */
  files: string[];
  /** Pod templates evaluated. */
  podTemplates: number;
  findings: ManifestFinding[];
}

/** How `checkManifests` reaches what it may need. */
export interface CheckManifestsOptions {
  /** The kustomize engine, asked for only when a target is (or holds) a kustomization directory. */
  engine: () => Promise<Engine>;
  /** Standard input's text, asked for only when a target is `-` or `/dev/stdin`. */
  stdin: () => string;
  /** Policy version (`latest`, the default, is v1.37; `v1.N`); see evaluatePodSecurity. */
  version?: PodSecurityVersion;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;
/** Largest manifest file read, in bytes (the cap of a kustomize build's output, too). */
export const MANIFEST_MAX_BYTES = 256 * 1024 * 1024;
const STDIN = new Set(['-', '/dev/stdin']);

type Source = { kind: 'file'; file: string } | { kind: 'stdin' } | { kind: 'kustomization'; dir: string };

/** The sources under `target`, sorted, recursing into directories that are not kustomizations. */
function sources(target: string, cwd: string): Source[] {
  if (STDIN.has(target)) return [{ kind: 'stdin' }];
  const absolute = path.resolve(cwd, target);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new VerifierError('MANIFEST_NOT_FOUND', `${target}: expected a YAML/JSON manifest, a directory of them, or - for standard input, received no such file or directory; check the path`, target);
  }
  if (!stat.isDirectory()) return [{ kind: 'file', file: target }];
  if (hasKustomization(absolute)) return [{ kind: 'kustomization', dir: target }];
  const out: Source[] = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = path.join(target, entry.name);
    if (entry.isDirectory()) out.push(...sources(child, cwd));
    else if (MANIFEST_FILE.test(entry.name) && entry.isFile()) out.push({ kind: 'file', file: child });
  }
  return out;
}

/** `Kind/namespace/name` of a parsed document, tolerating a missing kind or metadata. */
function resourceOf(o: { kind?: unknown; metadata?: { name?: unknown; generateName?: unknown; namespace?: unknown } }): string {
  const kind = typeof o.kind === 'string' ? o.kind : '(no kind)';
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : typeof o.metadata?.generateName === 'string' ? `${o.metadata.generateName}*` : '(no name)';
  return typeof o.metadata?.namespace === 'string' ? `${kind}/${o.metadata.namespace}/${name}` : `${kind}/${name}`;
}

function invalid(file: string, resource: string, pointer: string, expected: string, received: string): VerifierError {
  return new VerifierError('MANIFEST_INVALID', `${file}: ${resource} ${pointer}: expected ${expected}, received ${received}; fix the manifest (the API server would reject it; Pod Security cannot judge it)`, file);
}

/** Throws MANIFEST_INVALID for the first malformed pod template or unparsable `template.yaml` among `objects`. */
function assertReadable(file: string, objects: readonly Record<string, any>[]): void {
  for (const o of objects) {
    const resource = resourceOf(o);
    if (o.kind === 'ConfigMap') {
      const embedded = readEmbeddedTemplate(o as ManifestObject);
      if (embedded && 'error' in embedded) {
        const reason = (embedded.error as { reason?: string }).reason ?? embedded.error.message;
        const at = (embedded.error as { position?: { line: number; column: number } }).position;
        throw invalid(file, resource, `/data/${EMBEDDED_TEMPLATE_KEY}${at ? ` (line ${at.line}, column ${at.column} of the template)` : ''}`, 'a pod template in YAML (the ClearML k8s glue parses it)', reason);
      }
      continue;
    }
    const at = podTemplatePath(String(o.kind));
    if (at === undefined) continue;
    const template = at.split('/').slice(1).reduce<any>((node, key) => (node && typeof node === 'object' ? node[key] : undefined), o);
    const problem = podShapeProblems(template)[0];
    if (problem) throw invalid(file, resource, `${at}${problem.path}`, problem.expected, problem.received);
  }
}

/**
 * Evaluates every pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * and a ConfigMap's embedded `template.yaml`) in `targets` at `level` and `options.version`.
 * @throws VerifierError `MANIFEST_NOT_FOUND` for a missing path; `MANIFEST_INVALID` for a pod template
 *   Pod Security cannot read (`containers: "oops"`, a `template.yaml` that is not YAML) or a build that
 *   fails; `KUSTOMIZE_NOT_FOUND` from `options.engine`; YamlError (`YAML_INVALID`, with file, line
 *   and column) for a file that is not YAML; RepositoryIoError for a file that cannot be read (a
 *   socket or block device, more than 256 MiB, binary). Nothing is evaluated then.
 */
export async function checkManifests(targets: readonly string[], level: PodSecurityLevel, cwd: string, options: CheckManifestsOptions): Promise<ManifestCheckResult> {
  const version = options.version ?? 'latest';
  const list = targets.flatMap((t) => sources(t, cwd));
  const parsed: { file: string; objects: Record<string, any>[] }[] = [];
  for (const source of list) {
    if (source.kind === 'kustomization') {
      const engine = await options.engine();
      const render = await renderOverlay(engine, path.resolve(cwd, source.dir));
      if (render.exitCode !== 0 || render.parseError) {
        throw new VerifierError('MANIFEST_INVALID', `${source.dir}: expected a kustomization that builds, received ${render.parseError ?? `exit ${render.exitCode}: ${render.stderr.trim().split('\n').pop() ?? ''}`}; fix it (clearml-k8s verify ${source.dir} names the patch)`, source.dir);
      }
      parsed.push({ file: source.dir, objects: render.objects as Record<string, any>[] });
      continue;
    }
    const file = source.kind === 'stdin' ? '-' : source.file;
    const text = source.kind === 'stdin' ? options.stdin() : readUserFile(path.resolve(cwd, file), { maxBytes: MANIFEST_MAX_BYTES, what: 'a manifest', display: file, noFollow: false, streams: true });
    const objects = parseManifests(text, file).filter((o): o is Record<string, any> => !!o && typeof o === 'object' && !Array.isArray(o) && 'kind' in (o as object));
    assertReadable(file, objects);
    parsed.push({ file, objects });
  }
  const findings: ManifestFinding[] = [];
  let count = 0;
  for (const { file, objects } of parsed) {
    for (const t of podTemplates(objects as ManifestObject[])) {
      count++;
      for (const v of evaluatePodSecurity(t.template, level, version)) {
        findings.push({ file, resource: resourceOf(t.owner), path: `${t.path}${v.path}`, rule: v.rule, level: v.level, message: v.message, hint: v.hint });
      }
    }
  }
  return { ok: findings.length === 0, level, version, files: list.map((s) => (s.kind === 'stdin' ? '-' : s.kind === 'file' ? s.file : s.dir)), podTemplates: count, findings };
}
