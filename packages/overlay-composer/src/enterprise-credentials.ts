/**
 * The internal credentials of the enterprise profile (and of a site with `credentials.secret`): one
 * Secret, created at set-up with random values and never committed. Pods read every key with a
 * non-optional `secretKeyRef`, so without the Secret they stay in `CreateContainerConfigError` and
 * never start on the image's public defaults.
 *
 * What that closes, and what only fixed-users mode closes (the sources, at the pinned release):
 * - `secure.conf` ships every secret in public: `auth.token_secret` (signs session tokens), the
 *   `system` keys of `apiserver`, `fileserver` and `webserver`, and the `tests` user
 *   (clearml/clearml-server@v2.3.0:apiserver/config/default/secure.conf:1-44). The Secret replaces
 *   the token and session secrets, the apiserver, fileserver, tests and services-agent keys.
 * - The `webserver` key cannot be made secret: the web app signs in with it from the browser, so a
 *   key of our own would have to be served to every visitor too. Without fixed users
 *   (`login.supported_modes` answers `basic.enabled: false`) the web app is in "simple" mode: with
 *   that key (its compiled-in public default, or the `credentials.json` the webserver then serves)
 *   it lists the users, creates one for any name typed in, and `auth.login`s impersonating it
 *   (clearml/clearml-web@v2.3:src/app/webapp-common/shared/services/login.service.ts:81-103,139-146,152-194;
 *   clearml/clearml-web@v2.3:src/environments/base.ts:85-86;
 *   clearml/clearml-server@v2.3.0:docker/build/internal_files/entrypoint.sh:39-47;
 *   clearml/clearml-server@v2.3.0:apiserver/service_repo/validators.py:99-105). Sign-in is open to
 *   anyone who reaches the web app, and the key works for anyone who reaches the API.
 * - Fixed-users mode (`apiserver.auth.fixed_users.enabled`) switches the web app to username and
 *   password (`auth.login` with Basic `username:password`, login.service.ts:159-165; checked in
 *   clearml/clearml-server@v2.3.0:apiserver/service_repo/auth/auth.py:84-103), and at every start
 *   the apiserver empties the credentials of each `secure.credentials` entry with
 *   `revoke_in_fixed_mode`, i.e. `webserver` and `tests` (apiserver/mongo/initialize/__init__.py:63,66-80;
 *   apiserver/mongo/initialize/user.py:20-24; secure.conf:29,41).
 *   So the Secret also holds the fixed users (`fixed_users`, `FIXED_USERS_ENV`), and the apiserver
 *   runs with `FIXED_USERS_ENABLED_ENV=true` wherever it reads the Secret (`credentialEnv`).
 * @see ../../../../shared/reference/clearml-on-kubernetes.md ("Credentials and users")
 * @see ../../../../shared/seeds/002_63cde858f55a4c38.txt ("Default Secret Values")
 */
import { randomInt } from 'node:crypto';
import { NAMESPACE, PART_OF } from '@clearml-k8s/base-manifests';

/** Name of the Secret the enterprise overlay requires (a declared prerequisite). */
export const ENTERPRISE_CREDENTIALS_SECRET = 'clearml-internal-credentials';

/**
 * Turns fixed-users mode on (config `apiserver.auth.fixed_users.enabled`, default off:
 * clearml/clearml-server@v2.3.0:apiserver/service_repo/auth/fixed_user.py:34-36).
 */
export const FIXED_USERS_ENABLED_ENV = 'CLEARML__apiserver__auth__fixed_users__enabled';
/**
 * The fixed users (config `apiserver.auth.fixed_users.users`: a list of `{username, password, name}`,
 * each passed to `FixedUser(**user)`, so no other field is allowed;
 * clearml/clearml-server@v2.3.0:apiserver/service_repo/auth/fixed_user.py:16-24,58-61). An env var
 * overrides the same key of a config file (apiserver/config/basic.py:131-148 merges env values last).
 */
export const FIXED_USERS_ENV = 'CLEARML__apiserver__auth__fixed_users__users';

