/**
 * The keys a zod schema accepts at a path of the value it checks: for the "did you mean" of an unrecognised key in
 * the connector model or the relay configuration. Walks objects, records, arrays and the wrappers around them
 * (optional, default, nullable, pipes, unions), as far as the path leads.
 */
import type { z } from 'zod';

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schemas that may describe the value at `path` (several under a union). */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'prefault':
      return schemasAt(def.innerType!, path);
    case 'pipe':
      return schemasAt(def.in!, path);
    case 'lazy':
      return schemasAt(def.getter!(), path);
    case 'union':
      return def.options!.flatMap((option) => schemasAt(option, path));
  }
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (def.type === 'object') {
    const child = def.shape![String(head)];
    return child ? schemasAt(child, rest) : [];
  }
  if (def.type === 'record') return schemasAt(def.valueType!, rest);
  if (def.type === 'array') return schemasAt(def.element!, rest);
  return [];
}

export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const candidate of schemasAt(schema, path)) {
    const def = defOf(candidate);
    if (def.type === 'object') for (const key of Object.keys(def.shape!)) keys.add(key);
  }
  return [...keys];
}
