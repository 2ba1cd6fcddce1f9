import type { AccountRecord, FakeAccountKind, GroupRecord } from './FakeRecords';
import type { HandlerInput } from './handleOperation';
import { parseScimFilter, type ScimEq } from './parseScimFilter';
import { errorReply, type Reply } from './Reply';
import type { Route } from './routeRequest';
import type { TenantState } from './TenantState';
import { kindOfUserType, SCIM_SCHEMAS, toScim } from './toScim';

/**
 * What a SCIM handler needs besides {@link HandlerInput}.
 *
 * @example
 * ```ts
 * handleScim(tenant, route, { ...input, base: `${url}/t/acme/scim/v2`, ifMatch: undefined });
 * ```
 */
export interface ScimHandlerInput extends HandlerInput {
  /** Absolute SCIM base URL of the tenant, for `meta.location` and `Location`. */
  readonly base: string;
  /** The request's `If-Match` header. */
  readonly ifMatch: string | undefined;
}

const SCIM_JSON = 'application/scim+json';
const ok = (status: number, json: unknown, headers?: Record<string, string>): Reply =>
  headers === undefined
    ? { status, json, contentType: SCIM_JSON }
    : { status, json, contentType: SCIM_JSON, headers };
const fail = (status: number, scimType: string, detail: string): Reply =>
  errorReply('scim', status, scimType, detail);

