/**
 * What the image checks share (`image-tag`, `image-override`, `image-catalog`): the image policy of
 * an overlay, its `images:` entries, every container the build renders, and the release catalog's
 * tags.
 */
import type { ManifestObject } from '@clearml-k8s/base-manifests';
import { memoised } from '../build-memo.ts';
import { podTemplates } from '../pod-templates.ts';

/** Whether an overlay pins its images or follows `latest` (for ClearML's own images). */
export type { ImagePolicy } from '../expectation.ts';

/** An `images:` entry and where it is declared. */
export interface ImageOverride {
  file: string;
  index: number;
  entry: { name?: string; newName?: string; newTag?: string; digest?: string };
}

/** A container of a pod template, with the JSON pointer of its entry. */
export interface RenderedContainer {
  owner: ManifestObject;
  path: string;
  name: string;
  image: string;
  imagePullPolicy: string | undefined;
}

/**
 * Containers of every pod template. A container without an image in a ConfigMap's embedded
 * template is left out: the k8s glue fills in the task's image. Memoised per `objects` while
 * `runChecks` runs (`build-memo.ts`).
 */
export function renderedContainers(objects: readonly ManifestObject[]): RenderedContainer[] {
  return memoised(objects, [renderedContainers], () => containersOf(objects));
}

function containersOf(objects: readonly ManifestObject[]): RenderedContainer[] {
  return podTemplates(objects).flatMap((t) =>
    (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((list) =>
      ((t.spec[list] ?? []) as any[]).flatMap((c, i) =>
        !t.running && (c?.image === undefined || c?.image === null) ? [] : [{ owner: t.owner, path: `${t.path}/spec/${list}/${i}`, name: c?.name, image: String(c?.image ?? ''), imagePullPolicy: c?.imagePullPolicy }],
      ),
    ),
  );
}

