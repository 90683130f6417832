/**
 * Kubernetes recommended labels for each component.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
import { PART_OF, type StackComponent } from './stack.ts';

/** Labels that select a component's pods: unique per component (no apiserver/async-delete clash, clearml-helm-charts#277). */
export function selectorLabels(component: StackComponent): Record<string, string> {
  return { 'app.kubernetes.io/name': component.name, 'app.kubernetes.io/part-of': PART_OF };
}

/** All recommended labels of a component's objects and pods. */
export function recommendedLabels(component: StackComponent): Record<string, string> {
  return { ...selectorLabels(component), 'app.kubernetes.io/component': component.component };
}
