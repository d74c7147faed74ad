/**
 * Waiting for a condition instead of for a fixed time: the one polling helper of the project's tests (unit tests and
 * end-to-end tests alike). A test that sleeps and then asserts passes or fails with the machine's speed; one that
 * polls with a deadline waits exactly as long as the behaviour takes, and when it fails it says what it waited for.
 *
 * This is for "something must happen". For "something must NOT happen", polling cannot help: wait on a barrier that
 * proves the thing would already have happened (a later sentinel change that must arrive after it, an idle signal),
 * then assert once.
 */

/** How often `eventually` checks again. */
const POLL_INTERVAL_MS = 25;

/**
 * Polls until `check` returns a value other than undefined/null/false and resolves with it, or rejects after
 * `timeoutMs` with `timed out waiting for <what>` (and the last error `check` threw, if any).
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  // performance.now(), not Date.now(): a test that mocks Date (node:test mock.timers) still gets its deadline.
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
