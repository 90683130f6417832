/**
 * The site spec's TypeScript types: one short, user-written file per deployment site,
 * `overlays/sites/<name>/site.yaml`, composed into `overlays/sites/<name>/kustomization.yaml` on top
 * of the stock overlay it names. Every field but `profile` is optional; an absent field keeps what
 * the parent overlay renders.
 *
 * Each type is the `Static` of its TypeBox schema in `site-schema.ts`, the single definition of the
 * spec (the same schemas give `SITE_SCHEMA`, which ajv validates, and `schemas/site.schema.json`).
 * A field's documentation is the `description` of its schema there, which editors show from the
 * schema file; go to the definition of a field to read it.
 */
import type { Static } from '@sinclair/typebox';
import type {
  AgentQueueSchema,
  AgentsSpecSchema,
  ComponentSettingsSchema,
  EndpointLabelSchema,
  NetworkPoliciesSchema,
  ResourceListSchema,
  SiteComponentSchema,
  SiteSpecSchema,
  StoredComponentSchema,
  TolerationSchema,
} from './site-schema.ts';

/** A site spec (`site.yaml`), as `parseSiteSpec` returns it (no defaults filled in). */
export type SiteSpec = Static<typeof SiteSpecSchema>;

/** Components a site can tune (keys of `components`; `SITE_COMPONENTS`). */
export type SiteComponent = Static<typeof SiteComponentSchema>;

/** Components whose data a site stores (keys of `storage.sizes` / `storage.existingClaims`; `STORED_COMPONENTS`). */
export type StoredComponent = Static<typeof StoredComponentSchema>;

/** The three public endpoints, by host label (`ENDPOINT_LABELS`). */
export type EndpointLabel = Static<typeof EndpointLabelSchema>;

/** CPU and memory, as Kubernetes quantities (`500m`, `2`, `4Gi`). */
export type ResourceList = Static<typeof ResourceListSchema>;

/** Settings of one component (`components.<name>`); `replicas` only for `SCALABLE_COMPONENTS`. */
export type ComponentSettings = Static<typeof ComponentSettingsSchema>;

/** A toleration (Kubernetes `core/v1` Toleration). */
export type Toleration = Static<typeof TolerationSchema>;

/** One ClearML queue served by its own k8s glue Deployment (`agents.queues[]`). */
export type AgentQueue = Static<typeof AgentQueueSchema>;

/** ClearML agents: the k8s glue (one Deployment per queue) and, optionally, agent-services (`agents`). */
export type AgentsSpec = Static<typeof AgentsSpecSchema>;

/** NetworkPolicies from the stack model (`networkPolicies`). */
export type NetworkPoliciesSpec = Static<typeof NetworkPoliciesSchema>;

/** How the site is deployed by Argo CD or Flux (`gitops`). */
export type GitopsSpec = NonNullable<SiteSpec['gitops']>;

/** Where the credentials Secret comes from in the cluster (`credentials.externalSecret` / `credentials.sealedSecret`). */
export type ExternalSecretSpec = NonNullable<NonNullable<SiteSpec['credentials']>['externalSecret']>;
export type SealedSecretSpec = NonNullable<NonNullable<SiteSpec['credentials']>['sealedSecret']>;
