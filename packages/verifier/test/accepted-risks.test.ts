// Check `accepted-risks` and the acceptance of warnings: a warning check accepted with a reason in the
// overlay's own Kustomization annotations moves its warnings to `accepted`; anything else is a finding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCEPT_ANNOTATION_PREFIX } from '@clearml-k8s/base-manifests';
import { acceptancesOf, acceptanceIsValid, CHECK_REGISTRY, checkAcceptedRisks, type CheckFinding } from '../src/index.ts';

const context = (annotations: Record<string, unknown> | undefined) => ({ kustomizations: [{ file: 'overlays/x/kustomization.yaml', content: { ...(annotations ? { metadata: { annotations } } : {}), resources: ['../base'] } }] });
const warning: CheckFinding = { check: 'public-credentials', resource: 'Deployment/clearml/clearml-apiserver', path: '/spec', message: 'm', hint: 'h', severity: 'warning' };
const key = (check: string) => `${ACCEPT_ANNOTATION_PREFIX}${check}`;
const messages = (annotations: Record<string, unknown>, earlier: CheckFinding[] = [warning]) => checkAcceptedRisks(context(annotations), earlier, CHECK_REGISTRY).map((f) => [f.path, f.message]);

test('accepted-risks: a warning check with a reason that still applies is fine, and valid', () => {
  assert.deepEqual(messages({ [key('public-credentials')]: 'a trial profile' }), []);
  const [a] = acceptancesOf(context({ [key('public-credentials')]: ' a trial profile ', other: 'x' }));
  assert.deepEqual(a, { check: 'public-credentials', reason: 'a trial profile', file: 'overlays/x/kustomization.yaml', path: '/metadata/annotations/verify.clearml-k8s.io~1accept-public-credentials' });
  assert.equal(acceptanceIsValid(a!, CHECK_REGISTRY), true);
  assert.deepEqual(acceptancesOf(context(undefined)), []);
});

test('accepted-risks: an unknown check, an error check, no reason, or nothing to accept are findings', () => {
  assert.match(messages({ [key('no-such-check')]: 'why' })[0]![1] as string, /accepts "no-such-check", which is not a check of this run/);
  assert.match(messages({ [key('pod-security')]: 'why' })[0]![1] as string, /accepts "pod-security", an error check; expected a warning check/);
  assert.match(messages({ [key('public-credentials')]: '  ' })[0]![1] as string, /without a reason/);
  assert.match(messages({ [key('public-credentials')]: 'why' }, [])[0]![1] as string, /the acceptance is stale/);
  // An error-severity finding of a warning check is not accepted, so the acceptance accepts nothing.
  assert.match(messages({ [key('public-credentials')]: 'why' }, [{ ...warning, severity: 'error' }])[0]![1] as string, /stale/);
  for (const bad of [{ [key('no-such-check')]: 'why' }, { [key('pod-security')]: 'why' }, { [key('public-credentials')]: '' }]) {
    assert.equal(acceptanceIsValid(acceptancesOf(context(bad))[0]!, CHECK_REGISTRY), false);
  }
});
