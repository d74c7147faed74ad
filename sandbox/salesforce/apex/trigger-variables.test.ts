/**
 * Trigger context variables as an after trigger reads them ("Trigger Context Variables" in the Apex Developer Guide):
 * run through a probe trigger on Account for an insert, an update and a delete in one Apex transaction.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import { ApexRuntime } from './apex-runtime.js';
import { ApexProgram } from './program.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');

const PROBE = `public class Probe {
    public static List<String> seen = new List<String>();
}`;

const TRIGGER = `trigger ProbeTrigger on Account(after insert, after update, after delete) {
    Probe.seen.add(String.join(new List<Object>{
        Trigger.operationType, Trigger.isInsert, Trigger.isUpdate, Trigger.isDelete, Trigger.isUndelete,
        Trigger.isBefore, Trigger.isAfter, Trigger.isExecuting, Trigger.size,
        Trigger.new == null ? 'no new' : Trigger.new[0].get('Name'),
        Trigger.old == null ? 'no old' : Trigger.old[0].get('Name'),
        Trigger.newMap == null ? 'no newMap' : String.valueOf(Trigger.newMap.keySet().equals(new Map<Id, Account>((List<Account>) Trigger.new).keySet())),
        Trigger.oldMap == null ? 'no oldMap' : String.valueOf(Trigger.oldMap.get(Trigger.old[0].Id).get('Name'))
    }, ' '));
}`;

describe('trigger context variables', () => {
  it('an after insert, update and delete each see their records, maps, operation and flags', async () => {
    const program = new ApexProgram();
    program.addClass('Probe.cls', PROBE);
    program.addTrigger('ProbeTrigger.trigger', TRIGGER);
    const snippet = program.addClass(
      'Snippet.cls',
      `public class Snippet {
    public static Object run() {
        Account account = new Account(Name = 'First');
        insert account;
        account.Name = 'Second';
        update account;
        delete account;
        return Probe.seen;
    }
}`,
    );
    const runtime = new ApexRuntime(new SandboxOrg({ forceAppDir }), program);
    const detach = runtime.attachTriggers();
    try {
      const seen = await runtime.transaction({ rollback: true }, async () =>
        runtime.interpreter.toApexString(await runtime.interpreter.callStaticMethod(snippet, 'run', [])),
      );
      assert.equal(
        seen,
        '(' +
          [
            'AFTER_INSERT true false false false false true true 1 First no old true no oldMap',
            'AFTER_UPDATE false true false false false true true 1 Second First true First',
            'AFTER_DELETE false false true false false true true 1 no new Second no newMap Second',
          ].join(', ') +
          ')',
      );
    } finally {
      detach();
    }
  });
});
