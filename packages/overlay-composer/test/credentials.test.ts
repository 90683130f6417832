// The generated credentials survive the server's HOCON parsing of CLEARML__secure__* env values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedUsersValue, generateCredentialValues, HOCON_UNSAFE_CHARACTERS } from '../src/index.ts';

test('the HOCON-unsafe set holds exactly the characters that break an unquoted value', () => {
  for (const c of ['$', '"', '{', '}', '[', ']', ':', '=', ',', '+', '#', '`', '^', '?', '!', '@', '*', '&', '\\', ' ', '\t', '//']) assert.match(`abc${c}def`, HOCON_UNSAFE_CHARACTERS, JSON.stringify(c));
  for (const safe of ['AbC123', 'deadbeef0123456789', 'a-b_c.d/e~f%']) assert.doesNotMatch(safe, HOCON_UNSAFE_CHARACTERS, safe);
});

test('generated credentials never contain a HOCON-unsafe character (100 rounds)', () => {
  for (let i = 0; i < 100; i++) {
    for (const [key, value] of Object.entries(generateCredentialValues())) {
      if (key === 'fixed_users') continue; // a list: its fields are checked below
      assert.doesNotMatch(value, HOCON_UNSAFE_CHARACTERS, `${key}: ${value}`);
      assert.ok(value.length >= 30, key);
    }
  }
});

// fixed_users is a HOCON list (the server parses `apiserver.auth.fixed_users.users: <value>`): structure characters
// by design, one line of JSON, and every field HOCON-safe so it reads the same quoted or not.
test('the generated fixed users are one line of JSON with HOCON-safe fields (100 rounds)', () => {
  for (let i = 0; i < 100; i++) {
    const value = generateCredentialValues().fixed_users!;
    assert.match(value, /^\[\{"username":"admin","password":"[A-Za-z0-9]{24}","name":"Admin"\}\]$/);
    for (const user of JSON.parse(value)) for (const field of Object.values(user)) assert.doesNotMatch(String(field), HOCON_UNSAFE_CHARACTERS);
  }
});

test('fixedUsersValue refuses an empty list and HOCON-unsafe or empty fields', () => {
  assert.equal(fixedUsersValue([{ username: 'jane', password: 'AbC123', name: 'Jane' }]), '[{"username":"jane","password":"AbC123","name":"Jane"}]');
  assert.throws(() => fixedUsersValue([]), /at least one user/);
  for (const bad of [{ username: 'jane', password: 'a#b', name: 'Jane' }, { username: 'jane', password: 'x', name: 'Jane Doe' }, { username: '', password: 'x', name: 'J' }]) {
    assert.throws(() => fixedUsersValue([bad]), /HOCON-unsafe/, JSON.stringify(bad));
  }
});
