/** `clearml-k8s checks [--json]`: the checks `verify` runs (the registry of `@clearml-k8s/verifier`), with their severities. */
import { formatChecksJson, formatChecksTable } from '@clearml-k8s/verifier';
import { EXIT, type CommandIo } from '../io.ts';

/**
 * Prints the check registry in report order: a table (check id, severity, what it asserts) or, with
 * `json`, `[{id, severity, title, description}, …]`. Reads no repository.
 * @returns 0.
 */
export function checksCommand(options: { json: boolean }, io: CommandIo): number {
  io.stdout.write(options.json ? formatChecksJson() : formatChecksTable());
  return EXIT.ok;
}
