/**
 * X-On-Behalf-Of on the relay API: the Salesforce user a call is made for, recorded with the API client (audit) and
 * passed on to Gentrack. The Apex callers set it per request: a Named Principal credential does not evaluate $User.
 */
import type { FastifyRequest } from 'fastify';

/**
 * A Salesforce username: the form of an email address, at most 80 characters (Salesforce Help, "Username"). Anything
 * else (markup, control characters, a free-text name) is refused rather than recorded as who made a call.
 */
const SALESFORCE_USERNAME = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const MAX_USERNAME_LENGTH = 80;

export const ON_BEHALF_OF_REQUIRED = `X-On-Behalf-Of is required: the username of the Salesforce user the call is for (audit), in the form of an email address, at most ${MAX_USERNAME_LENGTH} characters`;

/** The username X-On-Behalf-Of names, or undefined when it is missing or not a Salesforce username. */
export function readOnBehalfOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-on-behalf-of'];
  const value = typeof header === 'string' ? header.trim() : '';
  return value.length <= MAX_USERNAME_LENGTH && SALESFORCE_USERNAME.test(value) ? value : undefined;
}
