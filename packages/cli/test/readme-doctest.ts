/**
 * The README's shell blocks as executable examples (the documentation test, `readme.doctest.ts`; the
 * idea of kustomize's own doc tests, which run the commands of its examples). Not a test file itself.
 *
 * Every fenced block of README.md whose info string is `sh` (or `bash`, `shell`) is a shell block, and
 * every `text` block is a printed example output. Each carries a marker in the README's source, an HTML
 * comment on the line before its fence (GitHub does not render it):
 *
 * - `<!-- doctest: run -->`: every statement runs as written, in a scratch clone, in README order;
 *   none may need a live cluster.
 * - `<!-- doctest: render -->`: statements run as written, except the ones that need a live cluster:
 *   those with a rule (`RENDER_RULES` below: `kubectl apply -k` becomes `kubectl kustomize`, an
 *   imperative `kubectl create` gets `--dry-run=client -o yaml`, `… | kubectl create -f -` captures what
 *   would be created, `kubectl label node` labels a local Node) are rendered instead and their objects
 *   checked; the others are skipped, each with the reason `SKIPPED_COMMANDS` gives.
 * - `<!-- doctest: skip: REASON -->`: the block is not run, for that reason.
 * - `<!-- doctest: output -->` (text blocks): the block is what the last statement run before it printed
 *   (stdout, then stderr), compared line by line after `normaliseOutput`; `...` stands for any text
 *   within a line, and a line of `...` alone for any number of lines. `; of: CMD` runs CMD (bash, in
 *   the scratch clone) and compares its output instead.
 *
 * Any block may add `; stand-in: CMD`: a command the test runs before the block, in place of what a
 * skipped command of the block would have produced (e.g. the values file `helm get values` writes).
 *
 * Sources: CommonMark fenced code blocks and HTML blocks, parsed with mdast-util-from-markdown;
 * statements of a shell block split with sh-syntax (mvdan/sh's bash parser); words of a command
 * with shell-quote. kubectl's warning "resource … is missing the kubectl.kubernetes.io/last-applied-
 * configuration annotation which is required by kubectl apply" is printed by `kubectl apply` for an
 * object that exists without that annotation (kubernetes/kubectl `pkg/cmd/apply/apply.go`,
 * `warningNoLastAppliedConfigAnnotation`); `kubectl create --save-config` writes it.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { parse as parseShell } from 'sh-syntax';
import { parse as parseWords } from 'shell-quote';

/** What a marker says about its block. */
export interface DoctestMarker {
  mode: 'run' | 'render' | 'skip' | 'output';
  /** `skip`: why the block is not run. */
  reason?: string;
  /** A command run before the block, standing in for what a skipped command of it would produce. */
  standIn?: string;
  /** `output`: the command whose output the block shows (default: the last statement run before it). */
  of?: string;
}

/** One fenced block of the README, with its marker (null when the line before its fence has none). */
export interface ReadmeBlock {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  /** The info string's language (`sh`, `text`, `yaml`, `''` …). */
  lang: string;
  /** The block's content, without fences (and without the indentation of a block in a list item). */
  text: string;
  marker: DoctestMarker | null;
  /** The marker's text when it does not parse (the test reports it), else null. */
  markerError: string | null;
  /** The heading the block is under (`## Deploy` → `Deploy`). */
  section: string;
}

/** Fence languages that are shell. */
export const SHELL_LANGS: ReadonlySet<string> = new Set(['sh', 'bash', 'shell']);
/** Fence languages that are printed output. */
export const OUTPUT_LANGS: ReadonlySet<string> = new Set(['text', 'console']);

const MARKER = /^<!--\s*doctest:\s*([\s\S]*?)\s*-->$/;

/**
 * Parses a marker comment (`<!-- doctest: MODE[: REASON][; stand-in: CMD][; of: CMD] -->`).
 * @returns the marker, or a string saying what is wrong with it.
 */
