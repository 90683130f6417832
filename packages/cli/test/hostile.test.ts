// Hostile input and faults, as data: every case of fixtures/hostile/*.yaml runs the CLI on a
// scratch repository it has set up (links, FIFOs, odd files, bad settings, injected faults), then
// asserts the exit code, the fields of the error line (`clearml-k8s CMD: CODE: where: expected …,
// received …; fix`), and what the tree looks like afterwards: byte for byte as before (path, mode,
// SHA-256 of every file; links by target) unless the case says what may change. Cases with
// `recover` run a second command after an interrupted one and compare the tree with an
// uninterrupted reference run. See fixtures/hostile/README.md for the format.
// Each run goes through `main` in this process unless it needs the real bin in a process of its own
// (a kill fault, a setting read from process.env, /dev/stdin, a reader that goes away: `needsProcess`
// in support.ts); each file's test says how many runs were which.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '@clearml-k8s/base-manifests/yaml';
import { engineSkip, repositoryAt, ROOT, runCli, snapshot, type CliResult, type SnapshotEntry } from './support.ts';

const CASES_DIR = path.join(ROOT, 'fixtures/hostile');

/** A file's content in a case: text, or text repeated (for size limits), or raw bytes in hex. */
type Content = string | { repeat: string; times: number } | { hex: string };

interface Case {
  name: string;
  /** The issue 11 item it guards (1-18), or `faults`. */
  defect: number | string;
  setup?: {
    /** `repository` (default): base/, overlays/, schemas/ and the root markers; `empty`: nothing. */
    repo?: 'repository' | 'empty';
    /** Example sites (fixtures/sites/NAME/site.yaml) to add and compose before the case runs. */
    sites?: string[];
    /** An invalid spec of fixtures/sites-invalid/ to put at overlays/sites/bad/site.yaml. */
    siteFixture?: string;
    files?: Record<string, Content>;
    /** Octal permission bits to set after the files are written. */
    modes?: Record<string, string>;
    dirs?: string[];
    symlinks?: Record<string, string>;
    fifos?: string[];
    /** Commands to run before the case (e.g. a `site add` killed by a fault). */
    before?: { args: string[]; env?: Record<string, string> }[];
    /** Paths to remove after the sites are composed, before the files, links and FIFOs are made. */
    remove?: string[];
  };
  args: string[];
  env?: Record<string, string>;
  /** Working directory, relative to the scratch directory (default the repository). */
  cwd?: string;
  stdin?: string;
  /** Close the CLI's stdout after this many bytes (a reader such as `head` that goes away). */
  closeStdoutAfter?: number;
  expect: {
    exit: number;
    /** The error code of the `clearml-k8s …: CODE: …` line; null for none. */
    code?: string | null;
    /** Substrings of the error line's fields. */
    where?: string;
    expected?: string;
    received?: string;
    hint?: string;
    stdout?: string[];
    stderr?: string[];
    /** Text that must appear nowhere in the output (a secret, a file's contents). */
    absent?: string[];
    /** `unchanged` (default): the whole scratch directory is byte for byte as before. */
    tree?: 'unchanged' | 'changed';
    /** With `tree: changed`: entries under these paths are unchanged. */
    preserved?: string[];
    /** Paths that must exist afterwards. */
    created?: string[];
    /** Paths that must not exist afterwards. */
    removed?: string[];
    /** Octal modes of files afterwards. */
    modes?: Record<string, string>;
    /** Longest stderr line allowed, in characters (nothing echoed whole). */
    maxLine?: number;
  };
  /** After the case's run: the command that recovers, and what then must hold. */
  recover?: {
    args: string[];
    exit: number;
    stderr?: string[];
    /** The uninterrupted command: afterwards the tree must equal the tree it produces on a fresh setup (none: not compared). */
    reference?: string[];
  };
}

function loadCases(): { file: string; cases: Case[] }[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, cases: parseManifest(readFileSync(path.join(CASES_DIR, file), 'utf8'), `fixtures/hostile/${file}`) as Case[] }));
}

const WORK_FILES = /^repo\/(\.clearml-k8s|node_modules)(\/|$)/;

