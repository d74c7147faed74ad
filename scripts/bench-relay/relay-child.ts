/**
 * The relay under test, as its own process (`gentrack-sf relay --config <file>`), so its memory is its own and it
 * does not share an event loop with the sandbox. At log level warn the relay prints no ops URL, so the benchmark
 * picks the ops port itself and talks to /readyz and /metrics there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { PROJECT_ROOT } from '../../model/project-root.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import { CLI_BIN, cliNodeOptions } from '../cli-node-options.js';

export interface RelayChildOptions {
  readonly dir: string;
  /** Used in file names: `<name>.json`, `<name>.db`. */
  readonly name: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  /** Write a V8 CPU profile of the relay into this directory (node --cpu-prof). */
  readonly cpuProfileDir?: string;
  /** More node options for the relay process, e.g. V8 heap limits. */
  readonly nodeArgs?: readonly string[];
  /** Run the relay with its portal listening (nobody signed in): what the portal costs a relay when no one looks. */
  readonly portal?: boolean;
}

/** The relay's own gauges, read from /metrics. */
export interface RelayGauges {
  readonly changesPending: number;
  readonly writeBacksPending: number;
  readonly deadLetters: number;
}

export interface RelayChild {
  readonly pid: number;
  readonly output: string[];
  gauges(): Promise<RelayGauges>;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;

  /** SIGTERM (graceful stop) and wait for the exit. */
  stop(): Promise<number | null>;
}

export async function startRelayChild(sandbox: Sandbox, options: RelayChildOptions): Promise<RelayChild> {
  const port = await freePort();
  const input = sandbox.relayConfigInput({ storePath: path.join(options.dir, `${options.name}.db`) }) as Record<
    string,
    Record<string, unknown>
  >;
  const config = {
    ...input,
    store: { ...input.store, synchronous: options.synchronous },
    http: { ...input.http, port },
    log: { level: 'warn' },
    ...(options.portal ? { portal: { host: '127.0.0.1', port: 0 } } : {}),
  };
  const configFile = path.join(options.dir, `${options.name}.json`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const nodeArgs = [
    ...(options.nodeArgs ?? []),
    ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : []),
  ];
  // Started as an operator starts it: with the node options of the executable's shebang, then the benchmark's own
  // (node refuses some of them, such as --cpu-prof, in NODE_OPTIONS, so they go on the command line).
  const child: ChildProcess = spawn(
    process.execPath,
    [...cliNodeOptions(), ...nodeArgs, CLI_BIN, 'relay', '--config', configFile],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...sandbox.relaySecretsEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const opsUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the relay exited with ${child.exitCode}:\n${output.slice(-20).join('\n')}`);
    const status = await request(`${opsUrl}/readyz`)
      .then(async (response) => {
        await response.body.dump();
        return response.statusCode;
      })
      .catch(() => 0);
    if (status === 200) break;
    if (Date.now() > deadline)
      throw new Error(`the relay did not become ready within 30 s:\n${output.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    pid: child.pid!,
    output,
    async gauges() {
      const response = await request(`${opsUrl}/metrics`);
      const text = await response.body.text();
      const gauge = (name: string) =>
        Number(new RegExp(`^gentrack_relay_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      return {
        changesPending: gauge('changes_pending'),
        writeBacksPending: gauge('write_backs_pending'),
        deadLetters: gauge('dead_letters'),
      };
    },
    peakRssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
      return kib / 1024;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
