/** Errors of loading Apex: a construct outside the supported subset, or source that does not parse. */
import type { Site } from './ast.js';

export class UnsupportedApexError extends Error {
  override readonly name = 'UnsupportedApexError';
  readonly code = 'APEX_UNSUPPORTED';
  constructor(construct: string, site: Site) {
    super(`unsupported Apex: ${construct} at ${site.file}:${site.line}`);
  }
}

export class ApexSyntaxError extends Error {
  override readonly name = 'ApexSyntaxError';
  readonly code = 'APEX_SYNTAX';
  constructor(file: string, errors: readonly string[]) {
    super(`Apex syntax errors in ${file}:\n${errors.map((error) => `  ${file}:${error}`).join('\n')}`);
  }
}
