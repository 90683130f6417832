/**
 * `current_version`: the release catalog's pinned tags (already in the base) with
 * `imagePullPolicy: IfNotPresent` on every container, so a restart never changes what runs.
 * @see ../../../../../shared/seeds/001_d702390ea1fdbd84.txt (`kubectl apply -k overlays/current_version`)
 */
import { mapDeploymentContainers, TRIAL_CREDENTIALS_RISK, type Profile } from './profile.ts';

export const currentVersionProfile: Profile = {
  name: 'current_version',
  parent: 'base',
  summary: 'Every image pinned to the release catalog, pulled only when missing (IfNotPresent). The recommended overlay.',
  source: 'packages/overlay-composer/src/profiles/current-version.ts',
  exposure: { kind: 'nodePort' },
  podSecurity: 'privileged',
  imagePolicy: 'pinned',
  prerequisites: [],
  acceptedRisks: [TRIAL_CREDENTIALS_RISK],
  apply: (parent) =>
    mapDeploymentContainers(parent, (c) => {
      c.imagePullPolicy = 'IfNotPresent';
    }),
};
