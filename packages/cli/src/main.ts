/**
 * The clearml-k8s command line: commander (https://github.com/tj/commander.js) parses it, each
 * command's work is in src/commands/*. Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.
 *
 * A command is one entry of `COMMANDS` (name, help text, options, what it runs), e.g.
 *   { name: 'checks', summary: 'list the checks verify runs', options: [flag('--json', 'as JSON')],
 *     run: async ({ options, io }) => (await import('./commands/checks.ts')).checksCommand({ json: options.json ?? false }, io) }
 * and a flag is one entry of its `options` (`flag('--strict', '…')` arrives as `options.strict`). Parsing is strict:
 * an unknown command or flag (with commander's "did you mean"), a flag of another command, a
 * single-valued flag given twice or given an empty value, or an extra argument is a `USAGE` error,
 * printed as one line (`clearml-k8s CMD: USAGE: where: expected …, received …; fix`) followed by that
 * command's usage, on stderr, exit 2. Nothing here touches the process: `main` reads and writes only
 * through its `io`, so tests run it in process.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option, type OptionValues } from 'commander';
// Commands are imported when run: start-up then loads only the packages the command needs.
import { CliError, usageError } from './cli-error.ts';
import { errorLine } from './error-line.ts';
import { EXIT, type CommandIo } from './io.ts';
import { resolveRoot } from './repo-root.ts';

/** The version of this package (`clearml-k8s --version`). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A flag of a command: `flag` (boolean), `value` (one value), `list` (repeatable, values collected in order). */
export interface OptionSpec {
  kind: 'flag' | 'value' | 'list';
  /** Commander flags: `--check`, `--timeout <SECONDS>`, `--no-cache`. */
  flags: string;
  description: string;
}

/** A boolean flag (`--json`; `--no-X` sets `X` to false). */
export const flag = (flags: string, description: string): OptionSpec => ({ kind: 'flag', flags, description });
/** A flag with one value (`--timeout <SECONDS>`): given twice, or given an empty value, is a usage error. */
export const value = (flags: string, description: string): OptionSpec => ({ kind: 'value', flags, description });
/** A flag that may repeat (`--engine <CMD>`); its values arrive as an array in command-line order. */
export const list = (flags: string, description: string): OptionSpec => ({ kind: 'list', flags, description });

/** What a command's `run` gets. */
export interface RunContext {
  /** The positional arguments, as given. */
  args: string[];
  /** The command's parsed flags by commander attribute name (`check`, `noCache` → `cache`, `nodePort`). */
  options: OptionValues;
  io: CommandIo;
  /** The repository root from `--root` or the working directory. @throws CliError `ROOT_INVALID`. */
  root(): string;
}

/** One command of the CLI. Adding a command is adding one of these to `COMMANDS`. */
export interface CommandSpec {
  /** `compose`, or `site add` for a subcommand of a group (the group `site` is made once). */
  name: string;
  /** One line, for the command list of `clearml-k8s --help` and the top of the command's help. */
  summary: string;
  /** The usage after the command's name, e.g. `[DIR...] [options]` (default: commander's, from the arguments). */
  usage?: string;
  /** Positional arguments as commander declares them (`[DIR...]`, `[A]`) with their help lines. */
  arguments?: readonly (readonly [string, string])[];
  /** Extra positional arguments are passed to `run` instead of being a usage error (the command checks them). */
  excessArguments?: boolean;
  options?: readonly OptionSpec[];
  /** Help text after the options (notes, settings, exit codes). */
  notes?: string;
  /** Runs the command. @returns the exit code; errors it throws are printed as one line, exit 2. */
  run(ctx: RunContext): number | Promise<number>;
}

const ENGINE_NOTE = `Engine: $KUSTOMIZE if set (a kustomize binary, or a command such as "kubectl.1.27 kustomize"),
else kustomize on PATH, else kubectl kustomize.`;
const WRITER_NOTE = `Writers (compose, site add, site import, bump) take the lock .clearml-k8s.lock in the root and wait up to
$CLEARML_K8S_LOCK_WAIT seconds (default 10) for another run to finish.`;
const EXIT_NOTE = 'Exit codes: 0 ok, 1 findings or drift, 2 usage or environment.';

