/** For the commands' tests: runs gentrack-sf in this process and returns what it printed and its exit code. */
import { mock } from 'node:test';
import { runGentrackSf, type RegisterCommand } from './program.js';

export async function runCli(
  commands: readonly RegisterCommand[],
  args: readonly string[],
): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = mock.method(console, 'log', (...line: unknown[]) => void out.push(line.join(' ')));
  const error = mock.method(console, 'error', (...line: unknown[]) => void err.push(line.join(' ')));
  const before = process.exitCode;
  try {
    await runGentrackSf(commands, ['node', 'gentrack-sf', ...args]);
    return { out: out.join('\n'), err: err.join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    log.mock.restore();
    error.mock.restore();
  }
}
