/**
 * Check `key-references`: the keys pods read from Secrets and ConfigMaps of the build exist there,
 * and the server's credentials are never optional.
 * - An env `valueFrom.secretKeyRef` / `configMapKeyRef` whose object is in the build (same
 *   namespace) names a key of its `data`/`stringData` (Secret) or `data`/`binaryData` (ConfigMap);
 *   else the kubelet refuses to start the container (`CreateContainerConfigError`: couldn't find key).
 *   So must every `items[].key` of a `secret`/`configMap` volume and of a `projected` volume's
 *   sources (the volume fails to mount). References marked `optional: true` are exempt, as Kubernetes
 *   exempts them. Secrets a controller writes from an object of the build count with the keys that
 *   object gives them (an ExternalSecret's `data[].secretKey`, a SealedSecret's `encryptedData`:
 *   `controllerSecrets`). Objects not in the build are `object-reference`'s; the keys of declared
 *   prerequisites (the operator's Secrets) are unknown here and not judged.
 * - A `secretKeyRef` with `optional: true` on one of the server's credential env vars (the
 *   `CLEARML__secure__*` names of `CREDENTIAL_KEYS`, overlay-composer `enterprise-credentials.ts`) is
 *   a finding whether or not the key exists: without the key the container starts anyway, the env is
 *   unset and the server falls back to the public defaults of its `secure.conf` (the token secret and
 *   system keys anyone can read), silently.
 * @see https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/#define-container-environment-variables-using-secret-data
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#restriction-secret-must-exist ("optional"; a missing key blocks the container)
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/#using-configmaps-as-files-from-a-pod (items[].key)
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import { CREDENTIAL_KEYS } from '@clearml-k8s/overlay-composer';
import type { CheckFinding } from '../finding.ts';
import { podTemplates } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { controllerSecrets } from './references.ts';

/** The env vars that carry the server's credentials (`CLEARML__secure__*` of `CREDENTIAL_KEYS`). */
export const CREDENTIAL_ENVS: ReadonlySet<string> = new Set(CREDENTIAL_KEYS.map((c) => c.env).filter((env) => env.startsWith('CLEARML__secure__')));

type Kind = 'Secret' | 'ConfigMap';

const keysOf = (o: any): string[] => [o?.data, o?.kind === 'Secret' ? o?.stringData : o?.binaryData].flatMap((m) => (m && typeof m === 'object' ? Object.keys(m) : []));

/** Findings of `key-references` over a build. Never throws: malformed objects are `schema`'s. */
export function checkKeyReferences(objects: readonly ManifestObject[]): CheckFinding<'key-references'>[] {
  const findings: CheckFinding<'key-references'>[] = [];
  const keys = new Map<string, Set<string>>();
  for (const o of objects) if (o.kind === 'Secret' || o.kind === 'ConfigMap') keys.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, new Set(keysOf(o)));
  // Secrets a controller writes from an ExternalSecret or SealedSecret of the build, with the keys they will hold.
  for (const [id, held] of controllerSecrets(objects)) if (held && !keys.has(id)) keys.set(id, held);
  for (const t of podTemplates(objects)) {
    const ns = t.owner.metadata.namespace ?? '';
    const resource = objectId(t.owner);
    const requireKey = (kind: Kind, name: unknown, key: unknown, optional: unknown, path: string, what: string) => {
      if (typeof name !== 'string' || typeof key !== 'string' || optional === true) return;
      const present = keys.get(`${kind}/${ns}/${name}`);
      if (!present || present.has(key)) return; // not in the build: object-reference's (or a prerequisite's unknown keys)
      findings.push({
        check: 'key-references',
        resource,
        path,
        message: `${what} reads key ${JSON.stringify(key)} of ${kind} ${ns}/${name}, which has no such key (keys: [${[...present].join(', ')}]); ${what.startsWith('volume') ? 'the volume fails to mount and the pod stays in ContainerCreating' : 'the container does not start (CreateContainerConfigError)'}`,
        hint: `add the key to the ${kind}, or name one of its keys`,
      });
    };
    const spec: any = t.spec;
    const volumes: unknown = spec.volumes;
    if (Array.isArray(volumes)) {
      volumes.forEach((v: any, i: number) => {
        const at = `${t.path}/spec/volumes/${i}`;
        const items = (source: any, kind: Kind, name: unknown, base: string) =>
          Array.isArray(source?.items) && source.items.forEach((item: any, j: number) => requireKey(kind, name, item?.key, source.optional, `${base}/items/${j}/key`, `volume ${v?.name}`));
        if (v?.secret) items(v.secret, 'Secret', v.secret.secretName, `${at}/secret`);
        if (v?.configMap) items(v.configMap, 'ConfigMap', v.configMap.name, `${at}/configMap`);
        const sources: unknown = v?.projected?.sources;
        if (Array.isArray(sources)) {
          sources.forEach((s: any, j: number) => {
            if (s?.secret) items(s.secret, 'Secret', s.secret.name, `${at}/projected/sources/${j}/secret`);
            if (s?.configMap) items(s.configMap, 'ConfigMap', s.configMap.name, `${at}/projected/sources/${j}/configMap`);
          });
        }
      });
    }
    for (const list of ['initContainers', 'containers'] as const) {
      const containers: unknown = spec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container: any, c: number) => {
        const env: unknown = container?.env;
        if (!Array.isArray(env)) return;
        env.forEach((e: any, i: number) => {
          const at = `${t.path}/spec/${list}/${c}/env/${i}/valueFrom`;
          const secret = e?.valueFrom?.secretKeyRef;
          const configMap = e?.valueFrom?.configMapKeyRef;
          if (secret) requireKey('Secret', secret.name, secret.key, secret.optional, `${at}/secretKeyRef/key`, `env ${e.name} of container ${container.name}`);
          if (configMap) requireKey('ConfigMap', configMap.name, configMap.key, configMap.optional, `${at}/configMapKeyRef/key`, `env ${e.name} of container ${container.name}`);
          if (secret?.optional === true && CREDENTIAL_ENVS.has(e.name)) {
            findings.push({
              check: 'key-references',
              resource,
              path: `${at}/secretKeyRef/optional`,
              message: `${e.name} of container ${container.name} is a server credential read with optional: true from Secret ${ns}/${secret.name}; when the Secret or its key ${JSON.stringify(secret.key)} is missing the container starts anyway without it, and the server falls back to the public default of its secure.conf`,
              hint: 'drop optional: true, so a missing credential stops the container instead of opening the server',
            });
          }
        });
      });
    }
  }
  return findings;
}

export const keyReferencesCheck = defineCheck({
  id: 'key-references',
  severity: 'error',
  title: 'keys read from Secrets and ConfigMaps of the build exist there; server credentials are never optional',
  description:
    'every `secretKeyRef`/`configMapKeyRef` key and `items[].key` of a secret/configMap (or projected) volume exists in its Secret or ConfigMap when that object is in the build (unless `optional: true`; missing objects are `object-reference`\'s, prerequisites\' keys are not known); a `secretKeyRef` with `optional: true` on a `CLEARML__secure__*` credential env is a finding',
  needs: 'build',
  run: ({ objects }) => checkKeyReferences(objects),
});
