// The file-system shell: safe reads, the lock, journaled writes and their recovery, on real temporary trees.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  acquireRepositoryLock,
  commitTree,
  describeSystemError,
  LOCK_DIR,
  lstatInside,
  pendingWrites,
  readUserFile,
  recoverTree,
  RepositoryIoError,
  truncate,
  WORK_DIR,
  withRepositorySession,
} from '../src/index.ts';

const SRC = fileURLToPath(new URL('../src/index.ts', import.meta.url));

function tree(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearml-k8s-io-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const isCode = (code: string) => (error: unknown) => error instanceof RepositoryIoError && error.code === code;

test('readUserFile refuses links, FIFOs, directories, oversize and binary files, naming the path and never the content', (t) => {
  const root = tree(t);
  writeFileSync(path.join(root, 'secret'), 'TOKEN=hunter2\n');
  symlinkSync(path.join(root, 'secret'), path.join(root, 'link.yaml'));
  mkdirSync(path.join(root, 'real'));
  symlinkSync(path.join(root, 'real'), path.join(root, 'dirlink'));
  writeFileSync(path.join(root, 'real', 'site.yaml'), 'profile: latest\n');
  spawnSync('mkfifo', [path.join(root, 'fifo')]);
  writeFileSync(path.join(root, 'big'), 'x'.repeat(2048));
  writeFileSync(path.join(root, 'bin'), Buffer.from([0x61, 0, 0x62]));
  writeFileSync(path.join(root, 'latin1'), Buffer.from([0x61, 0xe9, 0x0a]));
  const read = (relative: string) => readUserFile({ root, relative }, { maxBytes: 1024, what: 'the site spec' });
  assert.equal(read('real/site.yaml'), 'profile: latest\n');
  for (const [relative, code] of [['link.yaml', 'PATH_SYMLINK'], ['dirlink/site.yaml', 'PATH_SYMLINK'], ['real', 'PATH_NOT_REGULAR'], ['big', 'FILE_TOO_LARGE'], ['bin', 'FILE_NOT_TEXT'], ['latin1', 'FILE_NOT_TEXT'], ['missing', 'READ_FAILED']] as const) {
    assert.throws(() => read(relative), (error: unknown) => {
      assert.ok(isCode(code)(error), `${relative}: ${String(error)}`);
      assert.doesNotMatch((error as Error).message, /hunter2/);
      assert.match((error as Error).message, new RegExp(`^${relative.split('/')[0]}[^:]*: expected .+, received .+; .+`));
      return true;
    });
  }
  if (existsSync(path.join(root, 'fifo'))) assert.throws(() => read('fifo'), isCode('PATH_NOT_REGULAR'), 'a FIFO is refused without blocking');
  // The same file through an absolute path with streams allowed (check -): links are followed there.
  assert.equal(readUserFile(path.join(root, 'link.yaml'), { maxBytes: 1024, what: 'a manifest', noFollow: false, streams: true }), 'TOKEN=hunter2\n');
});

test('lstatInside refuses a link anywhere on the path and reports a file where a directory belongs', (t) => {
  const root = tree(t);
  mkdirSync(path.join(root, 'a'));
  symlinkSync('/usr/share', path.join(root, 'a', 'etc'));
  writeFileSync(path.join(root, 'file'), '');
  assert.equal(lstatInside(root, 'a/none'), null);
  assert.throws(() => lstatInside(root, 'a/etc/passwd'), (e: unknown) => isCode('PATH_SYMLINK')(e) && (e as RepositoryIoError).path === 'a/etc' && !(e as Error).message.includes('/usr'));
  assert.throws(() => lstatInside(root, 'file/x'), isCode('PATH_NOT_REGULAR'));
});

test('describeSystemError words an errno once; truncate keeps one short line', () => {
  const error = Object.assign(new Error("EISDIR: illegal operation on a directory, read"), { code: 'EISDIR' });
  assert.equal(describeSystemError(error), 'a directory (EISDIR)');
  assert.equal(describeSystemError(Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' })), 'a read-only file system (EROFS)');
  assert.equal(truncate(`a\nb${'x'.repeat(500)}`).length, 160);
  assert.ok(!truncate('a\nb').includes('\n'));
});

test('commitTree writes every file in order with its mode, removes the deleted ones, and leaves no work directory', async (t) => {
  const root = tree(t);
  mkdirSync(path.join(root, 'keep'));
  writeFileSync(path.join(root, 'keep', 'old.yaml'), 'old\n');
  writeFileSync(path.join(root, 'keep', 'script.sh'), 'old\n');
  chmodSync(path.join(root, 'keep', 'script.sh'), 0o750);
  await commitTree(root, {
    command: 'test',
    writes: [
      { path: 'new/dir/a.yaml', content: 'a\n' },
      { path: 'new/secret.env', content: 'k=v\n', mode: 0o600 },
      { path: 'keep/script.sh', content: 'new\n' },
    ],
    deletes: ['keep/old.yaml'],
  });
  assert.equal(readFileSync(path.join(root, 'new/dir/a.yaml'), 'utf8'), 'a\n');
  assert.equal(lstatSync(path.join(root, 'new/secret.env')).mode & 0o777, 0o600);
  assert.equal(lstatSync(path.join(root, 'keep/script.sh')).mode & 0o777, 0o750, 'an existing file keeps its mode');
  assert.equal(readFileSync(path.join(root, 'keep/script.sh'), 'utf8'), 'new\n');
  assert.equal(existsSync(path.join(root, 'keep/old.yaml')), false);
  assert.equal(existsSync(path.join(root, WORK_DIR)), false);
});

test('commitTree refuses to write through a link, and an ENOSPC while staging changes nothing and leaves nothing', async (t) => {
  const root = tree(t);
  const outside = tree(t);
  symlinkSync(outside, path.join(root, 'overlays'));
  await assert.rejects(commitTree(root, { command: 'test', writes: [{ path: 'a.yaml', content: 'a\n' }, { path: 'overlays/x.yaml', content: 'x\n' }], deletes: [] }), isCode('PATH_SYMLINK'));
  assert.deepEqual(readdirSync(outside), [], 'nothing written through the link');
  assert.deepEqual(readdirSync(root), ['overlays'], 'nothing written at all');
  rmSync(path.join(root, 'overlays'));

  const before = readdirSync(root);
  await assert.rejects(
    commitTree(root, { command: 'test', writes: [{ path: 'a.yaml', content: 'a\n' }, { path: 'b.yaml', content: 'b\n' }], deletes: [] }, { env: { CLEARML_K8S_TEST_FAULTS: 'enospc@stage:2' } }),
    (error: unknown) => isCode('WRITE_FAILED')(error) && /b\.yaml: expected a writable repository, received no space left on the device \(ENOSPC\); free some space .*nothing was changed/.test((error as Error).message),
  );
  assert.deepEqual(readdirSync(root), before, 'no temporary file, no work directory');
});

/** Runs commitTree in a child process with faults, so that a real SIGKILL can end it. */
function childCommit(root: string, faults: string, writes: number): { status: number | null; signal: string | null } {
  const script = `import { commitTree } from ${JSON.stringify(SRC)};
await commitTree(${JSON.stringify(root)}, { command: 'child', writes: Array.from({ length: ${writes} }, (_, i) => ({ path: 'out/f' + i + '.yaml', content: 'new ' + i + '\\n' })), deletes: ['out/stale.yaml'] });`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, CLEARML_K8S_TEST_FAULTS: faults }, encoding: 'utf8' });
  return { status: result.status, signal: result.signal };
}

