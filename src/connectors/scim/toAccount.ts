import type { Account } from '../../model';
import { resolveAccountKind } from './resolveAccountKind';
import type { ScimConfig } from './ScimConfig';
import { SCIM_URN, type ScimUser } from './scimWire';

function timestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

const ENTERPRISE_KEYS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

/**
 * Maps a SCIM user to the canonical {@link Account}: `active` → status
 * (`unknown` when the server omits it), the kind from the config's kind
 * rules, `externalId` → `identityId`, and scalar attributes (`userType`,
 * the enterprise extension's fields, `meta.version`, and `meta.location`
 * resolved against the base URL when relative).
 *
 * @example
 * ```ts
 * const account = toAccount(user, config, (l) => new URL(l, config.baseUrl + '/').href);
 * ```
 */
export function toAccount(
  user: ScimUser,
  config: Pick<ScimConfig, 'kindRules'>,
  resolveLocation: (location: string) => string | undefined,
): Account {
  const attributes: Record<string, string> = {};
  if (user.userType !== undefined) attributes.userType = user.userType;
  if (user.externalId !== undefined) attributes.externalId = user.externalId;
  const enterprise = user[SCIM_URN.enterpriseUser];
  for (const key of ENTERPRISE_KEYS) {
    const value = enterprise?.[key];
    if (typeof value === 'string') attributes[key] = value;
  }
  if (user.meta?.version !== undefined) attributes.version = user.meta.version;
  const location = user.meta?.location === undefined ? undefined : resolveLocation(user.meta.location);
  if (location !== undefined) attributes.location = location;
  const displayName = user.displayName ?? user.name?.formatted;
  const createdAt = timestamp(user.meta?.created);
  return {
    id: user.id,
    status: user.active === undefined ? 'unknown' : user.active ? 'active' : 'disabled',
    username: user.userName,
    kind: resolveAccountKind(user, config),
    ...(user.externalId === undefined || user.externalId === '' ? {} : { identityId: user.externalId }),
    ...(displayName === undefined ? {} : { displayName: displayName.slice(0, 256) }),
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
  };
}
