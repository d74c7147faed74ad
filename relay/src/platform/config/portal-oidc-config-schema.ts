/**
 * `portal.oidc`: single sign-on to the portal with OpenID Connect, beside the local accounts (which stay as the
 * fallback). The client secret is never in the configuration: `clientSecretEnv` is the name it is kept under in the
 * environment or the relay's secrets file. Who gets which role is decided by one claim of the ID token (or of the
 * UserInfo answer), at each sign-in.
 */
import { z } from 'zod';
import { SCOPE_TOKEN, SCOPE_TOKEN_PROBLEM } from '../gentrack/oauth-scopes.js';
import { isLoopbackHost } from './loopback-host.js';

/** The portal's roles, lowest first (portal/roles.ts holds what each may do; platform/ imports no portal code). */
const ROLE_NAMES = ['viewer', 'operator', 'admin'] as const;

/** A list in the file, or comma- or space-separated text from a GENTRACK_RELAY_* variable. */
const listOf = <Item extends z.ZodType>(item: Item) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.split(/[\s,]+/).filter((entry) => entry !== '') : value),
    z.array(item),
  );

const claimValues = () => listOf(z.string().min(1)).default([]);

export const portalOidcSchema = z
  .strictObject({
    /** The provider's issuer URL; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
    issuer: z
      .url({ protocol: /^https?$/ })
      .refine((url) => url.startsWith('https:') || isLoopbackHost(new URL(url).hostname), {
        message: 'must be an https URL (plain http is accepted only for a provider on this machine)',
      }),
    /** Shown on the sign-in page: "Sign in with <name>". */
    name: z.string().trim().min(1).max(60).default('single sign-on'),
    clientId: z.string().min(1),
    /** The client secret's name in the environment or the secrets file (never the secret itself, never this file). */
    clientSecretEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits and _)')
      .default('PORTAL_OIDC_CLIENT_SECRET'),
    /** How the client authenticates at the token endpoint, as registered at the provider. */
    tokenAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    scopes: listOf(z.string().regex(SCOPE_TOKEN, SCOPE_TOKEN_PROBLEM))
      .refine((scopes) => scopes.includes('openid'), { message: 'must include openid' })
      .default(['openid', 'profile', 'email']),
    /** The claim that names the user in the portal and its audit log (`oidc:<value>`); `sub` when it is missing. */
    usernameClaim: z.string().min(1).default('email'),
    /** The claim whose values (a text or a list of texts) decide the role, e.g. `groups` or `roles`. */
    roleClaim: z.string().min(1).default('groups'),
    /** Claim values per role; a user matching several gets the highest, one matching none is refused. */
    roles: z
      .strictObject({ admin: claimValues(), operator: claimValues(), viewer: claimValues() })
      .prefault({})
      .refine((roles) => ROLE_NAMES.some((role) => roles[role].length > 0), {
        message: `name at least one ${'`roleClaim`'} value under admin, operator or viewer: with none, nobody could sign in`,
      }),
  })
  .optional();

export type PortalOidcConfig = NonNullable<z.output<typeof portalOidcSchema>>;
