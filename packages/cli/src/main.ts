/**
 * The clearml-k8s command line: flag parsing (node:util `parseArgs`) and dispatch to the library
 * packages. Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.
 */
import { parseArgs } from 'node:util';
// Commands are imported when run: start-up then loads only the packages the command needs.
import { usageError } from './cli-error.ts';
import { errorLine } from './error-line.ts';
import { EXIT, type CommandIo } from './io.ts';
import { resolveRoot } from './repo-root.ts';

export const USAGE = `Usage: clearml-k8s <command> [options]

Commands:
  compose [--check]        regenerate base/, overlays/, README tables (--check: list files that would change, exit 1)
  verify [DIR...]          build overlays with kustomize and check them (default: every stock overlay)
      [--engine CMD]...    kustomize engine(s), e.g. --engine 'kubectl.1.27 kustomize'; with several,
                           every overlay is built with each and the outputs must be identical
      [--matrix]           use the oldest and newest kubectl.X.Y builds found (PATH, beside kubectl)
      [--json]             JSON report; with $GITHUB_STEP_SUMMARY set, a Markdown summary is appended
      [--no-cache]         build and check every overlay (default: reuse reports of unchanged overlays)
      [--timeout SECONDS]  give up on a build after this long (default 120, or $CLEARML_K8S_BUILD_TIMEOUT)
      [--strict]           warnings fail too (exit 1); without it only errors do
  checks [--json]          list the checks verify runs: id, severity, what each asserts
  site add NAME            write overlays/sites/NAME/site.yaml and compose the site (nothing written on error)
      [--profile P]        current_version (default), latest, enterprise, non-root
      [--namespace N] [--domain D] [--expose nodePort|ingress] [--node-port api|app|files=PORT]...
      [--storage hostPath|pvc] [--storage-class C] [--registry HOST[/PATH]]
      [--generate-credentials]  random internal credentials into the git-ignored credentials.env
  diff A B [--json]        semantic diff of two renderings (dirs or REF:DIR such as HEAD~1:overlays/current_version);
                           exit 0 equal, 1 different, 2 error
  bump [--server V] [--mongo V] [--elasticsearch V] [--redis V] [--force]
                           move the release catalog and recompose everything; unsafe upgrades
                           (1.x → 2.x not from 1.17, MongoDB majors skipped, ES 7 → 8, downgrades)
                           are refused with the safe path unless --force; prints the current_version diff
  check FILE|DIR...        Pod Security for raw manifests (every pod template, no kustomize)
      [--level L]          baseline (default) or restricted
      [--json]
  credentials              print a Namespace and the enterprise credentials Secret with random values,
                           for: clearml-k8s credentials | kubectl create -f -

Options:
  --root DIR               repository root: a clearml-k8s clone (package.json named clearml-k8s, turbo.json,
                           packages/); default: the nearest such ancestor of the working directory
  -h, --help               show this help

Engine: $KUSTOMIZE if set (a kustomize binary, or a command such as "kubectl.1.27 kustomize"),
else kustomize on PATH, else kubectl kustomize.
Writers (compose, site add, bump) take the lock .clearml-k8s.lock in the root and wait up to
$CLEARML_K8S_LOCK_WAIT seconds (default 10) for another run to finish.
Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.
`;

const OPTIONS = {
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  engine: { type: 'string', multiple: true },
  matrix: { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  strict: { type: 'boolean' },
  timeout: { type: 'string' },
  level: { type: 'string' },
  profile: { type: 'string' },
  namespace: { type: 'string' },
  domain: { type: 'string' },
  expose: { type: 'string' },
  'node-port': { type: 'string', multiple: true },
  storage: { type: 'string' },
  'storage-class': { type: 'string' },
  registry: { type: 'string' },
  'generate-credentials': { type: 'boolean' },
  server: { type: 'string' },
  mongo: { type: 'string' },
  elasticsearch: { type: 'string' },
  redis: { type: 'string' },
  force: { type: 'boolean' },
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags each command takes (besides `--root` and `--help`). */
const ALLOWED: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  compose: ['check'],
  verify: ['json', 'engine', 'matrix', 'no-cache', 'timeout', 'strict'],
  checks: ['json'],
  check: ['json', 'level'],
  site: ['profile', 'namespace', 'domain', 'expose', 'node-port', 'storage', 'storage-class', 'registry', 'generate-credentials'],
  bump: ['server', 'mongo', 'elasticsearch', 'redis', 'force'],
  diff: ['json'],
  credentials: [],
};

const HELP_HINT = 'run `clearml-k8s --help` for the usage';

/**
 * Parses the command line strictly: unknown flags, a flag the command does not take, a value flag
 * given twice (only `--engine` and `--node-port` repeat) or given an empty value are usage errors.
 * @throws CliError `USAGE`.
 */
export function parseCommandLine(argv: string[]): { command: string | undefined; rest: string[]; values: ReturnType<typeof parse>['values'] } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError('command line', 'options clearml-k8s knows', (error as Error).message.split('\n')[0]!.replace(/\.$/, ''), HELP_HINT);
  }
  const [command, ...rest] = parsed.positionals;
  const seen = new Map<string, number>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const option = OPTIONS[token.name as keyof typeof OPTIONS];
    seen.set(token.name, (seen.get(token.name) ?? 0) + 1);
    if (option.type === 'string' && !('multiple' in option) && seen.get(token.name)! > 1) {
      throw usageError(`--${token.name}`, 'the flag once', `it ${seen.get(token.name)} times`, `give --${token.name} one value`);
    }
    if (option.type === 'string' && token.value !== undefined && token.value.trim() === '') {
      throw usageError(`--${token.name}`, 'a value', 'an empty string', `give --${token.name} a value, or leave the flag out`);
    }
  }
  return { command, rest, values: parsed.values };
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
}