/** The commands, in the order `clearml-k8s --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'compose',
    summary: 'regenerate base/, overlays/ (stock profiles and sites), schemas/ and the generated tables of README.md',
    usage: '[--check] [options]',
    options: [flag('--check', 'list the files that would change and exit 1; nothing is written')],
    notes: `${WRITER_NOTE}\nExit codes: 0 written or up to date, 1 --check found drift, 2 usage or environment.`,
    run: async ({ options, io, root }) => (await import('./commands/compose.ts')).composeCommand(root(), { check: options.check ?? false }, io),
  },
  {
    name: 'verify',
    summary: 'build overlays with kustomize and check them',
    usage: '[DIR...] [options]',
    arguments: [['[DIR...]', 'overlay directories (default: every stock overlay and every site)']],
    options: [
      list('--engine <CMD>', "kustomize engine, e.g. --engine 'kubectl.1.27 kustomize' (repeatable; a bare first word is found on PATH, beside kubectl or in the engine cache, as --matrix looks); with several, every overlay is built with each and the outputs must be identical"),
      flag('--matrix', 'use the oldest and newest kubectl.X.Y builds found (PATH, beside kubectl, the engine cache of npm run engines:install)'),
      flag('--json', 'JSON report; with $GITHUB_STEP_SUMMARY set, a Markdown summary is appended'),
      flag('--no-cache', 'build and check every overlay (default: reuse reports of unchanged overlays)'),
      flag('--no-batch', 'build every overlay in its own engine process (default: generated overlays whose objects cannot collide share one build, proven equal)'),
      value('--timeout <SECONDS>', 'give up on a build after this long (default 120, or $CLEARML_K8S_BUILD_TIMEOUT)'),
      flag('--strict', 'warnings fail too (exit 1); without it only errors do'),
    ],
    notes: `${ENGINE_NOTE}\nExit codes: 0 no error findings (warnings are printed), 1 error findings (or any finding with --strict), 2 usage or environment.`,
    run: async ({ args, options, io, root }) =>
      (await import('./commands/verify.ts')).verifyCommand(root(), { dirs: args, json: options.json ?? false, engines: options.engine ?? [], matrix: options.matrix ?? false, cache: options.cache !== false, batch: options.batch !== false, timeout: options.timeout, strict: options.strict ?? false }, io),
  },
  {
    name: 'checks',
    summary: 'list the checks verify runs: id, severity, what each asserts',
    options: [flag('--json', 'the list as JSON')],
    notes: EXIT_NOTE,
    run: async ({ options, io }) => (await import('./commands/checks.ts')).checksCommand({ json: options.json ?? false }, io),
  },
  {
    name: 'site add',
    summary: 'write overlays/sites/NAME/site.yaml and compose the site (nothing written on error)',
    usage: 'NAME [options]',
    arguments: [['[NAME]', 'the site name, a DNS-1123 label (e.g. acme-prod)']],
    options: [
      value('--profile <P>', 'current_version (default), latest, enterprise, non-root'),
      value('--namespace <N>', 'the namespace of every object (default clearml)'),
      value('--domain <D>', 'serve api., app. and files. under this domain (implies --expose ingress, except on enterprise)'),
      value('--expose <nodePort|ingress>', 'how the endpoints are reached'),
      list('--node-port <api|app|files=PORT>', 'the NodePort of an endpoint (repeatable, once per endpoint)'),
      value('--storage <hostPath|pvc>', 'where the data lives'),
      value('--storage-class <C>', 'the StorageClass of the PersistentVolumeClaims (implies --storage pvc)'),
      value('--registry <HOST[/PATH]>', 'pull every image from this registry (a mirror)'),
      flag('--generate-credentials', 'random internal credentials into the git-ignored credentials.env'),
    ],
    notes: `The spec keeps only the flags given; edit it later and run clearml-k8s compose.\n${WRITER_NOTE}\n${EXIT_NOTE}`,
    run: async ({ args, options, io, root }) =>
      (await import('./commands/site.ts')).siteAddCommand(root(), args[0], {
        profile: options.profile,
        namespace: options.namespace,
        domain: options.domain,
        expose: options.expose,
        nodePorts: options.nodePort ?? [],
        storage: options.storage,
        storageClass: options.storageClass,
        registry: options.registry,
        generateCredentials: options.generateCredentials ?? false,
      }, io),
  },
  {
    name: 'site import',
    summary: 'write overlays/sites/NAME/site.yaml from a Helm release\'s values (chart clearml 7.x) and compose it; lists the values not mapped',
    usage: 'NAME --from-helm <FILE> [--keep-data] [options]',
    arguments: [['[NAME]', 'the site name, a DNS-1123 label (e.g. acme-prod)']],
    options: [
      value('--from-helm <FILE>', 'the release\'s values (helm get values RELEASE -o yaml), or a values file'),
      flag('--keep-data', 'reuse the release\'s PersistentVolumeClaims (storage.existingClaims), so its data stays'),
      value('--release <NAME>', 'the Helm release name, which names its claims (default clearml)'),
      value('--namespace <N>', 'the release\'s namespace: the site deploys there, beside its claims (default clearml)'),
    ],
    notes: `Credentials are never copied: the site reads new keys from the Secret clearml-internal-credentials.\n${WRITER_NOTE}\n${EXIT_NOTE}`,
    run: async ({ args, options, io, root }) =>
      (await import('./commands/site.ts')).siteImportCommand(root(), args[0], { fromHelm: options.fromHelm, keepData: options.keepData ?? false, release: options.release, namespace: options.namespace }, io),
  },
  {
    name: 'site prerequisites',
    summary: 'list what must exist before kubectl apply -k of a site (namespace, Secrets, TLS, claims, classes, CRDs), each with the command that creates it',
    usage: 'NAME [--json]',
    arguments: [['[NAME]', 'the site overlays/sites/NAME']],
    options: [flag('--json', 'the list as JSON: [{kind, name, namespace?, what, action, command, documentedIn}]')],
    notes: `Composes the site in memory from its site.yaml (nothing is written); run it again after editing site.yaml.\n${EXIT_NOTE}`,
    run: async ({ args, options, io, root }) => (await import('./commands/site.ts')).sitePrerequisitesCommand(root(), args[0], { json: options.json ?? false }, io),
  },
  {
    name: 'diff',
    summary: 'semantic diff of two renderings (dirs or REF:DIR such as HEAD~1:overlays/current_version), or of a site and its parent',
    usage: 'A B [--json] [options] | --parent overlays/sites/NAME [options]',
    arguments: [
      ['[A]', 'an overlay directory (e.g. overlays/current_version, overlays/sites/acme) or REF:DIR, a directory as committed at a git ref (e.g. HEAD~1:overlays/current_version), built without touching the work tree; with --parent, the site'],
      ['[B]', 'the same, to compare A with (none with --parent)'],
    ],
    excessArguments: true,
    options: [
      flag('--json', 'the diff as JSON'),
      flag('--parent', 'compare the one site given with its parent: the stock overlay its site.yaml names (profile)'),
      flag('--no-namespace-move', 'pair objects by kind, namespace and name even when the sides differ by one namespace move'),
    ],
    notes: `Objects pair by apiVersion, kind, namespace and name. When exactly one namespace is used only by A\nand one only by B (a site's namespace:), diff follows that move: A's objects pair with B's of the same\nkind and name in B's namespace, the move is printed once, and every other field (a RoleBinding\nsubject's namespace, a URL) is compared as usual. Otherwise, and with --no-namespace-move, objects\nin different namespaces are listed as added and removed.\n${ENGINE_NOTE}\nExit codes: 0 equal, 1 different (a namespace move too), 2 error.`,
    run: async ({ args, options, io, root }) => (await import('./commands/diff.ts')).diffCommand(root(), args, { json: options.json ?? false, parent: options.parent ?? false, namespaceMove: options.namespaceMove !== false }, io),
  },
  {
    name: 'bump',
    summary: 'move the release catalog to new versions and recompose everything',
    usage: '[--server V] [--mongo V] [--elasticsearch V] [--redis V] [--force] [options]',
    options: [
      value('--server <V>', 'ClearML Server release X.Y.Z'),
      value('--mongo <V>', 'MongoDB image tag'),
      value('--elasticsearch <V>', 'Elasticsearch image tag'),
      value('--redis <V>', 'Redis image tag'),
      flag('--force', 'go past a refused upgrade (at your own risk, after a backup)'),
    ],
    notes: `Unsafe upgrades (1.x → 2.x not from 1.17, MongoDB majors skipped, Elasticsearch 7 → 8, downgrades)
are refused with the safe path unless --force. Prints the diff of overlays/current_version.
${ENGINE_NOTE}\n${WRITER_NOTE}\nExit codes: 0 bumped or already there, 2 refused, usage or environment.`,
    run: async ({ options, io, root }) =>
      (await import('./commands/bump.ts')).bumpCommand(root(), { server: options.server, mongo: options.mongo, elasticsearch: options.elasticsearch, redis: options.redis, force: options.force ?? false }, io),
  },
  {
    name: 'check',
    summary: 'Pod Security for manifests (every pod template; a kustomization directory is built first)',
    usage: 'FILE|DIR|-... [--level L] [--policy-version V] [--json] [options]',
    arguments: [['[FILE|DIR|-...]', 'manifest files, directories of them or kustomizations, - for standard input']],
    options: [value('--level <L>', 'baseline (default) or restricted'), value('--policy-version <V>', 'Pod Security policy version: latest (default, v1.37) or v1.N'), flag('--json', 'the findings as JSON')],
    notes: `${ENGINE_NOTE}\nExit codes: 0 every pod template admitted, 1 violations, 2 usage or environment.`,
    run: async ({ args, options, io }) => (await import('./commands/check.ts')).checkCommand(args, { level: options.level, policyVersion: options.policyVersion, json: options.json ?? false }, io),
  },
  {
    name: 'preflight',
    summary: "read-only: does kubectl's current cluster have what an overlay needs (node label, StorageClass, IngressClass, Secrets, Pod Security, versions)?",
    usage: '[--overlay DIR | --site NAME] [--json] [options]',
    options: [
      value('--overlay <DIR>', 'the overlay directory (default overlays/current_version)'),
      value('--site <NAME>', 'the site overlays/sites/NAME'),
      flag('--json', 'the items as JSON'),
    ],
    notes: `Reads with kubectl version and kubectl get (current context); Secrets by name only, never their values.\n${ENGINE_NOTE}\nExit codes: 0 every item passed, 1 an item failed (each says how to fix it), 2 usage, environment or kubectl failing.`,
    run: async ({ options, io, root }) => (await import('./commands/preflight.ts')).preflightCommand(root(), { overlay: options.overlay, site: options.site, json: options.json ?? false }, io),
  },
  {
    name: 'credentials',
    summary: 'print the enterprise credentials Secret (internal keys, fixed user admin) with random values',
    notes: `For: kubectl create namespace clearml --save-config, then clearml-k8s credentials | kubectl create -f -   (nothing is written to disk)\n${EXIT_NOTE}`,
    run: async ({ io }) => (await import('./commands/credentials.ts')).credentialsCommand(io),
  },
];

/** The flags that take a value (`--root`, `--timeout`, …). */
const VALUE_FLAGS: ReadonlySet<string> = new Set(['--root', ...COMMANDS.flatMap((c) => (c.options ?? []).filter((o) => o.kind !== 'flag').map((o) => o.flags.split(/[ =]/)[0]!))]);

