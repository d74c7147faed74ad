import type { FastifyReply } from 'fastify';

export type HoldOutcome = 'elapsed' | 'aborted';

/**
 * Requests the sandbox deliberately answers late (latency, timeout faults). A hold ends early when the client goes
 * away or the sandbox closes, so a 65 s timeout fault never keeps a test process alive.
 */
export class HeldRequests {
  private readonly releases = new Set<() => void>();

  hold(delayMs: number, reply: FastifyReply): Promise<HoldOutcome> {
    return new Promise((resolve) => {
      const response = reply.raw;
      const finish = (outcome: HoldOutcome) => {
        clearTimeout(timer);
        response.off('close', onClose);
        this.releases.delete(abort);
        resolve(outcome);
      };
      const abort = () => finish('aborted');
      const onClose = () => finish('aborted');
      const timer = setTimeout(() => finish('elapsed'), delayMs);
      timer.unref();
      response.once('close', onClose);
      this.releases.add(abort);
    });
  }

  /** Ends every hold as aborted (the sandbox is closing). */
  abortAll(): void {
    for (const abort of [...this.releases]) abort();
  }
}
