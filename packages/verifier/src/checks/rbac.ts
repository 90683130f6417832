/**
 * Check `rbac`: the RBAC objects of a build grant least privilege and hang together.
 * - no `*` in a Role's or ClusterRole's `verbs`, `resources` or `apiGroups` (nor a partial
 *   wildcard such as `pods/*`): each grants every present and future verb, resource or group;
 * - no ClusterRole or ClusterRoleBinding unless its name is declared by the overlay
 *   (`clusterRoles`): cluster-scoped permissions reach every namespace;
 * - every RoleBinding/ClusterRoleBinding's `roleRef` names a Role (in the binding's namespace) or
 *   ClusterRole of the build (a ClusterRole may also be declared or a prerequisite), and every
 *   ServiceAccount subject (namespace defaulting to the binding's) is in the build, a declared
 *   prerequisite, or `default`;
 * A ServiceAccount that no binding names is fine: its workload needs no API permissions (the
 * Bitnami MongoDB and Redis charts, the ClearML chart's own accounts). Objects without a namespace
 * resolve into the build's single explicit namespace, if any (`namespaceResolver`).
 * Missing ServiceAccounts of pod templates are `object-reference`'s, not this check's.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/
 */
import { objectId, type ManifestObject } from '@clearml-k8s/base-manifests';
import type { CheckFinding } from '../finding.ts';
import { namespaceResolver } from '../build-namespace.ts';
import { defineCheck } from './definition.ts';

/** What the overlay declares about RBAC beyond its build. */
export interface RbacOptions {
  /** Names of the ClusterRoles and ClusterRoleBindings the overlay may create (or bind to when not in the build). */
  clusterRoles: readonly string[];
  /** Objects the operator creates first (e.g. `{kind: 'ServiceAccount', name}`); bindings may name them. */
  prerequisites: readonly { kind: string; name: string }[];
}

/** The user-facing ClusterRoles every cluster has (besides the `system:` ones). */
export const BUILTIN_CLUSTER_ROLES: readonly string[] = ['cluster-admin', 'admin', 'edit', 'view'];

/** Whether a ClusterRole name is one the API server creates (`cluster-admin`, `admin`, `edit`, `view`, `system:*`). */
export function isBuiltinClusterRole(name: string): boolean {
  return BUILTIN_CLUSTER_ROLES.includes(name) || name.startsWith('system:');
}

/** What the powerful built-in ClusterRoles grant, bound in one namespace (RoleBinding) or cluster-wide. */
const POWERFUL_ROLES: Record<string, { namespace: string; cluster: string }> = {
  'cluster-admin': { namespace: 'full control of every resource in the namespace, including the namespace itself', cluster: 'full control of every resource in every namespace and of the cluster' },
  admin: { namespace: 'full control of the namespace: read and write of most resources, Secrets, Roles and RoleBindings', cluster: 'full control of every namespace: read and write of most resources, Secrets, Roles and RoleBindings' },
  edit: { namespace: 'full control of the workloads of the namespace: read and write of most resources including Secrets, so it can run pods as any ServiceAccount there', cluster: 'full control of the workloads of every namespace: read and write of most resources including Secrets, so it can run pods as any ServiceAccount' },
};

const ROLE_KINDS = new Set(['Role', 'ClusterRole']);
const BINDING_KINDS = new Set(['RoleBinding', 'ClusterRoleBinding']);
const RULE_LISTS = ['verbs', 'resources', 'apiGroups'] as const;

/**
 * Runs `rbac` over a build. Never throws: malformed RBAC objects are `schema`'s findings.
 * @returns findings with `Kind/namespace/name` and the JSON pointer of the offending entry
 *   (`/rules/0/verbs/2`, `/metadata/name`, `/roleRef/name`, `/subjects/1/name`).
 */
