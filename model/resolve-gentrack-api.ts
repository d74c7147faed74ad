/**
 * Resolves the `gentrackApi` section against the operation table: unknown operation names (with the likely meant
 * one), caching asked of a write, and an Account summary whose reads are closed are reported at their model path.
 */
import { closestMatch } from './edit-distance.js';
import type { AccountSummarySettings, GentrackApiAccess, GentrackApiOperationAccess } from './gentrack-api-access.js';
import type { GentrackApiInput } from './gentrack-api-schema.js';
import {
  GENTRACK_API_OPERATION_NAMES,
  GENTRACK_API_OPERATIONS,
  type GentrackApiOperation,
  type GentrackApiOperationName,
} from './gentrack-operations.js';
import type { ModelPath } from './resolve-model.js';

/** What the Account summary reads: balance, bills and their PDFs, the reads of the newest bill, payments, arrangements. */
export const ACCOUNT_SUMMARY_OPERATIONS = [
  'get-account-balance',
  'get-account-bills',
  'get-bill-image',
  'get-bill-meter-reads',
  'get-financial-transactions',
  'get-payment-arrangements',
] as const satisfies readonly GentrackApiOperationName[];

type Report = (path: ModelPath, message: string) => void;

export function resolveGentrackApi(
  input: GentrackApiInput,
  context: { readonly hasRelay: boolean; readonly syncsAccount: boolean },
  report: Report,
): GentrackApiAccess {
  const at: ModelPath = ['gentrackApi'];
  if (!context.hasRelay) {
    report(at, 'gentrackApi needs the relay section: Salesforce reaches the gateway through the Named Credential');
  }
  for (const name of Object.keys(input.operations)) {
    if (!(name in GENTRACK_API_OPERATIONS)) {
      const meant = closestMatch(name, GENTRACK_API_OPERATION_NAMES);
      report(
        [...at, 'operations', name],
        `unknown Gentrack operation "${name}"${meant ? ` (did you mean "${meant}"?)` : ''}; see model/gentrack-operations.ts`,
      );
    }
  }
  const operations = GENTRACK_API_OPERATION_NAMES.map((name): GentrackApiOperationAccess => {
    const definition: GentrackApiOperation = GENTRACK_API_OPERATIONS[name];
    const setting = input.operations[name] ?? {};
    const read = definition.method === 'GET';
    if (!read && setting.cacheSeconds !== undefined && setting.cacheSeconds > 0) {
      report(
        [...at, 'operations', name, 'cacheSeconds'],
        `only GET answers are cached; ${name} is a ${definition.method}`,
      );
    }
    const allowed = setting.allow ?? read;
    return {
      name,
      method: definition.method,
      path: definition.path,
      allowed,
      cacheSeconds: read && allowed ? (setting.cacheSeconds ?? input.cacheSeconds) : 0,
    };
  });
  let accountSummary: AccountSummarySettings | undefined;
  if (input.accountSummary) {
    accountSummary = input.accountSummary;
    if (!context.syncsAccount) {
      report([...at, 'accountSummary'], 'the Account summary needs Account among the synced objects');
    }
    for (const name of ACCOUNT_SUMMARY_OPERATIONS) {
      if (!operations.find((operation) => operation.name === name)!.allowed) {
        report(
          [...at, 'accountSummary'],
          `the Account summary reads ${name}, which gentrackApi.operations.${name}.allow closes: allow it or set accountSummary: false`,
        );
      }
    }
  }
  return { operations, ...(accountSummary ? { accountSummary } : {}) };
}
