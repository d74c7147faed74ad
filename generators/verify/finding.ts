/**
 * What every offline check reports, and the shape of a check.
 *
 * A finding is something a person must act on: `message` says what is wrong, where, and what to do. `file` is
 * relative to the project directory (posix separators) so the same finding reads the same on every machine.
 */

export type CheckName = 'metadata-structure' | 'metadata-rules' | 'apex-syntax' | 'apex-semantics' | 'apex-pmd';

/** Every check, in the order they run and report. */
export const CHECK_NAMES: readonly CheckName[] = [
  'metadata-structure',
  'metadata-rules',
  'apex-syntax',
  'apex-semantics',
  'apex-pmd',
];

export interface Finding {
  readonly check: CheckName;
  readonly file: string;
  readonly line?: number;
  /** Stable identifier of what was violated (a rule of ours, a PMD rule, an apex-ls category). */
  readonly rule?: string;
  readonly message: string;
}

/** A check takes the root of an SFDX project (the folder holding sfdx-project.json). */
export type Check<Options = undefined> = (projectDir: string, options?: Options) => Promise<Finding[]>;

export type VerifyErrorCode = 'SFDX_PROJECT_UNREADABLE' | 'TOOL_NOT_FOUND';

/** A check could not run at all (as opposed to: it ran and found problems). */
export class VerifyError extends Error {
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VerifyError';
  }
}

/** Orders findings by file, then line, so reports and test failures are stable. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.rule ?? '').localeCompare(b.rule ?? '') ||
      a.message.localeCompare(b.message),
  );
}
