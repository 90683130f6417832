/**
 * `clearml-k8s site add NAME [...]`: writes `overlays/sites/NAME/site.yaml` from flags and composes
 * the site, or writes nothing at all when anything is invalid.
 */
import path from 'node:path';
import { loadReleaseCatalog } from '@clearml-k8s/base-manifests';
import { parseManifest, stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import {
  composeSiteByName,
  composeSiteFromText,
  composeTree,
  describePrerequisite,
  prerequisiteCommand,
  prerequisiteIsProvided,
  type ComposedSite,
  ENTERPRISE_CREDENTIALS_SECRET,
  generateCredentialValues,
  planTree,
  SITE_SPEC_FILE,
  siteDirectories,
  SITES_DIR,
  SiteSpecError,
  siteSchemaFile,
  siteSpecFromHelmValues,
  validateSiteName,
  writeTree,
} from '@clearml-k8s/overlay-composer';
import { lstatInside, readUserFile, RepositoryIoError, withRepositorySession } from '@clearml-k8s/repository-io';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT, type CommandIo } from '../io.ts';
import { recoveryNote, unknownNote } from './compose.ts';

/** The flags of `site add` (all optional; the spec keeps only what is given). */
export interface SiteAddOptions {
  profile?: string;
  namespace?: string;
  domain?: string;
  expose?: string;
  /** `LABEL=PORT` entries, e.g. `app=30180`. */
  nodePorts: string[];
  storage?: string;
  storageClass?: string;
  registry?: string;
  generateCredentials: boolean;
}

/** Local file (git-ignored) that receives generated credentials. */
export const CREDENTIALS_FILE = 'credentials.env';

/** Builds the spec object from the flags (field order as in the README). */
export function specFromFlags(options: SiteAddOptions): Record<string, unknown> {
  const spec: Record<string, any> = { profile: options.profile ?? 'current_version' };
  if (options.namespace) spec.namespace = options.namespace;
  const expose = options.expose ?? (options.domain && spec.profile !== 'enterprise' ? 'ingress' : undefined);
  if (expose) spec.expose = expose;
  if (options.nodePorts.length) {
    spec.nodePorts = {};
    for (const entry of options.nodePorts) {
      const m = entry.match(/^(api|app|files)=(\d+)$/);
      if (!m) throw usageError('--node-port', 'LABEL=PORT with LABEL api, app or files (e.g. app=30180)', JSON.stringify(entry), 'pass --node-port once per endpoint');
      if (spec.nodePorts[m[1]!] !== undefined) throw usageError('--node-port', `one --node-port for ${m[1]}`, `${m[1]}=${spec.nodePorts[m[1]!]} and ${entry}`, `keep one of them`);
      spec.nodePorts[m[1]!] = Number(m[2]);
    }
  }
  if (options.domain) spec.ingress = { domain: options.domain };
  const storageType = options.storage ?? (options.storageClass ? 'pvc' : undefined);
  if (storageType) spec.storage = { type: storageType, ...(options.storageClass ? { storageClass: options.storageClass } : {}) };
  if (options.registry) spec.images = { registry: options.registry };
  if (options.generateCredentials) spec.credentials = { secret: ENTERPRISE_CREDENTIALS_SECRET };
  return spec;
}

/** The spec file's text: the editor modeline, a pointer to the docs, then the fields. */
export function siteSpecText(name: string, spec: Record<string, unknown>): string {
  return `# yaml-language-server: $schema=../../../schemas/site.schema.json\n# Site "${name}": edit this file, then run \`npm exec --no -- clearml-k8s compose\` (README, "Add a site").\n${stringifyValue(spec)}`;
}

/**
 * Writes the spec and the composed site under `root`, holding the repository lock, as one journaled
 * write with `site.yaml` last (a directory without `site.yaml` is not a site: a killed `site add`
 * leaves no site behind that looks complete). Nothing is written when the name, the flags or the
 * spec are invalid, the site exists, or a file that is not generated stands where the site's files go.
 * @returns 0 when written.
 * @throws SiteSpecError (`SITE_NAME_INVALID`, `SITE_EXISTS`, or any spec error, with the spec's
 *   would-be path, line and column); RepositoryIoError (`PATH_SYMLINK`, `FILE_NOT_GENERATED` for a
 *   user's file in the way, `LOCKED`, `WRITE_FAILED`); the CLI maps them to exit 2.
 */
export async function siteAddCommand(root: string, name: string | undefined, options: SiteAddOptions, io: CommandIo): Promise<number> {
  if (!name) throw usageError('site add NAME', 'a site NAME (a DNS-1123 label, e.g. acme-prod)', 'none', 'name the site: clearml-k8s site add acme-prod');
  validateSiteName(name);
  const spec = specFromFlags(options);
  return writeNewSite(root, name, siteSpecText(name, spec), { command: 'site add', generateCredentials: options.generateCredentials }, io);
}

/** The flags of `site import`. */
export interface SiteImportOptions {
  /** Path of the Helm values file (relative to the working directory). */
  fromHelm?: string;
  keepData: boolean;
  /** The Helm release name; default clearml. */
  release?: string;
  /** The release's namespace (its claims are there); default clearml. */
  namespace?: string;
}

