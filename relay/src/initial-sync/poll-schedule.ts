/**
 * When to look at a closed Bulk API job again. While it waits its turn (no records processed yet, or none since the
 * last look), the wait grows by half each time up to the maximum, as Salesforce asks. Once it is processing, the
 * next look is when its observed rate says it will finish (never sooner than the first wait, never later than the
 * maximum): a finished job is noticed within a fraction of a second instead of up to the backoff's maximum, so its
 * results are read and the next upload gets its place, without polling a long job any more often.
 *
 * A pass's jobs process side by side, so a rate observed while others were processing too may grow as they end: the
 * estimate is for the job having the org to itself (the rate times the jobs that shared it). Waiting for the shared
 * rate left a pass's last job unnoticed for seconds after it had finished, with nothing else to process meanwhile.
 */
export interface PollSettings {
  readonly pollIntervalMs: number;
  readonly pollMaxIntervalMs: number;
}

export interface JobProgress {
  /** Records Salesforce has processed (successful or failed). */
  readonly processed: number;
  readonly at: number;
}

/** A look past the estimate by this share of it: rates wobble while other jobs share the org. */
const ESTIMATE_MARGIN = 0.1;

export function nextPollWait(
  settings: PollSettings,
  previousWaitMs: number,
  totalRecords: number,
  last: JobProgress | undefined,
  now: JobProgress,
  /** Jobs of the pass processing while the rate was observed, this one included. */
  jobsProcessing = 1,
): number {
  const backoff = Math.min(previousWaitMs * 1.5, settings.pollMaxIntervalMs);
  if (!last || now.processed <= last.processed || now.at <= last.at) return backoff;
  const perMs = ((now.processed - last.processed) / (now.at - last.at)) * Math.max(1, jobsProcessing);
  const remaining = Math.max(0, totalRecords - now.processed);
  const estimate = (remaining / perMs) * (1 + ESTIMATE_MARGIN);
  return Math.min(settings.pollMaxIntervalMs, Math.max(settings.pollIntervalMs, Math.round(estimate)));
}

/**
 * The waits before the next looks at a pass's jobs, cut short together when one of the jobs ends. The org then turns
 * to the jobs left, so a wait estimated while they shared it overshoots: without this, a pass's last job was noticed
 * up to a second after it had finished, with the org and the loader both idle meanwhile.
 */
export class PollWaits {
  private readonly waking = new Set<() => void>();
  /** How many times wakeAll() has run. */
  private wakes = 0;

  /** A mark to read before a look at a job and pass to the wait after it, so a job ending meanwhile is not missed. */
  get mark(): number {
    return this.wakes;
  }

  /**
   * Resolves 'elapsed' after `ms`, or 'woken' at the next wakeAll(); at once if one ran since `mark` was read (a job
   * ended while this one was being looked at).
   */
  wait(ms: number, mark = this.wakes): Promise<'elapsed' | 'woken'> {
    if (mark !== this.wakes) return Promise.resolve('woken');
    return new Promise((resolve) => {
      const end = (how: 'elapsed' | 'woken') => {
        clearTimeout(timer);
        this.waking.delete(wake);
        resolve(how);
      };
      const wake = () => end('woken');
      const timer = setTimeout(() => end('elapsed'), ms);
      this.waking.add(wake);
    });
  }

  /** Ends every wait now: a job ended. */
  wakeAll(): void {
    this.wakes++;
    for (const wake of [...this.waking]) wake();
  }
}
