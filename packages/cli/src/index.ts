export { main, USAGE } from './main.ts';
export { findRepoRoot } from './repo-root.ts';
export { EXIT, type CommandIo } from './io.ts';
