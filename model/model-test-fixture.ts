/**
 * For the model's tests: the default model's text, a way to change one piece of it, and the problems a changed model
 * is refused with.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConnectorModelError, parseConnectorModel } from './load-model.js';

/** config/connector.yaml as committed. */
export const DEFAULT_MODEL = readFileSync(new URL('../config/connector.yaml', import.meta.url), 'utf8');

/** The problems `text` is refused with; fails the test when it is accepted or fails some other way. */
export function problemsOf(text: string): ConnectorModelError['problems'] {
  try {
    parseConnectorModel(text, 'model.yaml');
  } catch (error) {
    assert.ok(error instanceof ConnectorModelError, `expected a ConnectorModelError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('the model was accepted');
}

/** Replaces one exact piece of the default model, failing loudly if the piece is not there. */
export function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the default model no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
