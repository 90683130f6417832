/**
 * The documentation test (`npm test` runs it as the task `test:readme`, after every package's unit tests, so
 * that its builds do not compete with the timing-sensitive ones): README.md's shell blocks run, in order, in a scratch clone of this tree with
 * the real CLI (`npm exec --no -- clearml-k8s`) and the real kustomize engine; commands that need a live
 * cluster are rendered instead, or skipped with their reason, as the markers in the README's source say
 * (`readme-doctest.ts` describes them); every printed example output is compared with what its command
 * prints. The counts (blocks and statements run, rendered, skipped) are printed as test diagnostics.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseManifests } from '@clearml-k8s/base-manifests/yaml';
import { loadSchemaValidator } from '@clearml-k8s/verifier';
import { ClusterModel, OUTPUT_LANGS, SHELL_LANGS, compareOutput, normaliseOutput, planStatement, readmeBlocks, shellStatements, type ReadmeBlock, type StatementPlan } from './readme-doctest.ts';
import { ROOT, engineSkip } from './support.ts';

const README = path.join(ROOT, 'README.md');

/** Plans every statement of every shell block (no command runs). */
async function planReadme(markdown: string): Promise<{ block: ReadmeBlock; statements: { line: number; text: string; plan: StatementPlan }[] }[]> {
  const counter = { next: 1 };
  const planned = [];
  for (const block of readmeBlocks(markdown)) {
    if (!SHELL_LANGS.has(block.lang)) {
      planned.push({ block, statements: [] });
      continue;
    }
    let parsed;
    try {
      parsed = await shellStatements(block.text);
    } catch (error) {
      planned.push({ block, statements: [{ line: 0, text: block.text, plan: { kind: 'invalid', problem: `not valid bash, so it cannot be copied as written: ${(error as Error).message}` } as StatementPlan }] });
      continue;
    }
    const statements = parsed.map((s) => ({
      ...s,
      plan: block.marker?.mode === 'run' || block.marker?.mode === 'render' ? planStatement(s.text, block.marker.mode, counter) : ({ kind: 'skip', reason: block.marker?.reason ?? 'unmarked' } as StatementPlan),
    }));
    planned.push({ block, statements });
  }
  return planned;
}

test('every shell block and every printed output of the README is marked, and every command is planned', async () => {
  const problems: string[] = [];
  for (const { block, statements } of await planReadme(readFileSync(README, 'utf8'))) {
    const where = `README.md:${block.line} (${block.section})`;
    if (block.markerError) problems.push(`${where}: ${block.markerError}`);
    if (SHELL_LANGS.has(block.lang)) {
      if (!block.marker && !block.markerError) problems.push(`${where}: a shell block without a marker (<!-- doctest: run | render | skip: REASON --> on the line before its fence)`);
      else if (block.marker?.mode === 'output') problems.push(`${where}: a shell block marked output`);
      for (const s of statements) if (s.plan.kind === 'invalid') problems.push(`${where} line ${s.line}: ${s.plan.problem}`);
    } else if (OUTPUT_LANGS.has(block.lang)) {
      if (!block.marker && !block.markerError) problems.push(`${where}: a printed output without a marker (<!-- doctest: output --> or <!-- doctest: skip: REASON -->)`);
      else if (block.marker && block.marker.mode !== 'output' && block.marker.mode !== 'skip') problems.push(`${where}: an output block marked ${block.marker.mode}`);
    }
  }
  assert.deepEqual(problems, []);
});

/** A scratch clone of this tree: its tracked and untracked (not ignored) files, committed, with node_modules linked. */
function scratchClone(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-readme-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted in the work tree
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(dir, file), { preserveTimestamps: true });
  }
  linkNodeModules(dir);
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'scratch clone']]) {
    const git = spawnSync('git', args, { cwd: dir, env: gitEnv(process.env), encoding: 'utf8' });
    assert.equal(git.status, 0, `git ${args.join(' ')}: ${git.stderr}`);
  }
  return dir;
}

/**
 * Gives the clone the installed dependencies without copying them: `node_modules/` of its own whose
 * entries link to this tree's, but the workspace packages (`@clearml-k8s/*`) link to the clone's own
 * `packages/`, as `npm ci` would, and `.bin/` holds the same relative links, so `npm exec --no --
 * clearml-k8s` runs the clone's bin and sources (and reads and writes the clone's release catalog).
 * Only the engine cache (kubectl 1.34 and 1.35 of `npm run engines:install`) is shared.
 */
