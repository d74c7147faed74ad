/** Client credentials as a token request presents them. */
export interface PresentedCredentials {
  clientId: string;
  clientSecret: string;
  /** `basic`: HTTP Basic client authentication (RFC 6749 §2.3.1); `body`: client_id/client_secret parameters. */
  method: 'basic' | 'body';
}

/** Form-urlencoded or JSON token request parameters, as strings. */
export type TokenRequestParameters = Record<string, string>;

export function parseTokenRequestBody(
  contentType: string | undefined,
  raw: string | undefined,
): TokenRequestParameters {
  if (raw === undefined || raw === '') return {};
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const parameters: TokenRequestParameters = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string' || typeof value === 'number') parameters[key] = String(value);
    }
    return parameters;
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1), so decode them after splitting. */
function decodeBasicPart(part: string): string {
  return decodeURIComponent(part.replace(/\+/g, ' '));
}

export function presentedCredentials(
  authorization: string | undefined,
  parameters: TokenRequestParameters,
): PresentedCredentials | undefined {
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) return undefined;
    try {
      return {
        clientId: decodeBasicPart(decoded.slice(0, separator)),
        clientSecret: decodeBasicPart(decoded.slice(separator + 1)),
        method: 'basic',
      };
    } catch {
      return undefined;
    }
  }
  const clientId = parameters['client_id'];
  const clientSecret = parameters['client_secret'];
  if (clientId === undefined || clientSecret === undefined) return undefined;
  return { clientId, clientSecret, method: 'body' };
}