const ROOT_HELP = 'repository root: a clearml-k8s clone (package.json named clearml-k8s, turbo.json, packages/); default: the nearest such ancestor of the working directory';

/** A commander parse error, with the command whose parse raised it. */
class ParseFailure extends Error {
  constructor(
    readonly commander: CommanderError,
    readonly command: Command,
  ) {
    super(commander.message);
  }
}

/**
 * Strict values: the first flag given twice, given an empty value, or followed by another flag where
 * its value should be (`--timeout --json`), reported once parsing is done (then the command is known).
 */
class StrictValues {
  private readonly counts = new Map<string, number>();
  /** Per flag that takes a value, for each time it is given: the next argument when it starts with `-`. */
  private readonly dashed = new Map<string, (string | null)[]>();
  violation: CliError | null = null;

  /** Notes, for the flags in `valueFlags`, which occurrences are followed by an argument starting with `-`. */
  scan(argv: readonly string[], valueFlags: ReadonlySet<string>): void {
    for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
      const name = argv[i]!.split('=')[0]!;
      if (!valueFlags.has(name)) continue;
      const next = argv[i + 1];
      const list = this.dashed.get(name) ?? [];
      list.push(argv[i] === name && next !== undefined && next.length > 1 && next.startsWith('-') ? next : null);
      this.dashed.set(name, list);
      if (argv[i] === name) i++;
    }
  }

  parser(option: Option, repeatable: boolean): (value: string, previous: unknown) => unknown {
    const name = option.long ?? option.flags;
    return (value, previous) => {
      const times = (this.counts.get(name) ?? 0) + 1;
      this.counts.set(name, times);
      const dashed = this.dashed.get(name)?.[times - 1];
      if (dashed) this.violation ??= usageError(name, `a value after ${name}`, `the flag ${JSON.stringify(dashed)}`, `give ${name} its value; a value that starts with "-" goes as ${name}=VALUE`);
      if (value.trim() === '') this.violation ??= usageError(name, 'a value', 'an empty string', `give ${name} a value, or leave the flag out`);
      if (!repeatable && times > 1) this.violation ??= usageError(name, 'the flag once', `it ${times} times`, `give ${name} one value`);
      return repeatable ? [...((previous as string[] | undefined) ?? []), value] : value;
    };
  }
}

