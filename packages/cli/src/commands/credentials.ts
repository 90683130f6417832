/**
 * `clearml-k8s credentials`: prints the Namespace and the enterprise credentials Secret with fresh
 * random values, for `| kubectl create -f -`. Nothing is written to disk.
 */
import { stringifyManifests } from '@clearml-k8s/base-manifests/yaml';
import { generateCredentialsSecret } from '@clearml-k8s/overlay-composer';
import { EXIT, type CommandIo } from '../io.ts';

/** Writes the Namespace and random credentials Secret as YAML to stdout. @returns 0. */
export function credentialsCommand(io: CommandIo): number {
  io.stdout.write(stringifyManifests(generateCredentialsSecret()));
  return EXIT.ok;
}
