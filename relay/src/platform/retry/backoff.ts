/**
 * Exponential backoff with equal jitter, as both dispatchers retry (through decide.ts): never less than half the
 * step, so retries spread out without bunching, and never more than the cap.
 */
export function backoffWithJitterMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
