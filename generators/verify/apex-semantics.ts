/**
 * Check 4: the Apex means something. apex-ls (Apex Dev Tools, the analyser the code analyzer ships) resolves types,
 * methods, SObject fields of the project's own objects and events, and assignments across the whole project: the
 * nearest thing to a compile without an org.
 *
 * It does NOT see unknown fields inside SOQL or reads of unknown fields on standard objects; those need review.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Finding } from './finding.js';
import { projectRelative, readSfdxProjectFor } from './sfdx-project.js';

const CHECK = 'apex-semantics' as const;

export interface ApexSemanticsOptions {
  /** The java executable. Default: $JAVA_HOME/bin/java when JAVA_HOME is set, else `java` on the PATH. */
  readonly javaCommand?: string;
  /** Give up after this long. Default 5 minutes (a cold JVM on a large project takes well under one). */
  readonly timeoutMs?: number;
}

/** CheckForIssues exit codes: 0 no issues, 4 issues reported; anything else means it did not run properly. */
const EXIT_CLEAN = 0;
const EXIT_ISSUES = 4;

interface ApexLsReport {
  files?: {
    path: string;
    messages?: { start?: { line?: number; offset?: number }; category?: string; message?: string }[];
  }[];
}

export async function checkApexSemantics(projectDir: string, options: ApexSemanticsOptions = {}): Promise<Finding[]> {
  const read = await readSfdxProjectFor(CHECK, projectDir);
  if ('unreadable' in read) return [read.unreadable];
  const { project } = read;
  const javaCommand = options.javaCommand ?? defaultJava();
  // -n: no cache (a cache in $HOME would make CI depend on earlier runs); -d warnings: errors and warnings;
  // -f json: machine-readable; -w: the workspace, i.e. the folder with sfdx-project.json.
  const args = [
    // A short-lived run: the C1-only JIT and the serial collector start faster (about 40% less time here).
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-cp',
    `${javaLibDirectory()}${path.sep}*`,
    'io.github.apexdevtools.apexls.CheckForIssues',
    ...['-n', '-d', 'warnings', '-f', 'json', '-w', project.root],
  ];
  const run = await runJava(javaCommand, args, options.timeoutMs ?? 300_000);

  if (run.spawnError) {
    return [
      {
        check: CHECK,
        file: '.',
        rule: 'java-unavailable',
        message: `cannot start '${javaCommand}' (${run.spawnError}); apex-ls needs Java 17: install openjdk-17-jre-headless or set JAVA_HOME`,
      },
    ];
  }
  if (run.exitCode !== EXIT_CLEAN && run.exitCode !== EXIT_ISSUES) {
    return [
      {
        check: CHECK,
        file: '.',
        rule: 'apex-ls-failed',
        message: `apex-ls exited with ${run.exitCode ?? run.signal}: ${tail(run.stderr || run.stdout)}; run it by hand: ${javaCommand} ${args.map(quote).join(' ')}`,
      },
    ];
  }

  let report: ApexLsReport;
  try {
    report = JSON.parse(run.stdout) as ApexLsReport;
  } catch {
    return [
      {
        check: CHECK,
        file: '.',
        rule: 'apex-ls-failed',
        message: `apex-ls printed no JSON report: ${tail(run.stdout)}`,
      },
    ];
  }
  const findings: Finding[] = [];
  for (const file of report.files ?? []) {
    for (const issue of file.messages ?? []) {
      findings.push({
        check: CHECK,
        file: projectRelative(project, path.resolve(project.root, file.path)),
        rule: issue.category ?? 'Error',
        message: `${(issue.message ?? 'unspecified problem').replace(/\.$/, '')}${issue.start?.offset !== undefined ? ` (column ${issue.start.offset + 1})` : ''}; fix the Apex or the metadata it refers to`,
        ...(issue.start?.line ? { line: issue.start.line } : {}),
      });
    }
  }
  if (run.exitCode === EXIT_ISSUES && findings.length === 0) {
    findings.push({
      check: CHECK,
      file: '.',
      rule: 'apex-ls-failed',
      message: `apex-ls reported issues but listed none: ${tail(run.stderr)}`,
    });
  }
  return findings;
}

/** apex-ls ships inside the PMD engine package, with every jar it needs. */
function javaLibDirectory(): string {
  const packageJson = createRequire(import.meta.url).resolve('@salesforce/code-analyzer-pmd-engine/package.json');
  return path.join(path.dirname(packageJson), 'dist', 'java-lib');
}

function defaultJava(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

interface JavaRun {
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly spawnError?: string;
}

function runJava(command: string, args: readonly string[], timeoutMs: number): Promise<JavaRun> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { code?: string | number; signal?: string }) | null;
      if (failure && typeof failure.code === 'string') {
        resolve({ exitCode: null, stdout, stderr, spawnError: failure.code });
        return;
      }
      resolve({
        exitCode: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
        ...(failure?.signal ? { signal: failure.signal } : {}),
        stdout,
        stderr,
      });
    });
  });
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 400 ? `…${trimmed.slice(-400)}` : trimmed || '(no output)';
}

function quote(arg: string): string {
  return /[\s*'"]/.test(arg) ? `'${arg}'` : arg;
}
