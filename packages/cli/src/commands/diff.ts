/** `clearml-k8s diff A B [--json]`: what changes between two renderings (overlay directories or REF:DIR). */
import { formatDiffJson, formatDiffText, renderSource, resolveEngine, semanticDiff } from '@clearml-k8s/verifier';
import { errorLine } from '../error-line.ts';
import { EXIT, type CommandIo } from '../io.ts';

/** Usage of `diff`, printed with a wrong number of sources. */
export const DIFF_USAGE = `Usage: clearml-k8s diff A B [--json]
  A and B: overlay directories (e.g. overlays/current_version, overlays/sites/acme) or REF:DIR, a directory
  as committed at a git ref (e.g. HEAD~1:overlays/current_version), built without touching the work tree.
  Exit codes: 0 equal, 1 different, 2 error.
`;

/**
 * Colours when stdout is a TTY (and TERM is not `dumb`), or when FORCE_COLOR is set (not `0`);
 * never with NO_COLOR set (https://no-color.org).
 */
export function diffColor(io: CommandIo): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR) return io.env.FORCE_COLOR !== '0';
  return (io.stdout as { isTTY?: boolean }).isTTY === true && io.env.TERM !== 'dumb';
}

/**
 * Renders both sources with the real kustomize engine (in parallel) and prints the semantic diff:
 * text (coloured on a TTY) or, with `json`, the JSON form.
 * @param root repository root (git commands for REF:DIR run here); sources resolve against `io.cwd`.
 * @param sources the positional arguments after `diff`: exactly two, else the usage on stderr and 2.
 * @returns 0 when equal, 1 when different, 2 on a usage error.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND`, `DIFF_SOURCE_NOT_FOUND`, `GIT_REF_NOT_FOUND`, `GIT_FAILED`,
 *   `BUILD_FAILED` (the CLI maps them to exit 2). When both sides fail, A's error is written to stderr
 *   and B's is thrown, so that both are printed in order.
 */
export async function diffCommand(root: string, sources: string[], options: { json: boolean }, io: CommandIo): Promise<number> {
  if (sources.length !== 2) {
    io.stderr.write(`clearml-k8s diff: expected two sources A and B, received ${sources.length}${sources.length ? ` (${sources.map((s) => `"${s}"`).join(', ')})` : ''}\n\n${DIFF_USAGE}`);
    return EXIT.usage;
  }
  const engine = await resolveEngine(io.env, { cwd: io.cwd });
  const settled = await Promise.allSettled(sources.map((source) => renderSource(source, { root, cwd: io.cwd, engine })));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length) {
    for (const extra of failures.slice(0, -1)) io.stderr.write(`${errorLine('diff', extra, io.env)}\n`);
    throw failures[failures.length - 1];
  }
  const [a, b] = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof renderSource>>>).value);
  const diff = semanticDiff(a!.objects, b!.objects);
  const labels = { a: a!.label, b: b!.label };
  io.stdout.write(options.json ? formatDiffJson(diff, labels) : formatDiffText(diff, labels, { color: diffColor(io) }));
  return diff.equal ? EXIT.ok : EXIT.findings;
}
