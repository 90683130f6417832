/**
 * The generated regions of the repository's README.md: the check table (from the verifier's check
 * registry) and the error table (from every package's error code list). README.md is the user's
 * file: only the lines between a region's markers are generated,
 *
 *     <!-- BEGIN GENERATED checks: clearml-k8s compose writes this table from … -->
 *     …
 *     <!-- END GENERATED checks -->
 *
 * and `clearml-k8s compose` rewrites them (`compose --check` reports drift) together with the
 * generated tree, in the same journaled write. A repository without README.md has nothing to do.
 */
import type { GeneratedFile } from '@clearml-k8s/base-manifests';
import { lstatInside, readUserFile } from '@clearml-k8s/repository-io';
import { checkTableMarkdown } from '@clearml-k8s/verifier';
import { CliError } from './cli-error.ts';
import { errorTableMarkdown } from './error-codes.ts';

/** The README, repository-relative. */
export const README_FILE = 'README.md';

/** Largest README read, in bytes. */
const README_MAX_BYTES = 4 << 20;

/** A generated region: its name in the markers, where its content comes from, and the content. */
export interface ReadmeRegion {
  /** Lower-case with dashes, as written in the markers. */
  name: string;
  /** What to edit instead of the region (said in the BEGIN marker). */
  source: string;
  /** The region's Markdown, without a trailing newline. */
  render(): string;
}

/** The README's generated regions. */
export const README_REGIONS: readonly ReadmeRegion[] = [
  { name: 'checks', source: 'the check registry, packages/verifier/src/checks/', render: () => checkTableMarkdown() },
  { name: 'error-codes', source: "each package's *_ERROR_CODES list", render: () => errorTableMarkdown() },
];

/** The BEGIN marker line of a region. */
export function beginMarker(region: ReadmeRegion): string {
  return `<!-- BEGIN GENERATED ${region.name}: clearml-k8s compose writes this table from ${region.source}; do not edit it here -->`;
}

/** The END marker line of a region. */
export function endMarker(region: ReadmeRegion): string {
  return `<!-- END GENERATED ${region.name} -->`;
}

const BEGIN = /^<!-- BEGIN GENERATED ([^\s:]+)(?::.*)? -->$/;
const END = /^<!-- END GENERATED (\S+) -->$/;

/**
 * `text` with the lines between each region's markers replaced by the region's content (a blank
 * line either side) and the marker lines written canonically; everything else is kept byte for byte.
 * @param file the name for errors.
 * @throws CliError `README_REGION_INVALID` (with the line) for a marker of an unknown region, a
 *   region that is missing, repeated, unclosed or nested in another, or an END without its BEGIN.
 */
export function renderReadmeRegions(text: string, file: string, regions: readonly ReadmeRegion[] = README_REGIONS): string {
  const lines = text.split('\n');
  const byName = new Map(regions.map((r) => [r.name, r]));
  const fail = (line: number, expected: string, received: string, hint: string): never => {
    throw new CliError({ code: 'README_REGION_INVALID', where: file, line, expected, received, hint });
  };
  const names = regions.map((r) => `"${r.name}"`).join(', ');
  const out: string[] = [];
  const seen = new Set<string>();
  let open: { region: ReadmeRegion; line: number } | null = null;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const begin = line.match(BEGIN);
    const end = line.match(END);
    if (begin) {
      const region = byName.get(begin[1]!);
      if (!region) fail(i + 1, `a generated region named one of ${names}`, `BEGIN GENERATED ${begin[1]}`, 'fix the region name in the marker, or remove both markers');
      if (open) fail(i + 1, `the END marker of region "${open.region.name}" (opened on line ${open.line}) first`, `BEGIN GENERATED ${begin[1]}`, `put \`${endMarker(open.region)}\` after the table of line ${open.line}`);
      if (seen.has(region!.name)) fail(i + 1, `region "${region!.name}" once`, 'a second BEGIN marker for it', 'remove one of the two tables with its markers');
      seen.add(region!.name);
      open = { region: region!, line: i + 1 };
      out.push(beginMarker(region!), '', region!.render(), '');
      return;
    }
    if (end) {
      if (!open || open.region.name !== end[1]) fail(i + 1, open ? `the END marker of region "${open.region.name}" (opened on line ${open.line})` : 'an END marker only after its BEGIN marker', `END GENERATED ${end[1]}`, 'pair every BEGIN GENERATED marker with one END GENERATED marker of the same name');
      out.push(endMarker(open!.region));
      open = null;
      return;
    }
    if (!open) out.push(raw);
  });
  const unclosed = open as { region: ReadmeRegion; line: number } | null;
  if (unclosed) fail(unclosed.line, `\`${endMarker(unclosed.region)}\` after the region`, 'none until the end of the file', 'add the END marker after the table');
  const missing = regions.find((r) => !seen.has(r.name));
  if (missing) fail(0, `the generated region "${missing.name}" (\`${beginMarker(missing)}\` … \`${endMarker(missing)}\`)`, 'no such markers', 'put the two marker lines back where the table belongs, then run `clearml-k8s compose`');
  return out.join('\n');
}

/**
 * README.md of `root` with its generated regions rendered (its mode is kept), or null when the
 * repository has none.
 * @throws RepositoryIoError `PATH_SYMLINK`, `PATH_NOT_REGULAR`, `FILE_TOO_LARGE`, `FILE_NOT_TEXT`,
 *   `READ_FAILED`; CliError `README_REGION_INVALID`.
 */
export function readmeFile(root: string): GeneratedFile | null {
  if (lstatInside(root, README_FILE) === null) return null;
  const text = readUserFile({ root, relative: README_FILE }, { maxBytes: README_MAX_BYTES, what: 'the README' });
  return { path: README_FILE, content: renderReadmeRegions(text, README_FILE) };
}
