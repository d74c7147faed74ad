/**
 * The sandbox Salesforce org: an in-memory org (schema from force-app, records, users, DML with a trigger hook,
 * SOQL, custom settings) behind an HTTP server that speaks the REST, OAuth and SOAP-login dialects jsforce uses.
 */
export {
  startSalesforceSandbox,
  buildSalesforceServer,
  type RunningSalesforceSandbox,
  type StartOptions,
  type SalesforceServerOptions,
} from './rest/server.js';
export {
  createSandboxOrg,
  SandboxOrg,
  type SandboxOrgOptions,
  type CodeDmlOptions,
  type ConnectedApp,
  type Credentials,
  type EventPublishedListener,
  type PublishedEventsBatch,
} from './org/sandbox-org.js';
export {
  TRIGGER_CHUNK_SIZE,
  MultipleMatchesError,
  type AfterDmlEvent,
  type AfterDmlListener,
  type DmlOperation,
  type DmlResult,
  type RecordChange,
  type RecordValues,
} from './org/dml-engine.js';
export type { SandboxUser, UserInit } from './org/users.js';
export type { ChangeFeedEntry } from './org/change-feed.js';
export type { CustomObjectInit, SchemaOptions } from './org/build-schema.js';
export type { FieldInit, FieldSchema, FieldValue, SObjectRecord } from './org/schema.js';
export { OrgSchema, SObjectSchema } from './org/schema.js';
export { SalesforceError, DmlError, type SalesforceErrorDetail } from './errors.js';
export { toId18, caseSafeSuffix, isWellFormedId } from './org/ids.js';
export type { QueryRows } from './soql/run-query.js';
