import type { EffectKind } from './EffectCounter';
import { firstMemberNamed } from './handleScim';
import type { Route } from './routeRequest';

/**
 * The object a mutation request is recorded against.
 *
 * @example
 * ```ts
 * const target: EffectTarget = { kind: 'key', id: 'key_1' };
 * ```
 */
export interface EffectTarget {
  readonly kind: EffectKind;
  readonly id: string;
}

function bodyField(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Which object a mutation request targets, for side-effect counters; `undefined`
 * for reads. Key creation counts against the account, membership changes
 * against `groupId/accountId`. SCIM user writes count against the account; a
 * SCIM group PATCH against the first membership its body names (the handler
 * records the others).
 *
 * @example
 * ```ts
 * effectTarget(routeRequest('DELETE', ['credentials', 'key_1'], 'v2'), undefined); // { kind: 'key', id: 'key_1' }
 * ```
 */
export function effectTarget(route: Route, body: unknown): EffectTarget | undefined {
  switch (route.operation) {
    case 'account.disable':
    case 'account.enable':
    case 'account.delete':
    case 'session.revokeAll':
      return { kind: 'account', id: route.id1 };
    case 'key.revoke':
      return { kind: 'key', id: route.id2 };
    case 'key.create': {
      const account = route.id1 !== '' ? route.id1 : bodyField(body, 'account');
      return account === undefined ? undefined : { kind: 'account', id: account };
    }
    case 'group.removeMember':
      return { kind: 'membership', id: `${route.id1}/${route.id2}` };
    case 'group.addMember': {
      const account = bodyField(body, 'account_id') ?? bodyField(body, 'account');
      return account === undefined ? undefined : { kind: 'membership', id: `${route.id1}/${account}` };
    }
    case 'session.revoke':
      return { kind: 'session', id: route.id1 };
    case 'scim.user.patch':
    case 'scim.user.put':
    case 'scim.user.delete':
      return { kind: 'account', id: route.id1 };
    case 'scim.group.patch': {
      const account = firstMemberNamed(body);
      return account === undefined ? undefined : { kind: 'membership', id: `${route.id1}/${account}` };
    }
    default:
      return undefined;
  }
}