export function checkRbac(objects: readonly ManifestObject[], options: RbacOptions): CheckFinding<'rbac'>[] {
  const findings: CheckFinding<'rbac'>[] = [];
  const namespaceOf = namespaceResolver(objects);
  const present = new Set(objects.map((o) => `${o.kind}/${namespaceOf(o)}/${o.metadata.name}`));
  const declared = new Set(options.clusterRoles);
  const prerequisite = (kind: string, name: string) => options.prerequisites.some((p) => p.kind === kind && p.name === name);

  for (const role of objects.filter((o) => ROLE_KINDS.has(o.kind)) as any[]) {
    const id = objectId(role);
    (Array.isArray(role.rules) ? role.rules : []).forEach((rule: any, r: number) => {
      for (const list of RULE_LISTS) {
        (Array.isArray(rule?.[list]) ? rule[list] : []).forEach((entry: unknown, i: number) => {
          if (typeof entry !== 'string' || !entry.includes('*')) return;
          findings.push({
            check: 'rbac',
            resource: id,
            path: `/rules/${r}/${list}/${i}`,
            message: `rule ${r} grants ${JSON.stringify(entry)} in ${list}; expected explicit ${list} (a wildcard also grants every ${list === 'verbs' ? 'verb' : list === 'resources' ? 'resource and subresource' : 'API group'} added later)`,
            hint: `list only the ${list} the workload needs (e.g. ${list === 'verbs' ? '"get", "list", "watch", "create", "delete"' : list === 'resources' ? '"pods", "pods/log"' : '"" for the core group'})`,
          });
        });
      }
    });
  }

  for (const object of objects) {
    if ((object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding') && !declared.has(object.metadata.name)) {
      findings.push({
        check: 'rbac',
        resource: objectId(object),
        path: '/metadata/name',
        message: `${object.kind} ${object.metadata.name} grants cluster-wide permissions; expected only the cluster-scoped RBAC the overlay declares (${options.clusterRoles.length ? options.clusterRoles.join(', ') : 'none'})`,
        hint: `use a Role and RoleBinding in the namespace, or declare ${object.metadata.name} as a cluster role of the overlay`,
      });
    }
  }

  for (const binding of objects.filter((o) => BINDING_KINDS.has(o.kind)) as any[]) {
    const id = objectId(binding);
    const namespace: string = binding.kind === 'RoleBinding' ? namespaceOf(binding) : '';
    const ref = binding.roleRef ?? {};
    if (typeof ref.name === 'string' && typeof ref.kind === 'string') {
      const roleNamespace = ref.kind === 'Role' ? namespace : '';
      const builtin = ref.kind === 'ClusterRole' && isBuiltinClusterRole(ref.name);
      const exists = builtin || present.has(`${ref.kind}/${roleNamespace}/${ref.name}`) || prerequisite(ref.kind, ref.name) || (ref.kind === 'ClusterRole' && declared.has(ref.name));
      const powerful = builtin ? POWERFUL_ROLES[ref.name] : undefined;
      if (powerful) {
        findings.push({
          check: 'rbac',
          resource: id,
          path: '/roleRef/name',
          message: `grants ${ref.name}: ${binding.kind === 'RoleBinding' ? `${powerful.namespace} (${namespace || '(none)'})` : powerful.cluster}, to ${(Array.isArray(binding.subjects) ? binding.subjects : []).map((s: any) => `${s?.kind} ${s?.name}`).join(', ') || 'no subject'}; expected a Role listing only the verbs and resources the workload needs`,
          hint: `bind a Role of the overlay with the rules the subjects need instead of the built-in ${ref.name}`,
        });
      }
      if (!exists) {
        findings.push({
          check: 'rbac',
          resource: id,
          path: '/roleRef/name',
          message: `roleRef names ${ref.kind} ${roleNamespace ? `${roleNamespace}/` : ''}${ref.name}; expected a ${ref.kind} of the build, received none of that name${binding.kind === 'ClusterRoleBinding' && ref.kind === 'Role' ? ' (a ClusterRoleBinding can only bind a ClusterRole)' : ''}`,
          hint: `add the ${ref.kind} to the overlay's resources or fix roleRef.name; the binding grants nothing otherwise`,
        });
      }
    }
    (Array.isArray(binding.subjects) ? binding.subjects : []).forEach((subject: any, i: number) => {
      if (subject?.kind !== 'ServiceAccount' || typeof subject.name !== 'string') return;
      const ns: string = subject.namespace ?? namespace;
      if (subject.name === 'default' || present.has(`ServiceAccount/${ns}/${subject.name}`) || prerequisite('ServiceAccount', subject.name)) return;
      findings.push({
        check: 'rbac',
        resource: id,
        path: `/subjects/${i}/name`,
        message: `subject ServiceAccount ${ns}/${subject.name}: expected a ServiceAccount of the build or a declared prerequisite, received none of that name`,
        hint: 'add the ServiceAccount to the overlay\'s resources, fix the subject\'s name or namespace, or declare it as a prerequisite',
      });
    });
  }

  return findings;
}

export const rbacCheck = defineCheck({
  id: 'rbac',
  severity: 'error',
  title: "RBAC is least privilege: no wildcard verbs, resources or API groups; no cluster-scoped role unless the overlay declares it; every binding's role and ServiceAccounts exist",
  description: "least privilege: no `*` in a Role's or ClusterRole's verbs, resources or API groups; no ClusterRole or ClusterRoleBinding the overlay does not declare; every binding's `roleRef` and ServiceAccount subjects exist (in the build or declared)",
  needs: 'build',
  run: ({ objects, expectation }) => checkRbac(objects, { clusterRoles: expectation.clusterRoles ?? [], prerequisites: expectation.prerequisites }),
});
