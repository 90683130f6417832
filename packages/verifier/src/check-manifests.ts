/**
 * `clearml-k8s check`: Pod Security for raw manifests (files or directories of YAML/JSON), without
 * kustomize. Every pod template of every object is evaluated at one level.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { evaluatePodSecurity, type PodSecurityLevel } from './pod-security.ts';
import { podTemplates } from './pod-templates.ts';
import { VerifierError } from './verifier-error.ts';

/** One violation in a raw manifest. */
export interface ManifestFinding {
  /** The file as given (or found under a given directory). */
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
  /** Files read, in order. */
  files: string[];
  /** Pod templates evaluated. */
  podTemplates: number;
  findings: ManifestFinding[];
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** Files under `target` (itself when it is a file), sorted, recursing into directories. */
function manifestFiles(target: string, cwd: string): string[] {
  const absolute = path.resolve(cwd, target);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new VerifierError('MANIFEST_NOT_FOUND', `${target}: no such file or directory; expected a YAML/JSON manifest or a directory of them`, target);
  }
  if (stat.isFile()) return [target];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((relative) => MANIFEST_FILE.test(relative) && statSync(path.join(absolute, relative)).isFile())
    .map((relative) => path.join(target, relative))
    .sort();
}

/**
 * Evaluates every pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * and a ConfigMap's embedded `template.yaml`) in `targets` at `level`.
 * @throws VerifierError `MANIFEST_NOT_FOUND` for a missing path; YamlError (`YAML_INVALID`, with
 *   file, line and column) for a file that is not YAML. Nothing is evaluated then.
 */
export function checkManifests(targets: readonly string[], level: PodSecurityLevel, cwd: string): ManifestCheckResult {
  const files = targets.flatMap((t) => manifestFiles(t, cwd));
  const parsed = files.map((file) => ({ file, objects: parseManifests(readFileSync(path.resolve(cwd, file), 'utf8'), file).filter((o): o is ManifestObject => !!o && typeof o === 'object' && 'kind' in (o as object)) }));
  const findings: ManifestFinding[] = [];
  let count = 0;
  for (const { file, objects } of parsed) {
    for (const t of podTemplates(objects)) {
      count++;
      for (const v of evaluatePodSecurity(t.template, level)) {
        findings.push({ file, resource: objectId(t.owner), path: `${t.path}${v.path}`, rule: v.rule, level: v.level, message: v.message, hint: v.hint });
      }
    }
  }
  return { ok: findings.length === 0, level, files, podTemplates: count, findings };
}
