/** `clearml-k8s check FILE|DIR... [--level baseline|restricted] [--json]`: Pod Security for raw manifests. */
import { checkManifests, POD_SECURITY_LEVELS, type PodSecurityLevel } from '@clearml-k8s/verifier';
import { EXIT, type CommandIo } from '../io.ts';

/** Level used without `--level`. */
export const DEFAULT_CHECK_LEVEL: PodSecurityLevel = 'baseline';

/**
 * Checks every pod template in `targets` at `level` and prints one line per violation (or JSON).
 * @returns 0 when every pod template is admitted, 1 otherwise, 2 for a bad `--level`.
 * @throws VerifierError `MANIFEST_NOT_FOUND`, YamlError `YAML_INVALID` (the CLI maps them to exit 2).
 */
export function checkCommand(targets: string[], options: { level: string | undefined; json: boolean }, io: CommandIo): number {
  const level = (options.level ?? DEFAULT_CHECK_LEVEL) as PodSecurityLevel;
  if (!POD_SECURITY_LEVELS.includes(level)) {
    io.stderr.write(`clearml-k8s check: --level: expected one of ${POD_SECURITY_LEVELS.join(', ')}, received "${options.level}"\n`);
    return EXIT.usage;
  }
  if (targets.length === 0) {
    io.stderr.write('clearml-k8s check: expected at least one FILE or DIR of manifests, received none\n');
    return EXIT.usage;
  }
  const result = checkManifests(targets, level, io.cwd);
  if (options.json) {
    io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    for (const f of result.findings) io.stdout.write(`${f.file}: ${f.resource} ${f.path} [${f.level} ${f.rule}] ${f.message}\n    fix: ${f.hint}\n`);
    io.stdout.write(`check: ${result.podTemplates} pod template(s) in ${result.files.length} file(s) at ${level}: ${result.ok ? 'all admitted' : `${result.findings.length} violation(s)`}\n`);
  }
  return result.ok ? EXIT.ok : EXIT.findings;
}
