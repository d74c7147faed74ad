/**
 * The newer-wins rule for Gentrack -> Salesforce writes, in one place for every path that writes Gentrack's values
 * (webhook events and on-demand syncs): per record and field, the store keeps the Gentrack time of the value last
 * written (inbox-store.ts, `inbound_field_versions`); a value as of an older time is not written over it.
 */

/**
 * Splits the fields a write would set into those it may set and those a newer write has already set. `asOfMs` is
 * the Gentrack time the values are as of (an event's createdAt, or the moment an on-demand sync read the entity).
 * A write as new as the last one applies: Gentrack's redelivery of the same state is harmless.
 */
export function withoutSuperseded(
  fields: Readonly<Record<string, unknown>>,
  versions: ReadonlyMap<string, number>,
  asOfMs: number,
): { apply: Record<string, unknown>; superseded: string[] } {
  const apply: Record<string, unknown> = {};
  const superseded: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const newest = versions.get(name);
    if (newest !== undefined && newest > asOfMs) superseded.push(name);
    else apply[name] = value;
  }
  return { apply, superseded };
}
