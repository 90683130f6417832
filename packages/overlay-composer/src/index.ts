export * from './patches/compose-overlay.ts';
export * from './patches/env-removals.ts';
export * from './compose-repository.ts';
export * from './compose-tree.ts';
export * from './composer-error.ts';
export * from './enterprise-credentials.ts';
export * from './kustomize/images.ts';
export * from './patches/image-overrides.ts';
export * from './patches/index-guards.ts';
export * from './patches/json-patch.ts';
export * from './kustomize/kustomize-model.ts';
export * from './overlay-promise.ts';
export * from './profiles/profile.ts';
export * from './profiles/index.ts';
export {
  addEnv,
  API_PROXY_BODY_SIZE,
  credentialEnv,
  ENTERPRISE_BASE_DOMAIN,
  ENTERPRISE_TLS_SECRET,
  FILES_PROXY_BODY_SIZE,
  ingressFor,
  PROXY_BODY_SIZE_ANNOTATION,
  PROXY_BODY_SIZES,
  SESSION_COOKIE_NAME,
  type EnvVar,
  type IngressSettings,
  type ProxyBodySize,
} from './profiles/enterprise.ts';
export { claimName, claimSizes, nonRootUids, persistentVolumeClaim, type ClaimSize } from './profiles/non-root.ts';
export * from './upgrade-guard.ts';
export * from './write-tree.ts';
export * from './site/agents.ts';
export * from './site/apply-site.ts';
export * from './site/cert-manager.ts';
export * from './site/disruption-budgets.ts';
export * from './site/network-policies.ts';
export * from './site/read-only-root.ts';
export * from './site/compose-sites.ts';
export * from './site/helm-import.ts';
export * from './site/gitops.ts';
export * from './site/site-error.ts';
export * from './site/site-schema.ts';
export * from './site/site-spec.ts';
export * from './site/validate-site.ts';
