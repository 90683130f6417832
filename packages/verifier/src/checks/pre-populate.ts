/**
 * Check `pre-populate`: when the apiserver pre-populates the example projects, their artifacts land
 * where the fileserver serves them. The apiserver unpacks them into the directory named by
 * `CLEARML__apiserver__pre_populate__artifacts_path` (`/mnt/fileserver` in compose), and the web app
 * then fetches them from the fileserver; if that directory is not the fileserver's storage (an
 * emptyDir, or another claim), every example artifact 404s. Kustomize and the API server cannot
 * know. The facts are `PRE_POPULATE` of the stack model (base-manifests `stack/apiserver.ts`).
 *
 * For each running apiserver container (a stack-model component, `componentOfContainer`) whose
 * `…pre_populate__enabled` is `true` and that names an artifacts path: the volume it mounts there
 * must be the fileserver's upload volume in some fileserver pod of the build: the same hostPath
 * path, or the same PersistentVolumeClaim. A warning: the server works, its examples do not.
 */
import { fileserver as fileserverSpec, objectId, PRE_POPULATE, STACK_MODEL, mountCovers, type ManifestObject, type ReleaseCatalog } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { podTemplates, type PodTemplate } from '../pod-templates.ts';
import { defineCheck } from './definition.ts';
import { componentOfContainer } from './stack-containers.ts';

/** The fileserver's upload folder (`DEFAULT_UPLOAD_FOLDER`), the mount of its data directory. */
const UPLOAD_FOLDER = fileserverSpec.storage.mounts.find((m) => m.claim !== null)!.dir.mountPath;

/** What storage backs `path` in a container: `hostPath:<path>`, `pvc:<claim>`, another kind, or null (nothing mounted). */
function storageAt(template: PodTemplate, container: any, path: string): { key: string; kind: string } | null {
  const mounts: any[] = Array.isArray(container?.volumeMounts) ? container.volumeMounts : [];
  const mount = mounts.filter((m) => typeof m?.mountPath === 'string' && mountCovers(m.mountPath, path)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return null;
  const volume = (Array.isArray(template.spec.volumes) ? template.spec.volumes : []).find((v: any) => v?.name === mount.name);
  const sub = `${mount.subPath ?? ''}${path.slice(mount.mountPath.replace(/\/+$/, '').length)}`;
  if (volume?.hostPath?.path) return { key: `hostPath:${volume.hostPath.path.replace(/\/+$/, '')}${sub ? `/${sub.replace(/^\/+/, '')}` : ''}`, kind: 'hostPath' };
  if (volume?.persistentVolumeClaim?.claimName) return { key: `pvc:${volume.persistentVolumeClaim.claimName}${sub ? `/${sub.replace(/^\/+/, '')}` : ''}`, kind: 'persistentVolumeClaim' };
  if ((template.owner as any).kind === 'StatefulSet' && !volume) return { key: `claimTemplate:${objectId(template.owner)}:${mount.name}`, kind: 'volumeClaimTemplate' };
  return { key: `other:${objectId(template.owner)}:${mount.name}`, kind: volume ? Object.keys(volume).filter((k) => k !== 'name')[0] ?? 'volume' : 'undeclared volume' };
}

const envValue = (container: any, name: string): unknown => (Array.isArray(container?.env) ? container.env : []).find((e: any) => e?.name === name)?.value;

/** Findings of `pre-populate` over a build. Never throws: malformed objects are `schema`'s. */
export function checkPrePopulate(objects: readonly ManifestObject[], catalog: ReleaseCatalog, model = STACK_MODEL): CheckFinding<'pre-populate'>[] {
  const templates = podTemplates(objects).filter((t) => t.running);
  const of = (key: string) => templates.flatMap((t) => (Array.isArray(t.spec.containers) ? t.spec.containers : []).map((c: any, i: number) => ({ t, c, i })).filter(({ c }) => componentOfContainer(c, catalog, model)?.key === key));
  const fileserverStorage = new Set(of('fileserver').map(({ t, c }) => storageAt(t, c, UPLOAD_FOLDER)?.key).filter((k): k is string => !!k && !k.startsWith('other:')));
  const findings: CheckFinding<'pre-populate'>[] = [];
  for (const { t, c, i } of of('apiserver')) {
    if (String(envValue(c, PRE_POPULATE.enabledEnv)).toLowerCase() !== 'true') continue;
    const artifacts = envValue(c, PRE_POPULATE.artifactsPathEnv);
    if (typeof artifacts !== 'string' || !artifacts) continue;
    const storage = storageAt(t, c, artifacts);
    if (storage && fileserverStorage.has(storage.key)) continue;
    const env = (c.env as any[]).findIndex((e) => e?.name === PRE_POPULATE.enabledEnv);
    findings.push({
      check: 'pre-populate',
      resource: objectId(t.owner),
      path: `${t.path}/spec/containers/${i}/env/${env}`,
      message: `the apiserver pre-populates the example projects and unpacks their artifacts into ${artifacts}, which is ${storage ? `${/^[aeiou]/.test(storage.kind) ? 'an' : 'a'} ${storage.kind} volume` : 'not a mounted volume'} and not the fileserver's storage (${UPLOAD_FOLDER}${fileserverStorage.size ? ` on ${[...fileserverStorage].join(', ')}` : ''}), so every example artifact would 404 (${PRE_POPULATE.source})`,
      hint: `set ${PRE_POPULATE.enabledEnv} to "false" where the apiserver cannot mount the fileserver's storage (the composer does on claims), or mount the fileserver's directory at ${artifacts}`,
    });
  }
  return findings;
}

export const prePopulateCheck = defineCheck({
  id: 'pre-populate',
  severity: 'warning',
  title: 'the apiserver unpacks pre-populated example artifacts into the fileserver\'s storage',
  description:
    'when the apiserver pre-populates the example projects (`CLEARML__apiserver__pre_populate__enabled`), the directory of `…__artifacts_path` is the volume the fileserver serves its uploads from (same hostPath or claim); otherwise the examples\' artifacts 404',
  needs: 'build',
  run: ({ objects, catalog }) => checkPrePopulate(objects, catalog),
});
