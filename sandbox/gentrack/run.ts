import pino, { type Logger } from 'pino';
import { startGentrackSandbox, type GentrackSandbox, type GentrackSandboxOptions } from './start.js';

export interface RunGentrackSandboxOptions extends GentrackSandboxOptions {
  /** Where to say where the sandbox listens. Default: a pino logger on stdout. */
  logger?: Logger;
  /** Close cleanly on SIGINT/SIGTERM. Default true. */
  handleSignals?: boolean;
}

/** Runs the sandbox as a standalone process (the CLI's `sandbox gentrack` command): start, log the URLs, wait. */
export async function runGentrackSandbox(options: RunGentrackSandboxOptions = {}): Promise<GentrackSandbox> {
  const { logger = pino({ name: 'gentrack-sandbox' }), handleSignals = true, ...sandboxOptions } = options;
  const sandbox = await startGentrackSandbox(sandboxOptions);
  logger.info(
    {
      baseUrl: sandbox.baseUrl,
      tokenUrl: sandbox.tokenUrl,
      adminUrl: sandbox.adminUrl,
      clientId: sandbox.clientId,
      operations: sandbox.operations.length,
    },
    `Gentrack sandbox listening at ${sandbox.baseUrl}`,
  );
  if (handleSignals) {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'Gentrack sandbox stopping');
      void sandbox.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return sandbox;
}
