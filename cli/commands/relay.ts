/** `gentrack-sf relay`: runs the relay service until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { runRelay } from '../../relay/src/run-relay.js';

export function registerRelayCommand(program: Command): void {
  program
    .command('relay')
    .description('Run the relay: Salesforce events to Gentrack, with /healthz and /metrics (see config/relay.example.yaml)')
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)')
    .action(async (options: { config?: string }) => {
      const code = await runRelay(options.config ? { configFile: options.config } : {});
      // Everything is stored and closed by now. The Pub/Sub client cannot cancel a live stream without risking an
      // uncaught error, so its socket would keep the process alive: exit explicitly.
      process.exit(code);
    });
}