type Op = {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string | undefined;
  readonly value: unknown;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The PatchOp operations of a body, or an error reply (400 invalidSyntax / invalidValue). */
function patchOperations(body: unknown): Op[] | Reply {
  if (!isObject(body) || !Array.isArray(body.Operations) || body.Operations.length === 0) {
    return fail(
      400,
      'invalidSyntax',
      `A PATCH body is a ${SCIM_SCHEMAS.patchOp} with a non-empty Operations array.`,
    );
  }
  if (body.Operations.length > 1000) return fail(400, 'tooMany', 'At most 1000 operations per PATCH.');
  const ops: Op[] = [];
  for (const raw of body.Operations as unknown[]) {
    if (!isObject(raw) || typeof raw.op !== 'string') {
      return fail(400, 'invalidSyntax', 'Every operation needs an "op".');
    }
    const op = raw.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      return fail(400, 'invalidSyntax', 'op must be add, replace or remove.');
    }
    if (raw.path !== undefined && typeof raw.path !== 'string') {
      return fail(400, 'invalidPath', 'path must be a string.');
    }
    ops.push({ op, path: raw.path as string | undefined, value: raw.value });
  }
  return ops;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function sameName(a: string, b: string): boolean {
  return a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
}

/** Live (not deleted) records, cached until the list grows or a record is deleted. */
const liveCache = new WeakMap<readonly unknown[], { len: number; size: number; live: unknown[] }>();
function live<T extends { deleted: boolean }>(list: readonly T[], size: number): readonly T[] {
  if (list.length === size) return list;
  const cached = liveCache.get(list);
  if (cached !== undefined && cached.len === list.length && cached.size === size) return cached.live as T[];
  const fresh = list.filter((item) => !item.deleted);
  liveCache.set(list, { len: list.length, size, live: fresh });
  return fresh;
}

/** `startIndex` (1-based, values below 1 are 1) and `count` (capped at the max page size). */
function paging(input: ScimHandlerInput): { start: number; count: number } | Reply {
  const q = input.query;
  const startText = q?.get('startIndex') ?? null;
  const countText = q?.get('count') ?? null;
  const start = startText === null ? 1 : Number(startText);
  const count = countText === null ? input.pageSize.default : Number(countText);
  if (!Number.isInteger(start)) return fail(400, 'invalidValue', 'startIndex must be an integer.');
  if (!Number.isInteger(count)) return fail(400, 'invalidValue', 'count must be an integer.');
  return { start: Math.max(1, start), count: Math.min(Math.max(0, count), input.pageSize.max) };
}

function listResponse<T>(items: readonly T[], input: ScimHandlerInput, render: (item: T) => unknown): Reply {
  const page = paging(input);
  if ('status' in page) return page;
  const slice = items.slice(page.start - 1, page.start - 1 + page.count);
  return ok(200, {
    schemas: [SCIM_SCHEMAS.listResponse],
    totalResults: items.length,
    startIndex: page.start,
    itemsPerPage: slice.length,
    Resources: slice.map(render),
  });
}

function filterOf(tenant: TenantState, input: ScimHandlerInput): ScimEq | undefined | Reply {
  const text = input.query?.get('filter') ?? null;
  if (text === null) return undefined;
  if (!tenant.scim.filter)
    return fail(400, 'invalidFilter', 'This service provider does not support filtering.');
  const parsed = parseScimFilter(text);
  return typeof parsed === 'string' ? fail(400, 'invalidFilter', parsed) : parsed;
}

function userMatcher(filter: ScimEq): ((a: AccountRecord) => boolean) | Reply {
  const v = filter.value;
  switch (filter.attribute) {
    case 'username':
    case 'displayname':
      return (a) => typeof v === 'string' && sameName(a.name, v);
    case 'id':
      return (a) => a.id === v;
    case 'externalid':
      return (a) => a.externalId !== undefined && a.externalId === v;
    case 'active':
      return (a) => (a.status === 'active') === v;
    case 'usertype':
      return (a) => typeof v === 'string' && kindOfUserType(v) === a.kind;
    default:
      return fail(400, 'invalidFilter', `Users cannot be filtered by ${filter.attribute}.`);
  }
}

function groupMatcher(filter: ScimEq): ((g: GroupRecord) => boolean) | Reply {
  const v = filter.value;
  switch (filter.attribute) {
    case 'displayname':
      return (g) => typeof v === 'string' && sameName(g.name, v);
    case 'id':
      return (g) => g.id === v;
    case 'members.value':
    case 'members':
      return (g) => typeof v === 'string' && g.members.has(v);
    default:
      return fail(400, 'invalidFilter', `Groups cannot be filtered by ${filter.attribute}.`);
  }
}

function excludesMembers(input: ScimHandlerInput): boolean {
  const excluded = input.query?.get('excludedAttributes');
  return excluded?.split(',').some((a) => a.trim().toLowerCase() === 'members') ?? false;
}

/** 412 when `If-Match` names another version (only when the tenant advertises ETags). */
function preconditionFailed(
  tenant: TenantState,
  input: ScimHandlerInput,
  version: string,
): Reply | undefined {
  const ifMatch = input.ifMatch;
  if (!tenant.scim.etag || ifMatch === undefined) return undefined;
  const wanted = ifMatch.split(',').map((v) => v.trim());
  if (wanted.includes('*') || wanted.includes(version)) return undefined;
  return fail(
    412,
    'invalidVers',
    'The resource changed since that version was read (If-Match does not match).',
  );
}

function userReply(tenant: TenantState, a: AccountRecord, input: ScimHandlerInput, status = 200): Reply {
  const headers: Record<string, string> = {};
  if (tenant.scim.etag) headers.etag = toScim.userVersion(a);
  if (status === 201) headers.location = `${input.base}/Users/${encodeURIComponent(a.id)}`;
  return ok(status, toScim.user(tenant, a, input.base), headers);
}

function groupReply(tenant: TenantState, g: GroupRecord, input: ScimHandlerInput): Reply {
  return ok(
    200,
    toScim.group(tenant, g, input.base, { members: !excludesMembers(input) }),
    tenant.scim.etag ? { etag: toScim.groupVersion(g) } : undefined,
  );
}

const userNotFound = (id: string): Reply => fail(404, 'not_found', `User ${id} does not exist.`);
const groupNotFound = (id: string): Reply => fail(404, 'not_found', `Group ${id} does not exist.`);

/** The changes a user write asks for, validated before anything is applied. */
interface UserDraft {
  name?: string;
  status?: 'active' | 'disabled';
  kind?: FakeAccountKind;
  externalId?: string | null;
}

function setUserAttribute(
  draft: UserDraft,
  attribute: string,
  value: unknown,
  op: Op['op'],
): Reply | undefined {
  switch (attribute.toLowerCase()) {
    case 'active': {
      const active = asBoolean(value);
      if (op === 'remove' || active === undefined)
        return fail(400, 'invalidValue', 'active must be true or false.');
      draft.status = active ? 'active' : 'disabled';
      return undefined;
    }
    case 'username':
    case 'displayname':
      if (op === 'remove' || typeof value !== 'string' || value === '' || value.length > 256)
        return fail(400, 'invalidValue', `${attribute} must be a non-empty string.`);
      draft.name = value;
      return undefined;
    case 'externalid':
      if (op === 'remove') draft.externalId = null;
      else if (typeof value === 'string' && value.length <= 256) draft.externalId = value;
      else return fail(400, 'invalidValue', 'externalId must be a string.');
      return undefined;
    case 'usertype':
      if (op === 'remove' || typeof value !== 'string')
        return fail(400, 'invalidValue', 'userType must be a string.');
      draft.kind = kindOfUserType(value);
      return undefined;
    case 'schemas':
    case 'meta':
    case 'id':
      return undefined;
    default:
      return fail(
        400,
        'invalidPath',
        `The fake target does not manage the attribute ${attribute.slice(0, 64)}.`,
      );
  }
}

/** Applies a validated draft; true when it changed the account. Answers 409 uniqueness on a taken userName. */
function commitUser(tenant: TenantState, account: AccountRecord, draft: UserDraft): boolean | Reply {
  if (draft.name !== undefined && !sameName(draft.name, account.name)) {
    for (const other of tenant.accounts.values()) {
      if (other !== account && sameName(other.name, draft.name)) {
        return fail(409, 'uniqueness', 'Another user has that userName.');
      }
    }
  }
  let changed = false;
  if (draft.name !== undefined && draft.name !== account.name) {
    account.name = draft.name;
    changed = true;
  }
  if (draft.status !== undefined && draft.status !== account.status) {
    account.status = draft.status;
    changed = true;
  }
  if (draft.kind !== undefined && draft.kind !== account.kind) {
    account.kind = draft.kind;
    changed = true;
  }
  if (draft.externalId === null && account.externalId !== undefined) {
    delete account.externalId;
    changed = true;
  } else if (typeof draft.externalId === 'string' && draft.externalId !== account.externalId) {
    account.externalId = draft.externalId;
    changed = true;
  }
  return changed;
}

/** Account ids a `members` value names: `[{ value: id }, ...]`. */
function memberValues(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const ids: string[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.value !== 'string') return undefined;
    ids.push(item.value);
  }
  return ids;
}

