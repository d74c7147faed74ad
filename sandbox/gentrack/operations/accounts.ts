import type { z } from 'zod';
import { notFound } from '../api-error.js';
import {
  ACCOUNT_UPDATE_BODY_KEYS,
  NEW_ACCOUNT_BODY_KEYS,
  accountParentBody,
  accountReviewBody,
  accountUpdateBody,
  newAccountBody,
} from '../schemas/account-schemas.js';
import { extraProperties } from '../store/merge-patch.js';
import type { TenantState } from '../store/tenant-state.js';
import { accountView } from '../store/views.js';
import { param, readOperation, writeOperation, type Operation } from './operation.js';

/** Balances are reported in the tenant's currency. */
const CURRENCY = 'AUD';

/** Account operations: customer-sync (how Salesforce creates accounts), account CRUD, parent, review, balance. */
export function accountOperations(state: TenantState): Operation[] {
  function createFrom(body: z.output<typeof newAccountBody>) {
    return state.createAccount({
      account: body.account,
      parentAccountNumber: body.parentAccountNumber ?? null,
      salesforceId: body.salesforceId,
      extra: extraProperties(body, NEW_ACCOUNT_BODY_KEYS),
    });
  }

  return [
    writeOperation({
      name: 'customer-sync',
      method: 'POST',
      path: '/customer-sync',
      body: newAccountBody,
      handle(_params, body) {
        const record = createFrom(body);
        return {
          status: 201,
          body: { accountNumber: record.accountNumber, status: record.status },
          entity: record.accountNumber,
        };
      },
    }),
    writeOperation({
      name: 'create-account',
      method: 'POST',
      path: '/accounts',
      body: newAccountBody,
      handle(_params, body) {
        const record = createFrom(body);
        return { status: 201, body: accountView(record), entity: record.accountNumber };
      },
    }),
    readOperation({
      name: 'get-account',
      method: 'GET',
      path: '/accounts/:ref',
      handle(params) {
        return { status: 200, body: accountView(state.requireAccount(param(params, 'ref'))) };
      },
    }),
    writeOperation({
      name: 'update-account',
      method: 'PUT',
      path: '/accounts/:ref',
      body: accountUpdateBody,
      handle(params, body) {
        const record = state.requireAccount(param(params, 'ref'));
        // The parent first: it is the only part that can be refused, and a refused request must change nothing.
        if (body.parentAccountNumber !== undefined) state.changeAccountParent(record, body.parentAccountNumber);
        state.changeAccount(record, {
          account: body.account,
          salesforceId: body.salesforceId,
          extra: extraProperties(body, ACCOUNT_UPDATE_BODY_KEYS),
        });
        return { status: 200, body: accountView(record), entity: record.accountNumber };
      },
    }),
    writeOperation({
      name: 'update-account-parent',
      method: 'PUT',
      path: '/accounts/:ref/parent',
      body: accountParentBody,
      handle(params, body) {
        const record = state.changeAccountParent(state.requireAccount(param(params, 'ref')), body.parentAccountNumber);
        return { status: 200, body: accountView(record), entity: record.accountNumber };
      },
    }),
    writeOperation({
      name: 'review-account',
      method: 'POST',
      path: '/accounts/:ref/review',
      body: accountReviewBody,
      // The reference lists it without transaction headers: a request sent twice opens two reviews.
      transactional: false,
      handle(params, body) {
        const record = state.requireAccount(param(params, 'ref'));
        const review = state.openReview(record, body.reason ?? null, body.salesforceId ?? undefined);
        return { status: 202, body: { ...review }, entity: record.accountNumber };
      },
    }),
    readOperation({
      name: 'get-account-review',
      method: 'GET',
      path: '/accounts/:ref/review',
      handle(params) {
        const record = state.requireAccount(param(params, 'ref'));
        const latest = record.reviews.at(-1);
        if (latest === undefined) throw notFound('Review of account', record.accountNumber);
        return { status: 200, body: { ...latest } };
      },
    }),
    readOperation({
      name: 'get-account-balance',
      method: 'GET',
      path: '/accounts/:ref/balance',
      handle(params) {
        const record = state.requireAccount(param(params, 'ref'));
        return {
          status: 200,
          body: { accountNumber: record.accountNumber, balance: record.balance, currency: CURRENCY },
        };
      },
    }),
  ];
}
