/**
 * Apex callouts through Named Credentials outside tests, and @AuraEnabled methods called as a component calls them:
 * against a small origin that issues client-credentials tokens and answers the API, the runtime sends the request
 * with a bearer token, keeps the token, gets a new one on a 401, and turns what has no answer into CalloutException.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SandboxOrg } from '../org/sandbox-org.js';
import { ApexRuntime } from './apex-runtime.js';
import { AuraActionError, invokeAuraAction } from './aura-actions.js';
import { ApexThrow } from './exceptions.js';
import { ApexProgram } from './program.js';

const forceAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../force-app');

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  onBehalfOf: string | undefined;
  body: string;
}

const seen: Seen[] = [];
let tokensIssued = 0;
let refuseNextCall = false;
let origin: string;
const server = createServer(async (request: IncomingMessage, response) => {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  if (request.url === '/oauth/token') {
    const form = new URLSearchParams(body);
    const ok = form.get('client_id') === 'client-1' && form.get('client_secret') === 'secret-1';
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        ok
          ? { access_token: `token-${++tokensIssued}`, expires_in: 900 }
          : { error: 'invalid_client', error_description: 'unknown client' },
      ),
    );
    return;
  }
  seen.push({
    method: request.method!,
    url: request.url!,
    authorization: request.headers.authorization,
    onBehalfOf: request.headers['x-on-behalf-of'] as string | undefined,
    body,
  });
  if (request.url === '/v1/slow') return; // never answers
  if (refuseNextCall) {
    refuseNextCall = false;
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end('{"errorCode":"TOKEN_EXPIRED"}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'x-answer': 'yes' });
  response.end(JSON.stringify({ echoed: request.url }));
});

function orgWithCredentials(secret = 'secret-1'): SandboxOrg {
  const org = new SandboxOrg({ forceAppDir });
  org.namedCredentials.create(
    {
      externalCredential: 'Gentrack_Relay',
      principalName: 'Gentrack_Relay_Client',
      principalType: 'NamedPrincipal',
      credentials: {
        clientId: { value: 'client-1', encrypted: false },
        clientSecret: { value: secret, encrypted: true },
      },
    },
    org.users.admin.username,
  );
  org.namedCredentials.pointAt('Gentrack_Relay', `${origin}/v1`, `${origin}/oauth/token`);
  return org;
}

/** Runs `body` as a static method outside a test (so Http.send calls out), as the org's admin. */
async function callout(org: SandboxOrg, body: string): Promise<string> {
  const program = new ApexProgram();
  const decl = program.addClass(
    'Snippet.cls',
    `public class Snippet {\n    public static Object run() {\n        ${body}\n    }\n}\n`,
  );
  const runtime = new ApexRuntime(org, program);
  return runtime.transaction({}, async () =>
    runtime.interpreter.toApexString(await runtime.interpreter.callStaticMethod(decl, 'run', [])),
  );
}

const SEND = (endpoint: string, extra = '') => `HttpRequest request = new HttpRequest();
        request.setMethod('POST');
        request.setEndpoint('${endpoint}');
        request.setHeader('X-On-Behalf-Of', UserInfo.getUserName());
        request.setBody('{"a":1}');
        ${extra}
        HttpResponse response = new Http().send(request);`;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