/** One key of the Secret and the ClearML setting it feeds. */
export interface CredentialKey {
  /** Key inside the Secret. */
  key: string;
  /** The env var (`CLEARML__a__b` = config key `a.b`). */
  env: string;
  /**
   * `key` (access key, 30 chars), `secret` (60 chars), or `fixedUsers` (the fixed users list as one
   * line of JSON, which HOCON reads as it is: `fixedUsersValue`).
   */
  shape: 'key' | 'secret' | 'fixedUsers';
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
  { key: 'fixed_users', env: FIXED_USERS_ENV, shape: 'fixedUsers', components: ['apiserver'] },
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

/** One fixed user, as the apiserver reads it (`FixedUser(username, password, name)`; role `user`, like every fixed user). */
export interface FixedUserEntry {
  username: string;
  /** Plain text: `apiserver.auth.fixed_users.pass_hashed` stays at its default, false (fixed_user.py:42-44). */
  password: string;
  /** Display name. */
  name: string;
}

/** The user `clearml-k8s credentials` and `site add --generate-credentials` create (with a random password). */
export const GENERATED_FIXED_USER = { username: 'admin', name: 'Admin' } as const;
/** Length of a generated fixed user's password, characters of `[A-Za-z0-9]` (about 143 bits). */
export const FIXED_USER_PASSWORD_LENGTH = 24;

/**
 * The `fixed_users` value: the users as one line of JSON (HOCON is a superset of JSON, so the
 * server's `ConfigFactory.parse_string("apiserver.auth.fixed_users.users: <value>")` reads it as a
 * list of objects; apiserver/config/basic.py:93-107), fields in the order `username`, `password`,
 * `name`. One line, so `kubectl create secret --from-env-file` keeps it whole.
 * @param users at least one; every field non-empty and free of `HOCON_UNSAFE_CHARACTERS` (so that a
 *   value stays readable, and the same in HOCON as in JSON, wherever it is copied).
 * @throws Error when `users` is empty or a field is empty or HOCON-unsafe (a programming error: the
 *   values come from `generateCredentialValues`).
 */
export function fixedUsersValue(users: readonly FixedUserEntry[]): string {
  if (users.length === 0) throw new Error('fixedUsersValue: expected at least one user, received none');
  for (const u of users) {
    for (const field of ['username', 'password', 'name'] as const) {
      const value = u[field];
      if (!value || HOCON_UNSAFE_CHARACTERS.test(value)) throw new Error(`fixedUsersValue: ${field} must be non-empty and free of HOCON-unsafe characters, received ${JSON.stringify(value)}`);
    }
  }
  return JSON.stringify(users.map((u) => ({ username: u.username, password: u.password, name: u.name })));
}

function valueOf(shape: CredentialKey['shape']): string {
  if (shape === 'key') return randomString(KEY_ALPHABET, 30);
  if (shape === 'secret') return randomString(SECRET_ALPHABET, 60);
  return fixedUsersValue([{ ...GENERATED_FIXED_USER, password: randomString(SECRET_ALPHABET, FIXED_USER_PASSWORD_LENGTH) }]);
}

/**
 * Fresh random values for every credential key (crypto `randomInt`): access keys 30 characters of
 * `[A-Z0-9]`, secrets 60 of `[A-Za-z0-9]`, and `fixed_users` with one user `admin` whose password
 * is 24 characters of `[A-Za-z0-9]` (`fixedUsersValue`).
 * @returns Secret key → value, in `CREDENTIAL_KEYS` order.
 */
export function generateCredentialValues(): Record<string, string> {
  return Object.fromEntries(CREDENTIAL_KEYS.map((c) => [c.key, valueOf(c.shape)]));
}

/**
 * The credentials Secret with fresh random values (`generateCredentialValues`: access keys 30
 * characters of `[A-Z0-9]`, secrets 60 of `[A-Za-z0-9]` (ClearML docs: keys ~30, secrets 50–60), and
 * the fixed user `admin` with a random password), in namespace `clearml`.
 * Meant to be piped into `kubectl create -f -` and never written to disk. No Namespace: the overlay
 * makes it, and a Namespace made by `kubectl create` without `--save-config` lacks the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, so the later `kubectl apply -k` warns
 * (kubernetes/kubectl `pkg/cmd/apply/apply.go`, `warningNoLastAppliedConfigAnnotation`). The Secret is
 * in no overlay, so `kubectl apply` never meets it; `kubectl create` refuses a second run (AlreadyExists),
 * so keys are never rotated silently. The namespace comes first: `kubectl create namespace clearml --save-config`.
 * @returns one plain object, `Secret/clearml/clearml-internal-credentials`.
 */
export function generateCredentialsSecret(): object {
  const stringData = generateCredentialValues();
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: ENTERPRISE_CREDENTIALS_SECRET, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } },
    type: 'Opaque',
    stringData,
  };
}