export function parseMarker(html: string): DoctestMarker | string {
  const m = MARKER.exec(html.trim());
  if (!m) return `not a doctest marker: ${html.trim().slice(0, 80)}`;
  const [head, ...options] = m[1]!.split(/;\s*(?=(?:stand-in|of):)/);
  const mode = /^(run|render|skip|output)\b:?\s*(.*)$/s.exec(head!.trim());
  if (!mode) return `unknown doctest mode in ${JSON.stringify(m[1])} (expected run, render, skip: REASON or output)`;
  const marker: DoctestMarker = { mode: mode[1] as DoctestMarker['mode'] };
  if (marker.mode === 'skip') {
    if (!mode[2]) return 'skip without a reason (write <!-- doctest: skip: REASON -->)';
    marker.reason = mode[2].trim();
  } else if (mode[2]) return `unexpected text after ${marker.mode}: ${JSON.stringify(mode[2])}`;
  for (const option of options) {
    const o = /^(stand-in|of):\s*(.+)$/s.exec(option.trim());
    if (!o) return `unknown doctest option ${JSON.stringify(option)}`;
    if (o[1] === 'stand-in') marker.standIn = o[2]!.trim();
    else marker.of = o[2]!.trim();
  }
  return marker;
}

interface MdNode { type: string; depth?: number; lang?: string | null; value?: string; children?: MdNode[]; position?: { start: { line: number } } }

/** Every fenced block of `markdown`, in order, with its marker and section. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  let section = '';
  const plain = (n: MdNode): string => n.value ?? (n.children ?? []).map(plain).join('');
  const walk = (nodes: MdNode[]): void => {
    nodes.forEach((node, i) => {
      if (node.type === 'heading') section = plain(node);
      if (node.type === 'code') {
        const before = nodes[i - 1];
        let marker: DoctestMarker | null = null;
        let markerError: string | null = null;
        if (before?.type === 'html' && MARKER.test(before.value!.trim()) && before.position!.start.line >= node.position!.start.line - 2) {
          const parsed = parseMarker(before.value!);
          if (typeof parsed === 'string') markerError = parsed;
          else marker = parsed;
        }
        blocks.push({ line: node.position!.start.line, lang: node.lang ?? '', text: node.value ?? '', marker, markerError, section });
      }
      if (node.children) walk(node.children);
    });
  };
  walk((fromMarkdown(markdown) as MdNode).children ?? []);
  return blocks;
}

/** A top-level statement of a shell block: a command line with its continuations, loop or heredoc. */
export interface ShellStatement {
  /** 1-based line within the block. */
  line: number;
  /** The statement's source, without the comment that ends its line. */
  text: string;
}

/**
 * Splits a shell block into its top-level statements (bash grammar, mvdan/sh through sh-syntax).
 * @throws the parser's error (with line and column) when the block is not valid bash.
 */
export async function shellStatements(block: string): Promise<ShellStatement[]> {
  const file = await parseShell(block, { keepComments: false });
  const bytes = Buffer.from(block, 'utf8');
  return (file.Stmts ?? []).map((s) => ({ line: s.Pos.Line, text: bytes.subarray(s.Pos.Offset, s.End.Offset).toString('utf8') }));
}

/** A simple command of a statement: its words (as shell-quote reads them) and where its text is. */
export interface CommandSegment {
  start: number;
  end: number;
  /** The segment's source text. */
  text: string;
  /** Its words, assignments and shell keywords left out. */
  words: string[];
}

const KEYWORDS = new Set(['for', 'in', 'do', 'done', 'if', 'then', 'else', 'elif', 'fi', 'while', 'until', '!', '{', '}', 'case', 'esac', 'time']);

/**
 * Splits a statement into its simple commands: at unquoted `|`, `||`, `&&`, `;`, `&`, newlines,
 * `(`, `)`, `$(` and backquotes; a heredoc's body (after `<<WORD`, up to the line `WORD`) is no command.
 */
