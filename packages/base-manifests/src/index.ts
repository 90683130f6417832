export * from './base.ts';
export * from './kustomization.ts';
export * from './labels.ts';
export * from './manifest-object.ts';
export * from './node-storage.ts';
export * from './release-catalog.ts';
export * from './stack.ts';
export * from './workload.ts';
export { ES_MAX_MAP_COUNT, ES_UID } from './components/elasticsearch.ts';
