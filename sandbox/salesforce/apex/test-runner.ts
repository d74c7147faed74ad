/**
 * Runs @IsTest classes as `sf apex run test` does: every test method in its own transaction, rolled back at the
 * end, with its own governor limits and statics; @TestSetup methods run before each test method in a transaction
 * of their own whose records (and users) the method sees (Apex Developer Guide, "Using Test Setup Methods"). Reports each
 * method's outcome, the failure's message and Apex stack, and line coverage per class and trigger.
 */
import type { ClassDecl } from './ast.js';
import type { ApexRuntime } from './apex-runtime.js';
import { ApexThrow } from './exceptions.js';
import type { LimitName } from './governor-limits.js';
import { isTestMethod } from './program.js';
import { TransactionContext } from './transaction-context.js';
import { UnsupportedApexError } from './unsupported.js';

export interface TestMethodResult {
  readonly className: string;
  readonly methodName: string;
  readonly outcome: 'Pass' | 'Fail';
  readonly message: string | null;
  readonly stackTrace: string | null;
  readonly runTimeMs: number;
  /** Governor limit usage of the method's transaction outside Test.startTest()/stopTest()... */
  readonly limits: Record<LimitName, number>;
  /** ...and inside that block (null when the method does not call Test.startTest()). */
  readonly testBlockLimits: Record<LimitName, number> | null;
  /** The largest estimated heap at a check (heap-estimate.ts), in bytes. */
  readonly heapPeakBytes: number;
}

export interface CoverageResult {
  readonly name: string;
  readonly kind: 'class' | 'trigger';
  readonly totalLines: number;
  readonly coveredLines: number;
  readonly uncoveredLines: readonly number[];
  readonly percent: number;
}

export interface TestRunResult {
  readonly tests: readonly TestMethodResult[];
  readonly coverage: readonly CoverageResult[];
  readonly orgWideCoverage: number;
  readonly runTimeMs: number;
}

export interface TestRunOptions {
  /** Only this class (by name, case-insensitive). */
  readonly className?: string;
  /** Only this method (with or without className). */
  readonly methodName?: string;
}

export async function runApexTests(runtime: ApexRuntime, options: TestRunOptions = {}): Promise<TestRunResult> {
  const started = Date.now();
  const classes = runtime.program
    .testClasses()
    .filter((decl) => !options.className || decl.name.toLowerCase() === options.className.toLowerCase());
  if (options.className && classes.length === 0)
    throw new Error(`No @IsTest class named ${options.className} in force-app.`);
  const detach = runtime.attachTriggers();
  const tests: TestMethodResult[] = [];
  try {
    for (const decl of classes) {
      const methods = decl.methods.filter(
        (method) =>
          isTestMethod(method) &&
          (!options.methodName || method.name.toLowerCase() === options.methodName.toLowerCase()),
      );
      for (const method of methods) tests.push(await runTestMethod(runtime, decl, method.name));
    }
  } finally {
    detach();
  }
  if (options.methodName && tests.length === 0)
    throw new Error(
      `No test method named ${options.methodName}${options.className ? ` in ${options.className}` : ''}.`,
    );
  const coverage = coverageOf(runtime);
  const total = coverage.reduce((sum, item) => sum + item.totalLines, 0);
  const covered = coverage.reduce((sum, item) => sum + item.coveredLines, 0);
  return {
    tests,
    coverage,
    orgWideCoverage: total === 0 ? 100 : Math.round((covered / total) * 100),
    runTimeMs: Date.now() - started,
  };
}

async function runTestMethod(runtime: ApexRuntime, decl: ClassDecl, methodName: string): Promise<TestMethodResult> {
  const started = Date.now();
  const admin = runtime.org.users.admin;
  let context: TransactionContext | null = null;
  const outcome = await runtime.transaction({ user: admin, isTest: true, rollback: true }, async () => {
    try {
      // Users made in @TestSetup are the method's to run as, with their permission sets, like its records.
      const setupUsers: TransactionContext['createdUsers'][] = [];
      for (const setup of decl.methods.filter((method) => method.annotations.has('testsetup'))) {
        const setupContext = new TransactionContext(admin, true);
        await runtime.inContext(setupContext, () => runtime.interpreter.callStaticMethod(decl, setup.name, []));
        setupUsers.push(setupContext.createdUsers);
      }
      context = new TransactionContext(admin, true);
      for (const users of setupUsers) for (const [id, user] of users) context.createdUsers.set(id, user);
      await runtime.inContext(context, () => runtime.interpreter.callStaticMethod(decl, methodName, []));
      return { outcome: 'Pass' as const, message: null, stackTrace: null };
    } catch (error) {
      return { outcome: 'Fail' as const, ...describeFailure(error) };
    }
  });
  const finished = context as TransactionContext | null;
  const usage = finished?.outerLimits ?? finished?.limits;
  return {
    className: decl.name,
    methodName,
    ...outcome,
    runTimeMs: Date.now() - started,
    limits: usage
      ? usage.snapshot()
      : { queries: 0, queryRows: 0, dmlStatements: 0, dmlRows: 0, publishImmediateDml: 0, callouts: 0 },
    testBlockLimits: finished?.testBlockLimits?.snapshot() ?? null,
    heapPeakBytes: finished?.heapPeakBytes ?? 0,
  };
}

function describeFailure(error: unknown): { message: string; stackTrace: string | null } {
  if (error instanceof ApexThrow) return { message: error.message, stackTrace: error.stack_.join('\n') };
  if (error instanceof UnsupportedApexError) return { message: error.message, stackTrace: null };
  return {
    message: `Internal error of the Apex runtime: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    stackTrace: null,
  };
}

/** Line coverage of every class and trigger that is not a test class (Salesforce does not count @IsTest code). */
function coverageOf(runtime: ApexRuntime): CoverageResult[] {
  const results: CoverageResult[] = [];
  const covered = runtime.interpreter.coveredLines;
  const add = (name: string, kind: 'class' | 'trigger', file: string) => {
    const lines = [...(runtime.program.executableLines.get(file) ?? [])].sort((a, b) => a - b);
    const hit = covered.get(file) ?? new Set<number>();
    const uncovered = lines.filter((line) => !hit.has(line));
    const coveredCount = lines.length - uncovered.length;
    results.push({
      name,
      kind,
      totalLines: lines.length,
      coveredLines: coveredCount,
      uncoveredLines: uncovered,
      percent: lines.length === 0 ? 100 : Math.round((coveredCount / lines.length) * 100),
    });
  };
  for (const decl of [...runtime.program.classes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!decl.annotations.has('istest')) add(decl.name, 'class', decl.file);
  }
  for (const trigger of [...runtime.program.triggers].sort((a, b) => a.name.localeCompare(b.name)))
    add(trigger.name, 'trigger', trigger.file);
  return results;
}
