import type { FakeScope } from './FakeTargetOptions';
import { type ErrorDialect, errorReply, type Reply } from './Reply';
import type { TenantState } from './TenantState';

const REALM = 'Bearer realm="fake-target"';

/**
 * Checks `Authorization: Bearer <token>` against the tenant's tokens. Returns
 * `undefined` when the token is valid and carries `scope` (or `*`); otherwise a
 * 401 (missing, unknown or expired token, with `WWW-Authenticate`) or a 403
 * (`insufficient_scope`), in `dialect` (the tenant's API version by default).
 *
 * @example
 * ```ts
 * const denied = authenticate(tenant, req.headers.authorization, 'keys:write', Date.now());
 * if (denied) return send(denied);
 * ```
 */
export function authenticate(
  tenant: TenantState,
  authorization: string | undefined,
  scope: FakeScope,
  now: number,
  dialect: ErrorDialect = tenant.apiVersion,
): Reply | undefined {
  const v = dialect;
  if (
    authorization === undefined ||
    authorization.length < 8 ||
    authorization.slice(0, 7).toLowerCase() !== 'bearer '
  ) {
    return errorReply(v, 401, 'unauthorized', 'Send Authorization: Bearer <token>.', {
      'www-authenticate': REALM,
    });
  }
  const grant = tenant.tokens.get(authorization.slice(7).trim());
  if (grant === undefined || now >= grant.expiresAt) {
    return errorReply(v, 401, 'invalid_token', 'The access token is unknown or expired.', {
      'www-authenticate': `${REALM}, error="invalid_token"`,
    });
  }
  if (!grant.scopes.has('*') && !grant.scopes.has(scope)) {
    return errorReply(v, 403, 'insufficient_scope', `The token lacks the ${scope} scope.`, {
      'www-authenticate': `${REALM}, error="insufficient_scope", scope="${scope}"`,
    });
  }
  return undefined;
}
