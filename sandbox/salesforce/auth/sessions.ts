/**
 * Access tokens the org has issued (OAuth and SOAP login hand out the same kind), and the user each one acts as.
 * Expiring them all is how tests make jsforce meet INVALID_SESSION_ID and log in again.
 */
import { randomBytes } from 'node:crypto';

export class Sessions {
  private readonly userByToken = new Map<string, string>();

  constructor(private readonly orgId: string) {}

  /** A token shaped like Salesforce's: `<org id>!<opaque>`. */
  issue(userId: string): string {
    const token = `${this.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    this.userByToken.set(token, userId);
    return token;
  }

  /** The id of the user a live token acts as. */
  userIdFor(token: string): string | undefined {
    return this.userByToken.get(token);
  }

  revoke(token: string): void {
    this.userByToken.delete(token);
  }

  expireAll(): void {
    this.userByToken.clear();
  }
}
