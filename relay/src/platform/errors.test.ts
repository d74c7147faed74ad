import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasCode, isCallFailedError, isRelayError, type RelayError } from './errors.js';
import { CliUsageError } from '../../../cli/cli-usage-error.js';
import { BulkJobError } from '../initial-sync/bulk-pass.js';
import { CsvSyntaxError } from '../initial-sync/csv.js';
import { ExtractError } from '../initial-sync/extract-files.js';
import { ReportAttachError } from '../initial-sync/failed-rows-report.js';
import { LoadPlanError } from '../initial-sync/load-plan.js';
import { NotificationError } from '../initial-sync/notify.js';
import { InterruptedError } from '../initial-sync/object-stage.js';
import { PublishingSwitchError } from '../initial-sync/publishing-switch.js';
import { StageFailure } from '../initial-sync/run-initial-sync.js';
import { AccessTokenRejectedError, SigningKeyError } from './api-auth/access-tokens.js';
import { ApiClientError } from './api-auth/api-client-store.js';
import { MalformedBasicCredentials } from './api-auth/token-endpoint.js';
import { RelayConfigError } from './config/relay-config.js';
import { RelaySecretsError } from './config/relay-secrets.js';
import { SyncRunNotFoundError } from './db/sync-history.js';
import { InitialSyncRunningError } from './db/initial-sync-lease.js';
import { AccessTokenError } from './gentrack/access-token-source.js';
import { GentrackResponseShapeError, InvalidGentrackApiCallError } from './gentrack/gentrack-api.js';
import { GentrackCallError } from './gentrack/gentrack-call-error.js';
import { AbandonedOnCloseError, InvalidGentrackClientOptionsError } from './gentrack/gentrack-client.js';
import { GentrackTlsFileError } from './gentrack/tls-files.js';
import { HealthCheckError } from './ops/health.js';
import { OpsServerError } from './ops/ops-server.js';
import { ExternalCredentialPushError } from './salesforce/external-credential-push.js';
import { SalesforceAuthError } from './salesforce/salesforce-session.js';
import { ApiServerError } from '../sync-jobs/api-server.js';
import { SyncJobRequestError } from '../sync-jobs/sync-job-request.js';
import { RunnerStopped, SyncJobFailure } from '../sync-jobs/sync-job-runner.js';
import { SubscriptionError } from '../to-gentrack/event-subscriber.js';
import { MissingReferenceError } from '../to-gentrack/gentrack-calls.js';
import { BadEventError } from '../to-gentrack/object-event.js';
import { DeadLetterNotFoundError } from './db/dead-letters.js';
import { StoreFileError } from './db/migrate.js';
import { InboundEventError } from '../to-salesforce/inbound-plan.js';
import { SalesforceCallError } from '../to-salesforce/salesforce-writer.js';
import { WebhookKeyError } from '../to-salesforce/webhooks/webhook-keys.js';
import { Refusal, WebhookServerError } from '../to-salesforce/webhooks/webhook-server.js';
import { PortalServerError } from '../portal/portal-server.js';
import { EmailSendError } from './mail/smtp-mailer.js';
import { PortalUserError } from '../portal/portal-users.js';
import { PortalOidcError } from '../portal/oidc/oidc-relying-party.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const call = { method: 'GET', path: '/v1/accounts/A1', origin: 'https://gentrack.test' };
const failure = { stage: 'call', errorType: 'TIMEOUT', retryable: true } as const;