function linkNodeModules(dir: string): void {
  const from = path.join(ROOT, 'node_modules');
  const to = path.join(dir, 'node_modules');
  mkdirSync(to);
  for (const entry of readdirSync(from)) {
    if (entry === '@clearml-k8s') {
      mkdirSync(path.join(to, entry));
      for (const pkg of readdirSync(path.join(from, entry))) symlinkSync(readlinkSync(path.join(from, entry, pkg)), path.join(to, entry, pkg));
    } else if (entry === '.bin') {
      mkdirSync(path.join(to, entry));
      for (const bin of readdirSync(path.join(from, entry))) symlinkSync(readlinkSync(path.join(from, entry, bin)), path.join(to, entry, bin));
    } else if (entry === '.cache') {
      mkdirSync(path.join(to, entry, 'clearml-k8s'), { recursive: true });
      const engines = path.join(from, entry, 'clearml-k8s', 'engines');
      if (existsSync(engines)) symlinkSync(engines, path.join(to, entry, 'clearml-k8s', 'engines'));
    } else symlinkSync(path.join(from, entry), path.join(to, entry));
  }
  for (const pkg of readdirSync(path.join(ROOT, 'packages'))) {
    const nested = path.join(ROOT, 'packages', pkg, 'node_modules');
    if (existsSync(nested)) symlinkSync(nested, path.join(dir, 'packages', pkg, 'node_modules'));
  }
}

function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, GIT_AUTHOR_NAME: 'doc test', GIT_AUTHOR_EMAIL: 'doc-test@example.invalid', GIT_COMMITTER_NAME: 'doc test', GIT_COMMITTER_EMAIL: 'doc-test@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };
}

