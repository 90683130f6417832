/** `clearml-k8s check FILE|DIR|-... [--level baseline|restricted] [--policy-version latest|v1.N] [--json]`: Pod Security for manifests. */
import { readFileSync } from 'node:fs';
import { checkManifests, LATEST_POD_SECURITY_VERSION, MANIFEST_MAX_BYTES, parsePodSecurityVersion, POD_SECURITY_LEVELS, resolveEngine, type PodSecurityLevel } from '@clearml-k8s/verifier';
import { RepositoryIoError } from '@clearml-k8s/repository-io';
import { usageError } from '../cli-error.ts';
import { EXIT, type CommandIo } from '../io.ts';

/** Level used without `--level`. */
export const DEFAULT_CHECK_LEVEL: PodSecurityLevel = 'baseline';

/**
 * Standard input, whole (at most `MANIFEST_MAX_BYTES`): `io.stdin` when given, else file descriptor 0.
 * @throws RepositoryIoError `FILE_TOO_LARGE`, `READ_FAILED`.
 */
function readStdin(io: CommandIo): string {
  let bytes: Buffer;
  try {
    bytes = io.stdin !== undefined ? Buffer.from(io.stdin, 'utf8') : readFileSync(0);
  } catch (error) {
    throw new RepositoryIoError({ code: 'READ_FAILED', path: '-', expected: 'manifests on standard input', received: (error as Error).message, hint: 'pipe manifests in, e.g. kubectl kustomize DIR | clearml-k8s check -' }, { cause: error });
  }
  if (bytes.length > MANIFEST_MAX_BYTES) throw new RepositoryIoError({ code: 'FILE_TOO_LARGE', path: '-', expected: 'at most 256 MiB of manifests', received: `${bytes.length} bytes`, hint: 'check fewer manifests at a time' });
  return bytes.toString('utf8');
}

/**
 * Checks every pod template in `targets` at `level` and policy version `policyVersion` (as the
 * `pod-security.kubernetes.io/enforce-version` label spells it; default `latest`, v1.37) and prints one line per violation (or JSON).
 * A kustomization directory is built with the kustomize engine first.
 * @returns 0 when every pod template is admitted, 1 otherwise.
 * @throws CliError `USAGE` (bad `--level` or `--policy-version`, no target); VerifierError `MANIFEST_NOT_FOUND`,
 *   `MANIFEST_INVALID`, `KUSTOMIZE_NOT_FOUND`; YamlError `YAML_INVALID`; RepositoryIoError (the CLI maps them to exit 2).
 */
export async function checkCommand(targets: string[], options: { level: string | undefined; policyVersion?: string | undefined; json: boolean }, io: CommandIo): Promise<number> {
  const level = (options.level ?? DEFAULT_CHECK_LEVEL) as PodSecurityLevel;
  if (!POD_SECURITY_LEVELS.includes(level)) throw usageError('--level', `one of ${POD_SECURITY_LEVELS.join(', ')}`, JSON.stringify(options.level), 'e.g. --level restricted');
  const parsed = parsePodSecurityVersion(options.policyVersion ?? 'latest');
  if (parsed.error) throw usageError('--policy-version', '"latest" or "v1.<minor>"', JSON.stringify(options.policyVersion), `e.g. --policy-version ${LATEST_POD_SECURITY_VERSION}`);
  if (targets.length === 0) throw usageError('check', 'at least one FILE, DIR or - (standard input)', 'none', 'e.g. clearml-k8s check base, or kubectl kustomize DIR | clearml-k8s check -');
  const result = await checkManifests(targets, level, io.cwd, { engine: () => resolveEngine(io.env, { cwd: io.cwd }), stdin: () => readStdin(io), version: parsed.version });
  if (options.json) {
    io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    for (const f of result.findings) io.stdout.write(`${f.file}: ${f.resource} ${f.path} [${f.level} ${f.rule}] ${f.message}\n    fix: ${f.hint}\n`);
    io.stdout.write(`check: ${result.podTemplates} pod template(s) in ${result.files.length} source(s) at ${level}:${result.version}: ${result.ok ? 'all admitted' : `${result.findings.length} violation(s)`}\n`);
  }
  return result.ok ? EXIT.ok : EXIT.findings;
}
