import type { z } from 'zod';
import { badRequest, type ErrorDetail } from '../api-error.js';

/** Messages a person can act on: "is required" instead of "expected string, received undefined". */
function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    if (issue.input === null) return 'must not be null';
    return `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  }
  return undefined;
}

function detailOf(issue: z.core.$ZodIssue): ErrorDetail {
  return { path: issue.path.map(String).join('.'), message: issue.message };
}

/** Parses a body with its schema; on failure answers 400 BAD_REQUEST listing every problem with its path. */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown, subject = 'request body'): z.output<S> {
  const result = schema.safeParse(body, { error: messageFor });
  if (result.success) return result.data;
  const details = result.error.issues.map(detailOf);
  const summary = details.map((detail) => `${detail.path || subject} ${detail.message}`).join('; ');
  throw badRequest(`The ${subject} is invalid: ${summary}`, details);
}
