export * from './format.ts';
export * from './render-source.ts';
export * from './semantic-diff.ts';
