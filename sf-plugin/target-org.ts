/**
 * The org a plugin command works on: `--target-org` (any alias or username the sf CLI knows, its default org when
 * left out) and `--api-version`, as every sf command takes them. The connection @salesforce/core opens refreshes
 * its own tokens; the commands' cores take it as they take the relay's session (see org-connection.ts).
 */
import type { Org } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import type { OrgConnection } from '../relay/src/platform/salesforce/org-connection.js';

export const targetOrgFlags = {
  'target-org': Flags.requiredOrg(),
  'api-version': Flags.orgApiVersion(),
};

export function orgConnection(org: Org, apiVersion: string | undefined): OrgConnection {
  // @jsforce/jsforce-node and jsforce are one release (package.json pins both): the same class, declared twice.
  return org.getConnection(apiVersion) as unknown as OrgConnection;
}
