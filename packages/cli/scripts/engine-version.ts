/**
 * Writes `.engine-version` in this package: the kustomize engines `verify` would use and their
 * versions (`kubectl version --client` / `kustomize version`), one per line. Turbo's `verify` tasks
 * take the file as an input, so their cache key changes with the engine. Kept light (engine module
 * only, version calls in parallel): it runs before every `verify`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { discoverVersionedEngines, engineLabel, resolveEngine, type Engine } from '@clearml-k8s/verifier/engine';

const run = promisify(execFile);

async function version(engine: Engine): Promise<string> {
  const [binary, sub] = engine.argv;
  try {
    if (sub !== 'kustomize') return (await run(binary!, ['version'])).stdout.trim();
    const parsed = JSON.parse((await run(binary!, ['version', '--client', '-o', 'json'])).stdout) as { clientVersion?: { gitVersion?: string }; kustomizeVersion?: string };
    return `kubectl ${parsed.clientVersion?.gitVersion ?? '?'}, kustomize ${parsed.kustomizeVersion ?? '?'}`;
  } catch {
    return 'unknown';
  }
}

const engines: Engine[] = [];
let missing = '';
try {
  engines.push(await resolveEngine());
} catch (error) {
  missing = `no engine: ${(error as Error).message.split(';')[0]}`;
}
engines.push(...(await discoverVersionedEngines()).map((found) => found.engine));
const lines = await Promise.all(engines.map(async (engine) => `${engineLabel(engine)}: ${await version(engine)}`));
writeFileSync(fileURLToPath(new URL('../.engine-version', import.meta.url)), [...(missing ? [missing] : []), ...lines].join('\n') + '\n');
