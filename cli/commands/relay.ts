/** `gentrack-sf relay`: runs the relay service until SIGINT/SIGTERM. */
import type { Command } from 'commander';

export function registerRelayCommand(program: Command): void {
  program
    .command('relay')
    .description(
      'Run the relay: Salesforce events to Gentrack, with /healthz and /metrics (see config/relay.example.yaml)',
    )
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)')
    .action(async (options: { config?: string }) => {
      if (RUNS_COMPILED && !sourceMapsAskedFor()) {
        // bin/gentrack-sf.js turns source maps on for dist/, and node then keeps the map of every module loaded
        // after that, node_modules' included: about 4 MB of the long-running relay's memory (bench:relay peak RSS
        // 155-158 -> 148-155 MB). Its stack traces show dist/ positions instead of TypeScript ones; start it with
        // NODE_OPTIONS=--enable-source-maps to have those.
        process.setSourceMapsEnabled(false);
      }
      // Loaded only now, and the other commands load theirs likewise: the long-running relay process carries no
      // generator, verifier or sandbox code (their modules alone would add over 100 MB of memory).
      const { runRelay } = await import('../../relay/src/run-relay.js');
      const code = await runRelay(options.config ? { configFile: options.config } : {});
      // Everything is stored and closed by now. The Pub/Sub client cannot cancel a live stream without risking an
      // uncaught error, so its socket would keep the process alive: exit explicitly.
      process.exit(code);
    });
}

/** Compiled (dist/); from the TypeScript sources, tsx needs source maps for any position to be right. */
const RUNS_COMPILED = import.meta.url.endsWith('.js');

function sourceMapsAskedFor(): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
}
