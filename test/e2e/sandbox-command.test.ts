/**
 * `gentrack-sf sandbox` as the README tells a newcomer to use it: start it, run the relay with the command it prints,
 * open the portal it names with the account it prints, and load its sample extract from the Initial Data
 * Synchronisation page into the sandbox org.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { PortalTestClient } from '../../relay/src/portal/portal-test-client.js';
import { eventually } from '../eventually.js';

const BIN = path.join(PROJECT_ROOT, 'bin/gentrack-sf.js');

let dir: string;
let sandbox: ChildProcess;
let relay: ChildProcess | undefined;
let sandboxOutput = '';
let relayOutput = '';

function start(args: string[], env: NodeJS.ProcessEnv, collect: (text: string) => void): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => collect(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => collect(chunk.toString()));
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-command-'));
  sandbox = start(['sandbox', '--dir', dir], {}, (text) => (sandboxOutput += text));
  await eventually('the sandbox to print how to use it', () => /Then open its portal/.test(sandboxOutput), 60_000);
});

after(async () => {
  await stop(relay);
  await stop(sandbox);
  rmSync(dir, { recursive: true, force: true });
});

test("the sandbox's printed relay command, portal and account load its sample extract into the org", async () => {
  const relayLine = /GENTRACK_RELAY_SECRETS_FILE=(\S+) node bin\/gentrack-sf\.js relay --config (\S+)/.exec(
    sandboxOutput,
  );
  assert.ok(relayLine, `the sandbox prints how to run the relay:\n${sandboxOutput}`);
  const portalLine = /open its portal: (http:\/\/\S+)\s+\(sign in as (\S+), password (\S+)\)/.exec(sandboxOutput);
  assert.ok(portalLine, `the sandbox prints the portal's address and account:\n${sandboxOutput}`);
  assert.match(sandboxOutput, /Initial Data Synchronisation offers sample-extract \(100 accounts/);
  const [, secretsFile, configFile] = relayLine;
  const [, portalUrl, username, password] = portalLine;
  assert.ok(existsSync(path.join(dir, 'extracts', 'sample-extract', 'accounts.jsonl')), 'the sample is written');

  relay = start(
    ['relay', '--config', configFile!],
    { GENTRACK_RELAY_SECRETS_FILE: secretsFile! },
    (text) => (relayOutput += text),
  );
  const client = new PortalTestClient(portalUrl!);
  await eventually(
    'the portal to answer',
    async () => {
      assert.equal(relay!.exitCode, null, `the relay stopped:\n${relayOutput}`);
      return (await fetch(new URL('/login', portalUrl))).ok;
    },
    60_000,
  );
  assert.equal((await client.signIn(username!, password!)).status, 303, 'signed in with the printed account');

  const page = await client.get('/initial-sync');
  assert.match(page.body, /sample-extract/, 'the page offers the sample');
  const preflight = await client.post('/initial-sync/preflight', { extract: 'sample-extract' });
  assert.equal(preflight.status, 200);
  assert.match(preflight.body, /accounts\.jsonl[\s\S]*100/, 'the check counts the sample');

  const started = await client.post('/initial-sync/start', { extract: 'sample-extract', confirm: 'yes' });
  assert.equal(started.status, 303, 'started');
  const outcome = await eventually(
    'the run to end',
    async () => /id="run-outcome">([^<]*)/.exec((await client.get('/initial-sync/status')).body)?.[1],
    60_000,
  );
  assert.equal(outcome, 'Completed: every row loaded.', `the sample loads whole:\n${relayOutput}`);
  const stages = (await client.get('/initial-sync/status')).body.replace(/\s+/g, ' ');
  for (const stage of ['accounts', 'contacts', 'relations'])
    assert.match(
      stages,
      new RegExp(`<th scope="row">${stage}</th> <td>completed</td> <td>100</td> <td>100</td>`),
      `the org got all 100 ${stage} as new records`,
    );
  const history = await client.get('/history?kind=initial');
  assert.match(history.body, /sandbox-admin \(portal\)/, 'the run is in the history under the portal user');
});