export function commandSegments(statement: string): CommandSegment[] {
  const cuts: { start: number; end: number }[] = [];
  let start = 0;
  let quote: '"' | "'" | null = null;
  const heredocs: string[] = [];
  const cut = (at: number, next: number): void => {
    cuts.push({ start, end: at });
    start = next;
  };
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '$' && statement[i + 1] === '(') {
        cut(i, i + 2);
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(statement[i - 1]!))) {
      const eol = statement.indexOf('\n', i);
      cut(i, eol < 0 ? statement.length : eol);
      i = (eol < 0 ? statement.length : eol) - 1;
      continue;
    }
    const heredoc = c === '<' && statement[i + 1] === '<' ? /^<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(statement.slice(i)) : null;
    if (heredoc) {
      heredocs.push(heredoc[2]!);
      i += heredoc[0].length - 1;
      continue;
    }
    if (c === '\n') {
      cut(i, i + 1);
      while (heredocs.length) {
        const word = heredocs.shift()!;
        const body = new RegExp(`^[\\t ]*${word}[\\t ]*$`, 'm').exec(statement.slice(start));
        const bodyEnd = body ? start + body.index + body[0].length : statement.length;
        start = bodyEnd;
        i = bodyEnd - 1;
      }
      continue;
    }
    const two = statement.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '$(') {
      cut(i, i + 2);
      i++;
    } else if ('|;&()`'.includes(c)) cut(i, i + 1);
  }
  cut(statement.length, statement.length);
  const segments: CommandSegment[] = [];
  for (const { start: s, end: e } of cuts) {
    const text = statement.slice(s, e);
    if (!text.trim()) continue;
    const tokens = parseWords(text.replace(/\\\n/g, ' '), (name) => `$${name}`);
    const words: string[] = [];
    let leading = true;
    for (const token of tokens) {
      if (typeof token !== 'string') {
        if ('op' in token && (token.op === '>' || token.op === '<' || token.op === '>>' || token.op === '<(')) words.push(`${token.op}`);
        continue;
      }
      if (leading && (KEYWORDS.has(token) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(token))) continue;
      if (leading && words.length === 0 && tokens[0] === 'for') break; // `for NAME in`: no command
      leading = false;
      words.push(token);
    }
    if (words.length) segments.push({ start: s, end: e, text, words });
  }
  return segments;
}

/** Commands a statement may not run here, and why (the statement is skipped, with that reason). */
export const SKIPPED_COMMANDS: Readonly<Record<string, string>> = {
  helm: 'needs a Helm release in a live cluster',
  curl: 'asks a running ClearML server',
  'docker-compose': 'runs on the docker-compose host',
  docker: 'runs on the docker-compose host',
  sudo: "changes a node's system settings, as root",
  kubeseal: "needs the sealed-secrets controller's certificate from a live cluster",
  vault: 'needs a live Vault',
  argocd: 'needs a live Argo CD',
  flux: 'needs a live Flux',
  mongosh: 'needs a live MongoDB',
};

/** kubectl verbs that read or change a live cluster and have no offline rendering: skipped. */
const KUBECTL_LIVE = new Set(['get', 'describe', 'logs', 'exec', 'port-forward', 'wait', 'patch', 'scale', 'delete', 'rollout', 'annotate', 'edit', 'replace', 'top', 'cp', 'auth', 'cluster-info', 'api-resources', 'events', 'drain', 'cordon', 'uncordon', 'taint', 'debug']);
/** `kubectl create` subcommands that generate their object locally (`--dry-run=client -o yaml` needs no server). */
const KUBECTL_GENERATORS = new Set(['namespace', 'ns', 'secret', 'configmap', 'cm', 'priorityclass', 'pc', 'serviceaccount', 'sa']);

