/**
 * The clearml-k8s command line: flag parsing (node:util `parseArgs`) and dispatch to the library
 * packages. Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.
 */
import { parseArgs } from 'node:util';
// Commands are imported when run: start-up then loads only the packages the command needs.
import { EXIT, type CommandIo } from './io.ts';
import { findRepoRoot } from './repo-root.ts';

export const USAGE = `Usage: clearml-k8s <command> [options]

Commands:
  compose [--check]        regenerate base/ and overlays/ (--check: list files that would change, exit 1)
  verify [DIR...]          build overlays with kustomize and check them (default: every stock overlay)
      [--engine CMD]...    kustomize engine(s), e.g. --engine 'kubectl.1.27 kustomize'; with several,
                           every overlay is built with each and the outputs must be identical
      [--matrix]           use the oldest and newest kubectl.X.Y builds found (PATH, beside kubectl)
      [--json]             JSON report; with $GITHUB_STEP_SUMMARY set, a Markdown summary is appended
      [--no-cache]         build and check every overlay (default: reuse reports of unchanged overlays)
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
  --root DIR               repository root (default: nearest ancestor with turbo.json)
  -h, --help               show this help

Engine: $KUSTOMIZE if set (a kustomize binary, or a command such as "kubectl.1.27 kustomize"),
else kustomize on PATH, else kubectl kustomize.
Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.
`;

const OPTIONS = {
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  engine: { type: 'string', multiple: true },
  matrix: { type: 'boolean' },
  'no-cache': { type: 'boolean' },
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

/** Errors that carry a `code` are expected (bad input, missing engine): printed without a stack. */
function isCodedError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * Runs the CLI.
 * @param argv arguments after the program name.
 * @returns the exit code.
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`clearml-k8s: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ...rest] = parsed.positionals;
  const { values } = parsed;
  if (values.help || !command) {
    (values.help ? io.stdout : io.stderr).write(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const allowed: Record<string, (keyof typeof OPTIONS)[]> = { compose: ['check'], verify: ['json', 'engine', 'matrix', 'no-cache'], check: ['json', 'level'], site: ['profile', 'namespace', 'domain', 'expose', 'node-port', 'storage', 'storage-class', 'registry', 'generate-credentials'], bump: ['server', 'mongo', 'elasticsearch', 'redis', 'force'], diff: ['json'], credentials: [] };
  if (!(command in allowed)) {
    io.stderr.write(`clearml-k8s: unknown command "${command}"; expected one of ${Object.keys(allowed).join(', ')}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const misplaced = (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[]).filter((o) => !['root', 'help'].includes(o) && values[o] !== undefined && !allowed[command]!.includes(o));
  if (misplaced.length || (!['verify', 'check', 'site', 'diff'].includes(command) && rest.length) || (command === 'site' && (rest[0] !== 'add' || rest.length > 2))) {
    const stray = command === 'site' && rest[0] === 'add' ? rest[2] : rest[0];
    io.stderr.write(`clearml-k8s ${command}: unexpected ${misplaced.length ? `option --${misplaced[0]}` : stray === undefined ? 'command: expected `site add NAME`' : `argument "${stray}"`}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (command === 'credentials') return (await import('./commands/credentials.ts')).credentialsCommand(io);
  if (command === 'check') {
    const { checkCommand } = await import('./commands/check.ts');
    try {
      return checkCommand(rest, { level: values.level, json: values.json ?? false }, io);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      io.stderr.write(`clearml-k8s check: ${error.code}: ${error.message}\n`);
      return EXIT.usage;
    }
  }
  const root = values.root ?? findRepoRoot(io.cwd);
  if (!root) {
    io.stderr.write(`clearml-k8s: no repository root above ${io.cwd}: expected a directory with turbo.json and packages/; run inside a clearml-k8s clone or pass --root\n`);
    return EXIT.usage;
  }
  try {
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
    return await (await import('./commands/verify.ts')).verifyCommand(root, { dirs: rest, json: values.json ?? false, engines: values.engine ?? [], matrix: values.matrix ?? false, cache: !values['no-cache'] }, io);
  } catch (error) {
    if (isCodedError(error)) {
      io.stderr.write(`clearml-k8s ${command}: ${error.code}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
