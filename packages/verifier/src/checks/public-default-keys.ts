/**
 * Check `public-default-keys` (an error): no Secret, ConfigMap or literal container env value of the
 * build carries one of ClearML's public default secrets. They are published, so whoever reads them
 * can sign session tokens for any user (`secure.auth.token_secret`, which signs every token:
 * clearml/clearml-server@v2.3.0:apiserver/service_repo/auth/payload/token.py:16,83) or call the
 * API as the system users and the test user of a server that loads them:
 * - the defaults of the server's own `secure.conf` (clearml/clearml-server@v2.3.0:apiserver/config/default/secure.conf):
 *   the session secret, the token secret and the keys and secrets of the `apiserver`, `fileserver`,
 *   `webserver` and `tests` credentials;
 * - the defaults the ClearML Helm chart ships in its values, which its Secret `clearml-conf` carries
 *   unless the installer sets others (clearml/clearml-helm-charts@clearml-7.14.4:charts/clearml/values.yaml:29-46).
 *
 * The values are not in this repository: only their SHA-256 digests, each with the file and line it
 * comes from (`PUBLIC_DEFAULT_DIGESTS`). Every default is a run of `[A-Za-z0-9_-]` of 20 characters or
 * more, so a value is cut into its maximal runs of those characters (at least 16 long) and
 * each run is hashed: a default is found whether it is the whole value (`data.apiserver_key`), a
 * HOCON or JSON string literal or an unquoted token inside a config file (`secure.conf`,
 * `apiserver.conf` in a ConfigMap), or part of a URL or env file, while a longer token that merely
 * contains a default (`x<default>`) is another value and not reported.
 *
 * Read: Secret `data` (base64-decoded) and `stringData`, ConfigMap `data` and `binaryData`
 * (decoded), and the literal `env[].value` of every container and init container of every pod
 * template (also the k8s glue's embedded templates). Unlike `public-credentials`, which reports an
 * exposed apiserver that keeps the image's defaults by not overriding them, this check reports
 * objects that carry the default values themselves, wherever they are.
 */
import { createHash } from 'node:crypto';
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';

const SECURE_CONF = 'clearml/clearml-server@v2.3.0:apiserver/config/default/secure.conf';
const HELM_VALUES = 'clearml/clearml-helm-charts@clearml-7.14.4:charts/clearml/values.yaml';

/** One public default secret, by the SHA-256 (hex) of its UTF-8 bytes; never the value itself. */
export interface PublicDefault {
  sha256: string;
  /** Its length in characters (only a token of this length can be it: no other token is hashed). */
  length: number;
  /** Where it is published: config key or values key, and `owner/repo@tag:path:line`. */
  sources: readonly { key: string; source: string }[];
}

const entry = (sha256: string, length: number, ...sources: [key: string, source: string][]): PublicDefault => ({ sha256, length, sources: sources.map(([key, source]) => ({ key, source })) });

/**
 * The digests of ClearML's public default secrets. Regenerate from the pinned sources (never commit
 * the values): for each line, the quoted value's `sha256sum` and its length in characters.
 */
export const PUBLIC_DEFAULT_DIGESTS: readonly PublicDefault[] = [
  entry('98098dd7eb042c94fbd83e1e3979a9cb3aef3e23a0d94679c0ac3118759bebea', 54, ['secure.http.session_secret.apiserver', `${SECURE_CONF}:4`]),
  entry('b6bcb89784ec109857797236fae867027664aa0ae51f5b086ebcfc9409217930', 54, ['secure.auth.token_secret', `${SECURE_CONF}:10`]),
  entry('243dc384849c2f27b1e4edd40a2e5f54e107c0cdd35f75e0189db26cc47a84b6', 30, ['secure.credentials.apiserver.user_key', `${SECURE_CONF}:17`]),
  entry('e734a805d77c509f1e3db0e8a0c2d7f87d112d6c9ec505fd2b0a27b29b267e1b', 67, ['secure.credentials.apiserver.user_secret', `${SECURE_CONF}:18`]),
  entry('984d287f13525ae89ed2a886fca2580b250bef0a25017f5bdd44ac8bcb7c852b', 30, ['secure.credentials.fileserver.user_key', `${SECURE_CONF}:22`]),
  entry('12a64aebc6b32ca86da4e1d346917f43256340530f49940cf863636bd51f723a', 56, ['secure.credentials.fileserver.user_secret', `${SECURE_CONF}:23`]),
  entry('5b5bdac1a0d4cf22022368baa10c1bac2818e80074b149cafbba2be8f8b312b9', 30, ['secure.credentials.webserver.user_key', `${SECURE_CONF}:27`]),
  entry('a1e4036636b52f2c4b0f7fca7d1af9086efe56dd47dc20ffca867cf3c7378a2f', 67, ['secure.credentials.webserver.user_secret', `${SECURE_CONF}:28`]),
  entry('397d5a1d9bc2b9202cc9c88fe409e9a86e4225e16596e6d8d19bf28d246515c4', 30, ['secure.credentials.tests.user_key', `${SECURE_CONF}:39`]),
  entry('de7c1fce12119657e43f4b95961403f8a01c117c18f7d7cb662d2969b9bb4e01', 54, ['secure.credentials.tests.user_secret', `${SECURE_CONF}:40`]),
  entry('8a53dd3175bce420723507551193fa54b3d686596d154e6a4b94cf42304e93cf', 20, ['clearml.apiserverKey', `${HELM_VALUES}:30`]),
  entry('6c511f30e384ffd2e95c74aa0bdef875810bdb6876eba4b4638b9d573fc7cb33', 50, ['clearml.apiserverSecret', `${HELM_VALUES}:32`]),
  entry('6d912cadc4bd2bee7ca85c4a40f221fce2329e198330979594ffb47a31604942', 20, ['clearml.fileserverKey', `${HELM_VALUES}:34`]),
  entry('9f2d9a23e879246b73518ee43ec7fc62ba3d6096e4994cee6c086b91458899e7', 50, ['clearml.fileserverSecret', `${HELM_VALUES}:36`]),
  entry('89b8b5c204a2c92f9d32dd98e14cd2afafcd6e3592aa67fe934d87aebfdb7c05', 20, ['clearml.readinessprobeKey', `${HELM_VALUES}:38`]),
  entry('0c3b1dd110371938f488eb28f8119e640ed48b276d351dce4f86edd3b9e14cdc', 50, ['clearml.readinessprobeSecret', `${HELM_VALUES}:40`], ['clearml.secureAuthTokenSecret', `${HELM_VALUES}:42`]),
  entry('6dc2c90c67ba9de1101f232028b0455c17db5e8d232bc06b634e964a5f86ffbe', 20, ['clearml.testUserKey', `${HELM_VALUES}:44`]),
  entry('be6ae474733128c18bb70dc6ea9f1ebf668e6132afeb0f623bdec3975faa8cef', 50, ['clearml.testUserSecret', `${HELM_VALUES}:46`]),
];