/** A cluster command a statement renders instead of running, and what the test checks of it. */
export interface Rendering {
  /** `apply`: the objects `kubectl apply` would send (kustomize's build); `create`: what `kubectl create` would create; `label`: a local label. */
  kind: 'apply' | 'create' | 'label';
  /** The command as written in the README. */
  command: string;
  /** File (under `$DOCTEST_OUT`) the rendering writes its objects to. */
  file: string;
  /** For `apply`: the file its stderr goes to (kubectl apply would print it). */
  stderrFile?: string;
}

/** How the test treats one statement. */
export type StatementPlan =
  | { kind: 'run'; script: string }
  | { kind: 'render'; script: string; renderings: Rendering[] }
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; problem: string };

const PLACEHOLDER = /<([a-z][a-z0-9 -]*)>/g;

/** Replaces README placeholders (`<node-name>`, `<file with the password>`) with stand-in values. */
function fillPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER, (_m, what: string) => (/\bfile\b/.test(what) ? '"$DOCTEST_OUT/placeholder-file"' : `doc-test-${what.replace(/[^a-z0-9]+/g, '-')}`));
}

/** The kubectl verb and the words after it (global flags `-n NS`, `--namespace NS`, `--context C` skipped). */
function kubectlVerb(words: string[]): { verb: string; rest: string[] } {
  let i = 1;
  while (i < words.length && words[i]!.startsWith('-')) i += /^(-n|--namespace|--context|--kubeconfig|-l|--selector)$/.test(words[i]!) ? 2 : 1;
  return { verb: words[i] ?? '', rest: words.slice(i + 1) };
}

/**
 * Decides what the test does with a statement of a block (`mode` from its marker) and writes the
 * script it runs: the statement itself, or with each cluster command replaced by its rendering
 * (numbered from `counter.next`). Renderings write under `$DOCTEST_OUT`.
 */