/** The scratch directory: `repo/` (the repository) and `outside/` (link targets; must stay untouched). */
async function setUp(c: Case, t: { after(fn: () => void): void }): Promise<{ dir: string; repo: string; subst: (s: string) => string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-hostile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = path.join(dir, 'repo');
  mkdirSync(repo);
  mkdirSync(path.join(dir, 'outside'));
  writeFileSync(path.join(dir, 'outside', 'secret.txt'), 'TOKEN=do-not-print-me\n');
  const subst = (s: string) => s.replaceAll('{repo}', repo).replaceAll('{outside}', path.join(dir, 'outside')).replaceAll('{dir}', dir).replaceAll('{hostname}', os.hostname());
  const setup = c.setup ?? {};
  if ((setup.repo ?? 'repository') === 'repository') repositoryAt(repo);
  for (const site of setup.sites ?? []) {
    mkdirSync(path.join(repo, 'overlays/sites', site), { recursive: true });
    cpSync(path.join(ROOT, 'fixtures/sites', site, 'site.yaml'), path.join(repo, 'overlays/sites', site, 'site.yaml'));
  }
  if (setup.sites?.length) assert.equal((await cli(['compose', '--root', repo], {})).code, 0, 'setup: compose the sites');
  if (setup.siteFixture) {
    mkdirSync(path.join(repo, 'overlays/sites/bad'), { recursive: true });
    cpSync(path.join(ROOT, 'fixtures/sites-invalid', `${setup.siteFixture}.yaml`), path.join(repo, 'overlays/sites/bad/site.yaml'));
  }
  for (const p of setup.remove ?? []) rmSync(path.join(dir, subst(p)), { recursive: true });
  for (const d of setup.dirs ?? []) mkdirSync(path.join(dir, subst(d)), { recursive: true });
  for (const [file, content] of Object.entries(setup.files ?? {})) {
    const target = path.join(dir, subst(file));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, typeof content === 'string' ? subst(content) : 'hex' in content ? Buffer.from(content.hex, 'hex') : content.repeat.repeat(content.times));
  }
  for (const [file, mode] of Object.entries(setup.modes ?? {})) chmodSync(path.join(dir, subst(file)), Number.parseInt(mode, 8));
  for (const [link, target] of Object.entries(setup.symlinks ?? {})) {
    mkdirSync(path.dirname(path.join(dir, subst(link))), { recursive: true });
    symlinkSync(subst(target), path.join(dir, subst(link)));
  }
  for (const fifo of setup.fifos ?? []) {
    mkdirSync(path.dirname(path.join(dir, subst(fifo))), { recursive: true });
    assert.equal(spawnSync('mkfifo', [path.join(dir, subst(fifo))]).status, 0, 'mkfifo');
  }
  for (const step of setup.before ?? []) await cli(step.args.map(subst), { env: Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, subst(v)])), cwd: repo });
  return { dir, repo, subst };
}

/** How many runs of the current file went through `main` in process, and how many through the real bin. */
const runs = { inProcess: 0, process: 0 };

/** Runs the CLI (in process unless the run needs the real bin; see `needsProcess`). */
async function cli(args: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: string; closeStdoutAfter?: number }): Promise<CliResult> {
  const result = await runCli(args, { extra: options.env ?? {}, cwd: options.cwd ?? ROOT, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}), ...(options.closeStdoutAfter !== undefined ? { closeStdoutAfter: options.closeStdoutAfter } : {}) });
  runs[result.inProcess ? 'inProcess' : 'process']++;
  return result;
}

/** The snapshot without the files a run may leave by design (the verify cache). */
function treeOf(dir: string): Record<string, SnapshotEntry> {
  return Object.fromEntries(Object.entries(snapshot(dir)).filter(([p]) => !/^repo\/node_modules(\/|$)/.test(p)));
}

const ERROR_LINE = /^clearml-k8s(?: [a-z][a-z -]*?)?: ([A-Z][A-Z0-9_]+): (.*)$/m;
const FIELDS = /^(.*?): expected (.+), received (.+?); (.+)$/;

