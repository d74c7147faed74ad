/**
 * The raw ceiling: a bare keep-alive HTTP loop against the Gentrack stand-in, with the relay's request shape (the
 * `update-account` call the relay's mapping makes of the same events), headers and token, and the relay's
 * concurrency. It runs in its own process, like the relay, so both are measured against the sandbox the same way.
 *
 * `runRawCeiling` spawns this file; run directly, it reads its job (JSON) from stdin and the client secret from
 * GENTRACK_CLIENT_SECRET, and prints one JSON line with the result.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import { callTransactionId, planGentrackCalls } from '../../relay/src/to-gentrack/gentrack-calls.js';
import { readObjectEvent } from '../../relay/src/to-gentrack/object-event.js';
import { reassemble } from '../../relay/src/to-gentrack/reassemble.js';
import { PROJECT_ROOT } from '../../model/project-root.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import { nextUpdateEvent, type BenchAccount } from './bench-accounts.js';

export interface RawCeilingJob {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly requests: number;
  /** Requests made before the clock starts, so a short measurement is not mostly the process warming up. */
  readonly warmup: number;
  readonly concurrency: number;
  readonly connections: number;
  readonly changedBy: string;
  readonly accounts: readonly BenchAccount[];
}

export interface RawCeilingResult {
  readonly requests: number;
  readonly failures: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU time per request of the loop's process and of the sandbox (this process) while the loop ran. */
  readonly clientUsPerRequest: number;
  readonly sandboxUsPerRequest: number;
}

type LoopResult = Omit<RawCeilingResult, 'sandboxUsPerRequest'>;

export async function runRawCeiling(
  sandbox: Sandbox,
  job: Omit<RawCeilingJob, 'baseUrl' | 'tokenUrl' | 'clientId'>,
): Promise<RawCeilingResult> {
  const full: RawCeilingJob = {
    ...job,
    baseUrl: sandbox.gentrack.baseUrl,
    tokenUrl: sandbox.gentrack.tokenUrl,
    clientId: sandbox.gentrack.clientId,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', GENTRACK_CLIENT_SECRET: sandbox.gentrack.clientSecret },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin!.end(JSON.stringify(full));
  let stdout = '';
  let sandboxCpuAtStart: NodeJS.CpuUsage | undefined;
  let sandboxCpu: NodeJS.CpuUsage | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // The loop says when its clock starts and stops, so the sandbox's CPU is measured over the same span.
    if (sandboxCpuAtStart === undefined && stdout.includes('started\n')) sandboxCpuAtStart = process.cpuUsage();
    if (sandboxCpu === undefined && stdout.includes('stopped\n')) sandboxCpu = process.cpuUsage(sandboxCpuAtStart);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the raw ceiling loop exited with ${code}: ${stdout}`);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoopResult;
  return { ...result, sandboxUsPerRequest: (sandboxCpu!.user + sandboxCpu!.system) / result.requests };
}

interface PreparedCall {
  method: string;
  path: string;
  body: string;
  transactionId: string;
  transactionDateTime: string;
  traceId: string;
  changedBy: string;
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const job = JSON.parse(input) as RawCeilingJob;
  const secret = process.env.GENTRACK_CLIENT_SECRET!;
  const basePath = new URL(job.baseUrl).pathname.replace(/\/+$/, '');
  const accounts = job.accounts.map((account) => ({ ...account }));

  // Prepared before the clock starts: the ceiling is the transport and the tenant, not the mapping.
  const calls: PreparedCall[] = [];
  for (let i = 0; i < job.warmup + job.requests; i++) {
    const event = nextUpdateEvent(accounts[i % accounts.length]!, job.changedBy);
    const change = reassemble([readObjectEvent({ ...event.values, CreatedDate: Date.now() }, event.transactionId)]);
    const [call] = planGentrackCalls(connectorModel, change, () => undefined);
    calls.push({
      method: call!.method,
      path: basePath + call!.path,
      body: JSON.stringify(call!.body),
      transactionId: callTransactionId(event.transactionId, call!),
      transactionDateTime: change.changedAt,
      traceId: randomUUID(),
      changedBy: job.changedBy,
    });
  }

  const tokenResponse = await request(job.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${job.clientId}:${secret}`).toString('base64'),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await tokenResponse.body.json()) as { access_token: string };
  const pool = new Pool(new URL(job.baseUrl).origin, { connections: job.connections, pipelining: 1 });

  let next = 0;
  let failures = 0;
  const worker = async (end: number) => {
    while (next < end) {
      const call = calls[next++]!;
      const response = await pool.request({
        method: call.method as 'PUT',
        path: call.path,
        headers: {
          authorization: 'Bearer ' + token,
          accept: 'application/json',
          'x-transaction-id': call.transactionId,
          'x-transaction-part-number': '1',
          'x-transaction-part-total': '1',
          'x-transaction-date-time': call.transactionDateTime,
          'x-trace-id': call.traceId,
          'content-type': 'application/json',
          'x-on-behalf-of': call.changedBy,
        },
        body: call.body,
      });
      await response.body.text();
      if (response.statusCode >= 300) failures++;
    }
  };
  const run = (end: number) => Promise.all(Array.from({ length: job.concurrency }, () => worker(end)));
  await run(job.warmup);
  process.stdout.write('started\n');
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await run(calls.length);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write('stopped\n');
  await pool.close();
  const result: LoopResult = {
    requests: job.requests,
    failures,
    seconds,
    perSecond: job.requests / seconds,
    clientUsPerRequest: (cpu.user + cpu.system) / job.requests,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
