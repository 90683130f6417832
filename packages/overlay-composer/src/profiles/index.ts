import { ComposerError } from '../composer-error.ts';
import type { Profile } from './profile.ts';
import { currentVersionProfile } from './current-version.ts';
import { enterpriseProfile } from './enterprise.ts';
import { latestProfile } from './latest.ts';
import { nonRootProfile } from './non-root.ts';

/** The stock profiles, parents before children. */
export const PROFILES: readonly Profile[] = [currentVersionProfile, latestProfile, enterpriseProfile, nonRootProfile];

/**
 * The profile of a given name.
 * @throws ComposerError `PROFILE_UNKNOWN` listing the known names.
 */
export function profileByName(name: string): Profile {
  const profile = PROFILES.find((p) => p.name === name);
  if (!profile) throw new ComposerError('PROFILE_UNKNOWN', `unknown profile "${name}"; expected one of ${PROFILES.map((p) => p.name).join(', ')}`, name);
  return profile;
}

export { currentVersionProfile, enterpriseProfile, latestProfile, nonRootProfile };
