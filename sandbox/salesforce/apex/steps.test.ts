import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nested, runSteps, settle, type Step } from './steps.js';

function* add(left: number, right: number | Promise<number>): Step<number> {
  return left + (yield* settle(right));
}

/** Counts down through `depth` nested steps, each waiting for `pending` on the way back when given one. */
function* countdown(depth: number, pending?: () => Promise<number>): Step<number> {
  if (depth === 0) return pending ? yield* settle(pending()) : 0;
  return 1 + (yield* nested(countdown(depth - 1, pending)));
}

function* failing(message: string): Step<number> {
  yield* settle(Promise.resolve(0));
  throw new Error(message);
}

describe('steps: the interpreter runs synchronously until the org has to answer', () => {
  it('a step that meets no promise gives its value at once, not a promise', () => {
    assert.equal(runSteps(add(1, 2)), 3);
    assert.equal(runSteps(countdown(10)), 10);
  });

  it('a step that meets a promise resumes with what the promise gave', async () => {
    const result = runSteps(add(1, Promise.resolve(41)));
    assert.ok(result instanceof Promise);
    assert.equal(await result, 42);
    assert.equal(await runSteps(countdown(5, () => Promise.resolve(100))), 105);
  });

  it('nested steps run on the driver stack: 100,000 deep does not overflow the JavaScript stack', () => {
    assert.equal(runSteps(countdown(100_000)), 100_000);
  });

  it('a synchronous throw reaches the caller synchronously, through every nested step', () => {
    function* throwing(depth: number): Step<number> {
      if (depth === 0) throw new Error('at the bottom');
      return yield* nested(throwing(depth - 1));
    }
    assert.throws(() => runSteps(throwing(50)), /at the bottom/);
  });

  it('a rejected promise is thrown into the step that waited for it, where a catch can handle it', async () => {
    function* catching(): Step<string> {
      try {
        yield* settle(Promise.reject(new Error('org refused')));
        return 'not reached';
      } catch (error) {
        return `caught: ${(error as Error).message}`;
      }
    }
    assert.equal(await runSteps(catching()), 'caught: org refused');
  });

  it('an error after a promise rejects the run, and finally blocks of the steps it leaves run', async () => {
    const cleaned: string[] = [];
    function* outer(): Step<number> {
      try {
        return yield* nested(failing('after the org answered'));
      } finally {
        cleaned.push('outer');
      }
    }
    await assert.rejects(async () => runSteps(outer()), /after the org answered/);
    assert.deepEqual(cleaned, ['outer']);
  });
});
