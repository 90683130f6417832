/** `clearml-k8s diff A B [--json]` / `diff --parent SITE`: what changes between two renderings (overlay directories or REF:DIR). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeTree, readSiteSpec, siteFileReader, siteIntentFromText, SITES_DIR } from '@clearml-k8s/overlay-composer';
import { formatDiffJson, formatDiffText, renderSource, resolveEngine, semanticDiff, VerifierError } from '@clearml-k8s/verifier';
import { errorLine } from '../error-line.ts';
import { EXIT, type CommandIo } from '../io.ts';

/** Usage of `diff`, printed with a wrong number of sources. */
export const DIFF_USAGE = `Usage: clearml-k8s diff A B [--json] [--no-namespace-move]
       clearml-k8s diff --parent overlays/sites/NAME [--json] [--no-namespace-move]
  A and B: overlay directories (e.g. overlays/current_version, overlays/sites/acme) or REF:DIR, a directory
  as committed at a git ref (e.g. HEAD~1:overlays/current_version), built without touching the work tree.
  --parent: A is the stock overlay the site's spec names (profile), B the site.
  Exit codes: 0 equal, 1 different, 2 error.
`;

/** What `diffCommand` is asked for. */
export interface DiffOptions {
  json: boolean;
  /** `false` (`--no-namespace-move`): pair objects by namespace even when one namespace moved. Default true. */
  namespaceMove?: boolean;
  /** `--parent`: the one source is a site; A is its parent overlay. */
  parent?: boolean;
}

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
 * The parent overlay of a site directory: `overlays/<profile>`, the profile its `site.yaml` names
 * (validated as `compose` validates it), as an absolute path.
 * @param site the site directory as given (relative to `cwd`), e.g. `overlays/sites/acme`.
 * @param env selects the release catalog (`loadReleaseCatalog`).
 * @throws VerifierError `DIFF_SOURCE_NOT_FOUND` when `site` is not `overlays/sites/NAME` under `root`
 *   with a `site.yaml`; SiteSpecError when the spec is invalid (file, line, field path);
 *   RepositoryIoError when the spec is a link, a FIFO, too large or binary.
 */
export function siteParentDir(root: string, cwd: string, site: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const relative = path.relative(root, path.resolve(cwd, site)).split(path.sep).join('/');
  const match = new RegExp(`^${SITES_DIR}/([^/]+)$`).exec(relative);
  const file = match ? `${SITES_DIR}/${match[1]}/site.yaml` : null;
  if (!match || !existsSync(path.join(root, file!))) {
    throw new VerifierError('DIFF_SOURCE_NOT_FOUND', `--parent ${site}: expected a site directory ${SITES_DIR}/NAME with site.yaml, received ${match ? 'a directory without site.yaml' : `${relative || '.'} (relative to the repository root)`}; pass a site such as --parent ${SITES_DIR}/acme (clearml-k8s site add NAME creates one), or two sources A B`, site);
  }
  const intent = siteIntentFromText(match[1]!, readSiteSpec(root, file!), file!, composeTree(loadReleaseCatalog(env)), siteFileReader(root, `${SITES_DIR}/${match[1]}`));
  return path.join(root, intent.parent.dir);
}

/**
 * Renders both sources with the real kustomize engine (in parallel) and prints the semantic diff:
 * text (coloured on a TTY) or, with `json`, the JSON form. Unless `namespaceMove` is false, a single
 * namespace move between the sides (a site's `namespace:`) is followed: objects pair by kind and name
 * across it and the move is printed once (`semanticDiff`).
 * @param root repository root (git commands for REF:DIR run here, `--parent` reads sites here); sources resolve against `io.cwd`.
 * @param sources the positional arguments after `diff`: exactly two (one with `parent`), else the usage on stderr and 2.
 * @returns 0 when equal, 1 when different (a namespace move included), 2 on a usage error.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND`, `DIFF_SOURCE_NOT_FOUND`, `GIT_REF_NOT_FOUND`, `GIT_FAILED`,
 *   `BUILD_FAILED` (the CLI maps them to exit 2); SiteSpecError for `--parent` on an invalid spec.
 *   When both sides fail, A's error is written to stderr and B's is thrown, so that both are printed in order.
 */
export async function diffCommand(root: string, sources: string[], options: DiffOptions, io: CommandIo): Promise<number> {
  const wanted = options.parent ? 1 : 2;
  if (sources.length !== wanted) {
    const what = options.parent ? 'one site directory after --parent' : 'two sources A and B';
    io.stderr.write(`clearml-k8s diff: expected ${what}, received ${sources.length}${sources.length ? ` (${sources.map((s) => `"${s}"`).join(', ')})` : ''}\n\n${DIFF_USAGE}`);
    return EXIT.usage;
  }
  const pair = options.parent ? [siteParentDir(root, io.cwd, sources[0]!, io.env), sources[0]!] : sources;
  const engine = await resolveEngine(io.env, { cwd: io.cwd });
  const settled = await Promise.allSettled(pair.map((source) => renderSource(source, { root, cwd: io.cwd, engine })));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length) {
    for (const extra of failures.slice(0, -1)) io.stderr.write(`${errorLine('diff', extra, io.env)}\n`);
    throw failures[failures.length - 1];
  }
  const [a, b] = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof renderSource>>>).value);
  const diff = semanticDiff(a!.objects, b!.objects, { namespaceMove: options.namespaceMove !== false });
  const labels = { a: a!.label, b: b!.label };
  io.stdout.write(options.json ? formatDiffJson(diff, labels) : formatDiffText(diff, labels, { color: diffColor(io) }));
  return diff.equal ? EXIT.ok : EXIT.findings;
}
