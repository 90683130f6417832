/**
 * Checks `build` and `build-stderr`: the engine exits 0, prints valid YAML, and prints nothing on
 * stderr (deprecation warnings go there and nowhere else).
 * @see ../../../../../shared/reference/kustomize-and-verification.md ("Where kustomize is silent")
 */
import type { Finding } from '../finding.ts';
import type { RenderResult } from '../render-overlay.ts';

/**
 * @param render the result of `renderOverlay`.
 * @param overlay the overlay as named in the report (used as the finding's resource).
 * @returns at most one finding: `build` (non-zero exit or unparsable output) or `build-stderr`.
 */
export function checkBuild(render: RenderResult, overlay: string): Finding[] {
  const findings: Finding[] = [];
  const stderr = render.stderr.trim();
  if (render.exitCode !== 0) {
    findings.push({ check: 'build', resource: overlay, path: '', message: `kustomize build failed: expected exit 0, received ${render.exitCode}: ${stderr.split('\n').slice(-3).join(' ').slice(0, 400)}; fix the kustomization or the patch it names` });
  } else if (render.parseError) {
    findings.push({ check: 'build', resource: overlay, path: '', message: `kustomize printed output that is not YAML: ${render.parseError}` });
  } else if (stderr) {
    findings.push({ check: 'build-stderr', resource: overlay, path: '', message: `expected nothing on stderr, received: ${stderr.slice(0, 400)}; replace deprecated kustomization fields (bases, commonLabels, patchesJson6902, patchesStrategicMerge, vars, imageTags)` });
  }
  return findings;
}
