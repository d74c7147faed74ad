import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { AuditLog } from '../../relay/src/portal/audit-log.js';
import { PortalUsers } from '../../relay/src/portal/portal-users.js';
import { runCli } from '../cli-test-harness.js';
import { registerPortalCommand } from './portal.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portal-cli-'));
  file = path.join(dir, 'relay.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function portalUser(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  return runCli([registerPortalCommand], ['portal', 'user', '--store', file, ...args]);
}

test('portal user add, list, set-role and remove manage the accounts, and every change is audited', async () => {
  const added = await portalUser('add', 'ops-lead', '--role', 'operator', '--generate-password');
  assert.equal(added.exitCode, 0, added.err);
  const password = /Password \(shown once\): (\S+)/.exec(added.out)?.[1];
  assert.ok(password && password.length >= 12);

  const listed = await portalUser('list', '--json');
  assert.deepEqual(
    JSON.parse(listed.out).map((user: { username: string; role: string }) => [user.username, user.role]),
    [['ops-lead', 'operator']],
  );
  assert.doesNotMatch(listed.out, new RegExp(password!), 'the password is never listed');

  assert.equal((await portalUser('set-role', 'ops-lead', 'admin')).out, 'Portal user ops-lead is now admin.');
  const badRole = await portalUser('set-role', 'ops-lead', 'root');
  assert.equal(badRole.exitCode, 1);
  assert.match(badRole.err, /"root" is not a role: use one of viewer, operator, admin/);
  const duplicate = await portalUser('add', 'ops-lead', '--role', 'viewer', '--generate-password');
  assert.match(duplicate.err, /portal user ops-lead already exists/);

  const db = openRelayDatabase(file);
  try {
    assert.ok(await new PortalUsers(db).verify('ops-lead', password!), 'the printed password signs in');
  } finally {
    db.close();
  }
  assert.equal((await portalUser('remove', 'ops-lead')).exitCode, 0);
  assert.match((await portalUser('remove', 'ops-lead')).err, /there is no portal user ops-lead/);

  const audit = openRelayDatabase(file);
  try {
    const entries = new AuditLog(audit).list().map((entry) => [entry.action, entry.target, entry.outcome]);
    assert.deepEqual(entries, [
      ['user.remove', 'ops-lead', 'succeeded'],
      ['user.set-role', 'ops-lead', 'succeeded'],
      ['user.add', 'ops-lead', 'succeeded'],
    ]);
    assert.ok(new AuditLog(audit).list().every((entry) => entry.actor.startsWith('cli')));
  } finally {
    audit.close();
  }
});

test('without a terminal, a password must come from stdin or be generated', async () => {
  const refused = await portalUser('add', 'someone', '--role', 'viewer');
  assert.equal(refused.exitCode, 1);
  assert.match(refused.err, /use --password-stdin or --generate-password/);
});
