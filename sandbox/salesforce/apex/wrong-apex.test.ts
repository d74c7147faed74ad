/**
 * The runtime catches the mistakes an org catches: each fixture in fixtures/wrong-apex fails with Salesforce's own
 * error text at the line an org names, and its twin that avoids the mistake passes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import { ApexRuntime } from './apex-runtime.js';
import { ApexProgram } from './program.js';
import { runApexTests, type TestMethodResult } from './test-runner.js';
import { UnsupportedApexError } from './unsupported.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const forceAppDir = path.resolve(here, '../../../force-app');
const fixtures = path.join(here, 'fixtures', 'wrong-apex');

let results: TestMethodResult[];

function result(className: string, methodName: string): TestMethodResult {
  const found = results.find((test) => test.className === className && test.methodName === methodName);
  assert.ok(found, `${className}.${methodName} ran`);
  return found;
}

function assertFails(className: string, methodName: string, message: string, stackTop: string): void {
  const test = result(className, methodName);
  assert.equal(test.outcome, 'Fail', `${className}.${methodName} must fail`);
  assert.equal(test.message, message);
  assert.equal(test.stackTrace?.split('\n')[0], stackTop);
}

function assertPasses(className: string, methodName: string): void {
  const test = result(className, methodName);
  assert.equal(test.outcome, 'Pass', `${className}.${methodName}: ${test.message}`);
}

describe('deliberately wrong Apex', () => {
  before(async () => {
    const program = new ApexProgram();
    for (const file of readdirSync(fixtures)) {
      if (file.endsWith('.cls')) program.addClass(file, readFileSync(path.join(fixtures, file), 'utf8'));
      if (file.endsWith('.trigger')) program.addTrigger(file, readFileSync(path.join(fixtures, file), 'utf8'));
    }
    const runtime = new ApexRuntime(new SandboxOrg({ forceAppDir }), program);
    results = [...(await runApexTests(runtime)).tests];
  });

  it('MIXED_DML_OPERATION: a PermissionSetAssignment after an Account, outside System.runAs', () => {
    assertFails(
      'MixedDmlFixture',
      'setupDmlAfterAccountFails',
      'System.DmlException: Insert failed. First exception on row 0; first error: MIXED_DML_OPERATION, DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): PermissionSetAssignment, original object: Account: []',
      'Class.MixedDmlFixture.grantIntegrationPermissions: line 21, column 1',
    );
    assertPasses('MixedDmlFixture', 'setupDmlFirstThenAccountInRunAsPasses');
  });

  it('SOQL in a loop over 201 records: an uncatchable LimitException on the 101st query', () => {
    assertFails(
      'SoqlInLoopFixture',
      'queryPerRecordFails',
      'System.LimitException: Too many SOQL queries: 101',
      'Class.SoqlInLoopFixture.queryPerRecordFails: line 16, column 1',
    );
    assertPasses('SoqlInLoopFixture', 'oneQueryForAllRecordsPasses');
  });

  it('a null dereference, of a method and of a field', () => {
    assertFails(
      'NullDereferenceFixture',
      'methodOnNullFails',
      'System.NullPointerException: Attempt to de-reference a null object',
      'Class.NullDereferenceFixture.methodOnNullFails: line 10, column 1',
    );
    assertFails(
      'NullDereferenceFixture',
      'fieldOfNullRecordFails',
      'System.NullPointerException: Attempt to de-reference a null object',
      'Class.NullDereferenceFixture.nameOf: line 4, column 1',
    );
    assertPasses('NullDereferenceFixture', 'nullInConcatenationAndSafeNavigationPasses');
  });

  it('a failing Assert.areEqual reports its message, expected and actual', () => {
    assertFails(
      'FailingAssertFixture',
      'unequalValuesFail',
      'System.AssertException: Assertion Failed: sums add up: Expected: 2, Actual: 3',
      'Class.FailingAssertFixture.unequalValuesFail: line 5, column 1',
    );
    assertPasses('FailingAssertFixture', 'equalValuesPass');
  });

  it('a callout after DML in the same transaction is refused; DML before Test.startTest is not', () => {
    assertFails(
      'CalloutAfterDmlFixture',
      'calloutAfterDmlFails',
      'System.CalloutException: You have uncommitted work pending. Please commit or rollback before calling out',
      'Class.CalloutAfterDmlFixture.call: line 16, column 1',
    );
    assertPasses('CalloutAfterDmlFixture', 'dmlBeforeStartTestThenCalloutPasses');
  });

  it('a record of Trigger.new changed in an after trigger: the trigger fails the DML', () => {
    assertFails(
      'ReadOnlyTriggerRecordFixture',
      'changingTriggerNewInAnAfterTriggerFails',
      'System.DmlException: Insert failed. First exception on row 0; first error: CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY, ReadOnlyFixtureTrigger: execution of AfterInsert\n\ncaused by: System.FinalException: Record is read-only\n\nTrigger.ReadOnlyFixtureTrigger: line 4, column 1: []',
      'Class.ReadOnlyTriggerRecordFixture.changingTriggerNewInAnAfterTriggerFails: line 5, column 1',
    );
    assertPasses('ReadOnlyTriggerRecordFixture', 'otherRecordsInsertFine');
  });

  it('a trigger whose DML fires it again without end: the 17th nested trigger is refused, the 16th runs', () => {
    const test = result('RecursiveTriggerFixture', 'aTriggerInsertingWhatFiresItForeverFails');
    assert.equal(test.outcome, 'Fail');
    const message = test.message ?? '';
    const levels = message.split('caused by: System.DmlException: Insert failed.');
    // The test's insert fails, caused by the failed insert of each of the 16 triggers that ran.
    assert.equal(levels.length, 17, 'the failure of each DML below, down to the 16th trigger');
    assert.ok(
      levels[0]!.startsWith(
        'System.DmlException: Insert failed. First exception on row 0; first error: CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY, RecursiveFixtureTrigger: execution of AfterInsert',
      ),
      message,
    );
    assert.match(
      levels[16]!,
      /CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY, RecursiveFixtureTrigger: maximum trigger depth exceeded Contact trigger event AfterInsert for \[003\w{15}\]/,
    );
    assert.equal(
      test.stackTrace?.split('\n')[0],
      'Class.RecursiveTriggerFixture.aTriggerInsertingWhatFiresItForeverFails: line 5, column 1',
    );
    assertPasses('RecursiveTriggerFixture', 'sixteenNestedTriggersPass');
  });

  it('user mode: a DML setting a field the user cannot edit, a query naming a field the user cannot read', () => {
    assertFails(
      'UserModeFixture',
      'updateOfAFieldTheUserCannotEditFails',
      'System.DmlException: Operation failed due to fields being inaccessible on Sobject Account, check errors on Exception or Result!',
      'Class.UserModeFixture.updateOfAFieldTheUserCannotEditFails: line 31, column 1',
    );
    assertPasses('UserModeFixture', 'updateOfAFieldTheUserCanEditPasses');
    assertFails(
      'UserModeFixture',
      'queryOfAFieldTheUserCannotReadFails',
      "System.QueryException: No such column 'Gentrack_External_Id__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
      'Class.UserModeFixture.queryOfAFieldTheUserCannotReadFails: line 52, column 1',
    );
    assertPasses('UserModeFixture', 'queryOfAFieldTheUserCanReadPasses');
  });

  it('a construct outside the supported subset stops loading with its file and line', () => {
    const program = new ApexProgram();
    assert.throws(
      () =>
        program.addClass('WithProperty.cls', 'public class WithProperty {\n    public String name { get; set; }\n}\n'),
      (error: unknown) =>
        error instanceof UnsupportedApexError &&
        error.message === 'unsupported Apex: property declaration (get/set) at WithProperty.cls:2',
    );
  });
});