describe('callouts through a Named Credential', () => {
  it("go to the credential's URL with a bearer token from its External Credential, kept for the next call", async () => {
    const org = orgWithCredentials();
    const issuedBefore = tokensIssued;
    const answer = await callout(
      org,
      `${SEND('callout:Gentrack_Relay/gentrack/x?y=1')} return response.getStatusCode() + ' ' + response.getHeader('X-Answer') + ' ' + response.getBody();`,
    );
    assert.equal(answer, `200 yes {"echoed":"/v1/gentrack/x?y=1"}`);
    const last = seen.at(-1)!;
    assert.deepEqual(
      [last.method, last.url, last.authorization, last.onBehalfOf, last.body],
      ['POST', '/v1/gentrack/x?y=1', `Bearer token-${issuedBefore + 1}`, org.users.admin.username, '{"a":1}'],
    );
    await callout(org, `${SEND('callout:gentrack_relay/again')} return null;`);
    assert.equal(tokensIssued, issuedBefore + 1, 'the token is kept (names are case-insensitive)');
    assert.deepEqual(
      org.callouts.log.map((call) => call.status),
      [200, 200],
    );
  });

  it('get a new token on a 401 and repeat the call once', async () => {
    const org = orgWithCredentials();
    await callout(org, `${SEND('callout:Gentrack_Relay/first')} return null;`);
    refuseNextCall = true;
    const answer = await callout(org, `${SEND('callout:Gentrack_Relay/second')} return response.getStatusCode();`);
    assert.equal(answer, '200');
    assert.deepEqual(
      org.callouts.log.map((call) => call.status),
      [200, 401, 200],
    );
    assert.notEqual(seen.at(-1)!.authorization, seen.at(-2)!.authorization, 'with the new token');
  });

  it('raise CalloutException when there is no answer, no token or no credentials; other endpoints are not modelled', async () => {
    const thrown = async (org: SandboxOrg, body: string) => {
      try {
        await callout(org, body);
      } catch (error) {
        if (error instanceof ApexThrow) return error.message;
        throw error;
      }
      return assert.fail('expected a CalloutException');
    };
    assert.equal(
      await thrown(
        orgWithCredentials(),
        `${SEND('callout:Gentrack_Relay/slow', 'request.setTimeout(200);')} return null;`,
      ),
      'System.CalloutException: Read timed out',
    );
    assert.match(
      await thrown(orgWithCredentials('wrong'), `${SEND('callout:Gentrack_Relay/x')} return null;`),
      /CalloutException: The external credential "Gentrack_Relay" could not get an access token \(HTTP 401: unknown client\)/,
    );
    const bare = new SandboxOrg({ forceAppDir });
    assert.match(
      await thrown(bare, `${SEND('callout:Gentrack_Relay/x')} return null;`),
      /CalloutException: We couldn't access the credential\(s\)/,
    );
    assert.match(
      await thrown(bare, `${SEND('callout:Nope/x')} return null;`),
      /CalloutException: Unable to find the named credential Nope/,
    );
    await assert.rejects(
      callout(bare, `${SEND('https://example.com/x')} return null;`),
      /only callout:<Named Credential> endpoints are modelled/,
    );
  });
});

describe('@AuraEnabled methods called as a component calls them', () => {
  const program = new ApexProgram();
  program.addClass(
    'Greeter.cls',
    `public with sharing class Greeter {
        public class Greeting {
            @AuraEnabled
            public String text;
        }
        @AuraEnabled
        public static Greeting greet(String name, Integer times) {
            if (name == null) {
                AuraHandledException failure = new AuraHandledException('Say who to greet.');
                failure.setMessage('Say who to greet.');
                throw failure;
            }
            Greeting greeting = new Greeting();
            greeting.text = ('Hello ' + name + '. ').repeat(times).trim() + ' (' + UserInfo.getUserName() + ')';
            return greeting;
        }
        public static String hidden() {
            return 'no';
        }
    }`,
  );
  const org = new SandboxOrg({ forceAppDir });
  const runtime = new ApexRuntime(org, program);

  it('take parameters by name, run as the user and answer JSON; a thrown AuraHandledException is its message', async () => {
    const user = org.users.create({ username: 'agent@example.com', lastName: 'Agent' });
    assert.deepEqual(
      await invokeAuraAction(runtime, {
        user,
        className: 'Greeter',
        methodName: 'greet',
        params: { times: 2, name: 'Ana' },
      }),
      { state: 'SUCCESS', returnValue: { text: 'Hello Ana. Hello Ana. (agent@example.com)' } },
    );
    assert.deepEqual(await invokeAuraAction(runtime, { user, className: 'Greeter', methodName: 'greet', params: {} }), {
      state: 'ERROR',
      exceptionType: 'System.AuraHandledException',
      message: 'Say who to greet.',
    });
    await assert.rejects(
      invokeAuraAction(runtime, { user, className: 'Greeter', methodName: 'hidden', params: {} }),
      AuraActionError,
    );
  });
});
