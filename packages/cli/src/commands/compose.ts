/**
 * `clearml-k8s compose [--check]`: regenerate `base/`, `overlays/` (stock and sites), `schemas/` and
 * the generated regions of README.md (the check and error tables), or report drift.
 */
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { composeRepository, planTree, writeTree } from '@clearml-k8s/overlay-composer';
import { withRepositorySession, type RecoveredWrite } from '@clearml-k8s/repository-io';
import { EXIT, type CommandIo } from '../io.ts';
import { readmeFile } from '../readme-regions.ts';

/** The note printed for an interrupted write that a run finished or discarded. */
export function recoveryNote(command: string, r: RecoveredWrite): string {
  return r.action === 'finished'
    ? `${command}: finished an interrupted write of \`${r.command}\` (${r.files} file${r.files === 1 ? '' : 's'})\n`
    : `${command}: removed the staged files of a write that was interrupted before it changed anything\n`;
}

/** The note for files in generated directories that compose did not write and left alone. */
export function unknownNote(command: string, unknown: readonly string[]): string {
  if (!unknown.length) return '';
  return `${command}: left alone (not written by compose): ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? `, and ${unknown.length - 20} more` : ''}\n`;
}

/**
 * Regenerates (or with `check`, compares) the generated tree under `root` and the generated regions
 * of its README.md (`../readme-regions.ts`; the rest of the README is left as it is), holding the
 * repository lock; an interrupted earlier write is finished first (`--check` reports it instead: exit 1).
 * @returns 0 when written or up to date, 1 when `check` finds drift or an unfinished write.
 * @throws ComposerError, SiteSpecError (invalid site spec), RepositoryIoError (links, files in the
 *   way, lock, I/O), CliError `README_REGION_INVALID` (README markers); the CLI maps them to exit 2,
 *   and nothing is written then.
 */
export async function composeCommand(root: string, options: { check: boolean }, io: CommandIo): Promise<number> {
  const name = options.check ? 'compose --check' : 'compose';
  return withRepositorySession(root, `clearml-k8s ${name}`, async ({ lock, recovered, pending }) => {
    for (const r of recovered) io.stderr.write(recoveryNote(name, r));
    const unfinished = pending.filter((p) => p.committed);
    if (unfinished.length) {
      io.stderr.write(`compose --check: an interrupted write${unfinished[0]!.command ? ` of \`${unfinished[0]!.command}\`` : ''} is not finished (journal in .clearml-k8s/): the tree may be half-written\n`);
      io.stderr.write('run `npm run compose` (clearml-k8s compose): it finishes the write, then compare again\n');
      return EXIT.findings;
    }
    const { files, ownedDirs, preserve, sites } = composeRepository(root, loadReleaseCatalog(io.env));
    // README.md is the user's file outside the generated directories: only its marked regions are generated.
    const readme = readmeFile(root);
    const written = readme ? [...files, readme] : files;
    const { changes, unknown } = await planTree(root, written, { ownedDirs, preserve });
    io.stderr.write(unknownNote(name, unknown));
    if (options.check) {
      if (changes.length === 0) {
        io.stdout.write(`compose --check: ${files.length} generated files${readme ? ` and the generated tables of ${readme.path}` : ''} up to date\n`);
        return EXIT.ok;
      }
      io.stderr.write(`compose --check: ${changes.length} generated file(s) differ from their sources:\n`);
      for (const c of changes) io.stderr.write(`  ${c.change.padEnd(6)} ${c.path}\n`);
      io.stderr.write('run `npm run compose` (clearml-k8s compose) and commit the result\n');
      return EXIT.findings;
    }
    await writeTree(root, written, changes, { command: 'clearml-k8s compose', lock, env: io.env });
    io.stdout.write(changes.map((c) => `${c.change.padEnd(6)} ${c.path}\n`).join(''));
    io.stdout.write(`compose: ${files.length} files (${sites.length} site${sites.length === 1 ? '' : 's'}), ${changes.length} changed\n`);
    return EXIT.ok;
  }, { readOnly: options.check, env: io.env });
}
