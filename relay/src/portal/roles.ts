/**
 * Who may do what in the portal. Every route names the permission it needs and the server checks it on every
 * request (a hidden button is a courtesy, not a control).
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  /** The overview and the dead letters, with personal data masked. */
  | 'view'
  /** Retry and discard dead letters. */
  | 'act-on-dead-letters'
  /** The audit log. */
  | 'view-audit'
  /** Payloads as they are, personal data included. */
  | 'view-personal-data'
  /** Run Validate Data Model against the org. */
  | 'validate-data-model'
  /** Start an on-demand synchronisation. */
  | 'sync-on-demand'
  /** Create, rotate and revoke the relay API client (the Named Credential's secret). */
  | 'manage-credentials'
  /** Check an extract, start and cancel an initial synchronisation (viewers see its progress only). */
  | 'run-initial-sync';

const LEAST_ROLE: Record<Permission, Role> = {
  view: 'viewer',
  'act-on-dead-letters': 'operator',
  'view-audit': 'operator',
  'view-personal-data': 'admin',
  'validate-data-model': 'operator',
  'sync-on-demand': 'operator',
  'manage-credentials': 'admin',
  'run-initial-sync': 'operator',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function may(role: Role, permission: Permission): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(LEAST_ROLE[permission]);
}
