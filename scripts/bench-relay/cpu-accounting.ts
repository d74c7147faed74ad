/**
 * CPU accounting of a process from Linux's scheduler statistics, summed over its threads: time it ran on a CPU, and
 * time it was ready to run but waited for one. The wait shows when the machine is busy with other work, which makes
 * throughput figures of that run unreliable.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface SchedulerTime {
  /** Milliseconds on a CPU. */
  readonly runMs: number;
  /** Milliseconds runnable but waiting for a CPU. */
  readonly waitMs: number;
}

/** All threads of the process, or with `mainThreadOnly` the thread that runs its event loop. */
export function schedulerTime(pid: number, mainThreadOnly = false): SchedulerTime {
  let runNs = 0;
  let waitNs = 0;
  for (const task of mainThreadOnly ? [String(pid)] : readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ').map(Number);
      runNs += run ?? 0;
      waitNs += wait ?? 0;
    } catch {
      // the thread ended meanwhile
    }
  }
  return { runMs: runNs / 1e6, waitMs: waitNs / 1e6 };
}

export function since(before: SchedulerTime, after: SchedulerTime): SchedulerTime {
  return { runMs: after.runMs - before.runMs, waitMs: after.waitMs - before.waitMs };
}
