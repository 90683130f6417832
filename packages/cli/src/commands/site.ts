/**
 * `clearml-k8s site add NAME [...]`: writes `overlays/sites/NAME/site.yaml` from flags and composes
 * the site, or writes nothing at all when anything is invalid.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { stringifyValue } from '@clearml-k8s/base-manifests/yaml';
import {
  composeSiteFromText,
  composeTree,
  ENTERPRISE_CREDENTIALS_SECRET,
  generateCredentialValues,
  planTree,
  SITE_SPEC_FILE,
  SITES_DIR,
  SiteSpecError,
  siteSchemaFile,
  validateSiteName,
  writeTree,
} from '@clearml-k8s/overlay-composer';
import { EXIT, type CommandIo } from '../io.ts';

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

function cliError(field: string, expected: string, received: string, hint: string): SiteSpecError {
  return new SiteSpecError({ code: 'SITE_TYPE', file: '', path: field, expected, received, hint });
}

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
      if (!m) throw cliError('--node-port', 'LABEL=PORT with LABEL api, app or files (e.g. app=30180)', JSON.stringify(entry), 'pass --node-port once per endpoint');
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
  return `# yaml-language-server: $schema=../../../schemas/site.schema.json\n# Site "${name}": edit this file, then run \`npx clearml-k8s compose\` (README, "Add a site").\n${stringifyValue(spec)}`;
}

/**
 * Writes the spec and the composed site under `root`; nothing is written when the name, the flags
 * or the spec are invalid, or the site exists.
 * @returns 0 when written.
 * @throws SiteSpecError (`SITE_NAME_INVALID`, `SITE_EXISTS`, or any spec error, with the spec's
 *   would-be path, line and column); the CLI maps it to exit 2.
 */
export async function siteAddCommand(root: string, name: string | undefined, options: SiteAddOptions, io: CommandIo): Promise<number> {
  if (!name) {
    io.stderr.write('clearml-k8s site add: expected a site NAME (a DNS-1123 label, e.g. acme-prod), received none\n');
    return EXIT.usage;
  }
  validateSiteName(name);
  const dir = `${SITES_DIR}/${name}`;
  const file = `${dir}/${SITE_SPEC_FILE}`;
  if (existsSync(path.join(root, dir))) {
    throw new SiteSpecError({ code: 'SITE_EXISTS', file: dir, expected: 'a new site name', received: `an existing directory ${dir}`, hint: `edit ${file} and run \`clearml-k8s compose\`, or pick another name` });
  }
  const spec = specFromFlags(options);
  const text = siteSpecText(name, spec);
  const site = composeSiteFromText(name, text, file, composeTree().overlays);
  const credentials = options.generateCredentials ? generateCredentialValues() : null;
  const files = [
    { path: file, content: text },
    ...site.files,
    siteSchemaFile(),
    ...(credentials ? [{ path: `${dir}/${CREDENTIALS_FILE}`, content: Object.entries(credentials).map(([k, v]) => `${k}=${v}\n`).join('') }] : []),
  ];
  const changes = await planTree(root, files, []);
  await writeTree(root, files, changes);
  for (const change of changes) io.stdout.write(`${change.change.padEnd(6)} ${change.path}\n`);
  const namespace = site.composition.namespace ?? 'clearml';
  const steps = [`review ${file} (every field is optional but profile; your editor completes them from schemas/site.schema.json)`];
  if (credentials) steps.push(`kubectl create namespace ${namespace} && kubectl -n ${namespace} create secret generic ${ENTERPRISE_CREDENTIALS_SECRET} --from-env-file=${dir}/${CREDENTIALS_FILE}   (the file is git-ignored: keep it in your secret store, then delete it)`);
  for (const p of site.composition.prerequisites.filter((q) => !(credentials && q.name === ENTERPRISE_CREDENTIALS_SECRET))) steps.push(`create ${p.kind} ${namespace}/${p.name} (see ${p.documentedIn})`);
  steps.push(`npx clearml-k8s verify ${dir}`, `kubectl apply -k ${dir}`);
  io.stdout.write(`site ${name}: composed on overlays/${site.profile.name}. Next:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`);
  return EXIT.ok;
}