/** The member id of a `members[value eq "id"]` path, `null` for a plain `members` path, undefined otherwise. */
function memberPath(path: string | undefined): string | null | undefined {
  if (path === undefined) return undefined;
  const trimmed = path.trim();
  if (trimmed.toLowerCase() === 'members') return null;
  if (!trimmed.toLowerCase().startsWith('members[') || !trimmed.endsWith(']')) return undefined;
  const filter = parseScimFilter(trimmed.slice(8, -1));
  if (typeof filter === 'string' || filter.attribute !== 'value' || typeof filter.value !== 'string')
    return undefined;
  return filter.value;
}

/**
 * The account id of the first membership a group PATCH names (from a
 * `members[value eq "id"]` path or a `members` value array), for the
 * side-effect counters; undefined when it names none.
 *
 * @example
 * ```ts
 * firstMemberNamed({ Operations: [{ op: 'remove', path: 'members[value eq "acc_1"]' }] }); // 'acc_1'
 * ```
 */
export function firstMemberNamed(body: unknown): string | undefined {
  const ops = patchOperations(body);
  if (!Array.isArray(ops)) return undefined;
  for (const op of ops) {
    const byPath = memberPath(op.path);
    if (typeof byPath === 'string') return byPath;
    const values = memberValues(op.path === undefined && isObject(op.value) ? op.value.members : op.value);
    if (values?.[0] !== undefined) return values[0];
  }
  return undefined;
}

/** Sets a group's members to `wanted` (or adds / removes): records each membership change. */
function changeMembers(
  tenant: TenantState,
  group: GroupRecord,
  input: ScimHandlerInput,
  operation: string,
  add: readonly string[],
  remove: readonly string[],
): void {
  const recorded = input.effect?.kind === 'membership' ? input.effect.id : undefined;
  const record = (accountId: string) => {
    const id = `${group.id}/${accountId}`;
    if (id !== recorded) tenant.effects.request('membership', id, operation);
    tenant.effects.apply('membership', id, operation);
  };
  for (const accountId of remove) if (tenant.removeMember(group, accountId)) record(accountId);
  const at = Math.floor(input.now / 1000) * 1000;
  for (const accountId of add) if (tenant.addMember(group.id, accountId, at)) record(accountId);
}

