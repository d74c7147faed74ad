/**
 * How the interpreter runs Apex: every step of interpretation is a generator that runs synchronously and yields only
 * - a promise the org has to settle (DML, a query, a callout), which `runSteps` awaits before resuming the step, or
 * - a nested step (an Apex method call), which `runSteps` runs on its own stack of steps, so that Apex's call depth
 *   of 1,000 frames never becomes a JavaScript stack ten times as deep.
 *
 * Most Apex awaits nothing: a trigger that finds publishing disabled runs to its end without creating a promise. With
 * an async function per statement and expression it created hundreds per chunk of 200 records, each one through the
 * org's AsyncLocalStorage hooks, and a bulk load of a million records paid for that on every chunk.
 */
export type Step<T> = Generator<Pending, T, unknown>;
type Pending = Promise<unknown> | Step<unknown>;

/** A value that may still be pending, as a step: it suspends only when it has to. */
export function* settle<T>(value: T | Promise<T>): Step<T> {
  return value instanceof Promise ? ((yield value) as T) : value;
}

/** A step run on the driver's stack of steps rather than inside its caller's generator. */
export function* nested<T>(step: Step<T>): Step<T> {
  return (yield step) as T;
}

/** Where a stack of steps stands: finished with a value, or waiting for a promise. */
type Progress =
  { readonly done: true; readonly value: unknown } | { readonly done: false; readonly pending: Promise<unknown> };

/** Runs `step` to its end: synchronously (a value, or a throw) unless it meets a promise, then as a promise. */
export function runSteps<T>(step: Step<T>): T | Promise<T> {
  const stack: Step<unknown>[] = [step];
  const progress = advance(stack, { value: undefined });
  return progress.done ? (progress.value as T) : (finish(stack, progress.pending) as Promise<T>);
}

async function finish(stack: Step<unknown>[], pending: Promise<unknown>): Promise<unknown> {
  for (;;) {
    let outcome: { value: unknown } | { error: unknown };
    try {
      outcome = { value: await pending };
    } catch (error) {
      outcome = { error };
    }
    const progress = advance(stack, outcome);
    if (progress.done) return progress.value;
    pending = progress.pending;
  }
}

/** Resumes the innermost step with `outcome` and carries on until the stack empties or a step yields a promise. */
function advance(stack: Step<unknown>[], outcome: { value: unknown } | { error: unknown }): Progress {
  for (;;) {
    const top = stack[stack.length - 1]!;
    let next: IteratorResult<Pending, unknown>;
    try {
      next = 'error' in outcome ? top.throw(outcome.error) : top.next(outcome.value);
    } catch (error) {
      stack.pop();
      if (stack.length === 0) throw error;
      outcome = { error };
      continue;
    }
    if (next.done) {
      stack.pop();
      if (stack.length === 0) return { done: true, value: next.value };
      outcome = { value: next.value };
    } else if (next.value instanceof Promise) {
      return { done: false, pending: next.value };
    } else {
      stack.push(next.value);
      outcome = { value: undefined };
    }
  }
}
