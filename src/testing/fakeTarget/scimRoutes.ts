import type { FakeScope } from './FakeTargetOptions';
import type { Route } from './routeRequest';

/**
 * The operations of the fake target's SCIM 2.0 mode (`/t/{tenant}/scim/v2/…`),
 * the names fault rules match with `operation` and `effects()` reports in
 * `byOperation`.
 *
 * @example
 * ```ts
 * target.faults.add({ operation: 'scim.user.patch', times: 1, fault: { kind: 'reset', phase: 'after' } });
 * ```
 */
export const SCIM_OPERATIONS = [
  'scim.serviceProviderConfig',
  'scim.resourceTypes',
  'scim.schemas',
  'scim.user.list',
  'scim.user.get',
  'scim.user.create',
  'scim.user.patch',
  'scim.user.put',
  'scim.user.delete',
  'scim.group.list',
  'scim.group.get',
  'scim.group.patch',
  'scim.group.put',
] as const;

/**
 * One of {@link SCIM_OPERATIONS}.
 *
 * @example
 * ```ts
 * const op: ScimOperation = 'scim.user.delete';
 * ```
 */
export type ScimOperation = (typeof SCIM_OPERATIONS)[number];

function scimRoute(operation: ScimOperation, scope: FakeScope | null, id1 = '', id2 = ''): Route {
  return { operation, scope, id1, id2, scim: true };
}

function scimMiss(status: 404 | 405, detail: string, allow?: string): Route {
  return {
    operation: 'unknown',
    scope: null,
    id1: '',
    id2: '',
    scim: true,
    miss: allow === undefined ? { status, detail } : { status, detail, allow },
  };
}

const NO_SCIM_ROUTE = scimMiss(404, 'No such SCIM endpoint.');
const notAllowed = (allow: string): Route => scimMiss(405, `Method not allowed; use ${allow}.`, allow);

function discovery(method: string, operation: ScimOperation, n: number, id: string): Route {
  if (n > 2) return NO_SCIM_ROUTE;
  return method === 'GET' ? scimRoute(operation, null, id) : notAllowed('GET');
}

/**
 * Resolves a request below `/t/{tenant}/scim/v2/` (the segments after `v2`)
 * to a SCIM operation. Discovery endpoints need no token (RFC 7644 §4);
 * Users need the `accounts:*` scopes, Groups the `groups:*` scopes. Misses
 * are flagged `scim`, so they answer with SCIM Error bodies.
 *
 * @example
 * ```ts
 * routeScim('PATCH', ['Users', 'acc_1']).operation; // 'scim.user.patch'
 * routeScim('POST', ['Groups']).miss?.status;       // 405
 * ```
 */
export function routeScim(method: string, segs: readonly string[]): Route {
  const n = segs.length;
  const [s0 = '', s1 = ''] = segs;
  switch (s0) {
    case 'ServiceProviderConfig':
      return n === 1 ? discovery(method, 'scim.serviceProviderConfig', n, '') : NO_SCIM_ROUTE;
    case 'ResourceTypes':
      return discovery(method, 'scim.resourceTypes', n, s1);
    case 'Schemas':
      return discovery(method, 'scim.schemas', n, s1);
    case 'Users':
      if (n === 1) {
        if (method === 'GET') return scimRoute('scim.user.list', 'accounts:read');
        if (method === 'POST') return scimRoute('scim.user.create', 'accounts:write');
        return notAllowed('GET, POST');
      }
      if (n !== 2) return NO_SCIM_ROUTE;
      switch (method) {
        case 'GET':
          return scimRoute('scim.user.get', 'accounts:read', s1);
        case 'PATCH':
          return scimRoute('scim.user.patch', 'accounts:write', s1);
        case 'PUT':
          return scimRoute('scim.user.put', 'accounts:write', s1);
        case 'DELETE':
          return scimRoute('scim.user.delete', 'accounts:write', s1);
        default:
          return notAllowed('GET, PATCH, PUT, DELETE');
      }
    case 'Groups':
      if (n === 1) return method === 'GET' ? scimRoute('scim.group.list', 'groups:read') : notAllowed('GET');
      if (n !== 2) return NO_SCIM_ROUTE;
      if (method === 'GET') return scimRoute('scim.group.get', 'groups:read', s1);
      if (method === 'PATCH') return scimRoute('scim.group.patch', 'groups:write', s1);
      if (method === 'PUT') return scimRoute('scim.group.put', 'groups:write', s1);
      return notAllowed('GET, PATCH, PUT');
    default:
      return NO_SCIM_ROUTE;
  }
}
