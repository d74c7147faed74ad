/** `gentrack-sf demo` (npm run demo): the sandbox, the relay, and a stream of changes arriving in Gentrack. */
import type { Command } from 'commander';
import { portValue, positiveNumberValue } from '../../cli/option-values.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the sandbox and the relay, make realistic changes in Salesforce and show them arriving in Gentrack',
    )
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', positiveNumberValue)
    .option('--rate <changes-per-second>', 'changes made in Salesforce per second', positiveNumberValue, 8)
    .option('--portal-port <port>', "the portal's port (0: any free port)", portValue, 0)
    .addHelpText('after', '\nExamples:\n  gentrack-sf demo --duration 30 --rate 20   run for 30 s, 20 changes a second')
    .action(async (options: { duration?: number; rate: number; portalPort: number }) => {
      const { runDemo } = await import('./run-demo.js');
      const summary = await runDemo({
        ...(options.duration !== undefined ? { durationSeconds: options.duration } : {}),
        changesPerSecond: options.rate,
        portalPort: options.portalPort,
      });
      // The Pub/Sub client keeps a socket open after shutdown (see the relay command): exit explicitly.
      process.exit(summary.relay.deadLetters === 0 && summary.caughtUp !== false ? 0 : 1);
    });
}
