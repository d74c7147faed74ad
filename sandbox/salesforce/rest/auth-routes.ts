/**
 * How clients get a session: the OAuth 2.0 token endpoint (username-password and client-credentials flows, the
 * latter running as the integration user like a connected app's "Run As" user), SOAP login (what jsforce's
 * `login()` uses when it has no client id), token revocation and the identity URL.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxUser } from '../org/users.js';
import { baseUrlOf, bearerToken, JSON_CONTENT_TYPE, type RouteDependencies } from './server.js';

const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

export function registerAuthRoutes(app: FastifyInstance, { org }: RouteDependencies): void {
  const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply
      .code(status)
      .header('content-type', JSON_CONTENT_TYPE)
      .send(JSON.stringify({ error, error_description: description }));

  const identityUrl = (base: string, user: SandboxUser) => `${base}/id/${org.id}/${user.id}`;

  app.post('/services/oauth2/token', async (request, reply) => {
    const params = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      string | undefined
    >;
    const grantType = params['grant_type'];
    if (grantType !== 'password' && grantType !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'grant type not supported');
    }
    if (params['client_id'] !== org.connectedApp.clientId)
      return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
    if (params['client_secret'] !== org.connectedApp.clientSecret)
      return oauthError(reply, 400, 'invalid_client', 'invalid client credentials');
    const user =
      grantType === 'client_credentials'
        ? org.users.integration
        : org.users.authenticate(params['username'] ?? '', params['password'] ?? '');
    if (!user) return oauthError(reply, 400, 'invalid_grant', 'authentication failure');
    const base = baseUrlOf(request);
    const id = identityUrl(base, user);
    const issuedAt = String(org.now());
    return reply.header('content-type', JSON_CONTENT_TYPE).send(
      JSON.stringify({
        access_token: org.sessions.issue(user.id),
        instance_url: base,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
        signature: createHmac('sha256', org.connectedApp.clientSecret)
          .update(id + issuedAt)
          .digest('base64'),
        ...(grantType === 'client_credentials' ? { scope: 'api' } : {}),
      }),
    );
  });

  app.post('/services/oauth2/revoke', async (request, reply) => {
    const params = (request.body ?? {}) as Record<string, string | undefined>;
    const token = params['token'] ?? (request.query as Record<string, string | undefined>)['token'];
    if (token) org.sessions.revoke(token);
    return reply.code(200).send('');
  });

  const identity = async (request: FastifyRequest, reply: FastifyReply) => {
    const userId = org.sessions.userIdFor(bearerToken(request) ?? '');
    const user = userId === undefined ? undefined : org.users.get(userId);
    if (!user) return reply.code(403).header('content-type', 'text/plain').send('Bad_OAuth_Token');
    const base = baseUrlOf(request);
    return reply.header('content-type', JSON_CONTENT_TYPE).send(
      JSON.stringify({
        id: identityUrl(base, user),
        asserted_user: true,
        user_id: user.id,
        organization_id: org.id,
        username: user.username,
        nick_name: user.username.split('@')[0],
        display_name: user.name,
        email: user.email,
        active: true,
        user_type: 'STANDARD',
        language: 'en_US',
        locale: 'en_US',
        utcOffset: 0,
        urls: {
          rest: `${base}/services/data/v{version}/`,
          sobjects: `${base}/services/data/v{version}/sobjects/`,
          query: `${base}/services/data/v{version}/query/`,
          limits: `${base}/services/data/v{version}/limits/`,
        },
      }),
    );
  };
  app.get('/id/:orgId/:userId', identity);
  app.get('/services/oauth2/userinfo', identity);

  app.post('/services/Soap/u/:version', async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : '';
    if (/<(?:\w+:)?logout[\s>/]/.test(body)) {
      const session = xmlValue(body, 'sessionId');
      if (session) org.sessions.revoke(session);
      return reply.header('content-type', XML_CONTENT_TYPE).send(soapEnvelope('<logoutResponse/>'));
    }
    const username = xmlValue(body, 'username') ?? '';
    const user = org.users.authenticate(username, xmlValue(body, 'password') ?? '');
    if (!user) {
      return reply
        .code(500)
        .header('content-type', XML_CONTENT_TYPE)
        .send(
          soapEnvelope(
            '<soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring></soapenv:Fault>',
          ),
        );
    }
    const { version } = request.params as { version: string };
    const base = baseUrlOf(request);
    const result = [
      `<metadataServerUrl>${base}/services/Soap/m/${version}/${org.id}</metadataServerUrl>`,
      '<passwordExpired>false</passwordExpired>',
      '<sandbox>true</sandbox>',
      `<serverUrl>${base}/services/Soap/u/${version}/${org.id}</serverUrl>`,
      `<sessionId>${org.sessions.issue(user.id)}</sessionId>`,
      `<userId>${user.id}</userId>`,
      '<userInfo>',
      `<organizationId>${org.id}</organizationId>`,
      `<organizationName>${escapeXml(org.name)}</organizationName>`,
      `<userEmail>${escapeXml(user.email)}</userEmail>`,
      `<userFullName>${escapeXml(user.name)}</userFullName>`,
      `<userId>${user.id}</userId>`,
      `<userName>${escapeXml(user.username)}</userName>`,
      '</userInfo>',
    ].join('');
    return reply
      .header('content-type', XML_CONTENT_TYPE)
      .send(soapEnvelope(`<loginResponse><result>${result}</result></loginResponse>`));
  });
}

function soapEnvelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" ' +
    'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

function xmlValue(xml: string, element: string): string | undefined {
  const match = new RegExp(`<(?:\\w+:)?${element}>([^<]*)</(?:\\w+:)?${element}>`).exec(xml);
  return match ? unescapeXml(match[1]!) : undefined;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
