/** `clearml-k8s verify [DIR...] [--json]`: build overlays with the real kustomize and check them. */
import { formatJson, formatReport, resolveEngine, verifyOverlays } from '@clearml-k8s/verifier';
import { EXIT, type CommandIo } from '../io.ts';

/**
 * Verifies `dirs` (default: every stock overlay) and prints the table or JSON.
 * @returns 0 without findings, 1 with findings.
 * @throws VerifierError `KUSTOMIZE_NOT_FOUND` / `OVERLAY_NOT_FOUND` (the CLI maps them to exit 2).
 */
export async function verifyCommand(root: string, options: { dirs: string[]; json: boolean }, io: CommandIo): Promise<number> {
  const engine = await resolveEngine(io.env);
  const result = await verifyOverlays(engine, { root, cwd: io.cwd, dirs: options.dirs });
  io.stdout.write(options.json ? formatJson(result) : formatReport(result));
  return result.ok ? EXIT.ok : EXIT.findings;
}
