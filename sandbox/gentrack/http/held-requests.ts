import type { FastifyReply } from 'fastify';
import type { RecordedCall } from '../call-log.js';

export type HoldOutcome = 'elapsed' | 'aborted';

/**
 * Why a request is held: `latency` (the `delayMs` setting: not processed yet, so no effect), `answer` (the
 * `answerDelayMs` setting: processed, its answer not sent yet) or `timeout` (a timeout fault: no effect).
 */
export type HoldReason = 'latency' | 'answer' | 'timeout';

export interface HeldCall {
  readonly reason: HoldReason;
  /** The call as the log recorded it, for a call held after it was recorded (when the log is recording). */
  readonly call?: RecordedCall;
}

/**
 * Requests the sandbox deliberately answers late (latency, answer delay, timeout faults). A hold ends early when the
 * client goes away or the sandbox closes, so a 65 s timeout fault never keeps a test process alive.
 */
export class HeldRequests {
  private readonly releases = new Map<() => void, HeldCall>();

  hold(delayMs: number, reply: FastifyReply, held: HeldCall): Promise<HoldOutcome> {
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
      this.releases.set(abort, held);
    });
  }

  /** Requests held right now. */
  list(): HeldCall[] {
    return [...this.releases.values()];
  }

  /** Ends every hold as aborted (the sandbox is closing). */
  abortAll(): void {
    for (const abort of [...this.releases.keys()]) abort();
  }
}
