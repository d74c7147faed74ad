/**
 * Names the connector itself adds to Salesforce, shared by the generators, the relay and the sandbox so that all
 * three always agree.
 */
export const EXTERNAL_ID_FIELD = 'Gentrack_External_Id__c';

/** Payload key of a change's lookups, as their parents' Gentrack references (never Salesforce Ids). */
export const REFERENCES_KEY = '_references';
export const SYNC_STATUS_FIELD = 'Gentrack_Sync_Status__c';
export const LAST_SYNCED_FIELD = 'Gentrack_Last_Synced__c';
export const LAST_ERROR_FIELD = 'Gentrack_Last_Error__c';

/** Fields generated on every synced object; the model may not declare them itself. */
export const CONNECTOR_FIELDS = [EXTERNAL_ID_FIELD, SYNC_STATUS_FIELD, LAST_SYNCED_FIELD, LAST_ERROR_FIELD] as const;

export const SYNC_STATUS_VALUES = ['Pending', 'Synced', 'Failed'] as const;

export const PLATFORM_EVENT = 'Gentrack_Object_Event__e';
export const SETTINGS_OBJECT = 'Gentrack_Connector_Settings__c';
export const KILL_SWITCH_FIELD = 'Disable_Publishing__c';
export const BYPASS_PERMISSION = 'Gentrack_Bypass_Publishing';
export const SYNC_ERROR_OBJECT = 'Gentrack_Sync_Error__c';
export const INTEGRATION_PERMISSION_SET = 'Gentrack_Integration_User';
export const CONNECTOR_USER_PERMISSION_SET = 'Gentrack_Connector_User';

/** Operation_Type__c values: the DML operation that caused the event. */
export const EVENT_OPERATION_TYPES = {
  insert: 'INSERT',
  update: 'UPDATE',
  delete: 'DELETE',
  undelete: 'UNDELETE',
} as const;

/** Extra fields of Gentrack_Object_Event__e beyond the four the setup guide names. */
export const EVENT_FIELDS = {
  operationType: 'Operation_Type__c',
  objectType: 'Object_Type__c',
  oldPayload: 'Old_Payload__c',
  newPayload: 'New_Payload__c',
  recordId: 'Record_Id__c',
  transactionId: 'Transaction_Id__c',
  partNumber: 'Part_Number__c',
  partTotal: 'Part_Total__c',
  changedFields: 'Changed_Fields__c',
  changedBy: 'Changed_By__c',
  changedAt: 'Changed_At__c',
} as const;

/** On-demand sync: how Salesforce calls the relay (generated when the model has a `relay` key). */
export const RELAY_NAMED_CREDENTIAL = 'Gentrack_Relay';
export const RELAY_EXTERNAL_CREDENTIAL = 'Gentrack_Relay';
/** The External Credential's named principal: the relay's API client id and secret are stored under it. */
export const RELAY_CREDENTIAL_PRINCIPAL = 'Gentrack_Relay_Client';
export const SYNC_CONTROLLER_CLASS = 'GentrackSyncController';
export const SYNC_BUTTON_COMPONENT = 'gentrackSyncButton';
/** The Lightning app that shows the synced records, the sync errors and the sync button. */
export const GENTRACK_APP = 'Gentrack_Connector';
/** The relay API's paths, below the relay's base URL. */
export const RELAY_TOKEN_PATH = '/oauth/token';
/** The Named Credential's URL below the relay's base URL: the sync-jobs API and the Gentrack gateway are under it. */
export const RELAY_API_PATH = '/v1';
export const relayInstancePath = (tenantId: string): string =>
  `/v1/salesforce/instances/${encodeURIComponent(tenantId)}`;
/** The relay's Gentrack API gateway: `/v1/gentrack` + an operation's path (model/gentrack-operations.ts). */
export const GENTRACK_GATEWAY_PATH = '/v1/gentrack';
/** The generated Apex client of the gateway, the Account page's billing summary and its controller. */
export const GENTRACK_API_CLASS = 'GentrackApi';
export const ACCOUNT_SUMMARY_COMPONENT = 'gentrackAccountSummary';
export const ACCOUNT_SUMMARY_CONTROLLER_CLASS = 'GentrackAccountSummaryController';

/** The Apex REST resource that applies Gentrack events in the org (`inbound.deliverTo: apex`), and its URL mapping. */
export const EVENT_ENDPOINT_CLASS = 'GentrackEventEndpoint';
export const EVENT_ENDPOINT_PATH = '/gentrack/events';
/** One Gentrack event as the Event Endpoint reads and applies it. */
export const INBOUND_EVENT_CLASS = 'GentrackInboundEvent';
/** The model's inbound rules as Apex (generated from `inbound`). */
export const INBOUND_RULES_CLASS = 'GentrackInboundRules';
