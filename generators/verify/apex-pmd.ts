/**
 * Check 5: PMD's Apex rules (through Salesforce Code Analyzer's core and PMD engine, used as libraries): SOQL/DML in
 * loops, CRUD/FLS, sharing, SOQL injection, tests without asserts, and the rest of the Security, Performance, Best
 * Practices, Error Prone and Design categories.
 *
 * A finding a person has accepted is listed, with its reason, in config/pmd-justifications.yaml instead of being
 * silenced in the code: inline suppressions are turned off so that file is the one place to look.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CodeAnalyzer,
  CodeAnalyzerConfig,
  EventType,
  LogLevel,
  type EngineLogEvent,
  type Violation,
} from '@salesforce/code-analyzer-core';
import * as pmdEngine from '@salesforce/code-analyzer-pmd-engine';
import type { Finding } from './finding.js';
import {
  DEFAULT_JUSTIFICATIONS_FILE,
  justificationMatches,
  loadJustifications,
  type Justification,
} from './pmd-justifications.js';
import { projectRelative, readSfdxProjectFor, type SfdxProject } from './sfdx-project.js';

const CHECK = 'apex-pmd' as const;

export const DEFAULT_PMD_CATEGORIES = ['Security', 'Performance', 'BestPractices', 'ErrorProne', 'Design'] as const;

/** Rules the connector's Apex must be held to; their absence means the engine changed under us. */
export const REQUIRED_PMD_RULES = [
  'OperationWithLimitsInLoop',
  'ApexCRUDViolation',
  'ApexUnitTestClassShouldHaveAsserts',
  'ApexSharingViolations',
  'ApexSOQLInjection',
] as const;

export interface ApexPmdOptions {
  /** PMD rule categories (tags) to run on Apex. Default: all of DEFAULT_PMD_CATEGORIES. */
  readonly categories?: readonly string[];
  /** Justifications file relative to the project. Default config/pmd-justifications.yaml. */
  readonly justificationsFile?: string;
}

export async function checkApexPmd(projectDir: string, options: ApexPmdOptions = {}): Promise<Finding[]> {
  const read = await readSfdxProjectFor(CHECK, projectDir);
  if ('unreadable' in read) return [read.unreadable];
  const { project } = read;
  const justificationsPath = path.resolve(project.root, options.justificationsFile ?? DEFAULT_JUSTIFICATIONS_FILE);
  const justificationsRelative = projectRelative(project, justificationsPath);
  const { justifications, problems } = await loadJustifications(justificationsPath);
  const findings: Finding[] = problems.map((problem) => ({
    check: CHECK,
    file: justificationsRelative,
    rule: problem.rule,
    message: problem.message,
    ...(problem.line ? { line: problem.line } : {}),
  }));

  const { violations, runProblems } = await runPmdSerially(project, options.categories ?? DEFAULT_PMD_CATEGORIES);
  findings.push(...runProblems);
  const used = new Set<Justification>();
  for (const violation of violations) {
    const justification = justifications.find((candidate) =>
      justificationMatches(candidate, violation.rule!, violation.file),
    );
    if (justification) used.add(justification);
    else findings.push(violation);
  }
  for (const justification of justifications.filter((candidate) => !used.has(candidate))) {
    findings.push({
      check: CHECK,
      file: justificationsRelative,
      line: justification.line,
      rule: 'stale-justification',
      message: `the justification of ${justification.rule} for ${justification.file} matches no PMD finding any more; remove it (or fix its rule name or file glob)`,
    });
  }
  return findings;
}

/**
 * Runs the rules on the package directories. `violations` are PMD's findings (which justifications may cover);
 * `runProblems` say the run itself was incomplete (unparseable files, required rules missing) and are never justified.
 */
type PmdRun = { violations: Finding[]; runProblems: Finding[]; engineErrors: string[]; rulesSelected: number };

/** PMD runs start a JVM each; on two cores, running them one after another is faster and never starves one. */
let pmdQueue: Promise<unknown> = Promise.resolve();

