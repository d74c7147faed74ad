/**
 * CPU accounting of a process from Linux's scheduler statistics, summed over its threads: time it ran on a CPU, and
 * time it was ready to run but waited for one; and the machine's busy CPU time, so that what other processes used can
 * be told apart from the benchmark's own processes competing for the cores.
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

/** Milliseconds all CPUs of the machine spent busy (not idle, not waiting for I/O), from /proc/stat. */
export function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  // /proc/stat counts in USER_HZ ticks, 100 a second on Linux.
  return (user + nice + system + irq + softirq + steal) * 10;
}
