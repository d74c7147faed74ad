/**
 * The generated Event Endpoint (GentrackEventEndpoint, @RestResource) served by the sandbox org at
 * /services/apexrest/gentrack/events, interpreted, as the relay's integration user calls it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import { buildSalesforceServer } from '../rest/server.js';
import { createApexRuntime } from './apex-runtime.js';
import { apexRestHandler, ApexRestMonitor } from './apex-rest.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');

async function endpoint() {
  const org = new SandboxOrg({ forceAppDir });
  const runtime = createApexRuntime(org, forceAppDir);
  runtime.attachTriggers();
  const monitor = new ApexRestMonitor();
  const server = buildSalesforceServer(org, { apexRest: apexRestHandler(runtime, monitor) });
  const token = org.sessions.issue(org.users.integration.id);
  const post = (body: string, url = '/services/apexrest/gentrack/events', auth = `Bearer ${token}`) =>
    server.inject({
      method: 'POST',
      url,
      headers: { authorization: auth, 'content-type': 'application/json' },
      payload: body,
    });
  return { org, post, monitor };
}

describe('Apex REST: the Event Endpoint', () => {
  it('applies an event to the record found by its External ID and creates the Task, as the calling user', async () => {
    const { org, post } = await endpoint();
    const [account] = await org.insert('Account', { Name: 'Switching', Gentrack_External_Id__c: 'GT-REST-1' });
    const answer = await post(
      JSON.stringify({
        events: [
          {
            eventId: 'evt-1',
            eventType: 'switch-loss-started',
            createdAt: '2024-06-01T10:00:00.000Z',
            data: { accountNumber: 'gt-rest-1', switchDate: '2024-07-01' },
          },
          {
            eventId: 'evt-2',
            eventType: 'switch-gain-objected',
            createdAt: '2024-06-01T10:00:00.000Z',
            data: { accountNumber: 'GT-REST-1' },
          },
        ],
      }),
    );

    assert.equal(answer.statusCode, 200);
    const { results } = answer.json() as { results: Record<string, unknown>[] };
    assert.deepEqual(results[0], {
      eventId: 'evt-1',
      status: 'applied',
      recordId: account!.id,
      errorCode: null,
      message: null,
    });
    assert.equal(results[1]!['errorCode'], 'NO_MAPPING');
    const stored = org.get('Account', account!.id!)!;
    assert.equal(stored['Switch_Status__c'], 'Loss Started');
    assert.equal(stored['Switch_Loss_Date__c'], '2024-07-01');
    assert.equal(stored['LastModifiedById'], org.users.integration.id, 'saved as the calling user');
    const tasks = org.query(`SELECT Subject, OwnerId, ActivityDate FROM Task WHERE WhatId = '${account!.id}'`).records;
    assert.deepEqual(
      tasks.map((task) => [task['Subject'], task['OwnerId'], task['ActivityDate']]),
      [['Customer switching away: account gt-rest-1', org.users.admin.id, '2024-06-03']],
      'the record is found regardless of case; the Task text quotes the event',
    );
  });

  it('answers 400 for a body that is not a list of events, 404 for an unmapped path, 401 without a session', async () => {
    const { post } = await endpoint();
    const refused = await post('{"events": []}');
    assert.equal(refused.statusCode, 400);
    assert.equal((refused.json() as { errorCode: string }).errorCode, 'INVALID_PAYLOAD');
    assert.equal((await post('{}', '/services/apexrest/gentrack/nothing')).statusCode, 404);
    assert.equal((await post('{}', '/services/apexrest/gentrack/events', 'Bearer nope')).statusCode, 401);
  });

  it('a limit fault: the method runs, then System.LimitException rolls its writes back and answers 500 APEX_ERROR', async () => {
    const { org, post, monitor } = await endpoint();
    const [account] = await org.insert('Account', { Name: 'Busy org', Gentrack_External_Id__c: 'GT-REST-2' });
    const body = JSON.stringify({
      events: [
        {
          eventId: 'evt-3',
          eventType: 'switch-loss-started',
          createdAt: '2024-06-01T10:00:00.000Z',
          data: { accountNumber: 'GT-REST-2', switchDate: '2024-07-01' },
        },
      ],
    });
    monitor.exceedLimitNext('/gentrack/events');

    const failed = await post(body);
    assert.equal(failed.statusCode, 500);
    const [answer] = failed.json() as { errorCode: string; message: string }[];
    assert.equal(answer!.errorCode, 'APEX_ERROR');
    assert.match(
      answer!.message,
      /^System\.LimitException: Apex CPU time limit exceeded\n\nClass\.GentrackEventEndpoint\.receive: line \d+, column 1$/,
    );
    assert.equal(org.get('Account', account!.id!)!['Switch_Status__c'], null, 'the update was rolled back');
    assert.equal(org.query(`SELECT Id FROM Task WHERE WhatId = '${account!.id}'`).records.length, 0, 'and the Task');

    const again = await post(body);
    assert.equal(again.statusCode, 200, 'the fault is used up');
    assert.equal(org.get('Account', account!.id!)!['Switch_Status__c'], 'Loss Started');
    assert.deepEqual(
      monitor.calls.map((call) => [call.method, call.path, call.userId, call.status, call.body === body]),
      [
        ['POST', '/gentrack/events', org.users.integration.id, 500, true],
        ['POST', '/gentrack/events', org.users.integration.id, 200, true],
      ],
      'the monitor records each call answered, with its caller and status',
    );
  });
});
