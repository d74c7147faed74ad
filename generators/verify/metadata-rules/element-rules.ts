/**
 * A small declarative language for "this element must be present / one of these values / an integer in this range /
 * at most N characters / match this pattern / absent", and the one interpreter that applies it. The per-type rule
 * tables (custom objects, fields, permission sets, Apex meta files) are written in it, so adding a Salesforce rule is
 * adding a row, not a branch.
 */
import type { XmlElement } from '../xml-document.js';

/** One problem in one document; the caller adds the file. */
export interface Violation {
  readonly rule: string;
  readonly message: string;
  readonly line?: number;
}

export interface ElementRule {
  /** Reported as Finding.rule; stable so tests and justifications can name it. */
  readonly id: string;
  /** Element path below the document root, '/'-separated: 'label', 'nameField/type', 'valueSet/valueSetDefinition/value/fullName'. */
  readonly path: string;
  /** Must be present (under every parent the path reaches; a missing parent is reported by the parent's own rule). */
  readonly required?: boolean;
  readonly oneOf?: readonly string[];
  readonly integer?: { readonly min: number; readonly max: number };
  readonly maxLength?: number;
  readonly pattern?: { readonly regex: RegExp; readonly meaning: string };
  /** Must not be present; the text says why. */
  readonly forbidden?: string;
  /** Must not be 'true'; the text says why (Salesforce writes <externalId>false</externalId> everywhere). */
  readonly notTrue?: string;
  /** Appended to the message: what Salesforce does with it, or what to do. */
  readonly hint?: string;
}

export function applyElementRules(root: XmlElement, rules: readonly ElementRule[]): Violation[] {
  return rules.flatMap((rule) => applyElementRule(root, rule));
}

function applyElementRule(root: XmlElement, rule: ElementRule): Violation[] {
  const segments = rule.path.split('/');
  const leaf = segments.pop()!;
  const parents = segments.reduce<XmlElement[]>(
    (elements, segment) => elements.flatMap((element) => element.children.filter((c) => c.name === segment)),
    [root],
  );
  const violations: Violation[] = [];
  const say = (element: XmlElement, message: string): void => {
    violations.push({ rule: rule.id, line: element.line, message: rule.hint ? `${message}; ${rule.hint}` : message });
  };
  for (const parent of parents) {
    const matches = parent.children.filter((c) => c.name === leaf);
    if (matches.length === 0 && rule.required) {
      say(parent, `<${rule.path}> is required${parent === root ? '' : ` in <${parent.name}>`} but missing`);
    }
    for (const element of matches) {
      const problem = describeProblem(element, rule);
      if (problem) say(element, problem);
    }
  }
  return violations;
}

function describeProblem(element: XmlElement, rule: ElementRule): string | undefined {
  const value = element.text;
  const name = `<${rule.path}>`;
  if (rule.forbidden !== undefined) return `${name} is not allowed here: ${rule.forbidden}`;
  if (rule.notTrue !== undefined && value === 'true') return `${name} is true, which is not allowed: ${rule.notTrue}`;
  if (rule.required && value === '' && element.children.length === 0) return `${name} is empty`;
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    return `${name} is '${value}'; Salesforce accepts only ${rule.oneOf.map((v) => `'${v}'`).join(', ')}`;
  }
  if (rule.integer) {
    const { min, max } = rule.integer;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      return `${name} is '${value}'; it must be an integer from ${min} to ${max}`;
    }
  }
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    return `${name} '${value}' is ${value.length} characters; the limit is ${rule.maxLength}, shorten it`;
  }
  if (rule.pattern && !rule.pattern.regex.test(value)) return `${name} is '${value}'; ${rule.pattern.meaning}`;
  return undefined;
}

// Row builders, so the tables read as prose.
export const required = (id: string, path: string, extra: Partial<ElementRule> = {}): ElementRule => ({
  id,
  path,
  required: true,
  ...extra,
});
export const optional = (id: string, path: string, extra: Partial<ElementRule>): ElementRule => ({
  id,
  path,
  ...extra,
});
