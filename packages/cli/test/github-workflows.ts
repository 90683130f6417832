/**
 * The one adapter for `@actions/workflow-parser` (GitHub's own workflow parser, the one of its Actions
 * language services: https://github.com/actions/languageservices/tree/main/workflow-parser), and the
 * README reader the workflow tests compare the workflow with. Not a test file itself.
 */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

/** One problem the parser found: the message names the file, line and column (`ci.yml (Line: 5, Col: 5): Unexpected value 'stepz'`). */
export interface WorkflowProblem {
  message: string;
}

/**
 * Every error GitHub's parser reports for a workflow: YAML syntax, duplicate keys, keys and types
 * the workflow schema does not allow, expressions that do not parse or name unknown contexts, and
 * (from the conversion to a workflow template) duplicate step ids and job dependency problems.
 * @param file the name errors are reported under (e.g. `.github/workflows/ci.yml`).
 * @returns the problems, deduplicated (parse and conversion report some twice); empty when valid.
 */
export async function lintWorkflow(file: string, content: string): Promise<WorkflowProblem[]> {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const messages = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    messages.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return [...new Set(messages)].map((message) => ({ message }));
}

/**
 * The commands of the first ```sh block after the Markdown heading `heading` (exact text after the
 * `#`s): one per non-blank line, without its trailing `# comment`, trimmed.
 * @throws Error when the heading or a sh block under it (before the next heading of the same or a higher level) is missing.
 */
export function readmeCommands(readme: string, heading: string): string[] {
  const lines = readme.split('\n');
  const at = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '') === heading);
  if (at < 0) throw new Error(`README.md: no heading "${heading}"`);
  const level = /^#+/.exec(lines[at]!)![0].length;
  const commands: string[] = [];
  let inBlock = false;
  for (const line of lines.slice(at + 1)) {
    if (!inBlock && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level) break;
    if (!inBlock && line.trim() === '```sh') {
      inBlock = true;
      continue;
    }
    if (inBlock && line.trim() === '```') return commands;
    if (inBlock && line.trim()) commands.push(line.replace(/\s+#.*$/, '').trim());
  }
  throw new Error(`README.md: no \`\`\`sh block under "${heading}"`);
}
