import type { Reply } from './Reply';
import type { TenantState } from './TenantState';

const oauthError = (
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  json: { error, error_description: description },
  headers: { 'cache-control': 'no-store', ...headers },
});

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  if (authorization === undefined || authorization.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

/**
 * The OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4): client
 * authentication by HTTP Basic or form fields, optional `scope` (must be a subset
 * of the client's), and a short-lived bearer token the tenant then accepts.
 *
 * @example
 * ```ts
 * const reply = handleTokenRequest(tenant, req.headers.authorization, { grant_type: 'client_credentials' }, 300, Date.now());
 * ```
 */
export function handleTokenRequest(
  tenant: TenantState,
  authorization: string | undefined,
  body: unknown,
  ttlSeconds: number,
  now: number,
): Reply {
  if (field(body, 'grant_type') !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  }
  const basic = basicCredentials(authorization);
  const clientId = basic?.id ?? field(body, 'client_id');
  const clientSecret = basic?.secret ?? field(body, 'client_secret');
  const client = clientId === undefined ? undefined : tenant.clients.get(clientId);
  if (client === undefined || clientSecret !== client.secret) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.', {
      'www-authenticate': 'Basic realm="fake-target"',
    });
  }
  const requested = field(body, 'scope');
  const scopes =
    requested === undefined || requested.trim() === '' ? client.scopes : requested.trim().split(/\s+/);
  if (!client.scopes.includes('*') && scopes.some((s) => !client.scopes.includes(s))) {
    return oauthError(400, 'invalid_scope', 'The requested scope exceeds the client scope.');
  }
  if (tenant.tokens.size > 10_000) {
    for (const [token, grant] of tenant.tokens) if (grant.expiresAt <= now) tenant.tokens.delete(token);
  }
  const token = tenant.newSecret('at_');
  tenant.tokens.set(token, { scopes: new Set(scopes), expiresAt: now + ttlSeconds * 1000 });
  return {
    status: 200,
    json: { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds, scope: scopes.join(' ') },
    headers: { 'cache-control': 'no-store' },
  };
}