/**
 * Runs the CLI. Every failure ends in one line on stderr, `clearml-k8s <command>: CODE: message`, and
 * exit 2; never a stack trace (unless `CLEARML_K8S_DEBUG=1`, for an internal error).
 * @param argv arguments after the program name.
 * @returns the exit code.
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  let command: string | undefined;
  try {
    const line = parseCommandLine(argv);
    command = line.command;
    const { rest, values } = line;
    if (values.help || !command) {
      (values.help ? io.stdout : io.stderr).write(USAGE);
      return values.help ? EXIT.ok : EXIT.usage;
    }
    if (!Object.hasOwn(ALLOWED, command)) {
      const name = command;
      command = undefined;
      throw usageError(`command "${name}"`, `one of ${Object.keys(ALLOWED).join(', ')}`, JSON.stringify(name), HELP_HINT);
    }
    const allowed = ALLOWED[command]!;
    const misplaced = (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[]).find((o) => !['root', 'help'].includes(o) && values[o] !== undefined && !allowed.includes(o));
    if (misplaced) throw usageError(`--${misplaced}`, `an option of \`${command}\` (${allowed.map((o) => `--${o}`).join(', ') || 'none'})`, `--${misplaced}`, HELP_HINT);
    if (!['verify', 'check', 'site', 'diff'].includes(command) && rest.length) throw usageError(`${command} ${rest[0]}`, `no arguments to \`${command}\``, JSON.stringify(rest[0]), HELP_HINT);
    if (command === 'site' && (rest[0] !== 'add' || rest.length > 2)) {
      throw usageError(rest[0] !== 'add' ? `site ${rest[0] ?? ''}`.trim() : `site add ${rest[1]} ${rest[2]}`, '`site add NAME`', rest[0] !== 'add' ? JSON.stringify(rest[0] ?? '') : `the extra argument ${JSON.stringify(rest[2])}`, 'name one site: clearml-k8s site add NAME');
    }
    if (command === 'credentials') return (await import('./commands/credentials.ts')).credentialsCommand(io);
    if (command === 'checks') return (await import('./commands/checks.ts')).checksCommand({ json: values.json ?? false }, io);
    if (command === 'check') return await (await import('./commands/check.ts')).checkCommand(rest, { level: values.level, json: values.json ?? false }, io);
    const root = resolveRoot(values.root, io.cwd);
    if (command === 'compose') return await (await import('./commands/compose.ts')).composeCommand(root, { check: values.check ?? false }, io);
    if (command === 'diff') return await (await import('./commands/diff.ts')).diffCommand(root, rest, { json: values.json ?? false }, io);
    if (command === 'bump') {
      return await (await import('./commands/bump.ts')).bumpCommand(root, { server: values.server, mongo: values.mongo, elasticsearch: values.elasticsearch, redis: values.redis, force: values.force ?? false }, io);
    }
    if (command === 'site') {
      return await (await import('./commands/site.ts')).siteAddCommand(root, rest[1], {
        profile: values.profile,
        namespace: values.namespace,
        domain: values.domain,
        expose: values.expose,
        nodePorts: values['node-port'] ?? [],
        storage: values.storage,
        storageClass: values['storage-class'],
        registry: values.registry,
        generateCredentials: values['generate-credentials'] ?? false,
      }, io);
    }
    return await (await import('./commands/verify.ts')).verifyCommand(root, { dirs: rest, json: values.json ?? false, engines: values.engine ?? [], matrix: values.matrix ?? false, cache: !values['no-cache'], timeout: values.timeout, strict: values.strict ?? false }, io);
  } catch (error) {
    io.stderr.write(`${errorLine(command === 'site' ? 'site add' : command, error, io.env)}\n`);
    return EXIT.usage;
  }
}
