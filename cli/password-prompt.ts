/**
 * Reads a password from the terminal without showing it: raw mode, characters collected until Enter, Backspace
 * handled, Ctrl-C cancels.
 */
import { Secret } from '../relay/src/platform/config/secret.js';
import { CliUsageError } from './cli-usage-error.js';

export function readPassword(prompt: string): Promise<Secret> {
  const input = process.stdin;
  process.stdout.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  let typed = '';
  return new Promise((resolve, reject) => {
    const done = (outcome: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stdout.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return done(() => resolve(new Secret(typed)));
        if (character === '\u0003') return done(() => reject(new CliUsageError('cancelled; nothing was changed')));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    input.on('data', onData);
  });
}
