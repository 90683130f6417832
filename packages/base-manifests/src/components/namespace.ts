/** The `clearml` Namespace. */
import { Namespace } from 'kubernetes-models/v1';
import { toManifestObject, type ManifestObject } from '../manifest-object.ts';
import { NAMESPACE, PART_OF } from '../stack.ts';

/** The Namespace object (`clearml`, part-of label). */
export function namespaceObjects(): ManifestObject[] {
  return [toManifestObject(new Namespace({ metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF } } }))];
}
