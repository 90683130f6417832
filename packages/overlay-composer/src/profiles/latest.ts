/**
 * `latest`: ClearML images on their `latest` tag, pulled on every start. Not recommended (as
 * upstream says of `kubectl apply -k base`): a restart can upgrade the server under your data.
 * Database images keep their catalog tags (no safe `latest` exists for them).
 */
import { parseImageReference } from '../kustomize/images.ts';
import { mapDeploymentContainers, TRIAL_CREDENTIALS_RISK, type Profile } from './profile.ts';

export const latestProfile: Profile = {
  name: 'latest',
  parent: 'base',
  summary: 'ClearML images on `latest`, imagePullPolicy Always. Not recommended: a restart may upgrade the server.',
  source: 'packages/overlay-composer/src/profiles/latest.ts',
  exposure: { kind: 'nodePort' },
  podSecurity: 'privileged',
  imagePolicy: 'latest',
  prerequisites: [],
  acceptedRisks: [TRIAL_CREDENTIALS_RISK],
  apply: (parent, { catalog }) =>
    mapDeploymentContainers(parent, (c) => {
      const { name } = parseImageReference(c.image);
      const entry = Object.values(catalog.images).find((i) => i.repository === name);
      if (entry?.latestTag) c.image = `${name}:${entry.latestTag}`;
      c.imagePullPolicy = 'Always';
    }),
};
