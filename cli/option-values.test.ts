import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { portValue, positiveIntegerValue, positiveNumberValue, httpsUrlValue } from './option-values.js';

function parse(argv: string[]): { options: Record<string, unknown>; error?: string } {
  const errors: string[] = [];
  const command = new Command('t')
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text), writeOut: () => undefined })
    .option('--port <port>', 'a port', portValue, 0)
    .option('--rate <n>', 'a rate', positiveNumberValue, 8)
    .option('--limit <n>', 'a count', positiveIntegerValue);
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    assert.ok(error instanceof CommanderError);
    return { options: {}, error: errors.join('') };
  }
  return { options: command.opts() };
}

test('good values are converted; defaults stay numbers', () => {
  assert.deepEqual(parse([]).options, { port: 0, rate: 8 });
  assert.deepEqual(parse(['--port', '8787', '--rate', '0.5', '--limit', '20']).options, {
    port: 8787,
    rate: 0.5,
    limit: 20,
  });
});

test('bad values are refused with the flag and the value named', () => {
  for (const [argv, pattern] of [
    [['--port', 'abc'], /'--port <port>' argument 'abc' is invalid\. must be a port number/],
    [['--port', '70000'], /must be a port number from 0/],
    [['--rate', '0'], /'--rate <n>' argument '0' is invalid\. must be a number above 0/],
    [['--rate', 'abc'], /must be a number above 0, got abc/],
    [['--rate', '-5'], /must be a number above 0, got -5/],
    [['--limit', '2.5'], /must be a whole number above 0, got 2\.5/],
  ] as const) {
    assert.match(parse([...argv]).error ?? '(accepted)', pattern, argv.join(' '));
  }
});

test('a webhook URL must be https, or plain http to this machine only', () => {
  assert.equal(httpsUrlValue('https://hooks.example.com/gentrack'), 'https://hooks.example.com/gentrack');
  assert.equal(httpsUrlValue('http://127.0.0.1:9000/hook'), 'http://127.0.0.1:9000/hook');
  assert.throws(() => httpsUrlValue('http://hooks.example.com/gentrack'), /must be an https URL/);
  assert.throws(() => httpsUrlValue('ftp://x'), /must be an https URL/);
  assert.throws(() => httpsUrlValue('hooks.example.com'), /must be a URL such as/);
});
