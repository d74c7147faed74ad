/**
 * `gentrack-sf sandbox`: the local Salesforce org and Gentrack tenant on loopback ports, until Ctrl-C. It writes a
 * relay configuration and a secrets file (mode 0600) so `gentrack-sf relay` can run against it in another terminal.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { portValue } from '../cli/option-values.js';

/** The sample extract under the portal's extract root: small enough to load in seconds. */
const SAMPLE_EXTRACT = 'sample-extract';
const SAMPLE_EXTRACT_ACCOUNTS = 100;

interface SandboxCommandOptions {
  salesforcePort: number;
  gentrackPort: number;
  pubsubPort: number;
  portalPort: number;
  dir: string;
  triggers: boolean;
}

export class SandboxPortInUseError extends Error {
  readonly code = 'SANDBOX_PORT_IN_USE';
}

/** A port in use named by the flag that chose it: `listen EADDRINUSE` alone does not say which of three. */
function portInUse(error: unknown, options: SandboxCommandOptions): Error {
  const { code, message } = error as NodeJS.ErrnoException;
  // Node's listen error carries the port; the gRPC server's (Pub/Sub) only says it in its message.
  const port = (error as { port?: number }).port ?? Number(/EADDRINUSE[^\]]*:(\d+)/.exec(message ?? '')?.[1] ?? -1);
  if (code !== 'EADDRINUSE' && !/EADDRINUSE/.test(message ?? '')) return error as Error;
  const flag = (
    {
      [options.salesforcePort]: '--salesforce-port',
      [options.pubsubPort]: '--pubsub-port',
      [options.gentrackPort]: '--gentrack-port',
    } as Record<number, string>
  )[port];
  return new SandboxPortInUseError(
    `port ${port} is already in use${flag ? ` (${flag})` : ''}: choose another, or 0 for any free port`,
  );
}

/** A port nothing listens on now (the relay takes it later; a race with another program is unlikely on loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Run the local Salesforce org and Gentrack tenant stand-ins (tests and demos), until Ctrl-C')
    .option('--salesforce-port <port>', 'REST/OAuth port of the org (0: any free port)', portValue, 0)
    .option('--pubsub-port <port>', 'Pub/Sub API (gRPC over TLS) port', portValue, 0)
    .option('--gentrack-port <port>', 'Gentrack API port', portValue, 0)
    .option(
      '--portal-port <port>',
      "the relay portal's port in the written config (0: a free one, chosen now)",
      portValue,
      0,
    )
    .option('--dir <dir>', 'where to write relay.json and relay.secrets', 'var/sandbox')
    .option('--no-triggers', "fire no Apex triggers, as an org where the connector's triggers are not deployed")
    .action(async (options: SandboxCommandOptions) => {
      const [{ PROJECT_ROOT }, { startSandbox }] = await Promise.all([
        import('../model/project-root.js'),
        import('./start-sandbox.js'),
      ]);
      const sandbox = await startSandbox({
        salesforce: { port: options.salesforcePort },
        gentrack: { port: options.gentrackPort },
        pubSubPort: options.pubsubPort,
        triggers: options.triggers,
      }).catch((error: unknown) => {
        throw portInUse(error, options);
      });
      const dir = path.resolve(PROJECT_ROOT, options.dir);
      mkdirSync(dir, { recursive: true });
      // A new sandbox org has a new event bus: a relay store from an earlier run holds replay ids it never issued,
      // and the relay would stop at once with REPLAY_ID_UNAVAILABLE.
      const storePath = path.join(dir, 'relay.db');
      const staleStore = ['', '-wal', '-shm']
        .map((suffix) => `${storePath}${suffix}`)
        .filter((file) => existsSync(file));
      for (const file of staleStore) rmSync(file);
      if (staleStore.length > 0)
        console.log(`Removed the relay store of an earlier sandbox run (${path.relative(PROJECT_ROOT, storePath)}).`);
      const configFile = path.join(dir, 'relay.json');
      const secretsFile = path.join(dir, 'relay.secrets');
      // The relay serves the portal; its port is fixed here so the address can be printed before the relay runs.
      const portalPort = options.portalPort || (await freePort());
      const { addSandboxPortalAdmin, SANDBOX_PORTAL_ADMIN } = await import('./sandbox-portal.js');
      const portalPassword = await addSandboxPortalAdmin(storePath);
      // A sample extract, so the portal's Initial Data Synchronisation page has something to load into the org.
      const extractRoot = path.join(dir, 'extracts');
      const { writeSyntheticExtract } = await import('./gentrack/synthetic-extract.js');
      await writeSyntheticExtract(path.join(extractRoot, SAMPLE_EXTRACT), SAMPLE_EXTRACT_ACCOUNTS);
      writeFileSync(
        configFile,
        JSON.stringify(
          {
            ...sandbox.relayConfigInput({ storePath }),
            portal: { host: '127.0.0.1', port: portalPort, initialSync: { extractRoot } },
          },
          null,
          2,
        ),
      );
      writeFileSync(
        secretsFile,
        Object.entries(sandbox.relaySecretsEnv())
          .map(([name, value]) => `${name}=${value}`)
          .join('\n') + '\n',
        { mode: 0o600 },
      );
      chmodSync(secretsFile, 0o600);
      const admin = sandbox.salesforce.org.credentials.admin;
      console.log(
        [
          options.triggers
            ? "Sandbox running (Ctrl-C to stop). force-app's Apex triggers run in the sandbox's Apex runtime."
            : 'Sandbox running (Ctrl-C to stop). No Apex triggers fire (--no-triggers): record changes publish no events.',
          `  Salesforce login URL   ${sandbox.salesforce.loginUrl}`,
          `  Salesforce admin       ${admin.username} / password ${admin.password}, security token ${admin.securityToken}`,
          `  Pub/Sub API            ${sandbox.pubsub.endpoint} (TLS, self-signed)`,
          `  Gentrack API           ${sandbox.gentrack.baseUrl} (token ${sandbox.gentrack.tokenUrl})`,
          `  Gentrack admin         ${sandbox.gentrack.adminUrl} (calls, state, faults)`,
          '',
          'Run the relay against it in another terminal:',
          `  GENTRACK_RELAY_SECRETS_FILE=${path.relative(PROJECT_ROOT, secretsFile)} node bin/gentrack-sf.js relay --config ${path.relative(PROJECT_ROOT, configFile)}`,
          `Then open its portal: http://127.0.0.1:${portalPort}  (sign in as ${SANDBOX_PORTAL_ADMIN}, password ${portalPassword})`,
          `  Initial Data Synchronisation offers ${SAMPLE_EXTRACT} (${SAMPLE_EXTRACT_ACCOUNTS} accounts, their contacts and relations) under ${path.relative(PROJECT_ROOT, extractRoot)}`,
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.close();
      process.exit(0);
    });
}
