/**
 * The Apex runtime of a sandbox org: the org's force-app Apex loaded and interpreted against the org. Each
 * transaction runs inside one org transaction, so a failure (or a test's end) rolls back everything it wrote.
 */
import type { SandboxOrg } from '../org/sandbox-org.js';
import type { SandboxUser } from '../org/users.js';
import { Interpreter } from './interpreter.js';
import { ApexSystemLibrary } from './library/system-library.js';
import { OrgBridge } from './org-bridge.js';
import { loadApexProgram, type ApexProgram } from './program.js';
import { TransactionContext } from './transaction-context.js';

export interface ApexTransactionOptions {
  /** The running user (default: the org's admin). */
  readonly user?: SandboxUser;
  /** Test context: Test.isRunningTest(), System.runAs, the test event bus and callout mocks. */
  readonly isTest?: boolean;
  /** Roll back whatever the transaction wrote even when it succeeds (test methods). */
  readonly rollback?: boolean;
}

class RolledBack<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back');
  }
}

export class ApexRuntime {
  readonly interpreter: Interpreter;
  readonly bridge: OrgBridge;

  constructor(
    readonly org: SandboxOrg,
    readonly program: ApexProgram,
  ) {
    this.bridge = new OrgBridge(org, program);
    this.interpreter = new Interpreter(program, new ApexSystemLibrary(this.bridge), this.bridge);
  }

  /** Runs `work` as one Apex transaction; the org transaction commits unless it throws or `rollback` is set. */
  async transaction<T>(options: ApexTransactionOptions, work: (context: TransactionContext) => Promise<T>): Promise<T> {
    try {
      return await this.org.transactions.run(async () => {
        const result = await this.inContext(
          new TransactionContext(options.user ?? this.org.users.admin, options.isTest ?? false),
          work,
        );
        if (options.rollback) throw new RolledBack(result);
        return result;
      });
    } catch (error) {
      if (error instanceof RolledBack) return error.result as T;
      throw error;
    }
  }

  /** Runs `work` with `context` as the current Apex transaction (inside an org transaction the caller opened). */
  inContext<T>(context: TransactionContext, work: (context: TransactionContext) => Promise<T>): Promise<T> {
    return this.interpreter.contexts.run(context, () => work(context));
  }

  /** Fires the Apex triggers on the org's DML from now on; returns a function that stops it. */
  attachTriggers(): () => void {
    return this.bridge.attachTriggers(this.interpreter, (user) => new TransactionContext(user, false));
  }
}

export function createApexRuntime(org: SandboxOrg, forceAppDir: string): ApexRuntime {
  return new ApexRuntime(org, loadApexProgram(forceAppDir));
}
