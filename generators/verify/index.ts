/**
 * The offline verification pipeline for the Salesforce side: every check over one SFDX project, findings grouped by
 * check. Nothing here needs an org; two checks start a JVM (apex-ls, PMD) and run alongside the others.
 */
import { checkApexPmd, type ApexPmdOptions } from './apex-pmd.js';
import { checkApexSemantics, type ApexSemanticsOptions } from './apex-semantics.js';
import { checkApexSyntax } from './apex-syntax.js';
import { CHECK_NAMES, type CheckName, type Finding } from './finding.js';
import type { FindingsByCheck } from './findings-table.js';
import { checkMetadataRules, type MetadataRulesOptions } from './metadata-rules.js';
import { checkMetadataStructure } from './metadata-structure.js';

export type { CheckName, Finding } from './finding.js';
export { formatFindingsTable, type FindingsByCheck } from './findings-table.js';
export { checkApexPmd, checkApexSemantics, checkApexSyntax, checkMetadataRules, checkMetadataStructure };

export interface RunAllChecksOptions {
  readonly metadataRules?: MetadataRulesOptions;
  readonly apexSemantics?: ApexSemanticsOptions;
  readonly apexPmd?: ApexPmdOptions;
  /** Run only these checks. Default: all. */
  readonly only?: readonly CheckName[];
}

export { CHECK_NAMES };

export async function runAllChecks(projectDir: string, options: RunAllChecksOptions = {}): Promise<FindingsByCheck> {
  const checks: Record<CheckName, () => Promise<Finding[]>> = {
    'metadata-structure': () => checkMetadataStructure(projectDir),
    'metadata-rules': () => checkMetadataRules(projectDir, options.metadataRules),
    'apex-syntax': () => checkApexSyntax(projectDir),
    'apex-semantics': () => checkApexSemantics(projectDir, options.apexSemantics),
    'apex-pmd': () => checkApexPmd(projectDir, options.apexPmd),
  };
  const selected = CHECK_NAMES.filter((name) => !options.only || options.only.includes(name));
  const results = await Promise.all(
    selected.map(async (name) => [name, await runGuarded(name, checks[name])] as const),
  );
  return Object.fromEntries(results) as FindingsByCheck;
}

export function countFindings(findingsByCheck: FindingsByCheck): number {
  return Object.values(findingsByCheck).reduce((sum, findings) => sum + (findings?.length ?? 0), 0);
}

/** A check that crashes is a finding too: the other checks still report, and the run still fails. */
async function runGuarded(name: CheckName, check: () => Promise<Finding[]>): Promise<Finding[]> {
  try {
    return await check();
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return [
      {
        check: name,
        file: '.',
        rule: 'check-crashed',
        message: `the check itself failed, so nothing was verified: ${detail}`,
      },
    ];
  }
}