/** `site add` for the command `add` of the group `site`; `''` for the program. */
function commandPath(command: Command | null): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The leaf commands of `command` (itself, or every command of a group). */
function leaves(command: Command): Command[] {
  return command.commands.length ? command.commands.filter((c) => c.name() !== 'help').flatMap(leaves) : [command];
}

/** `clearml-k8s site add NAME [options]`: the usage line of a command (one per command of a group). */
function usageLines(command: Command): string {
  const of = (c: Command) => ['Usage: clearml-k8s', commandPath(c), c.usage()].filter(Boolean).join(' ');
  return (command.parent ? leaves(command) : [command]).map(of).join('\n');
}

/** The command that shows the help of `command`: `clearml-k8s site add --help`. */
function helpCommandOf(command: Command): string {
  return ['clearml-k8s', commandPath(command), '--help'].filter(Boolean).join(' ');
}

/**
 * A command with its arguments, without its flags: `site add NAME`, `diff A B` (every command of a
 * group, joined with `|`). The term of the command list of `clearml-k8s --help`.
 */
function commandTerm(command: Command): string {
  const term = (c: Command) => [commandPath(c) || c.name(), c.usage().replace(/\s*\[(--[^\]]*|options)\]/g, '').trim()].filter(Boolean).join(' ');
  return (command.commands.length ? leaves(command) : [command]).map(term).join(' | ');
}

