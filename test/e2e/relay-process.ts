/**
 * Runs `gentrack-sf relay` as a child process against a sandbox, the way an operator runs it, so tests can kill it
 * (SIGKILL: no shutdown code runs) and start it again on the same store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { PROJECT_ROOT } from '../../model/project-root.js';
import type { Sandbox } from '../../sandbox/start-sandbox.js';
import { eventually } from './harness.js';

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly output: string[];
  /** Resolves with the ops URL once /readyz reports the relay ready (subscription live). */
  healthy(timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function writeRelayConfig(sandbox: Sandbox, dir: string, overrides: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'relay.json');
  const input = sandbox.relayConfigInput({ storePath: path.join(dir, 'relay.db') }) as Record<
    string,
    Record<string, unknown>
  >;
  const config = {
    ...input,
    log: { level: 'info' },
    ...overrides,
    delivery: { ...(input.delivery ?? {}), ...((overrides.delivery as object) ?? {}) },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** `env`: more environment variables (secrets the sandbox does not know of, such as a proxy password). */
export function startRelayProcess(
  sandbox: Sandbox,
  configFile: string,
  env: Record<string, string> = {},
): RelayProcess {
  const child = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'relay', '--config', configFile],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...sandbox.relaySecretsEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  let opsUrl: string | undefined;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      output.push(line);
      const url = /"url":"(http:\/\/[^"]+)".*operations server listening/.exec(line)?.[1];
      if (url) opsUrl = url;
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output,
    async healthy(timeoutMs = 30_000) {
      return eventually(
        'a healthy relay process',
        async () => {
          if (child.exitCode !== null)
            throw new Error(`the relay exited with ${child.exitCode}:\n${output.slice(-20).join('\n')}`);
          if (!opsUrl) return undefined;
          const response = await request(`${opsUrl}/readyz`);
          await response.body.dump();
          return response.statusCode === 200 ? opsUrl : undefined;
        },
        timeoutMs,
      );
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
