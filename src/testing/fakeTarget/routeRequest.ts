import type { FakeScope } from './FakeTargetOptions';
import { routeScim, type ScimOperation } from './scimRoutes';
import type { FakeApiVersion } from './TenantState';

/**
 * The fake target's operations, the names fault rules match with `operation`.
 *
 * @example
 * ```ts
 * target.faults.add({ operation: ['key.revoke', 'account.disable'], fault: { kind: 'status', status: 503 } });
 * ```
 */
export const FAKE_OPERATIONS = [
  'version.get',
  'oauth.token',
  'account.list',
  'account.get',
  'account.disable',
  'account.enable',
  'account.delete',
  'key.list',
  'key.get',
  'key.create',
  'key.revoke',
  'group.list',
  'group.get',
  'group.members',
  'group.addMember',
  'group.removeMember',
  'session.list',
  'session.revoke',
  'session.revokeAll',
] as const;

/**
 * One of {@link FAKE_OPERATIONS}, a SCIM operation (`scim.user.patch`, see
 * `SCIM_OPERATIONS`), or `unknown` for a path the API does not serve.
 *
 * @example
 * ```ts
 * const op: FakeOperation = 'key.revoke';
 * ```
 */
export type FakeOperation = (typeof FAKE_OPERATIONS)[number] | ScimOperation | 'unknown';

/**
 * A resolved route: the operation, the scope it needs and the ids from the path.
 *
 * @example
 * ```ts
 * const { operation, id1 } = routeRequest('GET', ['accounts', 'acc_1'], 'v1');
 * ```
 */
export interface Route {
  readonly operation: FakeOperation;
  /** Scope required, or `null` for unauthenticated endpoints. */
  readonly scope: FakeScope | null;
  /** First path id (account, group, credential or session). */
  readonly id1: string;
  /** Second path id (key or member account). */
  readonly id2: string;
  /** Set when the path exists in no form: 404, 405 (with `allow`) or 410 (moved in this version). */
  readonly miss?: { readonly status: 404 | 405 | 410; readonly detail: string; readonly allow?: string };
  /** Set on the SCIM 2.0 endpoints (`/scim/v2/…`): they answer with SCIM bodies and errors. */
  readonly scim?: true;
}

const notFound = (detail: string): Route => ({
  operation: 'unknown',
  scope: null,
  id1: '',
  id2: '',
  miss: { status: 404, detail },
});
const NO_ROUTE = notFound('No such endpoint.');

function methodNotAllowed(allow: string): Route {
  return {
    operation: 'unknown',
    scope: null,
    id1: '',
    id2: '',
    miss: { status: 405, detail: `Method not allowed; use ${allow}.`, allow },
  };
}

function route(operation: FakeOperation, scope: FakeScope | null, id1 = '', id2 = ''): Route {
  return { operation, scope, id1, id2 };
}

const gone = (id: string): Route => ({
  operation: 'unknown',
  scope: null,
  id1: id,
  id2: '',
  miss: {
    status: 410,
    detail: `Keys moved in API v2: use /credentials?account=${encodeURIComponent(id)} and /credentials/{id}.`,
  },
});

/**
 * Resolves a request to a fake-target operation by looking at path segments
 * (after `/t/:tenant`), with no regular expressions on the request path.
 *
 * @example
 * ```ts
 * routeRequest('DELETE', ['accounts', 'acc_1', 'keys', 'key_1'], 'v1').operation; // 'key.revoke'
 * routeRequest('GET', ['accounts', 'acc_1', 'keys'], 'v2').miss?.status;            // 410
 * ```
 */
export function routeRequest(method: string, segs: readonly string[], version: FakeApiVersion): Route {
  const n = segs.length;
  const [s0 = '', s1 = '', s2 = '', s3 = ''] = segs;
  switch (s0) {
    case 'version':
      if (n !== 1) return NO_ROUTE;
      return method === 'GET' ? route('version.get', null) : methodNotAllowed('GET');
    case 'oauth':
      if (n !== 2 || s1 !== 'token') return NO_ROUTE;
      return method === 'POST' ? route('oauth.token', null) : methodNotAllowed('POST');
    case 'accounts':
      if (n === 1) return method === 'GET' ? route('account.list', 'accounts:read') : methodNotAllowed('GET');
      if (n === 2) {
        if (method === 'GET') return route('account.get', 'accounts:read', s1);
        if (method === 'DELETE') return route('account.delete', 'accounts:write', s1);
        return methodNotAllowed('GET, DELETE');
      }
      if (n === 3) {
        if (s2 === 'disable' || s2 === 'enable') {
          if (method !== 'POST') return methodNotAllowed('POST');
          return route(s2 === 'disable' ? 'account.disable' : 'account.enable', 'accounts:write', s1);
        }
        if (s2 === 'sessions') {
          if (method === 'GET') return route('session.list', 'sessions:read', s1);
          if (method === 'DELETE') return route('session.revokeAll', 'sessions:write', s1);
          return methodNotAllowed('GET, DELETE');
        }
        if (s2 === 'keys') {
          if (version === 'v2') return gone(s1);
          if (method === 'GET') return route('key.list', 'keys:read', s1);
          if (method === 'POST') return route('key.create', 'keys:write', s1);
          return methodNotAllowed('GET, POST');
        }
        return NO_ROUTE;
      }
      if (n === 4 && s2 === 'keys') {
        if (version === 'v2') return gone(s1);
        if (method === 'GET') return route('key.get', 'keys:read', s1, s3);
        if (method === 'DELETE') return route('key.revoke', 'keys:write', s1, s3);
        return methodNotAllowed('GET, DELETE');
      }
      return NO_ROUTE;
    case 'credentials':
      if (version === 'v1')
        return notFound('No such endpoint in API v1 (credentials live under /accounts/{id}/keys).');
      if (n === 1) {
        if (method === 'GET') return route('key.list', 'keys:read');
        if (method === 'POST') return route('key.create', 'keys:write');
        return methodNotAllowed('GET, POST');
      }
      if (n === 2) {
        if (method === 'GET') return route('key.get', 'keys:read', '', s1);
        if (method === 'DELETE') return route('key.revoke', 'keys:write', '', s1);
        return methodNotAllowed('GET, DELETE');
      }
      return NO_ROUTE;
    case 'groups':
      if (n === 1) return method === 'GET' ? route('group.list', 'groups:read') : methodNotAllowed('GET');
      if (n === 2) return method === 'GET' ? route('group.get', 'groups:read', s1) : methodNotAllowed('GET');
      if (s2 !== 'members') return NO_ROUTE;
      if (n === 3) {
        if (method === 'GET') return route('group.members', 'groups:read', s1);
        if (method === 'POST') return route('group.addMember', 'groups:write', s1);
        return methodNotAllowed('GET, POST');
      }
      if (n === 4)
        return method === 'DELETE'
          ? route('group.removeMember', 'groups:write', s1, s3)
          : methodNotAllowed('DELETE');
      return NO_ROUTE;
    case 'scim':
      return s1 === 'v2' ? routeScim(method, segs.slice(2)) : NO_ROUTE;
    case 'sessions':
      if (n !== 2) return NO_ROUTE;
      return method === 'DELETE' ? route('session.revoke', 'sessions:write', s1) : methodNotAllowed('DELETE');
    default:
      return NO_ROUTE;
  }
}
