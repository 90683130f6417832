export * from './format.ts';
export * from './render-source.ts';
export * from './semantic-diff.ts';
export * from './namespace-move.ts';
