/**
 * A local stand-in for a Gentrack tenant's REST API: token endpoint, the CRM operations with Gentrack's validation
 * and error bodies, idempotency by X-Transaction-Id, per-entity ordering checks, fault injection and signed
 * webhooks. Start it with `startGentrackSandbox`; the CLI runs it with `runGentrackSandbox`.
 */
export { startGentrackSandbox, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from './start.js';
export type { GentrackSandbox, GentrackSandboxOptions, OperationDescription } from './start.js';
export type { SandboxTls } from './http/server.js';
export { runGentrackSandbox } from './run.js';
export type { RunGentrackSandboxOptions } from './run.js';
export { GENTRACK_ERROR_TYPES, GENTRACK_ERROR_STATUS, errorTypeForStatus, isGentrackErrorType } from './error-types.js';
export type { GentrackErrorType } from './error-types.js';
export { GentrackApiError } from './api-error.js';
export type { ErrorDetail, GentrackErrorBody } from './api-error.js';
export type { CallLog, RecordedCall, CallFilter, CallCounters } from './call-log.js';
export type { FaultInjector } from './faults/fault-injector.js';
export type { HeldCall, HoldReason } from './http/held-requests.js';
export { RANDOM_FAULT_KINDS } from './faults/fault-settings.js';
export type { RandomFaultKind, RandomFaultSettings, ScriptedFault, FaultMatch } from './faults/fault-settings.js';
export type {
  TenantState,
  TenantSnapshot,
  SeedAccount,
  SeedContact,
  SeedCustomer,
  SeedOrganisation,
} from './store/tenant-state.js';
export type {
  AccountView,
  ContactView,
  CustomerView,
  OrganisationView,
  RelationshipView,
  ReviewView,
} from './store/views.js';
export { ACCOUNT_STATUSES } from './store/records.js';
export type { BillingHistory, BillingHistoryOptions } from './billing/billing-history.js';
export type { AccountStatus, ContactStatus } from './store/records.js';
export { ACCOUNT_CLASSES } from '../../model/gentrack-api/account-shapes.js';
export type {
  WebhookSender,
  WebhookEnvelope,
  WebhookEvent,
  WebhookDelivery,
  WebhookSendOptions,
} from './webhooks/webhook-sender.js';
export { generateWebhookKeyPair } from './webhooks/signing-keys.js';
export type { WebhookKeyPair } from './webhooks/signing-keys.js';
