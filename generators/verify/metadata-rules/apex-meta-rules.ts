/**
 * ApexClass and ApexTrigger meta files: an API version recent enough for the features the connector relies on
 * (user-mode database operations need 62.0 semantics) and an Active status (production orgs refuse anything else).
 */
import { child } from '../xml-document.js';
import { applyElementRules, required, type Violation } from './element-rules.js';
import type { MetadataDocument } from './metadata-document.js';

export const DEFAULT_MIN_API_VERSION = '62.0';

const RULES = [
  required('apex-api-version', 'apiVersion', {
    pattern: { regex: /^\d+\.0$/, meaning: "an API version looks like '62.0'" },
  }),
  required('apex-status', 'status', { oneOf: ['Active'], hint: 'production orgs only accept Active Apex' }),
];

export function checkApexMeta(document: MetadataDocument, minApiVersion = DEFAULT_MIN_API_VERSION): Violation[] {
  const violations = applyElementRules(document.root, RULES);
  const apiVersion = child(document.root, 'apiVersion');
  if (apiVersion && Number(apiVersion.text) < Number(minApiVersion)) {
    violations.push({
      rule: 'apex-api-version',
      line: apiVersion.line,
      message: `<apiVersion> is ${apiVersion.text}; this project needs at least ${minApiVersion} (sfdx-project.json sourceApiVersion), raise it`,
    });
  }
  return violations;
}
