/**
 * `gentrack-sf apex test [--class Name] [--method name] [--json] [--coverage]`: runs the generated @IsTest classes
 * in the sandbox org's Apex runtime (no org needed) and prints what `sf apex run test --result-format human
 * --code-coverage` prints. Exits 1 when a test method fails.
 */
import path from 'node:path';
import type { Command } from 'commander';

interface ApexTestOptions {
  class?: string;
  method?: string;
  json?: boolean;
  coverage?: boolean;
  project: string;
}

export function registerApexCommand(program: Command): void {
  const apex = program.command('apex').description("Run the generated Apex offline, in the sandbox org's Apex runtime");
  apex
    .command('test')
    .description('Run the @IsTest classes of force-app: each method in its own rolled-back transaction, with coverage')
    .option('--class <name>', 'only this test class')
    .option('--method <name>', 'only this test method')
    .option('--json', 'print the result as JSON (with governor limit usage per method)')
    .option('--coverage', 'report line coverage per class and trigger')
    .option('--project <dir>', 'SFDX project directory (the folder with force-app)', '.')
    .action(async (options: ApexTestOptions) => {
      const forceAppDir = path.resolve(options.project, 'force-app');
      // The sandbox loads only when this command runs: nothing that ships imports it at start.
      const [{ SandboxOrg }, { createApexRuntime }, { runApexTests }, { formatHuman, formatJson }] = await Promise.all([
        import('../org/sandbox-org.js'),
        import('./apex-runtime.js'),
        import('./test-runner.js'),
        import('./test-report.js'),
      ]);
      const org = new SandboxOrg({ forceAppDir });
      const runtime = createApexRuntime(org, forceAppDir);
      const run = await runApexTests(runtime, {
        ...(options.class ? { className: options.class } : {}),
        ...(options.method ? { methodName: options.method } : {}),
      });
      const context = { orgId: org.id, username: org.users.admin.username, coverage: options.coverage ?? false };
      console.log(options.json ? formatJson(run, context) : formatHuman(run, context));
      if (run.tests.some((test) => test.outcome === 'Fail')) process.exitCode = 1;
    });
}
