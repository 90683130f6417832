/**
 * What each overlay the composer writes promises, as data: the verifier takes it as input, so it
 * never guesses from a directory's name which overlay it looks at. A directory the composer does not
 * write (someone else's tree, a fixture, an overlay a user wrote) has no promise and gets only the
 * generic and stack checks; one built on ours inherits the promises that survive any edit (Pod
 * Security level, image policy, prerequisites).
 */
import path from 'node:path';
import { connectionValue, type ManifestObject, type ReleaseCatalog, type StackModel } from '@clearml-k8s/base-manifests';
import { lstatInside } from '@clearml-k8s/repository-io';
import type { ComposedTree } from './compose-tree.ts';
import type { Exposure, PodSecurityLevel, Prerequisite, Profile } from './profiles/profile.ts';
import { readSiteSpec, SITE_SPEC_FILE, siteFileReader, SITES_DIR, siteIntentFromText } from './site/compose-sites.ts';

/** One connection of the stack model as the overlay must render it (before any site change). */
export interface PromisedConnection {
  /** Deployment that makes the connection. */
  from: string;
  /** The env var or argument carrying it. */
  via: { env: string } | { arg: string };
  /** The target component's Service name and the port name on it. */
  target: { service: string; port: string };
  /** The value the base renders (host, port or URL). */
  value: string;
}

/** What an overlay promises: the verifier's expectations of it. */
export interface OverlayPromise {
  /** Repository-relative directory the composer writes it to. */
  dir: string;
  /** Where the promise comes from: a stock profile or a site spec. */
  origin: { kind: 'profile'; name: string } | { kind: 'site'; name: string; spec: string };
  /** What the build must equal, object for object, sorted by id. */
  intended: readonly ManifestObject[];
  exposure: Exposure;
  podSecurity: PodSecurityLevel;
  imagePolicy: 'pinned' | 'latest';
  /** Objects the operator creates first (references to them are not findings). */
  prerequisites: readonly Prerequisite[];
  /** Image repository → tag every container of that repository must run. */
  expectedImages: Record<string, string>;
  /** Repositories that follow a moving tag (`latest` policy). */
  floatingImages: readonly string[];
  /** Whether Ingress hosts must have TLS. */
  tls: boolean;
  /** ClusterRoles and ClusterRoleBindings the overlay may create or bind to. */
  clusterRoles: readonly string[];
  /** The stack model's connections as the base renders them. */
  connections: readonly PromisedConnection[];
}

/** The promise that survives edits on top of an overlay (what a directory built on it inherits). */
export type InheritedPromise = Pick<OverlayPromise, 'dir' | 'podSecurity' | 'imagePolicy' | 'prerequisites'>;

/** Repository → tag of every catalog image under an image policy (`latestTag` where it follows latest). */
export function catalogImages(catalog: ReleaseCatalog, policy: 'pinned' | 'latest'): Record<string, string> {
  return Object.fromEntries(Object.values(catalog.images).map((e) => [e.repository, policy === 'latest' && e.latestTag ? e.latestTag : e.tag]));
}

/** Repositories of the catalog that follow a moving tag under `policy`. */
export function floatingImages(catalog: ReleaseCatalog, policy: 'pinned' | 'latest'): string[] {
  return policy === 'latest' ? Object.values(catalog.images).filter((e) => e.latestTag).map((e) => e.repository) : [];
}

/** The stack model's connections, resolved to the values the base renders. */
export function promisedConnections(model: StackModel): PromisedConnection[] {
  return model.components
    .filter((c) => c.base)
    .flatMap((c) => c.connections.map((k) => ({ from: c.name, via: k.via, target: { service: model.get(k.target).name, port: k.port }, value: String(connectionValue(model, k)) })));
}

function profilePromise(dir: string, profile: Profile, intended: readonly ManifestObject[], tree: ComposedTree): OverlayPromise {
  const { catalog, model } = tree.context;
  return {
    dir,
    origin: { kind: 'profile', name: profile.name },
    intended,
    exposure: profile.exposure,
    podSecurity: profile.podSecurity,
    imagePolicy: profile.imagePolicy,
    prerequisites: profile.prerequisites,
    expectedImages: catalogImages(catalog, profile.imagePolicy),
    floatingImages: floatingImages(catalog, profile.imagePolicy),
    tls: true,
    clusterRoles: [],
    connections: promisedConnections(model),
  };
}

/**
 * The promises of a repository's overlays, looked up by repository-relative directory. Stock
 * overlays come from the composed tree; a site's promise is composed from its spec when asked for
 * (so one invalid spec does not fail the verification of the others).
 */
export class RepositoryPromises {
  readonly #sites = new Map<string, OverlayPromise | null>();

  constructor(
    readonly root: string,
    readonly tree: ComposedTree,
  ) {}

  /**
   * The promise of `dir` (absolute, or relative to the root), or `null` for a directory the
   * composer does not write.
   * @throws SiteSpecError when `dir` is a site whose spec is invalid; RepositoryIoError when the
   *   spec is a link, a FIFO, too large or binary.
   */
  of(dir: string): OverlayPromise | null {
    const relative = path.relative(this.root, path.resolve(this.root, dir)).split(path.sep).join('/');
    if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
    const stock = this.tree.overlays.find((o) => o.dir === relative);
    if (stock) return profilePromise(stock.dir, stock.profile, stock.intended, this.tree);
    const name = relative.startsWith(`${SITES_DIR}/`) ? relative.slice(SITES_DIR.length + 1) : '';
    if (!name || name.includes('/')) return null;
    if (!this.#sites.has(relative)) this.#sites.set(relative, this.#site(relative, name));
    return this.#sites.get(relative)!;
  }

  #site(relative: string, name: string): OverlayPromise | null {
    const file = `${relative}/${SITE_SPEC_FILE}`;
    if (lstatInside(this.root, file) === null) return null;
    const site = siteIntentFromText(name, readSiteSpec(this.root, file), file, this.tree, siteFileReader(this.root, `${SITES_DIR}/${name}`));
    const p = site.profile;
    return {
      dir: relative,
      origin: { kind: 'site', name, spec: file },
      intended: site.intended,
      exposure: site.composition.exposure,
      podSecurity: p.podSecurity,
      imagePolicy: p.imagePolicy,
      prerequisites: site.composition.prerequisites,
      expectedImages: site.composition.expectedImages,
      floatingImages: floatingImages(this.tree.context.catalog, p.imagePolicy),
      tls: site.spec.ingress?.tlsSecret !== null,
      clusterRoles: site.composition.clusterRoles,
      connections: promisedConnections(this.tree.context.model),
    };
  }
}
