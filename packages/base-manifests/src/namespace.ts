/** The `clearml` Namespace. */
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { toManifestObject, type ManifestObject } from './manifest-object.ts';
import { NAMESPACE, PART_OF } from './constants.ts';

/**
 * The Pod Security level the base declares on its namespace. The classic deployment needs
 * `privileged`: Elasticsearch's init container sets `vm.max_map_count` as a privileged container,
 * and data lives on hostPath volumes (both forbidden by `baseline`). Declaring it keeps the stack
 * admissible on clusters whose default level is stricter; the `non-root` overlay raises it to
 * `restricted`.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces
 */
export const BASE_POD_SECURITY_LEVEL = 'privileged';

/** The Namespace object (`clearml`, part-of label, Pod Security enforce label). */
export function namespaceObjects(): ManifestObject[] {
  return [
    toManifestObject(
      new Namespace({
        metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': PART_OF, 'pod-security.kubernetes.io/enforce': BASE_POD_SECURITY_LEVEL } },
      }),
    ),
  ];
}