interface Program {
  program: Command;
  /** The command being run (set when its action starts), for the error line and the usage. */
  active: Command | null;
  exitCode: number;
  strict: StrictValues;
  /** Commander printed a help as an error (a group given no command); its text is not shown. */
  errorHelp: boolean;
}

/** The command line for one run: a new commander program (commander keeps parse state in it). */
function buildProgram(io: CommandIo): Program {
  const strict = new StrictValues();
  const state: Program = { program: new Command(), active: null, exitCode: EXIT.ok, strict, errorHelp: false };
  const program = state.program
    .name('clearml-k8s')
    .usage('[--root DIR] COMMAND [options]')
    .description('Generate, compose and verify the Kustomize deployment of ClearML Server on Kubernetes.')
    .version(VERSION, '-V, --version', 'print the version of clearml-k8s')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [COMMAND]', 'show the help of COMMAND')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      // Errors are printed by `main` in the one-line format; nothing of commander's reaches stderr.
      // Commander writes to stderr only the help of a group given no command (`clearml-k8s site`).
      writeErr: () => void (state.errorHelp = true),
      outputError: () => {},
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .configureHelp({ showGlobalOptions: true, subcommandTerm: commandTerm })
    .addHelpText('after', `\n${ENGINE_NOTE}\n${WRITER_NOTE}\n${EXIT_NOTE}\nRun \`clearml-k8s help COMMAND\` for the options of a command.`)
    .hook('preAction', (_program, action) => {
      state.active = action;
      if (strict.violation) throw strict.violation;
    });
  const root = new Option('--root <DIR>', ROOT_HELP);
  program.addOption(root.argParser(strict.parser(root, false)));

  for (const spec of COMMANDS) {
    const names = spec.name.split(' ');
    let parent = program;
    for (const group of names.slice(0, -1)) {
      parent = parent.commands.find((c) => c.name() === group) ?? parent.command(group).usage('COMMAND [options]').helpCommand(false);
    }
    const command = parent.command(names[names.length - 1]!).description(spec.summary);
    // A group's summary: its commands'.
    if (parent !== program) parent.description(parent.commands.map((c) => c.description()).join('; '));
    for (const [argument, description] of spec.arguments ?? []) command.argument(argument, description);
    if (spec.usage !== undefined) command.usage(spec.usage);
    if (spec.excessArguments) command.allowExcessArguments(true);
    for (const o of spec.options ?? []) {
      const option = new Option(o.flags, o.description);
      command.addOption(o.kind === 'flag' ? option : option.argParser(strict.parser(option, o.kind === 'list')));
    }
    if (spec.notes) command.addHelpText('after', `\n${spec.notes}`);
    command.action(async () => {
      state.active = command;
      state.exitCode = await spec.run({ args: command.args, options: command.opts(), io, root: () => resolveRoot(program.opts().root, io.cwd) });
    });
  }
  // Every command reports its own parse errors, so that the error names it and shows its usage.
  const withExit = (command: Command) => {
    command.exitOverride((error) => {
      throw new ParseFailure(error, command);
    });
    command.commands.forEach(withExit);
  };
  withExit(program);
  return state;
}

