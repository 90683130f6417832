/**
 * Structured label selectors (`meta/v1 LabelSelector`: `matchLabels` and `matchExpressions`), as
 * NetworkPolicies, PodDisruptionBudgets and workloads write them, matched with the same
 * requirement model as kustomize's string selectors (`parseLabelSelector`, `LabelRequirement`).
 * An empty selector (`{}`) selects everything; a missing one is the caller's to interpret (a
 * NetworkPolicy's missing `podSelector` is empty, a PDB's missing `selector` selects nothing).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 */
import { requirementsMatch, type LabelRequirement } from '@clearml-k8s/overlay-composer';

/** A `meta/v1 LabelSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }[];
}

const OPERATORS: Record<string, LabelRequirement['op']> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' };

/**
 * The requirements of a structured selector, ANDed; `null` when it is malformed (not a mapping, an
 * unknown operator, `In`/`NotIn` without values): such a selector is `schema`'s finding and matches nothing here.
 */
export function selectorRequirements(selector: unknown): LabelRequirement[] | null {
  if (!selector || typeof selector !== 'object' || Array.isArray(selector)) return null;
  const s = selector as LabelSelector;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(s.matchLabels ?? {})) requirements.push({ key, op: 'in', values: [String(value)] });
  for (const e of Array.isArray(s.matchExpressions) ? s.matchExpressions : []) {
    const op = OPERATORS[e?.operator];
    if (!op || typeof e.key !== 'string') return null;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    if ((op === 'in' || op === 'notin') && values.length === 0) return null;
    requirements.push({ key: e.key, op, values });
  }
  return requirements;
}

/** Whether a structured selector selects `labels`: `{}` selects all; a malformed selector selects nothing. */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const requirements = selectorRequirements(selector);
  return requirements !== null && requirementsMatch(requirements, labels);
}

/** Whether a structured selector is empty (`{}`, or only empty lists): it selects everything. */
export function selectsEverything(selector: unknown): boolean {
  const requirements = selectorRequirements(selector);
  return requirements !== null && requirements.length === 0;
}
