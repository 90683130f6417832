import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineFromCommand, resolveEngine, VerifierError } from '../src/index.ts';

test('a bare kustomize binary gets `build`; a command with arguments is used as given', () => {
  assert.deepEqual(engineFromCommand('/opt/bin/kustomize', 'x').argv, ['/opt/bin/kustomize', 'build']);
  assert.deepEqual(engineFromCommand('kubectl.1.27 kustomize', 'x').argv, ['kubectl.1.27', 'kustomize']);
});

test('no engine on PATH is KUSTOMIZE_NOT_FOUND with install advice', async () => {
  await assert.rejects(resolveEngine({ PATH: '/nonexistent' }), (e: unknown) => e instanceof VerifierError && e.code === 'KUSTOMIZE_NOT_FOUND' && /install kubectl/.test(e.message));
});

test('$KUSTOMIZE naming no executable is KUSTOMIZE_NOT_FOUND', async () => {
  await assert.rejects(resolveEngine({ PATH: process.env.PATH, KUSTOMIZE: 'no-such-kustomize-binary' }), (e: unknown) => e instanceof VerifierError && e.code === 'KUSTOMIZE_NOT_FOUND');
});
