/**
 * What one Apex transaction carries: static variables (reset per transaction, Apex Developer Guide "Static and
 * Instance Methods, Variables, and Initialization Code"), governor limits, the running user, the uncommitted-work
 * flag that refuses callouts, the setup/non-setup DML seen (MIXED_DML_OPERATION), and, in tests, the test event
 * bus and the callout mock.
 */
import type { ClassDecl } from './ast.js';
import { GovernorLimits } from './governor-limits.js';
import type { TriggerVariables } from './trigger-variables.js';
import type { ApexObject, Value } from './values.js';
import type { AssignableUser, SandboxUser } from '../org/users.js';

/** Publish results held by the test event bus until Test.getEventBus().deliver()/fail() or Test.stopTest(). */
export interface PendingPublish {
  readonly eventUuids: readonly string[];
  readonly callback: ApexObject | null;
}

/** The objects DML touched in one mixed-DML scope (a transaction, or a System.runAs block in a test). */
export interface MixedDmlScope {
  setupObject: string | null;
  nonSetupObject: string | null;
}

export class TransactionContext {
  readonly statics = new Map<ClassDecl, Map<string, Value>>();
  /** Limits in force: a second set while between Test.startTest() and Test.stopTest(). */
  limits = new GovernorLimits();
  outerLimits: GovernorLimits | null = null;
  /** The limits of the Test.startTest()/stopTest() block, kept after it ends for reporting. */
  testBlockLimits: GovernorLimits | null = null;
  testStarted = false;
  /** DML happened since the transaction (or Test.startTest) began: callouts are refused. */
  uncommittedWork = false;
  readonly mixedDml: MixedDmlScope[] = [{ setupObject: null, nonSetupObject: null }];
  readonly pendingPublishes: PendingPublish[] = [];
  calloutMock: ApexObject | null = null;
  /** Users created by Apex in this transaction, by id (their permission sets grow with PermissionSetAssignments). */
  readonly createdUsers = new Map<string, AssignableUser>();
  /** A LimitException raised inside a trigger, re-raised once the DML call that fired it returns. */
  pendingFatal: unknown = null;
  /** Trigger invocations running, innermost last: what Trigger.new and friends read. */
  readonly triggerStack: TriggerVariables[] = [];
  /** The largest estimated heap seen at a check (each EventBus.publish, each Limits.getHeapSize()). */
  heapPeakBytes = 0;
  /** System.debug output of this transaction. */
  readonly debugLog: string[] = [];
  /** REST context statics (RestContext.request / response). */
  readonly restContext = new Map<string, Value>();

  constructor(
    public runningUser: SandboxUser,
    readonly isTest: boolean,
  ) {}

  get mixedDmlScope(): MixedDmlScope {
    return this.mixedDml[this.mixedDml.length - 1]!;
  }
}
