/** The navigation entries of the connector's pages (Gentrack's portal's), each shown to the roles that may use it. */
import { may, type Role } from '../roles.js';

export type ConnectorSection = 'validate' | 'credentials' | 'history' | 'on-demand';

export function connectorNavigation(role: Role): [ConnectorSection, string, string][] {
  return [
    ['validate', '/validate-data-model', 'Validate Data Model'],
    ...(may(role, 'sync-on-demand')
      ? [['on-demand', '/on-demand', 'On-demand sync'] as [ConnectorSection, string, string]]
      : []),
    ['history', '/history', 'Sync history'],
    ...(may(role, 'manage-credentials')
      ? [['credentials', '/credentials', 'Named Credentials'] as [ConnectorSection, string, string]]
      : []),
  ];
}
