/**
 * `clearml-k8s credentials`: prints the enterprise credentials Secret with fresh random values, for
 * `| kubectl create -f -` after `kubectl create namespace clearml --save-config`. Nothing is written to disk.
 */
import { stringifyManifests } from '@clearml-k8s/base-manifests/yaml';
import { generateCredentialsSecret } from '@clearml-k8s/overlay-composer';
import { EXIT, type CommandIo } from '../io.ts';

/** Writes the random credentials Secret as YAML to stdout. @returns 0. */
export function credentialsCommand(io: CommandIo): number {
  io.stdout.write(stringifyManifests([generateCredentialsSecret()]));
  return EXIT.ok;
}