export function planStatement(statement: string, mode: 'run' | 'render', counter: { next: number }): StatementPlan {
  const segments = commandSegments(statement);
  const renderings: Rendering[] = [];
  let script = '';
  let at = 0;
  for (const seg of segments) {
    const [cmd] = seg.words;
    if (cmd === 'npx') return { kind: 'invalid', problem: `\`npx\` asks the npm registry for a package when the workspace has none (\`${seg.text.trim()}\`): write \`npm exec --no -- …\`, which only runs the workspace's bin` };
    if (cmd === 'clearml-k8s') return { kind: 'invalid', problem: `\`clearml-k8s\` is not on PATH after \`npm ci\`: write \`npm exec --no -- clearml-k8s …\` (\`${seg.text.trim()}\`)` };
    if (cmd === 'npm' && seg.words[1] === 'exec' && seg.words.includes('clearml-k8s') && !(seg.words[2] === '--no' && seg.words[3] === '--' && seg.words[4] === 'clearml-k8s')) {
      return { kind: 'invalid', problem: `write the command as \`npm exec --no -- clearml-k8s …\` (\`${seg.text.trim()}\`)` };
    }
    if (cmd === 'npm' && (seg.words[1] === 'ci' || seg.words[1] === 'test')) return { kind: 'skip', reason: `npm ${seg.words[1]} is what runs this test (.ci/run runs it first)` };
    if (cmd === 'npm' && (seg.words[1] === 'install' || (seg.words[1] === 'run' && seg.words.includes('bench')))) {
      return { kind: 'invalid', problem: `\`${seg.text.trim()}\` cannot run inside npm test; mark its block <!-- doctest: skip: REASON -->` };
    }
    if (cmd === 'npm' && seg.words[1] === 'exec' && seg.words[5] === 'preflight') return { kind: 'skip', reason: 'preflight asks a live cluster (kubectl get, read-only)' };
    if (cmd && SKIPPED_COMMANDS[cmd]) return { kind: 'skip', reason: `${cmd} ${SKIPPED_COMMANDS[cmd]}` };
    if (cmd !== 'kubectl') {
      if (PLACEHOLDER.test(seg.text)) return { kind: 'invalid', problem: `a placeholder in a command that runs: ${seg.text.trim()}` };
      continue;
    }
    const { verb, rest } = kubectlVerb(seg.words);
    const written = seg.text.trim();
    let replacement: string | null = null;
    const file = `r${counter.next}`;
    if (verb === 'kustomize' || (verb === 'version' && rest.includes('--client'))) continue;
    if (rest.includes('--dry-run=client') && !rest.includes('--save-config')) continue; // already offline
    if (verb === 'apply' && (rest.includes('-k') || rest.some((r) => r.startsWith('--kustomize')))) {
      const dir = rest[rest.indexOf('-k') + 1] ?? rest.find((r) => r.startsWith('--kustomize='))!.slice('--kustomize='.length);
      replacement = `kubectl kustomize ${dir} > "$DOCTEST_OUT/${file}.yaml" 2> "$DOCTEST_OUT/${file}.stderr"`;
      renderings.push({ kind: 'apply', command: written, file: `${file}.yaml`, stderrFile: `${file}.stderr` });
    } else if (verb === 'apply' && rest.includes('-f')) {
      replacement = `cat ${rest[rest.indexOf('-f') + 1]} > "$DOCTEST_OUT/${file}.yaml"`;
      renderings.push({ kind: 'apply', command: written, file: `${file}.yaml` });
    } else if (verb === 'create' && rest[0] === '-f' && rest[1] === '-') {
      replacement = `cat > "$DOCTEST_OUT/${file}.yaml"`;
      renderings.push({ kind: 'create', command: written, file: `${file}.yaml` });
    } else if (verb === 'create' && KUBECTL_GENERATORS.has(rest[0] ?? '')) {
      replacement = `${fillPlaceholders(written)} --dry-run=client -o yaml > "$DOCTEST_OUT/${file}.yaml"`;
      renderings.push({ kind: 'create', command: written, file: `${file}.yaml` });
    } else if (verb === 'label' && rest[0] === 'node' && rest[1]) {
      const name = fillPlaceholders(rest[1]);
      replacement = `printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"}}' ${name} > "$DOCTEST_OUT/${file}.node.json" && kubectl label --local --dry-run=client -o yaml -f "$DOCTEST_OUT/${file}.node.json" ${rest.slice(2).join(' ')} > "$DOCTEST_OUT/${file}.yaml"`;
      renderings.push({ kind: 'label', command: written, file: `${file}.yaml` });
    } else if (KUBECTL_LIVE.has(verb) || verb === 'create' || verb === 'apply' || verb === 'label') {
      return { kind: 'skip', reason: `kubectl ${verb} ${verb === 'get' || verb === 'logs' || verb === 'describe' || verb === 'wait' || verb === 'port-forward' || verb === 'exec' ? 'reads' : 'changes'} a live cluster` };
    } else return { kind: 'invalid', problem: `no rendering for \`${written}\` (kubectl ${verb}): add a rule to RENDER_RULES or mark the block skip` };
    counter.next++;
    const lead = seg.text.length - seg.text.trimStart().length;
    const trail = seg.text.length - seg.text.trimEnd().length;
    script += statement.slice(at, seg.start + lead) + replacement;
    at = seg.end - trail;
  }
  script += statement.slice(at);
  if (!renderings.length) return { kind: 'run', script: statement };
  if (mode === 'run') return { kind: 'invalid', problem: `needs a live cluster (${renderings.map((r) => r.command).join('; ')}): mark the block <!-- doctest: render -->` };
  return { kind: 'render', script, renderings };
}

