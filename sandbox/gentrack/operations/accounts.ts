import type { z } from 'zod';
import { notFound } from '../api-error.js';
import { accountUpdateBody, newAccountBody } from '../../../model/gentrack-api/account-shapes.js';
import type { BillingLedger } from '../billing/billing-ledger.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { accountView } from '../store/views.js';
import { handlers } from './operation.js';

const NEW_ACCOUNT_BODY_KEYS = Object.keys(newAccountBody.shape);
const ACCOUNT_UPDATE_BODY_KEYS = Object.keys(accountUpdateBody.shape);

/** Account operations: customer-sync (how Salesforce creates accounts), account CRUD, parent, review, balance. */
export function accountHandlers(state: TenantState, billing: BillingLedger) {
  function createFrom(body: z.output<typeof newAccountBody>) {
    return state.createAccount({
      account: body.account,
      parentAccountNumber: body.parentAccountNumber ?? null,
      salesforceId: body.salesforceId,
      extra: extraProperties(body, NEW_ACCOUNT_BODY_KEYS),
    });
  }

  return handlers({
    'customer-sync': ({ body }) => {
      const record = createFrom(body);
      return { body: { accountNumber: record.accountNumber, status: record.status }, entity: record.accountNumber };
    },
    'create-account': ({ body }) => {
      const record = createFrom(body);
      return { body: accountView(record), entity: record.accountNumber };
    },
    'get-account': ({ params }) => ({ body: accountView(state.requireAccount(params.ref)) }),
    'update-account': ({ params, body }) => {
      const record = state.requireAccount(params.ref);
      // The parent first: it is the only part that can be refused, and a refused request must change nothing.
      if (body.parentAccountNumber !== undefined) state.changeAccountParent(record, body.parentAccountNumber);
      state.changeAccount(record, {
        account: body.account,
        salesforceId: body.salesforceId,
        extra: extraProperties(body, ACCOUNT_UPDATE_BODY_KEYS),
      });
      return { body: accountView(record), entity: record.accountNumber };
    },
    'update-account-parent': ({ params, body }) => {
      const record = state.changeAccountParent(state.requireAccount(params.ref), body.parentAccountNumber);
      return { body: accountView(record), entity: record.accountNumber };
    },
    'create-account-review': ({ params, body }) => {
      const record = state.requireAccount(params.ref);
      const review = state.openReview(record, body.reason ?? null, body.salesforceId ?? undefined);
      return { body: { ...review }, entity: record.accountNumber };
    },
    'get-account-review': ({ params }) => {
      const record = state.requireAccount(params.ref);
      const latest = record.reviews.at(-1);
      if (latest === undefined) throw notFound('Review of account', record.accountNumber);
      return { body: { ...latest } };
    },
    'get-account-balance': ({ params }) => ({ body: billing.balance(params.ref) }),
  });
}
