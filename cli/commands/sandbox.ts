/**
 * `gentrack-sf sandbox`: the local Salesforce org and Gentrack tenant on loopback ports, until Ctrl-C. It writes a
 * relay configuration and a secrets file (mode 0600) so `gentrack-sf relay` can run against it in another terminal.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

interface SandboxCommandOptions {
  salesforcePort: string;
  gentrackPort: string;
  pubsubPort: string;
  dir: string;
  apexTriggers?: boolean;
}

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Run the local Salesforce org and Gentrack tenant stand-ins (tests and demos), until Ctrl-C')
    .option('--salesforce-port <port>', 'REST/OAuth port of the org (0: any free port)', '0')
    .option('--pubsub-port <port>', 'Pub/Sub API (gRPC over TLS) port', '0')
    .option('--gentrack-port <port>', 'Gentrack API port', '0')
    .option('--dir <dir>', 'where to write relay.json and relay.secrets', 'var/sandbox')
    .option('--apex-triggers', "run force-app's triggers in the Apex runtime instead of the TypeScript simulation")
    .action(async (options: SandboxCommandOptions) => {
      const [{ PROJECT_ROOT }, { startSandbox }] = await Promise.all([
        import('../../generators/project-root.js'),
        import('../../sandbox/start-sandbox.js'),
      ]);
      const sandbox = await startSandbox({
        salesforce: { port: Number(options.salesforcePort) },
        gentrack: { port: Number(options.gentrackPort) },
        pubSubPort: Number(options.pubsubPort),
        apexTriggers: options.apexTriggers ?? false,
      });
      const dir = path.resolve(PROJECT_ROOT, options.dir);
      mkdirSync(dir, { recursive: true });
      const configFile = path.join(dir, 'relay.json');
      const secretsFile = path.join(dir, 'relay.secrets');
      writeFileSync(configFile, JSON.stringify(sandbox.relayConfigInput({ storePath: path.join(dir, 'relay.db') }), null, 2));
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
          'Sandbox running (Ctrl-C to stop). The Apex triggers are SIMULATED from config/connector.yaml.',
          `  Salesforce login URL   ${sandbox.salesforce.loginUrl}`,
          `  Salesforce admin       ${admin.username} / password ${admin.password}, security token ${admin.securityToken}`,
          `  Pub/Sub API            ${sandbox.pubsub.endpoint} (TLS, self-signed)`,
          `  Gentrack API           ${sandbox.gentrack.baseUrl} (token ${sandbox.gentrack.tokenUrl})`,
          `  Gentrack admin         ${sandbox.gentrack.adminUrl} (calls, state, faults)`,
          '',
          'Run the relay against it in another terminal:',
          `  GENTRACK_RELAY_SECRETS_FILE=${path.relative(PROJECT_ROOT, secretsFile)} node bin/gentrack-sf.js relay --config ${path.relative(PROJECT_ROOT, configFile)}`,
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