/** The rules `planStatement` renders by, for the README and the closing note. */
export const RENDER_RULES: readonly string[] = [
  'kubectl apply -k DIR → kubectl kustomize DIR: exits 0, prints nothing on stderr, and no object it sends exists without the last-applied annotation',
  'kubectl apply -f FILE → the file’s objects, checked as above',
  '… | kubectl create -f - → the objects piped in: valid against the Kubernetes schema, none already existing',
  'kubectl create namespace|secret|configmap|priorityclass|serviceaccount … → the same with --dry-run=client -o yaml',
  'kubectl label node NODE K=V → kubectl label --local --dry-run=client on a Node object named NODE',
];

/**
 * Normalises a command's output for comparison: the scratch clone's path becomes relative (or `.`),
 * colour codes and trailing whitespace go, and a final empty line is dropped.
 */
export function normaliseOutput(text: string, scratch: string): string[] {
  return text
    .replaceAll(`${scratch}/`, '')
    .replaceAll(scratch, '.')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l, i, all) => !(l === '' && i === all.length - 1));
}

/**
 * Compares printed output with the README's example: each example line must match its output line,
 * where `...` matches any text; an example line `...` alone matches any number of lines.
 * @returns null when it matches, else a description of the first difference.
 */
export function compareOutput(expected: string[], actual: string[]): string | null {
  const toRegex = (line: string): RegExp => new RegExp(`^${line.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const match = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e]!.trim() === '...') {
      for (let k = a; k <= actual.length; k++) if (match(e + 1, k)) return true;
      return false;
    }
    return a < actual.length && toRegex(expected[e]!).test(actual[a]!) && match(e + 1, a + 1);
  };
  if (match(0, 0)) return null;
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (expected[i]?.trim() === '...') break;
    if (expected[i] === undefined || actual[i] === undefined || !toRegex(expected[i]!).test(actual[i]!)) {
      return `line ${i + 1}: README shows ${JSON.stringify(expected[i] ?? '(nothing)')}, the command printed ${JSON.stringify(actual[i] ?? '(nothing)')}`;
    }
  }
  return `the output does not match the README's example (${actual.length} lines printed, ${expected.length} shown)`;
}

/** The annotation `kubectl apply` keeps its last request in (and `kubectl create --save-config` writes). */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface ObjectHead { kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } }

/**
 * What a walk through the README did to a cluster, by object identity (kind, namespace, name): which
 * objects exist and whether they carry the last-applied annotation. Enough to know what `kubectl apply`
 * would warn about and what `kubectl create` would refuse, without a cluster.
 */
export class ClusterModel {
  private readonly objects = new Map<string, { annotated: boolean; by: string }>();

  /** `Kind/namespace/name` (no namespace for cluster-scoped objects). */
  static identity(object: unknown): string {
    const o = object as ObjectHead;
    return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  }

  /**
   * `kubectl apply` of `objects`: every one that exists without the annotation gets kubectl's
   * warning; afterwards all of them exist with it.
   * @returns the warnings kubectl would print.
   */
  apply(objects: readonly unknown[]): string[] {
    const warnings: string[] = [];
    for (const object of objects) {
      const id = ClusterModel.identity(object);
      const live = this.objects.get(id);
      if (live && !live.annotated) {
        const o = object as ObjectHead;
        warnings.push(`Warning: resource ${o.kind!.toLowerCase()}s/${o.metadata?.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply (it was made by \`${live.by}\`, without --save-config)`);
      }
      this.objects.set(id, { annotated: true, by: 'kubectl apply' });
    }
    return warnings;
  }

  /**
   * `kubectl create` of `objects` (by `command`): refused for every object that exists already.
   * @returns the errors kubectl would print.
   */
  create(objects: readonly unknown[], command: string): string[] {
    const errors: string[] = [];
    for (const object of objects) {
      const id = ClusterModel.identity(object);
      if (this.objects.has(id)) errors.push(`Error from server (AlreadyExists): ${id} exists already (made by \`${this.objects.get(id)!.by}\`)`);
      else this.objects.set(id, { annotated: Boolean((object as ObjectHead).metadata?.annotations?.[LAST_APPLIED]), by: command });
    }
    return errors;
  }
}