/** Largest values file read, in bytes (the chart's own is about 20 KiB). */
export const HELM_VALUES_MAX_BYTES = 1 << 20;

/**
 * `site import NAME --from-helm values.yaml [--keep-data] [--release R]`: maps the values of a
 * ClearML chart release (chart 7.x) to `overlays/sites/NAME/site.yaml`, composes it as `site add`
 * does (nothing written on any error), and prints the values it could not map, by values path.
 * @returns 0 when written.
 * @throws CliError `USAGE` (no NAME, no --from-helm, a bad --release); RepositoryIoError from reading the
 *   values file (`READ_FAILED`, `FILE_TOO_LARGE`, `FILE_NOT_TEXT` ...); YamlError `YAML_INVALID` (with line and column);
 *   SiteSpecError as `site add` (a mapped value the spec refuses is reported at the spec's field).
 */
export async function siteImportCommand(root: string, name: string | undefined, options: SiteImportOptions, io: CommandIo): Promise<number> {
  if (!name) throw usageError('site import NAME', 'a site NAME (a DNS-1123 label, e.g. acme-prod)', 'none', 'name the site: clearml-k8s site import acme-prod --from-helm values.yaml');
  if (!options.fromHelm) throw usageError('--from-helm', 'the Helm values file of the release (helm get values RELEASE -o yaml > values.yaml)', 'none', `add --from-helm values.yaml: clearml-k8s site import ${name} --from-helm values.yaml`);
  const release = options.release ?? 'clearml';
  if (!/^(?=.{1,53}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(release)) throw usageError('--release', 'a Helm release name (a DNS-1123 label of at most 53 characters)', JSON.stringify(release), 'give the release name of `helm list`, e.g. --release clearml');
  validateSiteName(name);
  const valuesPath = path.resolve(io.cwd, options.fromHelm);
  const valuesText = readUserFile(valuesPath, { maxBytes: HELM_VALUES_MAX_BYTES, what: 'the Helm values file', display: options.fromHelm, noFollow: false });
  const values = parseManifest(valuesText, options.fromHelm) ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new CliError({ code: 'USAGE', where: options.fromHelm, expected: 'a mapping of chart values (a values.yaml)', received: Array.isArray(values) ? 'a list' : JSON.stringify(values), hint: 'pass the output of helm get values RELEASE -o yaml' });
  const imported = siteSpecFromHelmValues(values, { keepData: options.keepData, release, namespace: options.namespace });
  const note = `# Imported from the Helm values ${path.basename(options.fromHelm)} (chart clearml 7.x, release ${release})${options.keepData ? ', reusing the release\'s claims' : ''}: see README, "Coming from Helm".\n`;
  // The modeline stays the first line (the YAML language server reads it there).
  const text = siteSpecText(name, imported.spec).replace(/\n/, `\n${note}`);
  const status = await writeNewSite(root, name, text, { command: 'site import', generateCredentials: false }, io);
  io.stdout.write(imported.unmapped.length ? `not mapped (${imported.unmapped.length} value${imported.unmapped.length === 1 ? '' : 's'}):\n${imported.unmapped.map((u) => `  ${u.path}: ${u.reason}\n`).join('')}` : 'every value mapped\n');
  return status;
}

/** Writes a new site's spec `text` and its composed files, as `site add` and `site import` do. */
async function writeNewSite(root: string, name: string, text: string, options: { command: 'site add' | 'site import'; generateCredentials: boolean }, io: CommandIo): Promise<number> {
  const dir = `${SITES_DIR}/${name}`;
  const file = `${dir}/${SITE_SPEC_FILE}`;
  return withRepositorySession(root, `clearml-k8s ${options.command} ${name}`, async ({ lock, recovered }) => {
    for (const r of recovered) io.stderr.write(recoveryNote(options.command, r));
    const existing = siteDirectories(root).find((s) => s.name === name);
    if (existing?.hasSpec) {
      throw new SiteSpecError({ code: 'SITE_EXISTS', file: dir, expected: 'a new site name', received: `an existing site ${file}`, hint: `edit ${file} and run \`clearml-k8s compose\`, or pick another name` });
    }
    const credentialsFile = `${dir}/${CREDENTIALS_FILE}`;
    const credentialsStat = lstatInside(root, credentialsFile);
    if (credentialsStat?.isSymbolicLink()) {
      throw new RepositoryIoError({ code: 'PATH_SYMLINK', path: credentialsFile, expected: 'a regular file or nothing', received: 'a symbolic link (clearml-k8s never follows links inside the repository)', hint: 'remove the link; credentials.env is a plain local file' });
    }
    if (options.generateCredentials && credentialsStat !== null) {
      throw new SiteSpecError({ code: 'SITE_EXISTS', file: credentialsFile, expected: `no ${CREDENTIALS_FILE} yet (--generate-credentials writes a new one)`, received: 'an existing file, perhaps the credentials of a deployed site', hint: `move ${credentialsFile} to your secret store (it is never overwritten), or drop --generate-credentials` });
    }
    const site = composeSiteFromText(name, text, file, composeTree(loadReleaseCatalog(io.env)));
    const credentials = options.generateCredentials ? generateCredentialValues() : null;
    const files = [
      ...site.files,
      siteSchemaFile(),
      ...(credentials ? [{ path: credentialsFile, content: Object.entries(credentials).map(([k, v]) => `${k}=${v}\n`).join(''), mode: 0o600 }] : []),
      { path: file, content: text },
    ];
    // A directory left without site.yaml may hold an earlier site's generated files (replaced or removed
    // now) and the user's own files (left alone; one at a path the site writes stops the command).
    const { changes, unknown } = await planTree(root, files, { ownedDirs: existing ? [dir] : [], preserve: (f) => f === credentialsFile && !credentials, keepForeignFilesIn: dir });
    await writeTree(root, files, changes, { command: `clearml-k8s ${options.command} ${name}`, lock, env: io.env });
    for (const change of changes) io.stdout.write(`${change.change.padEnd(6)} ${change.path}\n`);
    io.stderr.write(unknownNote(options.command, unknown));
    const steps = [`review ${file} (every field is optional but profile; your editor completes them from schemas/site.schema.json)`];
    for (const p of prerequisiteSteps(site, credentials ? credentialsFile : undefined)) {
      steps.push(p.name === ENTERPRISE_CREDENTIALS_SECRET && credentials ? `${p.action} ${p.what}: ${p.command}   (the file is git-ignored and readable only by you: keep it in your secret store, then delete it; sign in to the web app as admin, with the password of its fixed_users line)` : `${p.action} ${p.what}: ${p.command}   (${p.documentedIn})`);
    }
    steps.push(`npm exec --no -- clearml-k8s verify ${dir}`, `kubectl apply -k ${dir}`);
    io.stdout.write(`site ${name}: composed on overlays/${site.profile.name}. Next:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`);
    return EXIT.ok;
  }, { env: io.env });
}

/** One thing that must exist before `kubectl apply -k` of a site, with the command that creates (or checks) it. */
export interface PrerequisiteStep {
  kind: string;
  name: string;
  /** Namespace, absent for cluster-scoped kinds. */
  namespace?: string;
  /** `Secret clearml/clearml-tls`. */
  what: string;
  /** `create`, or `check` for what the cluster or a controller provides (the command shows it is there). */
  action: 'create' | 'check';
  command: string;
  /** The README section that explains it. */
  documentedIn: string;
}

/**
 * The site's prerequisites in apply order: its namespace first (`kubectl create namespace NS
 * --save-config`, so the later `kubectl apply -k` takes it over without kubectl's last-applied
 * warning), then each declared prerequisite with `prerequisiteCommand`.
 */
export function prerequisiteSteps(site: ComposedSite, credentialsFile?: string): PrerequisiteStep[] {
  const namespace = site.composition.namespace ?? 'clearml';
  const context = { credentialsFile, fixedUsersSecret: site.spec.credentials?.fixedUsersSecret, pullSecrets: site.spec.images?.pullSecrets };
  const steps: PrerequisiteStep[] = [{ kind: 'Namespace', name: namespace, what: `Namespace ${namespace}`, action: 'create', command: `kubectl create namespace ${namespace} --save-config`, documentedIn: 'README.md#enterprise-credentials' }];
  for (const p of site.composition.prerequisites) {
    steps.push({ kind: p.kind, name: p.name, ...(p.clusterScoped ? {} : { namespace }), what: describePrerequisite(p, namespace), action: prerequisiteIsProvided(p) ? 'check' : 'create', command: prerequisiteCommand(p, namespace, context), documentedIn: p.documentedIn });
  }
  return steps;
}

/**
 * `site prerequisites NAME [--json]`: composes the site in memory (nothing written) and prints what must
 * exist before `kubectl apply -k overlays/sites/NAME`, in order, each with its command and README section.
 * JSON: `[{kind, name, namespace?, what, action, command, documentedIn}]`.
 * @returns 0.
 * @throws CliError `USAGE` without NAME; SiteSpecError `SITE_REQUIRED` for a site that does not exist
 *   (with the closest name), and every error composing it raises (`compose` would raise the same).
 */
export function sitePrerequisitesCommand(root: string, name: string | undefined, options: { json: boolean }, io: CommandIo): number {
  if (!name) throw usageError('site prerequisites NAME', 'a site NAME', 'none', 'name the site: clearml-k8s site prerequisites acme-prod');
  const site = composeSiteByName(root, name, composeTree(loadReleaseCatalog(io.env)));
  const credentialsFile = `${SITES_DIR}/${name}/${CREDENTIALS_FILE}`;
  const steps = prerequisiteSteps(site, lstatInside(root, credentialsFile) ? credentialsFile : undefined);
  if (options.json) io.stdout.write(`${JSON.stringify(steps, null, 2)}\n`);
  else io.stdout.write(`site ${name}: before kubectl apply -k ${SITES_DIR}/${name}, in this order:\n${steps.map((p, i) => `  ${i + 1}. ${p.action} ${p.what}: ${p.command}   (${p.documentedIn})`).join('\n')}\n`);
  return EXIT.ok;
}