/** The environment of a user's shell: this process's, without npm's run-script additions and clearml-k8s settings. */
function userEnv(out: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|INIT_CWD$|CLEARML_K8S_|KUSTOMIZE$|NODE_OPTIONS$|NODE_TEST_CONTEXT$|TURBO_|GITHUB_STEP_SUMMARY$)/.test(k)) env[k] = v;
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.includes(`node_modules${path.sep}.bin`)).join(path.delimiter);
  return { ...gitEnv(env), DOCTEST_OUT: out, NO_COLOR: '1', TURBO_TELEMETRY_DISABLED: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** Exit codes a command may end with and still have done what the README says. */
function allowedExit(text: string): number[] {
  return /npm exec --no -- clearml-k8s diff\b/.test(text) ? [0, 1] : [0]; // diff: 0 equal, 1 different (README, "Upgrade ClearML")
}

test('the README runs as written in a scratch clone (cluster commands rendered instead)', { skip: engineSkip, timeout: 30 * 60_000 }, async (t) => {
  const planned = await planReadme(readFileSync(README, 'utf8'));
  const scratch = scratchClone();
  const out = path.join(scratch, '.doctest');
  mkdirSync(out);
  writeFileSync(path.join(out, 'placeholder-file'), 'doc-test-value\n');
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  writeFileSync(path.join(scratch, '.git', 'info', 'exclude'), '.doctest/\n');
  const env = userEnv(out);
  const validator = await loadSchemaValidator();
  const counts = { blocks: { run: 0, rendered: 0, skipped: 0 }, statements: { run: 0, rendered: 0, skipped: 0 }, outputs: 0 };
  const skipped = new Map<string, number>();
  let lastOutput: string | null = null;

  const bash = (script: string, where: string): { status: number | null; output: string; stdout: string; stderr: string } => {
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: scratch, env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: 15 * 60_000 });
    if (r.error) assert.fail(`${where}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
  };

  const before = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  const problems: string[] = [];
  for (const { block, statements } of planned) {
    const where = `README.md:${block.line} (${block.section})`;
    try {
      await walkBlock(block, statements, where);
    } catch (error) {
      problems.push((error as Error).message); // go on: later blocks are independent enough to be worth reporting
    }
  }
  // eslint-disable-next-line no-inner-declarations
  async function walkBlock(block: ReadmeBlock, statements: { line: number; text: string; plan: StatementPlan }[], where: string): Promise<void> {
    if (OUTPUT_LANGS.has(block.lang) && block.marker?.mode === 'output') {
      let printed: string | null = lastOutput;
      if (block.marker.of) {
        const r = bash(block.marker.of, `${where} (of)`);
        assert.equal(r.status, 0, `${where}: \`${block.marker.of}\` exited ${r.status}\n${r.output}`);
        printed = r.output;
      }
      assert.ok(printed !== null, `${where}: an output with no command run before it`);
      const difference = compareOutput(normaliseOutput(block.text, scratch), normaliseOutput(printed, scratch));
      assert.equal(difference, null, `${where}: ${difference}\n--- printed:\n${printed}`);
      counts.outputs++;
      return;
    }
    if (!SHELL_LANGS.has(block.lang)) return;
    if (block.marker?.mode === 'skip') {
      counts.blocks.skipped++;
      counts.statements.skipped += statements.length;
      skipped.set(block.marker.reason!, (skipped.get(block.marker.reason!) ?? 0) + statements.length);
      return;
    }
    if (block.marker?.standIn) {
      const r = bash(block.marker.standIn, `${where} (stand-in)`);
      assert.equal(r.status, 0, `${where}: stand-in \`${block.marker.standIn}\` exited ${r.status}\n${r.output}`);
    }
    let rendered = false;
    let ran = false;
    const cluster = new ClusterModel(); // each block is a walk through a fresh cluster
    for (const s of statements) {
      const at = `${where} line ${s.line}: \`${s.text.split('\n')[0]}\``;
      const plan = s.plan;
      assert.notEqual(plan.kind, 'invalid', `${at}: ${plan.kind === 'invalid' ? plan.problem : ''}`);
      if (plan.kind === 'skip') {
        counts.statements.skipped++;
        skipped.set(plan.reason, (skipped.get(plan.reason) ?? 0) + 1);
        continue;
      }
      if (plan.kind === 'invalid') continue;
      const r = bash(plan.script, at);
      assert.ok(allowedExit(s.text).includes(r.status ?? -1), `${at} exited ${r.status}${plan.kind === 'render' ? ` (rendered as \`${plan.script}\`)` : ''}\n${r.output}`);
      if (plan.kind === 'run') {
        counts.statements.run++;
        ran = true;
        lastOutput = r.output;
        continue;
      }
      counts.statements.rendered++;
      rendered = true;
      lastOutput = r.output;
      for (const rendering of plan.renderings) {
        const objects = parseManifests(readFileSync(path.join(out, rendering.file), 'utf8'), rendering.file).filter((o) => o !== null);
        if (rendering.kind === 'label') {
          assert.equal(objects.length, 1, `${at}: kubectl label --local printed no Node`);
          continue;
        }
        assert.ok(objects.length > 0, `${at}: \`${rendering.command}\` would send no object`);
        for (const object of objects) {
          const { creationTimestamp: _c, ...metadata } = ((object as { metadata?: Record<string, unknown> }).metadata ?? {});
          const violations = validator.validate({ ...(object as object), metadata });
          assert.deepEqual(violations?.map((v) => `${v.path}: ${v.message}`) ?? [], [], `${at}: \`${rendering.command}\` would send an invalid object`);
        }
        if (rendering.kind === 'apply') {
          const stderr = rendering.stderrFile ? readFileSync(path.join(out, rendering.stderrFile), 'utf8') : '';
          assert.equal(stderr, '', `${at}: \`${rendering.command}\` would print warnings`);
          assert.deepEqual(cluster.apply(objects), [], `${at}: \`${rendering.command}\` would print kubectl warnings`);
        } else assert.deepEqual(cluster.create(objects, rendering.command), [], `${at}: \`${rendering.command}\` would fail`);
      }
    }
    if (rendered) counts.blocks.rendered++;
    else if (ran) counts.blocks.run++;
    else counts.blocks.skipped++; // every statement of it needs a live cluster
  }
  t.diagnostic(`shell blocks: ${counts.blocks.run} run, ${counts.blocks.rendered} run with cluster commands rendered, ${counts.blocks.skipped} skipped`);
  t.diagnostic(`statements: ${counts.statements.run} run, ${counts.statements.rendered} rendered, ${counts.statements.skipped} skipped`);
  for (const [reason, n] of [...skipped].sort()) t.diagnostic(`  skipped ${n}: ${reason}`);
  t.diagnostic(`printed outputs compared: ${counts.outputs}`);
  assert.deepEqual(problems, []);
  assert.equal(spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout, before, 'the walk changed this tree, not only the scratch clone');
  assert.ok(counts.statements.run > 0 && counts.outputs > 0);
});
