import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimValues, oidcUsername, roleFromClaims } from './oidc-identity.js';

const ROLES = { admin: ['relay-admins'], operator: ['relay-operators'], viewer: ['staff', 'relay-viewers'] };

test('the highest role any value maps to wins; no mapped value, no role', () => {
  const decide = (groups: unknown) => roleFromClaims({ sub: 's', groups }, { roleClaim: 'groups', roles: ROLES });
  assert.equal(decide(['staff', 'relay-admins']).role, 'admin');
  assert.equal(decide(['relay-operators', 'staff']).role, 'operator');
  assert.equal(decide('staff').role, 'viewer', 'a single text counts as one value');
  assert.deepEqual(decide(['contractors']), { role: undefined, values: ['contractors'] });
  assert.deepEqual(decide(undefined), { role: undefined, values: [] });
  assert.equal(decide(['Relay-Admins']).role, undefined, 'values match exactly');
});

test('a claim is found by its whole name first (URL-like names with dots), then as a path into nested claims', () => {
  const claims = {
    'https://example.com/roles': ['relay-admins'],
    realm_access: { roles: ['relay-operators', 7] },
    empty: ['', null],
  };
  assert.deepEqual(claimValues(claims, 'https://example.com/roles'), ['relay-admins']);
  assert.deepEqual(claimValues(claims, 'realm_access.roles'), ['relay-operators', '7']);
  assert.deepEqual(claimValues(claims, 'empty'), []);
  assert.deepEqual(claimValues(claims, 'realm_access.missing.deeper'), []);
});

test('the user is named oidc:<claim>, by the subject when the claim is missing or an unverified e-mail', () => {
  assert.equal(oidcUsername({ sub: '42', email: 'jane@example.com' }, 'email'), 'oidc:jane@example.com');
  assert.equal(oidcUsername({ sub: '42', email: 'jane@example.com', email_verified: false }, 'email'), 'oidc:42');
  assert.equal(oidcUsername({ sub: '42' }, 'preferred_username'), 'oidc:42');
  assert.equal(oidcUsername({ sub: '42', preferred_username: 'jdoe' }, 'preferred_username'), 'oidc:jdoe');
  assert.equal(oidcUsername({ sub: 'x'.repeat(500) }, 'email').length, 'oidc:'.length + 200);
});
