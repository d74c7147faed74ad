/**
 * Errors the sandbox org raises, each carrying the Salesforce error code and the HTTP status the REST API answers
 * with, so the REST layer can render them exactly as Salesforce does and the code API can be asserted on.
 */

/** One error as Salesforce reports it in a REST error body (`errorCode`) or a save result (`statusCode`). */
export interface SalesforceErrorDetail {
  readonly errorCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

export class SalesforceError extends Error {
  override readonly name: string = 'SalesforceError';

  constructor(
    readonly errorCode: string,
    message: string,
    readonly fields: readonly string[] = [],
    /** Status of a REST answer made of this error alone (400 unless the code says otherwise). */
    readonly httpStatus = 400,
  ) {
    super(message);
  }

  toDetail(): SalesforceErrorDetail {
    return { errorCode: this.errorCode, message: this.message, fields: this.fields };
  }
}

/** The record's type or id names nothing in the org: REST answers 404. */
export function notFound(): SalesforceError {
  return new SalesforceError('NOT_FOUND', 'The requested resource does not exist', [], 404);
}

export function entityIsDeleted(): SalesforceError {
  return new SalesforceError('ENTITY_IS_DELETED', 'entity is deleted', [], 404);
}

export function invalidCrossReferenceKey(
  message = 'invalid cross reference id',
  fields: readonly string[] = [],
): SalesforceError {
  return new SalesforceError('INVALID_CROSS_REFERENCE_KEY', message, fields);
}

export function malformedId(id: string, label?: string, fields: readonly string[] = []): SalesforceError {
  return new SalesforceError(
    'MALFORMED_ID',
    label === undefined ? `malformed id ${id}` : `${label}: id value of incorrect type: ${id}`,
    fields,
  );
}

export function invalidType(objectType: string): SalesforceError {
  return new SalesforceError(
    'INVALID_TYPE',
    `sObject type '${objectType}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function noSuchColumn(field: string, objectType: string): SalesforceError {
  return new SalesforceError('INVALID_FIELD', `No such column '${field}' on sobject of type ${objectType}`, [field]);
}

/**
 * Fields a save may not set: not createable or updateable at all, or not editable for the user under field-level
 * security (the API and Apex user mode report both alike).
 */
export function cannotWriteFields(fields: readonly string[]): SalesforceError {
  return new SalesforceError(
    'INVALID_FIELD_FOR_INSERT_UPDATE',
    `Unable to create/update fields: ${fields.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
    fields,
  );
}

export function invalidSession(): SalesforceError {
  return new SalesforceError('INVALID_SESSION_ID', 'Session expired or invalid', [], 401);
}

export function requestLimitExceeded(): SalesforceError {
  return new SalesforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', [], 403);
}

export function malformedQuery(message: string): SalesforceError {
  return new SalesforceError('MALFORMED_QUERY', message);
}

export function jsonParserError(message: string): SalesforceError {
  return new SalesforceError('JSON_PARSER_ERROR', message);
}

/** Given to the records of an all-or-none call that were valid but were rolled back because another one was not. */
export function allOrNoneRolledBack(): SalesforceError {
  return new SalesforceError(
    'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  );
}

/** A DML call through the code API failed and was rolled back; `results` holds every record's outcome. */
export class DmlError extends SalesforceError {
  override readonly name: string = 'DmlError';

  constructor(
    readonly results: readonly { readonly success: boolean; readonly errors: readonly SalesforceErrorDetail[] }[],
  ) {
    const first = results
      .flatMap((result) => result.errors)
      .find((error) => error.errorCode !== 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    super(first?.errorCode ?? 'UNKNOWN_EXCEPTION', first?.message ?? 'DML failed', first?.fields ?? []);
  }
}
