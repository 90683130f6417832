// Issue 16: the `--json` shapes README.md shows in its shell blocks are the keys the commands print. A
// shape is the `{...}` or `[...]` in the comment after `#` of a command line with `--json` (or, for
// `checks`, `--json: [...]`): `{key, key?, key: [{...}]}`, `?` marking a key that may be absent. The
// test reads each shape, runs the real command (verify on a real overlay with the real engine; checks;
// preflight through its recorded-kubectl seam, as preflight.test.ts does) and compares the keys of the
// top level and of every element object the shape lists.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { recordingFile, type KubectlRunner } from '@clearml-k8s/verifier';
import { preflightCommand } from '../src/commands/preflight.ts';
import { engineSkip, kubectl135, ROOT, runInProcess } from './support.ts';

/** A documented JSON shape: an object's keys (each maybe optional, maybe with the shape of its value) or an array of a shape. */
type Shape = { kind: 'object'; keys: Array<{ name: string; optional: boolean; value?: Shape }> } | { kind: 'array'; of: Shape };

/**
 * Parses a shape comment such as `{ok, overlays: [{dir, fix?}]}`.
 * @throws Error naming the offset and what was expected.
 */
export function parseShape(text: string): Shape {
  let i = 0;
  const space = () => {
    while (text[i] === ' ') i++;
  };
  const expect = (c: string) => {
    space();
    if (text[i] !== c) throw new Error(`shape ${JSON.stringify(text)}: expected "${c}" at offset ${i}, received ${JSON.stringify(text[i] ?? 'the end')}`);
    i++;
  };
  const shape = (): Shape => {
    space();
    if (text[i] === '[') {
      i++;
      const of = shape();
      expect(']');
      return { kind: 'array', of };
    }
    expect('{');
    const keys: Array<{ name: string; optional: boolean; value?: Shape }> = [];
    for (;;) {
      space();
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (!m) throw new Error(`shape ${JSON.stringify(text)}: expected a key at offset ${i}`);
      i += m[0].length;
      const optional = text[i] === '?';
      if (optional) i++;
      space();
      let value: Shape | undefined;
      if (text[i] === ':') {
        i++;
        value = shape();
      }
      keys.push({ name: m[0], optional, ...(value ? { value } : {}) });
      space();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expect('}');
      return { kind: 'object', keys };
    }
  };
  const result = shape();
  return result;
}

/**
 * Where `value` differs from `shape`, as messages (`overlays[]: printed but not in README: cached`); empty
 * when every object has every required key and no key the shape does not list. Arrays: every element.
 */