async function runPmdSerially(project: SfdxProject, categories: readonly string[]): Promise<PmdRun> {
  const run = pmdQueue.then(async () => {
    const first = await runPmd(project, categories);
    if (first.rulesSelected > 0) return first;
    // The engine describes its rules through a Java call; a JVM that failed to start yields no rules at all.
    // Try once more before reporting the required rules as missing, with what the engine logged.
    const second = await runPmd(project, categories);
    if (second.rulesSelected > 0) return second;
    const why = [...first.engineErrors, ...second.engineErrors].join(' | ') || 'the engine logged no error';
    return {
      ...second,
      runProblems: second.runProblems.map((problem) => ({
        ...problem,
        message: `${problem.message} (PMD selected no rules: ${why})`,
      })),
    };
  });
  pmdQueue = run.catch(() => undefined);
  return run;
}

async function runPmd(project: SfdxProject, categories: readonly string[]): Promise<PmdRun> {
  // Our own working folder: the engine keeps its folder after an error, and this one is always removed.
  const workingFolder = await mkdtemp(path.join(os.tmpdir(), 'verify-pmd-'));
  try {
    const analyzer = new CodeAnalyzer(
      CodeAnalyzerConfig.fromObject({
        suppressions: { disable_suppressions: true },
        root_working_folder: workingFolder,
      }),
    );
    // A file PMD cannot parse is skipped with only a log line: make it a finding, or a clean run would lie.
    const runProblems: Finding[] = [];
    const engineErrors: string[] = [];
    analyzer.onEvent<EngineLogEvent>(EventType.EngineLogEvent, (event) => {
      if (event.logLevel === LogLevel.Error) {
        engineErrors.push(event.message);
        runProblems.push(processingErrorFinding(project, event.message));
      }
    });
    await analyzer.addEnginePlugin(pmdEngine.createEnginePlugin());
    const workspace = await analyzer.createWorkspace([...project.packageDirectories]);
    const selection = await analyzer.selectRules(
      categories.map((category) => `pmd:Apex:${category}`),
      { workspace },
    );
    const selected = new Set(
      selection.getEngineNames().flatMap((engine) => selection.getRulesFor(engine).map((rule) => rule.getName())),
    );
    for (const rule of REQUIRED_PMD_RULES.filter((name) => !selected.has(name))) {
      runProblems.push({
        check: CHECK,
        file: '.',
        rule,
        message: `PMD rule ${rule} was not selected by categories ${categories.join(', ')}; the engine may have renamed or moved it, update REQUIRED_PMD_RULES or the categories`,
      });
    }
    const rulesSelected = selection.getCount();
    if (rulesSelected === 0) return { violations: [], runProblems, engineErrors, rulesSelected };
    const results = await analyzer.run(selection, { workspace });
    return {
      violations: results.getViolations().map((violation) => toFinding(project, violation)),
      runProblems,
      engineErrors,
      rulesSelected,
    };
  } finally {
    await rm(workingFolder, { recursive: true, force: true });
  }
}

function toFinding(project: SfdxProject, violation: Violation): Finding {
  const rule = violation.getRule();
  const location = violation.getPrimaryLocation();
  const file = location.getFile();
  const line = location.getStartLine();
  return {
    check: CHECK,
    file: file ? projectRelative(project, file) : '.',
    rule: rule.getName(),
    message: `${violation.getMessage().trim().replace(/\.$/, '')} (${rule
      .getTags()
      .filter((tag) => tag !== 'Apex' && tag !== 'Recommended')
      .join(', ')}); fix the code, or justify it in ${DEFAULT_JUSTIFICATIONS_FILE}`,
    ...(line ? { line } : {}),
  };
}

/** PMD's processing error reads "PMD issued a processing error for file '<path>':\n<details>". */
function processingErrorFinding(project: SfdxProject, message: string): Finding {
  const file = /for file '([^']+)'/.exec(message)?.[1];
  const details = message.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim();
  const syntax = /Syntax error at (\d+):\d+: (.*?)(?: expecting .*)?$/.exec(details);
  const reason = syntax ? `syntax error: ${syntax[2]}` : details.length > 300 ? `${details.slice(0, 300)}…` : details;
  return {
    check: CHECK,
    file: file ? projectRelative(project, file) : '.',
    rule: 'pmd-processing-error',
    message: `PMD could not analyse this file, so none of its rules ran on it (${reason}); fix the file`,
    ...(syntax ? { line: Number(syntax[1]) } : {}),
  };
}
