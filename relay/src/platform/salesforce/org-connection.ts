/**
 * The Salesforce connection the org commands (validate-org, setup, initial-sync, credentials) work through: the
 * relay's own session (jsforce, as its integration user), or the connection `@salesforce/core` opens for an org
 * alias the sf CLI knows (the sf plugin's --target-org). The second is `@jsforce/jsforce-node`, the Node build of
 * the same jsforce release (package.json's overrides pin both to one version), so one type serves both.
 */
import type { Connection } from 'jsforce';

export type OrgConnection = Connection;
