/**
 * Names of the generated Apex that other parts of the project look for (validate-org checks the org has them).
 */
import type { SyncedObject } from './connector-model.js';

export function triggerNameOf(object: SyncedObject): string {
  return `${object.name}Trigger`;
}