/** The flags of `command` (without help), as `--a, --b`, or `none`. */
function flagsOf(command: Command): string {
  return command.options.map((o) => o.long ?? o.flags).join(', ') || 'none';
}

/** Commander's "(Did you mean X?)" as `did you mean X? `, or ''. */
function suggestion(message: string): string {
  const m = /\(Did you mean (.+)\?\)/.exec(message);
  return m ? `did you mean ${m[1]}? ` : '';
}

/** The `USAGE` error for a commander parse error. */
function usageErrorOf(failure: ParseFailure, argv: readonly string[], program: Command): CliError {
  const { commander: error, command } = failure;
  const name = commandPath(command);
  const helpHint = `see \`${helpCommandOf(command)}\``;
  const quoted = (m: RegExpExecArray | null) => m?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownCommand': {
      const unknown = quoted(/unknown command '(.*)'/.exec(error.message));
      const commands = command.commands.filter((c) => c.name() !== 'help');
      if (!name) return usageError(`command ${JSON.stringify(unknown)}`, `one of ${commands.map((c) => c.name()).join(', ')}`, JSON.stringify(unknown), `${suggestion(error.message)}${helpHint}`);
      return usageError(`${name} ${unknown}`, commands.map((c) => `\`${commandTerm(c)}\``).join(' or '), JSON.stringify(unknown), `${suggestion(error.message)}${helpHint}`);
    }
    case 'commander.unknownOption': {
      const unknown = quoted(/unknown option '(.*)'/.exec(error.message));
      const flagName = unknown.split('=')[0]!;
      const owners: string[] = [];
      const visit = (c: Command) => {
        if (c !== command && c.options.some((o) => o.long === flagName || o.short === flagName)) owners.push(`\`${commandPath(c)}\``);
        c.commands.forEach(visit);
      };
      visit(program);
      const elsewhere = owners.length ? `${flagName} is an option of ${owners.join(', ')}; ` : '';
      return usageError(unknown, `an option of \`${name || 'clearml-k8s'}\` (${flagsOf(command)})`, unknown, `${suggestion(error.message)}${elsewhere}${helpHint}`);
    }
    case 'commander.optionMissingArgument': {
      const flags = quoted(/option '(.*)' argument missing/.exec(error.message));
      const option = command.options.find((o) => o.flags === flags);
      const flagName = option?.long ?? flags;
      return usageError(flagName, `a value after ${flags}`, 'none', `give ${flagName} a value, or leave the flag out`);
    }
    case 'commander.excessArguments': {
      const extra = command.args.slice(command.registeredArguments.length);
      const expected = command.registeredArguments.length ? `\`${commandTerm(command)}\`` : `no arguments to \`${name}\``;
      return usageError(`${name} ${command.args.join(' ')}`, expected, `the extra argument${extra.length > 1 ? 's' : ''} ${extra.map((a) => JSON.stringify(a)).join(', ')}`, helpHint);
    }
    case 'commander.help': {
      // A group given no command (`clearml-k8s site`).
      const commands = command.commands.filter((c) => c.name() !== 'help');
      return usageError(name || 'clearml-k8s', commands.map((c) => `\`${commandTerm(c)}\``).join(' or '), 'none', `e.g. clearml-k8s ${commandTerm(commands[0] ?? command)}`);
    }
    default:
      return usageError(name || 'command line', `a command line clearml-k8s knows (${argv.length} argument${argv.length === 1 ? '' : 's'} given)`, error.message.replace(/^error: /, '').split('\n')[0]!, helpHint);
  }
}

