/** A command was given something it cannot use (an unknown id, a bad option value); the message says what to give. */
import { RelayError } from '../relay/src/platform/errors.js';

export class CliUsageError extends RelayError {
  readonly code = 'CLI_USAGE';
}
