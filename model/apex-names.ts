/**
 * Names of the generated Apex that other parts of the project look for (validate-org checks the org has them). The
 * generic ones carry the model's `apex.namePrefix` (default Gentrack): an org's own TriggerHandler or AccountTrigger,
 * or those of Gentrack's sample connector, are never overwritten by a deploy.
 */
import type { ConnectorModel, SyncedObject } from './connector-model.js';

export function triggerNameOf(model: Pick<ConnectorModel, 'apex'>, object: Pick<SyncedObject, 'name'>): string {
  return `${model.apex.namePrefix}${object.name}Trigger`;
}

export function triggerHandlerNameOf(model: Pick<ConnectorModel, 'apex'>): string {
  return `${model.apex.namePrefix}TriggerHandler`;
}

/** The names a deploy of Gentrack's V1 sample connector leaves in an org (its setup guide). */
export const GENTRACK_SAMPLE_CONNECTOR_NAMES = {
  classes: ['TriggerHandler', 'GentrackCallout'],
  triggers: [
    'AccountTrigger',
    'ContactTrigger',
    'AccountContactRelation',
    'AccountContactRelationTrigger',
    'OrderItemTrigger',
  ],
} as const;
