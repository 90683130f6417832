/**
 * Kubernetes recommended labels for each component.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
import { PART_OF } from './constants.ts';

/** What labels are made of: the component's name and its `app.kubernetes.io/component`. */
export interface ComponentIdentity {
  name: string;
  component: string;
}

/** Labels that select a component's pods: unique per component (no apiserver/async-delete clash, clearml-helm-charts#277). */
export function selectorLabels(component: ComponentIdentity): Record<string, string> {
  return { 'app.kubernetes.io/name': component.name, 'app.kubernetes.io/part-of': PART_OF };
}

/** All recommended labels of a component's objects and pods. */
export function recommendedLabels(component: ComponentIdentity): Record<string, string> {
  return { ...selectorLabels(component), 'app.kubernetes.io/component': component.component };
}