const BY_DIGEST = new Map(PUBLIC_DEFAULT_DIGESTS.map((d) => [d.sha256, d]));
/** The lengths of the defaults: a token of another length is none of them, and is not hashed. */
const LENGTHS = new Set(PUBLIC_DEFAULT_DIGESTS.map((d) => d.length));

/** Runs of the defaults' alphabet long enough to be one (the shortest default has 20 characters). */
const TOKEN = /[A-Za-z0-9_-]{16,}/g;

/**
 * The public defaults a value contains as whole tokens (maximal runs of `[A-Za-z0-9_-]`), in order
 * of first appearance, without repeats.
 */
export function publicDefaultsIn(value: string): PublicDefault[] {
  const found = new Set<PublicDefault>();
  for (const [token] of value.matchAll(TOKEN)) {
    if (!LENGTHS.has(token.length)) continue;
    const known = BY_DIGEST.get(createHash('sha256').update(token, 'utf8').digest('hex'));
    if (known) found.add(known);
  }
  return [...found];
}

/** `~` and `/` escaped for a JSON pointer segment (RFC 6901). */
const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

const decodeBase64 = (value: unknown): string | null => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : null);

/** One finding per field (Secret or ConfigMap key, env var) that carries public defaults, on its JSON pointer. */
export function checkPublicDefaultKeys(objects: readonly ManifestObject[]): CheckFinding<'public-default-keys'>[] {
  const findings: CheckFinding<'public-default-keys'>[] = [];
  const report = (object: ManifestObject, path: string, what: string, value: string | null) => {
    if (value === null) return;
    const defaults = publicDefaultsIn(value);
    if (defaults.length === 0) return;
    const named = defaults.flatMap((d) => d.sources.map((s) => `${s.key} (${s.source})`));
    findings.push({
      check: 'public-default-keys',
      resource: objectId(object),
      path,
      message: `${what} carries ClearML's public default ${named.join(', ')}; expected a value of your own, received the published one: anyone can sign session tokens or call the API as that user`,
      hint: 'generate new keys and a token secret (e.g. `openssl rand -hex 32`), keep them in a Secret you create outside the manifests, and reference it (a site with credentials.secret, or the Helm chart\'s clearml.existingSecret)',
    });
  };
  for (const object of objects as any[]) {
    if (object.kind === 'Secret') {
      for (const [key, value] of Object.entries(object.data ?? {})) report(object, `/data/${pointerSegment(key)}`, `Secret key ${key}`, decodeBase64(value));
      for (const [key, value] of Object.entries(object.stringData ?? {})) report(object, `/stringData/${pointerSegment(key)}`, `Secret key ${key}`, typeof value === 'string' ? value : null);
    } else if (object.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries(object.data ?? {})) report(object, `/data/${pointerSegment(key)}`, `ConfigMap key ${key}`, typeof value === 'string' ? value : null);
      for (const [key, value] of Object.entries(object.binaryData ?? {})) report(object, `/binaryData/${pointerSegment(key)}`, `ConfigMap key ${key}`, decodeBase64(value));
    }
  }
  for (const template of podTemplates(objects)) {
    for (const list of ['initContainers', 'containers'] as const) {
      const containers = template.spec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container: any, c: number) => {
        (Array.isArray(container?.env) ? container.env : []).forEach((variable: any, e: number) => {
          if (typeof variable?.value === 'string') report(template.owner, `${template.path}/spec/${list}/${c}/env/${e}/value`, `env ${variable.name} of container ${container.name ?? c}`, variable.value);
        });
      });
    }
  }
  return findings;
}

export const publicDefaultKeysCheck = defineCheck({
  id: 'public-default-keys',
  severity: 'error',
  title: "no Secret, ConfigMap or literal env value carries ClearML's public default keys or token secret",
  description: "no Secret (`data`, `stringData`), ConfigMap (`data`, `binaryData`) or literal container env value carries one of ClearML's public default secrets — the token and session secrets and system/test credentials of the server's `secure.conf`, or the keys and token secret the Helm chart's values ship — as a whole token, also inside a config file: anyone can sign session tokens with them (compared by SHA-256; the values are not in this repository)",
  needs: 'build',
  run: ({ objects }) => checkPublicDefaultKeys(objects),
});
