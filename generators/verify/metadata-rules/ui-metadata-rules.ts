/**
 * User-interface metadata that ships with the connector: custom object tabs, list views and LWC bundle meta files.
 * Beyond the unknown-element check, only what the deploy insists on.
 */
import { applyElementRules, optional, required, type ElementRule, type Violation } from './element-rules.js';
import type { MetadataDocument } from './metadata-document.js';

const RULES: Readonly<Record<'CustomTab' | 'ListView' | 'LightningComponentBundle', readonly ElementRule[]>> = {
  CustomTab: [
    optional('tab-custom-object', 'customObject', { oneOf: ['true', 'false'] }),
    required('tab-motif', 'motif', { hint: "every tab needs an icon, e.g. 'Custom53: Bell'" }),
  ],
  ListView: [
    required('list-view-label', 'label', { maxLength: 40 }),
    required('list-view-filter-scope', 'filterScope'),
  ],
  LightningComponentBundle: [
    required('lwc-api-version', 'apiVersion', {
      pattern: { regex: /^\d+\.0$/, meaning: "an API version looks like '62.0'" },
    }),
    optional('lwc-is-exposed', 'isExposed', { oneOf: ['true', 'false'] }),
  ],
};

export function checkUiMetadata(document: MetadataDocument): Violation[] {
  const rules = RULES[document.type as keyof typeof RULES];
  return rules ? applyElementRules(document.root, rules) : [];
}
