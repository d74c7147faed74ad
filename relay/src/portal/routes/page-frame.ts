/** What every signed-in page is framed with: who is looking (with a CSRF token), the assets, a pending notice. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageAssets, Viewer } from '../pages/layout.js';
import type { PortalContext } from '../portal-context.js';

export interface Frame {
  readonly viewer: Viewer;
  readonly assets: PageAssets;
  readonly notice?: { readonly text: string; readonly kind: 'success' | 'error' };
}

export function pageFrame(context: PortalContext, request: FastifyRequest, reply: FastifyReply): Frame {
  const notice = context.takeNotice(request);
  return { viewer: context.viewer(request, reply), assets: context.assets, ...(notice ? { notice } : {}) };
}