/** The global help, as `clearml-k8s --help` prints it (at 80 columns). */
export function globalHelp(): string {
  let text = '';
  const sink = { write: (t: string) => void (text += t) };
  buildProgram({ cwd: '/', env: {}, stdout: sink, stderr: sink }).program.outputHelp();
  return text;
}

/** The global help at 80 columns (kept for the package's existing export). */
export const USAGE = globalHelp();

/**
 * Runs the CLI. Every failure ends in one line on stderr, `clearml-k8s <command>: CODE: message`, and
 * exit 2; a usage error is followed by that command's usage. Never a stack trace (unless
 * `CLEARML_K8S_DEBUG=1`, for an internal error). No arguments: the global help on stdout, exit 0.
 * @param argv arguments after the program name.
 * @param io everything the run reads and writes (the bin passes the process's).
 * @returns the exit code.
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const state = buildProgram(io);
  if (argv.length === 0) {
    state.program.outputHelp();
    return EXIT.ok;
  }
  // `help NOPE` is an unknown command (commander would print the global help on stderr).
  const known = (name: string | undefined) => state.program.commands.some((c) => c.name() === name);
  const args = argv.length === 2 && argv[0] === 'help' && !argv[1]!.startsWith('-') && !known(argv[1]) ? [argv[1]!] : argv;
  state.strict.scan(args, VALUE_FLAGS);
  try {
    await state.program.parseAsync(args, { from: 'user' });
    return state.exitCode;
  } catch (thrown) {
    let error = thrown;
    if (thrown instanceof ParseFailure) {
      // --help, help COMMAND and --version end the parse. (Commander's exit code for a help is
      // process.exitCode, global state: whether the help went to stderr tells a usage error instead.)
      const { code } = thrown.commander;
      if (code === 'commander.helpDisplayed' || code === 'commander.version' || (code === 'commander.help' && !state.errorHelp)) return EXIT.ok;
      state.active = thrown.command;
      // A flag given twice or without its value explains what followed it (an extra argument, a
      // flag taken for a value), so it goes first.
      error = state.strict.violation ?? usageErrorOf(thrown, argv, state.program);
    }
    const command = state.active;
    io.stderr.write(`${errorLine(commandPath(command) || undefined, error, io.env)}\n`);
    if (error instanceof CliError && error.code === 'USAGE') io.stderr.write(`${usageLines(command ?? state.program)}\n`);
    return EXIT.usage;
  }
}
