/** The connector's pages, as Gentrack's portal has them: Validate Data Model, Named Credentials, history, on-demand. */
import type { PortalContext } from '../portal-context.js';
import { registerCredentialsRoutes } from './credentials-routes.js';
import { registerHistoryRoutes } from './history-routes.js';
import { registerOnDemandRoutes } from './on-demand-routes.js';
import { registerValidateRoutes } from './validate-routes.js';

export function registerConnectorRoutes(context: PortalContext): void {
  registerValidateRoutes(context);
  registerCredentialsRoutes(context);
  registerHistoryRoutes(context);
  registerOnDemandRoutes(context);
}
