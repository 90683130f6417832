/**
 * Checks `build` and `build-stderr` (`./build-stderr.ts`): the engine exits 0, prints valid YAML,
 * and prints nothing on stderr. Deprecation warnings about fields that `deprecated-field` already
 * reports in the overlay's own kustomization files are not repeated here; anything else on stderr
 * is (for example a deprecated field in a parent kustomization outside the overlay). With several
 * engines, each engine's build is checked; findings of an engine other than the checked one are
 * prefixed with its label.
 * @see ../../../../../shared/reference/kustomize-and-verification.md ("Where kustomize is silent")
 */
import { engineLabel } from '../engine.ts';
import type { CheckFinding } from '../finding.ts';
import type { RenderResult } from '../render-overlay.ts';
import { defineCheck, type CheckContext } from './definition.ts';

/** kustomize v5's deprecation line: `# Warning: 'commonLabels' is deprecated. Please use …`. */
const DEPRECATION_WARNING = /^# Warning: '(\w+)' is deprecated\b/;

/**
 * `build`: the engine exited non-zero or printed something that is not a stream of objects.
 * @param overlay the overlay as named in the report (used as the finding's resource).
 * @returns at most one finding.
 */
export function buildFindings(render: RenderResult, overlay: string): CheckFinding<'build'>[] {
  const stderr = render.stderr.trim();
  if (render.parseError) {
    return [{ check: 'build', resource: overlay, path: '', message: `expected a stream of Kubernetes objects from kustomize, received output that is not one: ${render.parseError}`, hint: 'check the resources for templating or encoding errors, and that the engine is kustomize' }];
  }
  if (render.exitCode !== 0) {
    return [{ check: 'build', resource: overlay, path: '', message: `kustomize build failed: expected exit 0, received ${render.exitCode}: ${stderr.split('\n').slice(-3).join(' ').slice(0, 400)}`, hint: 'fix the kustomization or the patch the error names, then run the build by hand' }];
  }
  return [];
}

/**
 * `build-stderr`: a successful build printed something on stderr besides the deprecation warnings of
 * `reportedDeprecations`.
 * @returns at most one finding; none for a build that failed (that is `build`'s).
 */
export function stderrFindings(render: RenderResult, overlay: string, reportedDeprecations: ReadonlySet<string> = new Set()): CheckFinding<'build-stderr'>[] {
  if (render.parseError || render.exitCode !== 0) return [];
  const unexplained = render.stderr
    .trim()
    .split('\n')
    .filter((line) => line.trim() && !reportedDeprecations.has(line.match(DEPRECATION_WARNING)?.[1] ?? ''));
  if (unexplained.length === 0) return [];
  return [{ check: 'build-stderr', resource: overlay, path: '', message: `expected nothing on stderr, received: ${unexplained.join(' ').slice(0, 400)}`, hint: 'fix what the warning names (for a deprecated field in a parent kustomization, fix it there: kustomize edit fix)' }];
}

/**
 * `build` and `build-stderr` of one render.
 * @param render the result of `renderOverlay`.
 * @param overlay the overlay as named in the report (used as the finding's resource).
 * @param reportedDeprecations deprecated field names already reported by `deprecated-field`.
 * @returns at most one finding: `build` (non-zero exit or unparsable output) or `build-stderr`.
 */
export function checkBuild(render: RenderResult, overlay: string, reportedDeprecations: ReadonlySet<string> = new Set()): CheckFinding<'build' | 'build-stderr'>[] {
  return [...buildFindings(render, overlay), ...stderrFindings(render, overlay, reportedDeprecations)];
}

/**
 * `each` over the checked build, then over every other engine's successful build (its findings'
 * messages prefixed with the engine's label); a failed build of another engine is `engine-mismatch`'s.
 */
export function overEngines<Id extends string>(context: CheckContext, each: (render: RenderResult) => CheckFinding<Id>[]): CheckFinding<Id>[] {
  return [
    ...each(context.primary),
    ...context.renders.flatMap((r, i) => (r !== context.primary && r.exitCode === 0 ? each(r).map((f) => ({ ...f, message: `${engineLabel(context.engines[i]!)}: ${f.message}` })) : [])),
  ];
}

export const buildCheck = defineCheck({
  id: 'build',
  severity: 'error',
  title: 'kustomize exits 0 and prints valid YAML',
  description: 'the engine exits 0 and prints YAML',
  needs: 'render',
  run: (context) => overEngines(context, (r) => buildFindings(r, context.overlay)),
});
