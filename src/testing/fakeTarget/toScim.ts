import type { AccountRecord, FakeAccountKind, GroupRecord } from './FakeRecords';
import type { TenantState } from './TenantState';

/** Schema URNs of RFC 7643 / 7644 used by the SCIM mode. */
export const SCIM_SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** `userType` of each account kind; the SCIM connector's default kind rules read it. */
const USER_TYPE: Readonly<Record<FakeAccountKind, string>> = {
  human: 'Employee',
  service: 'Service',
  bot: 'Bot',
};
/** Enterprise `department` of each account kind, for kind rules on the extension. */
const DEPARTMENT: Readonly<Record<FakeAccountKind, string>> = {
  human: 'Staff',
  service: 'Service Accounts',
  bot: 'Bots',
};

/**
 * The account kind a SCIM `userType` stands for: `Service` (and the spellings
 * `ServiceAccount`, `service_account`, `service account`) is a service account,
 * `Bot` a bot, anything else (or none) a human. Case-insensitive.
 *
 * @example
 * ```ts
 * kindOfUserType('ServiceAccount'); // 'service'
 * ```
 */
export function kindOfUserType(userType: string | undefined): FakeAccountKind {
  const t = userType?.toLowerCase().replace(/[\s_]/g, '');
  if (t === 'service' || t === 'serviceaccount') return 'service';
  if (t === 'bot') return 'bot';
  return 'human';
}

/** FNV-1a over a string: a cheap, stable content hash for weak ETags. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Renders accounts and groups as SCIM resources (RFC 7643). `base` is the
 * absolute SCIM base URL (`…/t/{tenant}/scim/v2`), for `meta.location` and
 * `$ref`. `meta.version` is a weak ETag derived from the resource's content,
 * so it changes exactly when the resource does; it is left out when the tenant
 * does not advertise ETags.
 *
 * @example
 * ```ts
 * const body = toScim.user(tenant, account, `${url}/t/acme/scim/v2`);
 * ```
 */
export const toScim = {
  /** The weak ETag of a user (`W/"…"`). */
  userVersion(a: AccountRecord): string {
    return `W/"${fnv(`${a.name}\u0000${a.kind}\u0000${a.status}\u0000${a.owner ?? ''}\u0000${a.externalId ?? ''}\u0000${a.groups.join(',')}`)}"`;
  },

  /** The weak ETag of a group (`W/"…"`). */
  groupVersion(g: GroupRecord): string {
    let members = '';
    for (const id of g.members.keys()) members += `${id},`;
    return `W/"${fnv(`${g.name}\u0000${members}`)}"`;
  },

  user(tenant: TenantState, a: AccountRecord, base: string): Record<string, unknown> {
    const groups = a.groups.flatMap((id) => {
      const group = tenant.groups.get(id);
      return group === undefined
        ? []
        : [
            {
              value: id,
              display: group.name,
              type: 'direct',
              $ref: `${base}/Groups/${encodeURIComponent(id)}`,
            },
          ];
    });
    return {
      schemas: [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser],
      id: a.id,
      ...(a.externalId === undefined ? {} : { externalId: a.externalId }),
      userName: a.name,
      displayName: a.name,
      userType: USER_TYPE[a.kind],
      active: a.status === 'active',
      ...(a.owner === null ? {} : { emails: [{ value: a.owner, type: 'work', primary: true }] }),
      groups,
      [SCIM_SCHEMAS.enterpriseUser]: {
        department: DEPARTMENT[a.kind],
        ...(a.owner === null ? {} : { manager: { displayName: a.owner } }),
      },
      meta: {
        resourceType: 'User',
        created: iso(a.createdAt),
        lastModified: iso(a.createdAt),
        location: `${base}/Users/${encodeURIComponent(a.id)}`,
        ...(tenant.scim.etag ? { version: toScim.userVersion(a) } : {}),
      },
    };
  },

  group(
    tenant: TenantState,
    g: GroupRecord,
    base: string,
    options: { readonly members?: boolean } = {},
  ): Record<string, unknown> {
    const members: Record<string, string>[] = [];
    if (options.members !== false) {
      for (const entry of g.members.values()) {
        const account = tenant.accounts.get(entry.accountId);
        members.push({
          value: entry.accountId,
          ...(account === undefined ? {} : { display: account.name }),
          type: 'User',
          $ref: `${base}/Users/${encodeURIComponent(entry.accountId)}`,
        });
      }
    }
    return {
      schemas: [SCIM_SCHEMAS.group],
      id: g.id,
      displayName: g.name,
      ...(options.members === false ? {} : { members }),
      meta: {
        resourceType: 'Group',
        created: iso(g.createdAt),
        lastModified: iso(g.createdAt),
        location: `${base}/Groups/${encodeURIComponent(g.id)}`,
        ...(tenant.scim.etag ? { version: toScim.groupVersion(g) } : {}),
      },
    };
  },
};