function discovery(tenant: TenantState, route: Route, input: ScimHandlerInput): Reply {
  const base = input.base;
  const userType = {
    schemas: [SCIM_SCHEMAS.resourceType],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'Service accounts, bots and people',
    schema: SCIM_SCHEMAS.user,
    schemaExtensions: [{ schema: SCIM_SCHEMAS.enterpriseUser, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  };
  const groupType = {
    schemas: [SCIM_SCHEMAS.resourceType],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Groups',
    schema: SCIM_SCHEMAS.group,
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
  };
  const attr = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  });
  const schemas = [
    {
      id: SCIM_SCHEMAS.user,
      name: 'User',
      attributes: [
        attr('userName', 'string', { required: true, uniqueness: 'server' }),
        attr('displayName', 'string'),
        attr('userType', 'string'),
        attr('active', 'boolean'),
        attr('externalId', 'string', { caseExact: true }),
        attr('emails', 'complex', { multiValued: true }),
        attr('groups', 'complex', { multiValued: true, mutability: 'readOnly' }),
      ],
    },
    {
      id: SCIM_SCHEMAS.group,
      name: 'Group',
      attributes: [
        attr('displayName', 'string', { mutability: 'readOnly' }),
        attr('members', 'complex', { multiValued: true }),
      ],
    },
    {
      id: SCIM_SCHEMAS.enterpriseUser,
      name: 'EnterpriseUser',
      attributes: [attr('department', 'string'), attr('manager', 'complex')],
    },
  ].map((s) => ({
    schemas: [SCIM_SCHEMAS.schema],
    ...s,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  }));
  const pick = <T extends { id: string }>(items: readonly T[], what: string): Reply => {
    if (route.id1 === '') {
      return ok(200, {
        schemas: [SCIM_SCHEMAS.listResponse],
        totalResults: items.length,
        startIndex: 1,
        itemsPerPage: items.length,
        Resources: items,
      });
    }
    const item = items.find((i) => i.id === route.id1);
    return item === undefined ? fail(404, 'not_found', `No ${what} ${route.id1}.`) : ok(200, item);
  };
  if (route.operation === 'scim.resourceTypes') return pick([userType, groupType], 'resource type');
  if (route.operation === 'scim.schemas') return pick(schemas, 'schema');
  return ok(200, {
    schemas: [SCIM_SCHEMAS.serviceProviderConfig],
    documentationUri: 'https://fake-target.test/docs/scim',
    patch: { supported: tenant.scim.patch },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: tenant.scim.filter, maxResults: input.pageSize.max },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: tenant.scim.etag },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authorization: Bearer <token>',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  });
}

function createUser(tenant: TenantState, input: ScimHandlerInput): Reply {
  const body = input.body;
  if (!isObject(body)) return fail(400, 'invalidSyntax', 'The body must be a SCIM User.');
  if (typeof body.userName !== 'string' || body.userName === '' || body.userName.length > 256) {
    return fail(400, 'invalidValue', 'userName is required (a string of 1 to 256 characters).');
  }
  if (body.externalId !== undefined && typeof body.externalId !== 'string') {
    return fail(400, 'invalidValue', 'externalId must be a string.');
  }
  const active = body.active === undefined ? true : asBoolean(body.active);
  if (active === undefined) return fail(400, 'invalidValue', 'active must be true or false.');
  for (const other of tenant.accounts.values()) {
    if (sameName(other.name, body.userName))
      return fail(409, 'uniqueness', 'Another user has that userName.');
  }
  const emails = Array.isArray(body.emails) ? (body.emails as unknown[]) : [];
  const email = emails.find((e): e is { value: string } => isObject(e) && typeof e.value === 'string');
  const account = tenant.addAccount({
    name: body.userName,
    kind: kindOfUserType(typeof body.userType === 'string' ? body.userType : undefined),
    owner: email?.value ?? null,
    status: active ? 'active' : 'disabled',
    createdAt: Math.floor(input.now / 1000) * 1000,
  });
  if (typeof body.externalId === 'string') account.externalId = body.externalId;
  tenant.effects.request('account', account.id, 'scim.user.create');
  tenant.effects.apply('account', account.id, 'scim.user.create');
  return userReply(tenant, account, input, 201);
}

