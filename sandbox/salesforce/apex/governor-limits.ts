/**
 * Per-transaction governor limits (Apex Developer Guide, "Execution Governors and Limits", "Per-Transaction Apex
 * Limits"): 100 SOQL queries, 50,000 query rows, 150 DML statements, 10,000 DML rows, 150 publish-immediate
 * EventBus.publish calls, 100 callouts. Exceeding one raises System.LimitException, which no catch block handles and
 * which rolls the whole transaction back. Test.startTest() starts a fresh set that Test.stopTest() ends ("Using
 * Limits, startTest, and stopTest").
 */
export const LIMITS = {
  queries: { limit: 100, message: 'Too many SOQL queries' },
  queryRows: { limit: 50_000, message: 'Too many query rows' },
  dmlStatements: { limit: 150, message: 'Too many DML statements' },
  dmlRows: { limit: 10_000, message: 'Too many DML rows' },
  publishImmediateDml: { limit: 150, message: 'Too many EventBus.publish calls' },
  callouts: { limit: 100, message: 'Too many callouts' },
} as const;

export type LimitName = keyof typeof LIMITS;

export class LimitExceeded extends Error {
  constructor(readonly apexMessage: string) {
    super(apexMessage);
  }
}

export class GovernorLimits {
  private readonly used: Record<LimitName, number> = {
    queries: 0,
    queryRows: 0,
    dmlStatements: 0,
    dmlRows: 0,
    publishImmediateDml: 0,
    callouts: 0,
  };

  get(name: LimitName): number {
    return this.used[name];
  }

  /** Counts `amount` against a limit; throws LimitExceeded with Salesforce's text when it goes over. */
  spend(name: LimitName, amount = 1): void {
    this.used[name] += amount;
    const { limit, message } = LIMITS[name];
    if (this.used[name] > limit) throw new LimitExceeded(`${message}: ${this.used[name]}`);
  }

  snapshot(): Record<LimitName, number> {
    return { ...this.used };
  }
}
