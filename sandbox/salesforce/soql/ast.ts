/** The SOQL subset the sandbox understands, as the parser produces it (names not yet checked against the schema). */

export interface SoqlQuery {
  readonly select: readonly SelectItem[];
  readonly from: string;
  readonly where?: Condition;
  /** `WITH SECURITY_ENFORCED`, `WITH USER_MODE` or `WITH SYSTEM_MODE`: the Apex runtime runs USER_MODE as the user; the API ignores them. */
  readonly security?: SecurityMode;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: number;
  readonly offset?: number;
}

export type SecurityMode = 'SECURITY_ENFORCED' | 'USER_MODE' | 'SYSTEM_MODE';

/** A field path as written: `Name`, or `Account.Gentrack_External_Id__c` (one relationship hop). */
export interface FieldPath {
  readonly parts: readonly string[];
  readonly text: string;
  /** 1-based, for messages. */
  readonly column: number;
}

export type SelectItem = { readonly kind: 'field'; readonly path: FieldPath } | { readonly kind: 'count' };

export type ComparisonOperator =
  '=' | '!=' | '<' | '>' | '<=' | '>=' | 'LIKE' | 'IN' | 'NOT IN' | 'INCLUDES' | 'EXCLUDES';

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly conditions: readonly Condition[] }
  | { readonly kind: 'not'; readonly condition: Condition }
  | {
      readonly kind: 'comparison';
      readonly path: FieldPath;
      readonly operator: ComparisonOperator;
      readonly value: Literal | readonly Literal[];
    };

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'date'; readonly text: string; readonly epochMs: number }
  | { readonly kind: 'datetime'; readonly text: string; readonly epochMs: number }
  /** TODAY, LAST_N_DAYS:30 ...: resolved to a day range when the query runs. */
  | { readonly kind: 'dateLiteral'; readonly name: string; readonly n?: number };

export interface OrderItem {
  readonly path: FieldPath;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}
