/**
 * A model that still uses an operation name Gentrack's connector reference spells differently
 * (DEPRECATED_OPERATION_NAMES) loads, with a deprecation warning naming the reference's name; the resolved model only
 * ever holds the new name, so the Apex, the relay and the sandbox never see the old one.
 */
import { DEPRECATED_OPERATION_NAMES, type DeprecatedOperationName } from './gentrack-operations.js';
import { DML_OPERATIONS, type ConnectorModelInput, type OperationRuleInput } from './schema.js';
import type { ModelPath } from './resolve-model.js';

export interface ModelWarning {
  readonly path: ModelPath;
  readonly message: string;
}

function isDeprecated(name: string): name is DeprecatedOperationName {
  return Object.hasOwn(DEPRECATED_OPERATION_NAMES, name);
}

/** A copy of `input` with every deprecated operation name replaced by the reference's, and a warning for each. */
export function renameDeprecatedOperations(input: ConnectorModelInput): {
  input: ConnectorModelInput;
  warnings: ModelWarning[];
} {
  const warnings: ModelWarning[] = [];
  const renamed = (rule: OperationRuleInput, at: ModelPath): OperationRuleInput => {
    if (!isDeprecated(rule.operation)) return rule;
    const name = DEPRECATED_OPERATION_NAMES[rule.operation];
    warnings.push({
      path: [...at, 'operation'],
      message: `"${rule.operation}" is deprecated: use "${name}", the name in Gentrack's connector reference (the old name still works for now)`,
    });
    return { ...rule, operation: name };
  };

  const objects: ConnectorModelInput['objects'] = {};
  for (const [objectName, object] of Object.entries(input.objects)) {
    const operations: typeof object.operations = {};
    for (const dml of DML_OPERATIONS) {
      const rules = object.operations[dml];
      if (rules === undefined) continue;
      const at: ModelPath = ['objects', objectName, 'operations', dml];
      operations[dml] = Array.isArray(rules)
        ? rules.map((rule, index) => renamed(rule, [...at, index]))
        : renamed(rules, at);
    }
    objects[objectName] = { ...object, operations };
  }
  return { input: { ...input, objects }, warnings };
}
