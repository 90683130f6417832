/**
 * The internal credentials of the enterprise profile: one Secret, created at set-up with random
 * values and never committed. Pods read every key with a non-optional `secretKeyRef`, so without
 * the Secret they stay in `CreateContainerConfigError` and the image's public default keys are
 * never served.
 * @see ../../../../shared/reference/clearml-on-kubernetes.md ("Credentials and users")
 * @see ../../../../shared/seeds/002_63cde858f55a4c38.txt ("Default Secret Values")
 */
import { randomInt } from 'node:crypto';
import { NAMESPACE, PART_OF } from '@clearml-k8s/base-manifests';

/** Name of the Secret the enterprise overlay requires (a declared prerequisite). */
export const ENTERPRISE_CREDENTIALS_SECRET = 'clearml-internal-credentials';

/** One key of the Secret and the ClearML setting it feeds. */
export interface CredentialKey {
  /** Key inside the Secret. */
  key: string;
  /** The env var (`CLEARML__a__b` = config key `a.b`). */
  env: string;
  /** `key` (access key, 30 chars) or `secret` (60 chars). */
  shape: 'key' | 'secret';
  /** Components that read it. */
  components: ('apiserver' | 'fileserver' | 'asyncDelete')[];
}

export const CREDENTIAL_KEYS: readonly CredentialKey[] = [
  { key: 'secure_auth_token_secret', env: 'CLEARML__secure__auth__token_secret', shape: 'secret', components: ['apiserver', 'asyncDelete'] },
  { key: 'http_session_secret', env: 'CLEARML__secure__http__session_secret__apiserver', shape: 'secret', components: ['apiserver'] },
  { key: 'apiserver_key', env: 'CLEARML__secure__credentials__apiserver__user_key', shape: 'key', components: ['apiserver'] },
  { key: 'apiserver_secret', env: 'CLEARML__secure__credentials__apiserver__user_secret', shape: 'secret', components: ['apiserver'] },
  { key: 'fileserver_key', env: 'CLEARML__secure__credentials__fileserver__user_key', shape: 'key', components: ['apiserver', 'fileserver'] },
  { key: 'fileserver_secret', env: 'CLEARML__secure__credentials__fileserver__user_secret', shape: 'secret', components: ['apiserver', 'fileserver'] },
  { key: 'tests_key', env: 'CLEARML__secure__credentials__tests__user_key', shape: 'key', components: ['apiserver'] },
  { key: 'tests_secret', env: 'CLEARML__secure__credentials__tests__user_secret', shape: 'secret', components: ['apiserver'] },
  { key: 'services_agent_key', env: 'CLEARML__secure__credentials__services_agent__user_key', shape: 'key', components: ['apiserver'] },
  { key: 'services_agent_secret', env: 'CLEARML__secure__credentials__services_agent__user_secret', shape: 'secret', components: ['apiserver'] },
];

/**
 * Characters a value must not contain to pass through `CLEARML__secure__*` intact. The server turns every
 * `CLEARML__a__b` env var into the config line `a.b: <value>` and parses it as HOCON
 * (clearml/clearml-server@v2.3.0:apiserver/config/basic.py:55-63,93-107), where an unquoted string may
 * not contain `$ " { } [ ] : = , + # \` ^ ? ! @ * & \\` or whitespace, and where `#` and `//` start a comment (the value is
 * cut there), `=` and `:` separate, `+` and the others fail the parse
 * (https://github.com/lightbend/config/blob/main/HOCON.md#unquoted-strings). `openssl rand -base64` output
 * (`+`, `/`, `=`) is therefore not a safe secret; hex or `[A-Za-z0-9]` is.
 */
export const HOCON_UNSAFE_CHARACTERS = /[$"{}[\]:=,+#`^?!@*&\\\s]|\/\//;

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/**
 * Fresh random values for every credential key (crypto `randomInt`): access keys 30 characters of
 * `[A-Z0-9]`, secrets 60 of `[A-Za-z0-9]`.
 * @returns Secret key → value, in `CREDENTIAL_KEYS` order.
 */
export function generateCredentialValues(): Record<string, string> {
  return Object.fromEntries(CREDENTIAL_KEYS.map((c) => [c.key, c.shape === 'key' ? randomString(KEY_ALPHABET, 30) : randomString(SECRET_ALPHABET, 60)]));
}

/**
 * A Namespace and the credentials Secret with fresh random values (crypto `randomInt`): access
 * keys 30 characters of `[A-Z0-9]`, secrets 60 of `[A-Za-z0-9]` (ClearML docs: keys ~30, secrets 50–60).
 * Meant to be piped into `kubectl create -f -` and never written to disk.
 * @returns two plain objects: `Namespace/clearml`, `Secret/clearml/clearml-internal-credentials`.
 */
export function generateCredentialsSecret(): [object, object] {
  const stringData = generateCredentialValues();
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ENTERPRISE_CREDENTIALS_SECRET, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } },
      type: 'Opaque',
      stringData,
    },
  ];
}