export function shapeMismatches(shape: Shape, value: unknown, at = ''): string[] {
  if (shape.kind === 'array') {
    if (!Array.isArray(value)) return [`${at || '(top)'}: expected an array, received ${typeof value}`];
    return value.flatMap((v) => shapeMismatches(shape.of, v, `${at}[]`));
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at || '(top)'}: expected an object`];
  const printed = Object.keys(value);
  const documented = new Set(shape.keys.map((k) => k.name));
  const out: string[] = [];
  const extra = printed.filter((k) => !documented.has(k));
  if (extra.length) out.push(`${at || '(top)'}: printed but not in README: ${extra.join(', ')}`);
  const missing = shape.keys.filter((k) => !k.optional && !printed.includes(k.name)).map((k) => k.name);
  if (missing.length) out.push(`${at || '(top)'}: in README but not printed: ${missing.join(', ')} (mark a key that may be absent with ?)`);
  for (const k of shape.keys) if (k.value && k.name in value) out.push(...shapeMismatches(k.value, (value as Record<string, unknown>)[k.name], `${at}${at ? '.' : ''}${k.name}`));
  return out;
}

/** Every README command line with a JSON shape in its comment: the `clearml-k8s` command word and the shape text. */
function readmeShapes(): Array<{ line: number; command: string; shape: string }> {
  const found: Array<{ line: number; command: string; shape: string }> = [];
  readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').forEach((text, index) => {
    const m = /clearml-k8s (\S+)[^#]*#(.*)$/.exec(text);
    if (!m || !text.includes('--json')) return;
    const comment = m[2]!;
    const start = comment.search(/[[{]/);
    if (start < 0) return;
    // The balanced shape from its first bracket.
    let depth = 0;
    let end = start;
    for (; end < comment.length; end++) {
      if ('[{'.includes(comment[end]!)) depth++;
      if (']}'.includes(comment[end]!) && --depth === 0) break;
    }
    found.push({ line: index + 1, command: m[1]!, shape: comment.slice(start, end + 1) });
  });
  return found;
}

test('shape comments parse, and a key printed but not documented (or documented but not printed) is a mismatch', () => {
  const shape = parseShape('{ok, items: [{id, fix?}]}');
  assert.deepEqual(shapeMismatches(shape, { ok: true, items: [{ id: 'a' }, { id: 'b', fix: 'x' }] }), []);
  assert.deepEqual(shapeMismatches(shape, { ok: true, extra: 1, items: [{ id: 'a', more: 2 }] }), ['(top): printed but not in README: extra', 'items[]: printed but not in README: more']);
  assert.deepEqual(shapeMismatches(shape, { items: [] }), ['(top): in README but not printed: ok (mark a key that may be absent with ?)']);
  assert.throws(() => parseShape('{ok, items: [{id}}'), /expected "\]"/);
});

/** A kubectl that replays the recording `name` of fixtures/preflight/ (as preflight.test.ts's). */
function replay(name: string): KubectlRunner {
  const dir = path.join(ROOT, 'fixtures/preflight', name);
  return async (args) => {
    const file = path.join(dir, recordingFile(args));
    if (existsSync(`${file}.stderr`)) return { exitCode: 1, stdout: '', stderr: readFileSync(`${file}.stderr`, 'utf8') };
    return { exitCode: 0, stdout: existsSync(file) ? readFileSync(file, 'utf8') : '', stderr: '' };
  };
}

const engine = kubectl135();
const env = 'path' in engine ? { ...process.env, KUSTOMIZE: `${engine.path} kustomize` } : process.env;

/** The JSON each documented command prints, one or more runs (so that optional keys can show). */
const OUTPUTS: Record<string, () => Promise<unknown[]>> = {
  verify: async () => {
    const cold = await runInProcess(['verify', '--json', '--no-cache', 'overlays/current_version'], { env });
    assert.equal(cold.code, 0, cold.stderr);
    // Twice with the cache: the second run's report comes from it (`cached: true` on the overlay).
    await runInProcess(['verify', '--json', 'overlays/current_version'], { env });
    const warm = await runInProcess(['verify', '--json', 'overlays/current_version'], { env });
    return [JSON.parse(cold.stdout), JSON.parse(warm.stdout)];
  },
  checks: async () => [JSON.parse((await runInProcess(['checks', '--json'])).stdout)],
  preflight: async () =>
    Promise.all(
      (['passing', 'missing-secrets'] as const).map(async (name) => {
        let stdout = '';
        const io = { cwd: ROOT, env: { ...env }, stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: () => true } };
        await preflightCommand(ROOT, { overlay: 'overlays/enterprise', json: true, kubectl: replay(name) }, io);
        return JSON.parse(stdout);
      }),
    ),
};

test('every --json shape README.md shows is the keys the command prints (verify, checks, preflight)', { skip: engineSkip || ('skip' in engine && engine.skip) }, async () => {
  const shapes = readmeShapes();
  assert.deepEqual(shapes.map((s) => s.command).sort(), ['checks', 'preflight', 'verify'], 'the README shows the shapes of verify, checks and preflight');
  for (const { line, command, shape } of shapes) {
    const run = OUTPUTS[command];
    assert.ok(run, `README.md:${line}: no runner for the shape of \`${command}\` in this test; add one`);
    const parsed = parseShape(shape);
    const outputs = await run();
    const mismatches = outputs.flatMap((o) => shapeMismatches(parsed, o));
    assert.deepEqual([...new Set(mismatches)], [], `README.md:${line} (${command} --json): ${shape}`);
  }
});

test('what plain `verify` verifies is said as it is: every stock overlay and every site (README line, verify --help)', async () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const plain = readme.split('\n').filter((l) => /clearml-k8s verify +#/.test(l));
  assert.ok(plain.length > 0, 'README shows plain verify');
  for (const line of plain) assert.match(line, /# every stock overlay and every site/, line);
  const help = await runInProcess(['verify', '--help']);
  assert.match(help.stdout.replace(/\s+/g, ' '), /default: every stock overlay and every site\)/);
  assert.doesNotMatch(readme, /verify[^\n]*# every stock overlay\n/);
});
