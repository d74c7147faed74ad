import type { TenantState } from '../store/tenant-state.js';
import { handlers } from './operation.js';

/** Service points: meter structure, read history, validating and submitting reads. */
export function meterHandlers(state: TenantState) {
  const servicePoints = state.servicePoints;
  return handlers({
    'get-meter-structure': ({ params }) => ({ body: servicePoints.structure(params.id) }),
    'get-meter-read-history': ({ params, query }) => ({ body: servicePoints.history(params.id, query) }),
    'validate-meter-reads': ({ params, body }) => ({ body: servicePoints.validate(params.id, body.reads) }),
    'submit-meter-reads': ({ params, body }) => servicePoints.submit(params.id, body.reads),
  });
}
