/**
 * Checks `build` and `build-stderr`: the engine exits 0, prints valid YAML, and prints nothing on
 * stderr. Deprecation warnings about fields that `deprecated-field` already reports in the
 * overlay's own kustomization files are not repeated here; anything else on stderr is (for
 * example a deprecated field in a parent kustomization outside the overlay).
 * @see ../../../../../shared/reference/kustomize-and-verification.md ("Where kustomize is silent")
 */
import type { CheckFinding } from '../finding.ts';
import type { RenderResult } from '../render-overlay.ts';

/** kustomize v5's deprecation line: `# Warning: 'commonLabels' is deprecated. Please use …`. */
const DEPRECATION_WARNING = /^# Warning: '(\w+)' is deprecated\b/;

/**
 * @param render the result of `renderOverlay`.
 * @param overlay the overlay as named in the report (used as the finding's resource).
 * @param reportedDeprecations deprecated field names already reported by `deprecated-field`.
 * @returns at most one finding: `build` (non-zero exit or unparsable output) or `build-stderr`.
 */
export function checkBuild(render: RenderResult, overlay: string, reportedDeprecations: ReadonlySet<string> = new Set()): CheckFinding[] {
  const stderr = render.stderr.trim();
  if (render.parseError) {
    return [{ check: 'build', resource: overlay, path: '', message: `expected a stream of Kubernetes objects from kustomize, received output that is not one: ${render.parseError}`, hint: 'check the resources for templating or encoding errors, and that the engine is kustomize' }];
  }
  if (render.exitCode !== 0) {
    return [{ check: 'build', resource: overlay, path: '', message: `kustomize build failed: expected exit 0, received ${render.exitCode}: ${stderr.split('\n').slice(-3).join(' ').slice(0, 400)}`, hint: 'fix the kustomization or the patch the error names, then run the build by hand' }];
  }
  const unexplained = stderr
    .split('\n')
    .filter((line) => line.trim() && !reportedDeprecations.has(line.match(DEPRECATION_WARNING)?.[1] ?? ''));
  if (unexplained.length === 0) return [];
  return [{ check: 'build-stderr', resource: overlay, path: '', message: `expected nothing on stderr, received: ${unexplained.join(' ').slice(0, 400)}`, hint: 'fix what the warning names (for a deprecated field in a parent kustomization, fix it there: kustomize edit fix)' }];
}
