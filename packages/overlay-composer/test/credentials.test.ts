// The generated credentials survive the server's HOCON parsing of CLEARML__secure__* env values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCredentialValues, HOCON_UNSAFE_CHARACTERS } from '../src/index.ts';

test('the HOCON-unsafe set holds exactly the characters that break an unquoted value', () => {
  for (const c of ['$', '"', '{', '}', '[', ']', ':', '=', ',', '+', '#', '`', '^', '?', '!', '@', '*', '&', '\\', ' ', '\t', '//']) assert.match(`abc${c}def`, HOCON_UNSAFE_CHARACTERS, JSON.stringify(c));
  for (const safe of ['AbC123', 'deadbeef0123456789', 'a-b_c.d/e~f%']) assert.doesNotMatch(safe, HOCON_UNSAFE_CHARACTERS, safe);
});

test('generated credentials never contain a HOCON-unsafe character (100 rounds)', () => {
  for (let i = 0; i < 100; i++) {
    for (const [key, value] of Object.entries(generateCredentialValues())) {
      assert.doesNotMatch(value, HOCON_UNSAFE_CHARACTERS, `${key}: ${value}`);
      assert.ok(value.length >= 30, key);
    }
  }
});
