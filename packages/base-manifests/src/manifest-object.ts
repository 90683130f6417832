/**
 * The plain-JSON shape of one Kubernetes object as it appears in a manifest file or in
 * `kustomize build` output, plus the identity helpers every package uses to pair objects.
 */

/** Any Kubernetes object in its plain JSON form (what YAML parses to). */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A file the generator owns: a repository-relative POSIX path and its exact bytes. */
export interface GeneratedFile {
  path: string;
  content: string;
  /** Exact permission bits when they matter (`0o600` for local credentials); default as any new file. */
  mode?: number;
}

/**
 * The identity of an object in a build: `Kind/namespace/name` (`Kind/name` for cluster-scoped
 * objects), the form findings and diffs print.
 *
 * @param object any object with `kind` and `metadata.name`.
 * @returns e.g. `Service/clearml/clearml-apiserver`, `Namespace/clearml`.
 */
export function objectId(object: Pick<ManifestObject, 'kind' | 'metadata'>): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

/**
 * Turns a typed `kubernetes-models` object (or any JSON-serialisable object) into a plain
 * `ManifestObject`, deep-copied, with `apiVersion`, `kind`, `metadata` first.
 *
 * @param model a `kubernetes-models` instance or plain object with `apiVersion`, `kind` and `metadata.name`.
 * @throws TypeError when the result lacks `apiVersion`, `kind` or `metadata.name`.
 */
export function toManifestObject(model: unknown): ManifestObject {
  const plain = JSON.parse(JSON.stringify(model)) as ManifestObject;
  if (!plain || typeof plain.apiVersion !== 'string' || typeof plain.kind !== 'string' || !plain.metadata?.name) {
    throw new TypeError(`not a Kubernetes object: expected apiVersion, kind and metadata.name, received ${JSON.stringify(model).slice(0, 120)}`);
  }
  const { apiVersion, kind, metadata, ...rest } = plain;
  return { apiVersion, kind, metadata, ...rest };
}

/**
 * Sorts objects by `objectId` so that two lists of the same objects compare equal whatever
 * order kustomize emitted them in. Returns a new array.
 */
export function sortObjects<T extends Pick<ManifestObject, 'kind' | 'metadata'>>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => (objectId(a) < objectId(b) ? -1 : objectId(a) > objectId(b) ? 1 : 0));
}