async function runCase(c: Case, t: { after(fn: () => void): void }): Promise<void> {
  const { dir, repo, subst } = await setUp(c, t);
  const before = treeOf(dir);
  const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, subst(v)]));
  const cwd = c.cwd ? path.join(dir, subst(c.cwd)) : repo;
  const args = c.args.map(subst);
  const result = await cli(args, { env, cwd, ...(c.stdin !== undefined ? { stdin: c.stdin } : {}), ...(c.closeStdoutAfter !== undefined ? { closeStdoutAfter: c.closeStdoutAfter } : {}) });
  const output = `${result.stdout}\n${result.stderr}`;
  const e = c.expect;
  const exit = result.code ?? (result.signal ? 128 + os.constants.signals[result.signal as NodeJS.Signals] : null);
  const context = `exit ${exit}${result.signal ? ` (${result.signal})` : ''}\nstderr: ${result.stderr.slice(0, 1500)}\nstdout: ${result.stdout.slice(0, 500)}`;
  assert.equal(exit, e.exit, context);
  assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
  assert.doesNotMatch(result.stderr, /INTERNAL_ERROR/, context);
  const line = ERROR_LINE.exec(result.stderr);
  if (e.code === null || e.code === undefined) {
    if (e.code === null) assert.equal(line, null, context);
  } else {
    assert.ok(line, `an error line: ${context}`);
    assert.equal(line[1], e.code, context);
    const fields = FIELDS.exec(line[2]!);
    assert.ok(fields, `the line has where, expected, received and a fix: ${line[0]}`);
    const [, where, expected, received, hint] = fields;
    for (const [name, value, want] of [['where', where, e.where], ['expected', expected, e.expected], ['received', received, e.received], ['hint', hint, e.hint]] as const) {
      assert.ok(value!.trim().length > 0, `${name} is empty: ${line[0]}`);
      if (want !== undefined) assert.ok(value!.includes(subst(want)), `${name}: expected to contain ${JSON.stringify(subst(want))}, received ${JSON.stringify(value)}`);
    }
  }
  for (const pattern of e.stdout ?? []) assert.match(result.stdout, new RegExp(subst(pattern), 'm'), context);
  for (const pattern of e.stderr ?? []) assert.match(result.stderr, new RegExp(subst(pattern), 'm'), context);
  for (const text of ['do-not-print-me', ...(e.absent ?? [])]) assert.ok(!output.includes(subst(text)), `output shows ${JSON.stringify(text)}`);
  if (e.maxLine) for (const l of result.stderr.split('\n')) assert.ok(l.length <= e.maxLine, `stderr line of ${l.length} characters`);
  const after = treeOf(dir);
  if ((e.tree ?? 'unchanged') === 'unchanged' && !c.recover) assert.deepEqual(after, before, 'the tree is byte for byte as before');
  for (const prefix of e.preserved ?? []) {
    const under = (snap: Record<string, SnapshotEntry>) => Object.fromEntries(Object.entries(snap).filter(([p]) => p === `repo/${prefix}` || p.startsWith(`repo/${prefix}/`)));
    assert.ok(Object.keys(under(before)).length > 0, `setup made ${prefix}`);
    assert.deepEqual(under(after), under(before), `${prefix} is untouched`);
  }
  for (const p of e.created ?? []) assert.ok(after[`repo/${p}`], `${p} exists`);
  for (const p of e.removed ?? []) assert.equal(after[`repo/${p}`], undefined, `${p} is gone`);
  for (const [p, mode] of Object.entries(e.modes ?? {})) assert.equal((after[`repo/${p}`] as { mode?: string } | undefined)?.mode, mode, `${p} mode`);
  if (c.recover) {
    const again = await cli(c.recover.args.map(subst), { cwd: repo });
    assert.equal(again.code, c.recover.exit, `recovery: exit ${again.code}\n${again.stderr}`);
    for (const pattern of c.recover.stderr ?? []) assert.match(again.stderr, new RegExp(pattern, 'm'));
    if (!c.recover.reference) return;
    const reference = await setUp({ ...c, setup: { ...c.setup, before: [] } }, t);
    const ref = await cli(c.recover.reference.map(reference.subst), { cwd: reference.repo });
    assert.equal(ref.code, 0, `reference run: ${ref.stderr}`);
    const strip = (snap: Record<string, SnapshotEntry>) => Object.fromEntries(Object.entries(snap).filter(([p]) => !WORK_FILES.test(p) && !p.endsWith('credentials.env')).map(([p, v]) => [p, v]));
    assert.deepEqual(strip(treeOf(dir)), strip(treeOf(reference.dir)), 'after recovery the tree is what the uninterrupted command writes');
    assert.ok(!treeOf(dir)['repo/.clearml-k8s'], 'no work directory left');
  }
}

const groups = loadCases();
const all = groups.flatMap((g) => g.cases);

test('the hostile suite has at least 60 cases, each named once, each naming the defect it guards', () => {
  assert.ok(all.length >= 60, `${all.length} cases`);
  assert.equal(new Set(all.map((c) => c.name)).size, all.length, 'names are unique');
  for (const c of all) assert.ok(c.defect !== undefined && c.expect && Array.isArray(c.args), c.name);
});

for (const { file, cases } of groups) {
  test(`hostile cases of ${file}`, { skip: engineSkip }, async (t) => {
    runs.inProcess = 0;
    runs.process = 0;
    const queue = [...cases];
    const failures: string[] = [];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        try {
          await runCase(c, t);
        } catch (error) {
          failures.push(`${c.name}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    t.diagnostic(`${cases.length - failures.length} of ${cases.length} cases held${failures.length ? `; failed: ${failures.map((f) => f.split(':')[0]).join(' | ')}` : ''}; ${runs.inProcess} runs in process, ${runs.process} of the real bin`);
    assert.deepEqual(failures, []);
  });
}