function writeUser(tenant: TenantState, route: Route, input: ScimHandlerInput, applied: () => void): Reply {
  const account = tenant.accounts.get(route.id1);
  if (account === undefined) return userNotFound(route.id1);
  if (route.operation === 'scim.user.patch' && !tenant.scim.patch) {
    return fail(501, 'not_implemented', 'This service provider does not support PATCH; use PUT.');
  }
  const stale = preconditionFailed(tenant, input, toScim.userVersion(account));
  if (stale !== undefined) return stale;
  if (route.operation === 'scim.user.delete') {
    tenant.deleteAccount(account);
    applied();
    return { status: 204 };
  }
  const draft: UserDraft = {};
  if (route.operation === 'scim.user.put') {
    const body = input.body;
    if (!isObject(body)) return fail(400, 'invalidSyntax', 'The body must be a SCIM User.');
    if (body.id !== undefined && body.id !== account.id) return fail(400, 'mutability', 'id cannot change.');
    const error =
      setUserAttribute(draft, 'userName', body.userName, 'replace') ??
      (body.active === undefined ? undefined : setUserAttribute(draft, 'active', body.active, 'replace')) ??
      (body.userType === undefined
        ? undefined
        : setUserAttribute(draft, 'userType', body.userType, 'replace')) ??
      setUserAttribute(
        draft,
        'externalId',
        body.externalId,
        body.externalId === undefined ? 'remove' : 'replace',
      );
    if (error !== undefined) return error;
  } else {
    const ops = patchOperations(input.body);
    if (!Array.isArray(ops)) return ops;
    for (const op of ops) {
      if (op.path === undefined) {
        if (op.op === 'remove' || !isObject(op.value)) {
          return fail(
            400,
            op.op === 'remove' ? 'noTarget' : 'invalidValue',
            'Without a path, add and replace take an object of attributes.',
          );
        }
        for (const [attribute, value] of Object.entries(op.value)) {
          const error = setUserAttribute(draft, attribute, value, op.op);
          if (error !== undefined) return error;
        }
      } else {
        const error = setUserAttribute(draft, op.path.trim(), op.value, op.op);
        if (error !== undefined) return error;
      }
    }
  }
  const committed = commitUser(tenant, account, draft);
  if (typeof committed !== 'boolean') return committed;
  if (committed) applied();
  return userReply(tenant, account, input);
}

