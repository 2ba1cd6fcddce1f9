import type { IdentityKind } from '../../model';
import type { KindRule, ScimConfig } from './ScimConfig';
import { SCIM_URN, type ScimUser } from './scimWire';

function values(value: string | readonly string[]): string[] {
  return (typeof value === 'string' ? [value] : [...value]).map((v) => v.toLowerCase());
}

const compiled = new WeakMap<object, RegExp>();

function patternOf(rule: KindRule & { userNamePattern: string }): RegExp {
  let regex = compiled.get(rule);
  if (regex === undefined) {
    regex = new RegExp(rule.userNamePattern, 'u');
    compiled.set(rule, regex);
  }
  return regex;
}

function matches(rule: KindRule, user: ScimUser): boolean {
  if (rule.userType !== undefined) {
    return user.userType !== undefined && values(rule.userType).includes(user.userType.toLowerCase());
  }
  if (rule.enterprise !== undefined) {
    const actual = user[SCIM_URN.enterpriseUser]?.[rule.enterprise.attribute];
    return typeof actual === 'string' && values(rule.enterprise.values).includes(actual.toLowerCase());
  }
  if (rule.userNamePattern !== undefined) {
    return patternOf(rule as KindRule & { userNamePattern: string }).test(user.userName);
  }
  return false;
}

/**
 * The canonical identity kind of a SCIM user: the kind of the first of
 * `config.kindRules` that matches (by `userType`, an enterprise attribute, or
 * a `userName` pattern), else `human`.
 *
 * @example
 * ```ts
 * resolveAccountKind({ id: '1', userName: 'svc-ci', userType: 'Service' }, config); // 'service_account'
 * ```
 */
export function resolveAccountKind(user: ScimUser, config: Pick<ScimConfig, 'kindRules'>): IdentityKind {
  for (const rule of config.kindRules) if (matches(rule, user)) return rule.kind;
  return 'human';
}

/**
 * The `userType` to send when creating a user of `kind`: the first `userType`
 * value of the first rule for that kind, if any.
 *
 * @example
 * ```ts
 * userTypeFor('service_account', config); // 'service' with the default rules
 * ```
 */
export function userTypeFor(kind: IdentityKind, config: Pick<ScimConfig, 'kindRules'>): string | undefined {
  const rule = config.kindRules.find((r) => r.kind === kind && r.userType !== undefined);
  if (rule?.userType === undefined) return undefined;
  return typeof rule.userType === 'string' ? rule.userType : rule.userType[0];
}
