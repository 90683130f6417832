// Sizes as Kubernetes and the JVM spell them (src/quantity.ts): what the composer's site validation and the
// verifier's resource checks read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, javaMaxHeapBytes, quantityValue } from '../src/index.ts';

test('quantities and Java heap sizes in bytes', () => {
  assert.equal(quantityValue('512Mi'), 512 * 2 ** 20);
  assert.equal(quantityValue('2.6G'), 2.6e9);
  assert.equal(quantityValue('500m'), 0.5);
  assert.equal(quantityValue('1e3'), 1000);
  assert.equal(quantityValue('lots'), null);
  assert.equal(javaMaxHeapBytes('-Xms2g -Xmx2g'), 2 * 2 ** 30);
  assert.equal(javaMaxHeapBytes('-Xmx512m -Xmx1g'), 2 ** 30, 'the last -Xmx wins');
  assert.equal(javaMaxHeapBytes('-Xms1g'), null);
});

test('formatBytes: the nearest readable binary size', () => {
  assert.equal(formatBytes(2 ** 31), '2Gi');
  assert.equal(formatBytes(150_000_000), '143Mi');
  assert.equal(formatBytes(512), '512B');
});
