import { badRequest, notFound } from '../api-error.js';
import { mergePatch, type Fields } from './merge-patch.js';
import type { RelationshipRecord } from './records.js';

export interface RelationshipChange {
  accountNumber: string;
  /** An array, or Salesforce's multi-select picklist text "A;B". `null` clears the roles. */
  roles?: string | string[] | null;
  active?: boolean | null;
  startDate?: string | null;
  endDate?: string | null;
  extra?: Fields;
}

/** Salesforce sends multi-select picklists as "A;B"; Gentrack keeps a list. */
export function normaliseRoles(roles: string | string[] | null | undefined): string[] {
  if (roles === null || roles === undefined) return [];
  const parts = Array.isArray(roles) ? roles : roles.split(';');
  return [...new Set(parts.map((role) => role.trim()).filter((role) => role.length > 0))];
}

export function relationshipIdOf(ownerNumber: string, accountNumber: string): string {
  return `${ownerNumber}-${accountNumber}`;
}

/**
 * Creates or changes the owner's relationship with one account. Properties left out keep their value (new
 * relationships start active, without roles or dates); `null` clears a date or the roles.
 */
export function upsertRelationship(
  relationships: Map<string, RelationshipRecord>,
  ownerNumber: string,
  change: RelationshipChange,
  nowIso: string,
): RelationshipRecord {
  const existing = relationships.get(change.accountNumber);
  const startDate = change.startDate === undefined ? (existing?.startDate ?? null) : change.startDate;
  const endDate = change.endDate === undefined ? (existing?.endDate ?? null) : change.endDate;
  if (startDate !== null && endDate !== null && endDate < startDate) {
    const message = `endDate ${endDate} is before startDate ${startDate}`;
    throw badRequest(message, [{ path: 'relationship.endDate', message }]);
  }
  const record: RelationshipRecord = {
    relationshipId: existing?.relationshipId ?? relationshipIdOf(ownerNumber, change.accountNumber),
    accountNumber: change.accountNumber,
    roles: change.roles === undefined ? (existing?.roles ?? []) : normaliseRoles(change.roles),
    active: change.active ?? existing?.active ?? true,
    primary: existing?.primary ?? false,
    startDate,
    endDate,
    extra: mergePatch(existing?.extra ?? {}, change.extra ?? {}),
    createdAt: existing?.createdAt ?? nowIso,
    updatedAt: nowIso,
  };
  relationships.set(change.accountNumber, record);
  return record;
}

/** Removes the owner's relationship with an account; answers 404 when there is none. */
export function removeRelationship(
  relationships: Map<string, RelationshipRecord>,
  ownerNumber: string,
  accountNumber: string,
): RelationshipRecord {
  const existing = relationships.get(accountNumber);
  if (existing === undefined) {
    throw notFound(`Relationship between ${ownerNumber} and account`, accountNumber, 'relationship.accountNumber');
  }
  relationships.delete(accountNumber);
  return existing;
}
