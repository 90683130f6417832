#!/usr/bin/env node
// The clearml-k8s command. The packages are TypeScript: run from a cached bundle of them
// (./cli-bundle.js, rebuilt when a source changes), else through tsx. No build step.
import { loadMain } from './cli-bundle.js';

// A reader that goes away (`clearml-k8s check base | head`) is not an error: stop writing, finish,
// exit with the command's own code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
const io = {
  cwd: process.cwd(),
  env: process.env,
  stdout: { write: (text) => process.stdout.writable && process.stdout.write(text), get isTTY() { return process.stdout.isTTY; }, get columns() { return process.stdout.isTTY ? process.stdout.columns : undefined; } },
  stderr: { write: (text) => process.stderr.writable && process.stderr.write(text), get isTTY() { return process.stderr.isTTY; }, get columns() { return process.stderr.isTTY ? process.stderr.columns : undefined; } },
};
const main = await loadMain(process.env);
process.exitCode = await main(process.argv.slice(2), io);