test('a write killed (SIGKILL) at any point is undone before its commit point and finished after it', async (t) => {
  const points = ['kill@stage:1', 'kill@stage:3', 'kill@journal', 'kill@rename:1', 'kill@rename:2', 'kill@rename:4', 'kill@delete:1'];
  for (const point of points) {
    const root = tree(t);
    mkdirSync(path.join(root, 'out'));
    writeFileSync(path.join(root, 'out/f0.yaml'), 'old 0\n');
    writeFileSync(path.join(root, 'out/stale.yaml'), 'stale\n');
    const run = childCommit(root, point, 4);
    assert.equal(run.signal, 'SIGKILL', point);
    const committed = !point.includes('stage') && point !== 'kill@journal';
    assert.deepEqual(pendingWrites(root).map((p) => p.committed), [committed], `${point}: the interrupted write is seen`);
    const recovered = await recoverTree(root);
    assert.deepEqual(recovered.map((r) => r.action), [committed ? 'finished' : 'discarded'], point);
    const files = readdirSync(path.join(root, 'out')).sort();
    if (committed) {
      assert.deepEqual(files, ['f0.yaml', 'f1.yaml', 'f2.yaml', 'f3.yaml'], point);
      for (let i = 0; i < 4; i++) assert.equal(readFileSync(path.join(root, `out/f${i}.yaml`), 'utf8'), `new ${i}\n`, point);
    } else {
      assert.deepEqual(files, ['f0.yaml', 'stale.yaml'], point);
      assert.equal(readFileSync(path.join(root, 'out/f0.yaml'), 'utf8'), 'old 0\n', point);
    }
    assert.equal(existsSync(path.join(root, WORK_DIR)), false, `${point}: work directory removed`);
    assert.deepEqual(pendingWrites(root), []);
  }
});

