/** `clearml-k8s compose [--check]`: regenerate `base/` and `overlays/`, or report drift. */
import { composeTree, generatedDirs, planTree, writeTree } from '@clearml-k8s/overlay-composer';
import { EXIT, type CommandIo } from '../io.ts';

export async function composeCommand(root: string, options: { check: boolean }, io: CommandIo): Promise<number> {
  const { files } = composeTree();
  const changes = await planTree(root, files, generatedDirs());
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
  io.stdout.write(`compose: ${files.length} files, ${changes.length} changed\n`);
  return EXIT.ok;
}
