/** `clearml-k8s compose [--check]`: regenerate `base/`, `overlays/` (stock and sites) and `schemas/`, or report drift. */
import { composeRepository, planTree, writeTree } from '@clearml-k8s/overlay-composer';
import { EXIT, type CommandIo } from '../io.ts';

/**
 * Regenerates (or with `check`, compares) the generated tree under `root`.
 * @returns 0 when written or up to date, 1 when `check` finds drift (the changed paths go to stderr).
 * @throws ComposerError from the composer, SiteSpecError for an invalid site spec (the CLI maps both to exit 2;
 *   nothing is written then).
 */
export async function composeCommand(root: string, options: { check: boolean }, io: CommandIo): Promise<number> {
  const { files, ownedDirs, preserve, sites } = composeRepository(root);
  const changes = await planTree(root, files, ownedDirs, preserve);
  if (options.check) {
    if (changes.length === 0) {
      io.stdout.write(`compose --check: ${files.length} generated files up to date\n`);
      return EXIT.ok;
    }
    io.stderr.write(`compose --check: ${changes.length} generated file(s) differ from their sources:\n`);
    for (const c of changes) io.stderr.write(`  ${c.change.padEnd(6)} ${c.path}\n`);
    io.stderr.write('run `npm run compose` (clearml-k8s compose) and commit the result\n');
    return EXIT.findings;
  }
  await writeTree(root, files, changes);
  io.stdout.write(changes.length ? changes.map((c) => `${c.change.padEnd(6)} ${c.path}\n`).join('') : '');
  io.stdout.write(`compose: ${files.length} files (${sites.length} site${sites.length === 1 ? '' : 's'}), ${changes.length} changed\n`);
  return EXIT.ok;
}
