/**
 * The key that signs the portal's session cookie, made once per store and kept in it (`portal_settings`), so
 * sessions survive a restart of the relay and every relay process on the store signs alike. Who can read the store
 * can read every session anyway; the cookie holds only a random session id.
 */
import { randomBytes } from 'node:crypto';
import type { RelayDatabase } from '../platform/db/relay-database.js';

const NAME = 'session-cookie-secret';

export function portalCookieSecret(db: RelayDatabase): string {
  db.prepare(`INSERT OR IGNORE INTO portal_settings (name, value) VALUES (?, ?)`).run(
    NAME,
    randomBytes(48).toString('base64url'),
  );
  return (db.prepare(`SELECT value FROM portal_settings WHERE name = ?`).get(NAME) as { value: string }).value;
}
