#!/usr/bin/env node
// The `engine-version` task of turbo (runs before every `verify`): keeps `.engine-version` (the
// engines verify would use and their versions, written by ./engine-version.ts) current, fast.
//
// Asking each kubectl for its version costs a second or more (ten binaries, plus the TypeScript
// loader); with nothing changed it is skipped. "Nothing changed" is judged on everything that
// could change the answer, more than ./engine-version.ts reads: $KUSTOMIZE and $PATH, and the
// real path, size and modification time of every `kubectl*` and `kustomize*` file on PATH, beside
// the real kubectl, and in the engine cache. Any difference, a missing or unreadable stamp, or a
// missing `.engine-version` runs ./engine-version.ts, then records the stamp
// (node_modules/.cache/clearml-k8s/engine-version.stamp, written to a temporary file and renamed).
// Plain JavaScript on purpose: no TypeScript loader to start.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUTPUT = path.join(HERE, '..', '.engine-version');
const CACHE = path.join(HERE, '..', '..', '..', 'node_modules', '.cache', 'clearml-k8s');
const ENGINES = path.join(CACHE, 'engines');
const STAMP = path.join(CACHE, 'engine-version.stamp');
const ENGINE_NAME = /^(kubectl|kustomize)/;

/** `name realpath size mtime` of every engine-like file in `dir`, sorted; none when unreadable. */
function engineFiles(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => ENGINE_NAME.test(n))
    .sort()
    .map((n) => {
      try {
        const real = realpathSync(path.join(dir, n));
        const s = statSync(real);
        return `${path.join(dir, n)} ${real} ${s.size} ${s.mtimeMs}`;
      } catch {
        return `${path.join(dir, n)} unreadable`;
      }
    });
}

const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
const kubectl = dirs.map((d) => path.join(d, 'kubectl')).find((f) => existsSync(f));
if (kubectl) {
  try {
    dirs.push(path.dirname(realpathSync(kubectl)));
  } catch {
    // a dangling link: listed as unreadable below
  }
}
dirs.push(ENGINES);
/** The stamp of the engines as found now and of the output as it is. */
function stampNow() {
  return createHash('sha256')
    .update(`KUSTOMIZE=${process.env.KUSTOMIZE ?? ''}\nPATH=${process.env.PATH ?? ''}\n`)
    .update(dirs.flatMap(engineFiles).join('\n'))
    .update(existsSync(OUTPUT) ? readFileSync(OUTPUT) : 'no output')
    .digest('hex');
}
const stamp = stampNow();

let recorded = null;
try {
  recorded = readFileSync(STAMP, 'utf8').trim();
} catch {
  // first run
}
if (recorded !== stamp || !existsSync(OUTPUT)) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(HERE, 'engine-version.ts')], { stdio: 'inherit', cwd: path.join(HERE, '..') });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // The stamp covers the output just written, so an edited or deleted .engine-version is redone.
  const fresh = stampNow();
  try {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(`${STAMP}.${process.pid}`, `${fresh}\n`);
    renameSync(`${STAMP}.${process.pid}`, STAMP);
  } catch {
    // a read-only checkout: ask the engines every time
  }
}