test('SIGTERM during the renames finishes the write before the process ends', async (t) => {
  const root = tree(t);
  const script = `import { commitTree } from ${JSON.stringify(SRC)};
await commitTree(${JSON.stringify(root)}, { command: 'child', writes: Array.from({ length: 20 }, (_, i) => ({ path: 'out/f' + i, content: String(i) })), deletes: [] });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, CLEARML_K8S_TEST_FAULTS: 'delay=100@rename' } });
  const journal = path.join(root, WORK_DIR);
  while (!(existsSync(journal) && readdirSync(journal).some((n) => n.endsWith('.journal.json')))) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 250));
  child.kill('SIGTERM');
  const signal = await new Promise((r) => child.on('exit', (_code, s) => r(s)));
  assert.equal(signal, 'SIGTERM');
  assert.equal(readdirSync(path.join(root, 'out')).length, 20, 'every file is in place');
  assert.equal(existsSync(journal), false, 'nothing left to recover');
});

test('the lock: a second holder waits, then gives up naming the first; a dead holder is taken over', async (t) => {
  const root = tree(t);
  const first = await acquireRepositoryLock(root, 'clearml-k8s compose');
  await assert.rejects(acquireRepositoryLock(root, 'clearml-k8s site add acme', { waitMs: 300 }), (error: unknown) => {
    assert.ok(isCode('LOCKED')(error));
    assert.match((error as Error).message, new RegExp(`received a lock held by \`clearml-k8s compose\` \\(pid ${process.pid} on `));
    return true;
  });
  await first.release();
  const second = await acquireRepositoryLock(root, 'again', { waitMs: 300 });
  await second.release();
  assert.equal(existsSync(path.join(root, LOCK_DIR)), false);

  // A holder killed with SIGKILL leaves its lock behind; the next run takes it over within seconds.
  const script = `import { acquireRepositoryLock } from ${JSON.stringify(SRC)}; await acquireRepositoryLock(${JSON.stringify(root)}, 'doomed'); process.kill(process.pid, 'SIGKILL');`;
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  assert.ok(existsSync(path.join(root, LOCK_DIR)), 'the dead holder left its lock');
  const started = Date.now();
  const taken = await acquireRepositoryLock(root, 'survivor', { waitMs: 8000 });
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  await taken.release();
});

test('withRepositorySession recovers a committed write first and reports it; a bad CLEARML_K8S_LOCK_WAIT is an error', async (t) => {
  const root = tree(t);
  mkdirSync(path.join(root, 'out'));
  childCommit(root, 'kill@rename:2', 3);
  const seen = await withRepositorySession(root, 'test', async ({ recovered }) => recovered);
  assert.deepEqual(seen.map((r) => [r.command, r.action, r.files]), [['child', 'finished', 4]]);
  await assert.rejects(withRepositorySession(root, 'test', async () => 0, { env: { CLEARML_K8S_LOCK_WAIT: 'soon' } }), isCode('SETTING_INVALID'));
});
