export * from './exit-cleanup.ts';
export * from './repository-io-error.ts';
export * from './repository-lock.ts';
export * from './test-faults.ts';
export * from './transaction.ts';
export * from './user-file.ts';
export * from './session.ts';
