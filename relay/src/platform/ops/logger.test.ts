import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from '../config/secret.js';
import { componentLogger, createLogger, redactLine } from './logger.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.payload.sig';
const SECRETS = ['s3cr3t-client', 'hunter2', TOKEN, 'refresh-r1', 'sig-abc', 'sec-tok', 'deep-secret', 'child-secret'];

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('lines are JSON with ISO time, level name, service and component', () => {
  const { logger, records } = capture();
  componentLogger(logger, 'delivery', { operation: 'update-account' }).info({ attempt: 2 }, 'delivered');
  const [record] = records();
  assert.equal(record!.level, 'info');
  assert.match(String(record!.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(record!.service, 'gentrack-relay');
  assert.equal(record!.component, 'delivery');
  assert.equal(record!.operation, 'update-account');
  assert.equal(record!.msg, 'delivered');
});

test('a component logger of a logger that already names its component keeps one component key', () => {
  const { logger, lines } = capture();
  const named = componentLogger(logger, 'gentrack');
  componentLogger(named, 'gentrack-client', { tokenUrl: 'https://id.example/token' }).info('obtained a token');
  const keys = [...lines[0]!.matchAll(/"(\w+)":/g)].map((match) => match[1]);
  assert.equal(keys.filter((key) => key === 'component').length, 1, lines[0]);
  assert.equal(JSON.parse(lines[0]!).component, 'gentrack', 'the name the composition root chose');
});

test('secrets and tokens are redacted wherever they appear', () => {
  const { logger, lines } = capture('debug');
  logger.info(
    {
      clientSecret: 's3cr3t-client',
      password: new Secret('hunter2'),
      request: {
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'x-payload-signature': 'sig-abc',
          'content-type': 'application/json',
        },
      },
      tokenResponse: {
        access_token: TOKEN,
        refresh_token: 'refresh-r1',
        instance_url: 'https://acme.my.salesforce.com',
      },
      options: { Authorization: `Bearer ${TOKEN}` },
      env: { SALESFORCE_SECURITY_TOKEN: 'sec-tok' },
      a: { b: { c: { d: { e: { secret: 'deep-secret' } } } } },
    },
    'calling',
  );
  componentLogger(logger, 'subscriber', { token: 'child-secret' }).debug('child bindings are redacted too');
  logger.warn(`request failed: GET https://x.example/cb?access_token=${TOKEN}&page=2 with header Bearer ${TOKEN}`);
  logger.error(
    { err: Object.assign(new Error('unauthorized'), { config: { headers: { Authorization: `Bearer ${TOKEN}` } } }) },
    'boom',
  );

  const output = lines.join('');
  for (const secret of SECRETS) assert.ok(!output.includes(secret), `${secret} leaked: ${output}`);
  assert.match(output, /"content-type":"application\/json"/, 'harmless headers are kept');
  assert.match(output, /"instance_url":"https:\/\/acme\.my\.salesforce\.com"/);
  assert.match(output, /page=2/);
  assert.equal(lines.length, 4);
});

test('redaction copies: the logged object is left intact, and object-valued secrets are replaced whole', () => {
  const { logger, lines } = capture();
  const input = { options: { auth: { privateKey: { pem: 'pem-body' } } }, list: [{ Token: 'in-a-list' }] };
  logger.info(input, 'configured');
  assert.ok(!lines[0]!.includes('pem-body') && !lines[0]!.includes('in-a-list'), lines[0]);
  assert.equal(input.options.auth.privateKey.pem, 'pem-body');
  assert.equal(input.list[0]!.Token, 'in-a-list');
});

test('the line filter catches sensitive keys at any depth and in any case', () => {
  assert.equal(
    redactLine('{"x":{"y":{"z":{"w":{"v":{"PASSWORD":"p\\"w"}}}}}}'),
    '{"x":{"y":{"z":{"w":{"v":{"PASSWORD":"[redacted]"}}}}}}',
  );
  assert.equal(redactLine('{"tokenType":"Bearer"}'), '{"tokenType":"Bearer"}');
});