/** One instance per code each class can carry: the code table of the relay and its CLI. */
const ERRORS: readonly RelayError[] = [
  new CliUsageError('m'),
  new BulkJobError('m'),
  new CsvSyntaxError(1, 'm'),
  new ExtractError('m'),
  new ReportAttachError('m'),
  new LoadPlanError('m'),
  new NotificationError('m'),
  new InterruptedError('m'),
  new PublishingSwitchError('m'),
  new StageFailure('preflight', new Error('m')),
  ...(['MALFORMED_TOKEN', 'BAD_SIGNATURE', 'TOKEN_EXPIRED', 'WRONG_AUDIENCE'] as const).map(
    (code) => new AccessTokenRejectedError(code, 'm'),
  ),
  new SigningKeyError('m'),
  new MalformedBasicCredentials('m'),
  ...(['API_CLIENT_EXISTS', 'NO_ACTIVE_API_CLIENT'] as const).map((code) => new ApiClientError(code, 'm')),
  new RelayConfigError([]),
  ...(['RELAY_SECRETS_FILE_UNSAFE', 'INVALID_RELAY_SECRETS'] as const).map(
    (code) => new RelaySecretsError(code, ['m']),
  ),
  new SyncRunNotFoundError('m'),
  new InitialSyncRunningError({ runId: 'r', holder: 'h:1', initiatedBy: 'm', acquiredAt: 0, renewedAt: 0 }),
  new AccessTokenError(failure),
  new GentrackCallError(call, failure),
  new InvalidGentrackClientOptionsError('m'),
  new InvalidGentrackApiCallError('m'),
  new GentrackResponseShapeError('get-account', ['m']),
  new AbandonedOnCloseError('m'),
  new GentrackTlsFileError('m'),
  new HealthCheckError('m'),
  new OpsServerError('OPS_SERVER_LISTEN_FAILED', 'm'),
  new ExternalCredentialPushError('m'),
  new SalesforceAuthError('m'),
  new ApiServerError('m'),
  new SyncJobRequestError(['m']),
  new SyncJobFailure('NOT_FOUND', 'm'),
  new RunnerStopped('m'),
  new SubscriptionError('REPLAY_ID_UNAVAILABLE', 'm'),
  new MissingReferenceError('m'),
  new BadEventError('m'),
  new DeadLetterNotFoundError('m'),
  ...(['STORE_SCHEMA_TOO_NEW', 'STORE_MIGRATION_FAILED', 'STORE_OPEN_FAILED'] as const).map(
    (code) => new StoreFileError(code, 'm'),
  ),
  ...(['NO_MAPPING', 'REFERENCE_MISSING'] as const).map((code) => new InboundEventError(code, 'm')),
  new SalesforceCallError('SERVER_UNAVAILABLE', 'm', true),
  new WebhookKeyError('m'),
  new WebhookServerError('m'),
  new Refusal('SIGNATURE_INVALID', 'm'),
  new PortalServerError('m'),
  new EmailSendError('m'),
  ...(['PORTAL_USER_EXISTS', 'PORTAL_USER_NOT_FOUND', 'PORTAL_USER_INVALID'] as const).map(
    (code) => new PortalUserError(code, 'm'),
  ),
  ...(['PORTAL_OIDC_NO_SECRET', 'PORTAL_OIDC_UNREACHABLE', 'PORTAL_OIDC_SIGN_IN_FAILED'] as const).map(
    (code) => new PortalOidcError(code, 'm'),
  ),
];

test('every error code is upper snake case and names one kind of error only', () => {
  const owners = new Map<string, string>();
  for (const error of ERRORS) {
    assert.match(error.code, /^[A-Z][A-Z0-9_]+$/, `${error.constructor.name}: ${error.code}`);
    const owner = owners.get(error.code);
    assert.ok(owner === undefined, `${error.code} is the code of both ${owner} and ${error.constructor.name}`);
    owners.set(error.code, error.constructor.name);
    assert.ok(isRelayError(error) && error instanceof Error);
  }
});

test('the table lists every error class of the relay and the CLI, and none of them extends Error directly', () => {
  const source = (pattern: string) =>
    execFileSync('git', ['grep', '--untracked', '-hoE', pattern, '--', 'relay', 'cli', ':!*.test.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  const declared = [...source('class [A-Za-z]+ extends RelayError').matchAll(/class (\w+)/g)].map((match) => match[1]);
  assert.deepEqual(new Set(ERRORS.map((error) => error.constructor.name)), new Set(declared));
  const direct = source('class [A-Za-z]+ extends Error\\b').trim().split('\n');
  assert.deepEqual(direct, ['class RelayError extends Error'], 'only the base extends Error');
});

test('only the failed calls to Gentrack and Salesforce are the ones a retry policy classifies', () => {
  const classified = ERRORS.filter(isCallFailedError).map((error) => error.code);
  assert.deepEqual(classified, ['GENTRACK_CALL_FAILED', 'SALESFORCE_CALL_FAILED']);
});

test('hasCode tells errors apart by code only: a plain Error with the same code property is not one', () => {
  const missing = new MissingReferenceError('the parent is not in Gentrack yet');
  assert.ok(hasCode<MissingReferenceError>(missing, 'REFERENCE_PENDING'));
  assert.ok(!hasCode<BadEventError>(missing, 'BAD_EVENT'));
  assert.ok(!hasCode<BadEventError>(Object.assign(new Error('lookalike'), { code: 'BAD_EVENT' }), 'BAD_EVENT'));
  assert.ok(hasCode<InboundEventError>(new InboundEventError('NO_MAPPING', 'm'), 'NO_MAPPING', 'REFERENCE_MISSING'));
});