function writeGroup(tenant: TenantState, route: Route, input: ScimHandlerInput): Reply {
  const group = tenant.groups.get(route.id1);
  if (group === undefined || group.deleted) return groupNotFound(route.id1);
  if (route.operation === 'scim.group.patch' && !tenant.scim.patch) {
    return fail(501, 'not_implemented', 'This service provider does not support PATCH; use PUT.');
  }
  const stale = preconditionFailed(tenant, input, toScim.groupVersion(group));
  if (stale !== undefined) return stale;
  const current = new Set(group.members.keys());
  const wanted = new Set(current);
  const unknown = (ids: readonly string[]) => ids.find((id) => !tenant.accounts.has(id));
  if (route.operation === 'scim.group.put') {
    const body = input.body;
    if (!isObject(body)) return fail(400, 'invalidSyntax', 'The body must be a SCIM Group.');
    const ids = body.members === undefined ? [] : memberValues(body.members);
    if (ids === undefined) return fail(400, 'invalidValue', 'members must be [{ "value": id }, ...].');
    const missing = unknown(ids);
    if (missing !== undefined) return fail(400, 'invalidValue', `No user ${missing} to add.`);
    wanted.clear();
    for (const id of ids) wanted.add(id);
  } else {
    const ops = patchOperations(input.body);
    if (!Array.isArray(ops)) return ops;
    for (const op of ops) {
      const target = memberPath(op.path);
      if (op.path !== undefined && target === undefined) {
        return fail(
          400,
          op.path.trim().toLowerCase() === 'displayname' ? 'mutability' : 'invalidPath',
          `The fake target cannot ${op.op} ${op.path.slice(0, 64)} of a group.`,
        );
      }
      if (typeof target === 'string') {
        if (op.op !== 'remove')
          return fail(400, 'invalidPath', 'A filtered members path can only be removed.');
        wanted.delete(target);
        continue;
      }
      const raw = op.path === undefined && isObject(op.value) ? op.value.members : op.value;
      if (op.op === 'remove' && raw === undefined) {
        wanted.clear();
        continue;
      }
      const ids = memberValues(raw);
      if (ids === undefined) return fail(400, 'invalidValue', 'members must be [{ "value": id }, ...].');
      if (op.op === 'remove') {
        for (const id of ids) wanted.delete(id);
        continue;
      }
      const missing = unknown(ids);
      if (missing !== undefined) return fail(400, 'invalidValue', `No user ${missing} to add.`);
      if (op.op === 'replace') wanted.clear();
      for (const id of ids) wanted.add(id);
    }
  }
  changeMembers(
    tenant,
    group,
    input,
    route.operation,
    [...wanted].filter((id) => !current.has(id)),
    [...current].filter((id) => !wanted.has(id)),
  );
  return route.operation === 'scim.group.patch' ? { status: 204 } : groupReply(tenant, group, input);
}

/**
 * Runs one SCIM 2.0 operation (RFC 7643/7644) against a tenant's accounts
 * (as Users) and groups (as Groups), records side effects on the same
 * objects the native API does (`account` for users, `groupId/accountId`
 * memberships), and answers in SCIM: `application/scim+json`, ListResponses
 * paged by `startIndex`/`count`, SCIM Error bodies. Authentication, rate
 * limits and faults happen before this, in the request pipeline.
 *
 * @example
 * ```ts
 * const reply = handleScim(tenant, routeScim('GET', ['Users']), { ...input, base, ifMatch: undefined });
 * ```
 */
export function handleScim(tenant: TenantState, route: Route, input: ScimHandlerInput): Reply {
  const applied = (): void => {
    if (input.effect !== undefined) tenant.effects.apply(input.effect.kind, input.effect.id, route.operation);
  };
  switch (route.operation) {
    case 'scim.serviceProviderConfig':
    case 'scim.resourceTypes':
    case 'scim.schemas':
      return discovery(tenant, route, input);
    case 'scim.user.list': {
      const filter = filterOf(tenant, input);
      if (filter !== undefined && 'status' in filter) return filter;
      let users = live(tenant.accountList, tenant.accounts.size);
      if (filter !== undefined) {
        const match = userMatcher(filter);
        if (typeof match !== 'function') return match;
        users = users.filter(match);
      }
      return listResponse(users, input, (a) => toScim.user(tenant, a, input.base));
    }
    case 'scim.user.get': {
      const account = tenant.accounts.get(route.id1);
      return account === undefined ? userNotFound(route.id1) : userReply(tenant, account, input);
    }
    case 'scim.user.create':
      return createUser(tenant, input);
    case 'scim.user.patch':
    case 'scim.user.put':
    case 'scim.user.delete':
      return writeUser(tenant, route, input, applied);
    case 'scim.group.list': {
      const filter = filterOf(tenant, input);
      if (filter !== undefined && 'status' in filter) return filter;
      let groups = tenant.groupList.filter((g) => !g.deleted);
      if (filter !== undefined) {
        const match = groupMatcher(filter);
        if (typeof match !== 'function') return match;
        groups = groups.filter(match);
      }
      const members = !excludesMembers(input);
      return listResponse(groups, input, (g) => toScim.group(tenant, g, input.base, { members }));
    }
    case 'scim.group.get': {
      const group = tenant.groups.get(route.id1);
      return group === undefined || group.deleted
        ? groupNotFound(route.id1)
        : groupReply(tenant, group, input);
    }
    case 'scim.group.patch':
    case 'scim.group.put':
      return writeGroup(tenant, route, input);
    default:
      return fail(404, 'not_found', 'No such SCIM endpoint.');
  }
}
