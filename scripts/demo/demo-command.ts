/** `gentrack-sf demo` (npm run demo): the sandbox, the relay, and a stream of changes arriving in Gentrack. */
import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run the sandbox and the relay, make realistic changes in Salesforce and show them arriving in Gentrack')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .option('--rate <changes-per-second>', 'changes made in Salesforce per second', '8')
    .action(async (options: { duration?: string; rate: string }) => {
      const { runDemo } = await import('./run-demo.js');
      const summary = await runDemo({
        ...(options.duration ? { durationSeconds: Number(options.duration) } : {}),
        changesPerSecond: Number(options.rate),
      });
      // The Pub/Sub client keeps a socket open after shutdown (see the relay command): exit explicitly.
      process.exit(summary.relay.deadLetters === 0 ? 0 : 1);
    });
}
