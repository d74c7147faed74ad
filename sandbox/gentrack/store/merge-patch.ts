/** JSON values as they arrive in request bodies. */
export type Fields = Record<string, unknown>;

function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isPlainObject(value)) return mergePatch({}, value);
  return value;
}

/**
 * Applies a partial update the way Salesforce-driven updates need it: only the properties present change, nested
 * objects (billingAddress) merge property by property, and `null` clears a property. Returns a new object and never
 * shares objects with `patch`, so stored records are copy-on-write and earlier responses (kept in the call log and
 * the idempotency store) never change afterwards.
 */
export function mergePatch(target: Fields, patch: Fields): Fields {
  const result: Fields = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) {
      delete result[key];
    } else if (isPlainObject(value)) {
      const current = result[key];
      result[key] = mergePatch(isPlainObject(current) ? current : {}, value);
    } else {
      result[key] = cloneJson(value);
    }
  }
  return result;
}

/** The properties of `body` that are not in `known`: kept so the sandbox stores what the relay adds. */
export function extraProperties(body: Fields, known: readonly string[]): Fields {
  const extra: Fields = {};
  for (const [key, value] of Object.entries(body)) {
    if (!known.includes(key) && value !== undefined) extra[key] = value;
  }
  return extra;
}

export function withoutKeys(fields: Fields, keys: readonly string[]): Fields {
  const result: Fields = { ...fields };
  for (const key of keys) delete result[key];
  return result;
}
