/**
 * The two versions of Acme's API (the fake target from `lifeline/testing`),
 * as adapters: wire schemas per object kind and their mapping to the model.
 * v2 renamed and retyped fields, added an enum value and moved the key
 * collection (see docs/fake-target.md).
 */
import { type Account, type Credential, defineAdapter, type Entitlement, type Session } from 'lifeline';
import { z } from 'zod';

const iso = z.string();
const epoch = z.number().int().nonnegative();
const toIso = (seconds: number) => new Date(seconds * 1000).toISOString();

// ---- v1 --------------------------------------------------------------------

const AccountV1 = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['human', 'service']),
  owner: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  created_at: iso,
});
const KeyV1 = z.object({
  key_id: z.string(),
  account_id: z.string(),
  name: z.string(),
  type: z.enum(['api_key', 'token']),
  last4: z.string(),
  created_at: iso,
  expires_at: iso.nullable(),
  last_used_at: iso.nullable(),
  state: z.enum(['active', 'revoked']),
});
const GroupV1 = z.object({ id: z.string(), name: z.string(), member_count: z.number(), created_at: iso });
const MemberV1 = z.object({ account_id: z.string(), added_at: iso });
const SessionV1 = z.object({
  session_id: z.string(),
  account_id: z.string(),
  ip: z.string(),
  created_at: iso,
  last_seen_at: iso,
  state: z.enum(['active', 'revoked']),
});
const listV1 = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_page: z.number().int().nullable() });
const nextV1 = (page: number | null) => (page === null ? {} : { nextCursor: String(page) });

const accountV1 = (w: z.infer<typeof AccountV1>): Account => ({
  id: w.id,
  username: w.name,
  status: w.status,
  kind: w.type === 'human' ? 'human' : 'service_account',
  createdAt: w.created_at,
});
const keyV1 = (w: z.infer<typeof KeyV1>): Credential => ({
  id: w.key_id,
  accountId: w.account_id,
  kind: w.type === 'token' ? 'access_token' : 'api_key',
  status: w.state,
  label: w.name,
  last4: w.last4,
  createdAt: w.created_at,
  ...(w.expires_at === null ? {} : { expiresAt: w.expires_at }),
  ...(w.last_used_at === null ? {} : { lastUsedAt: w.last_used_at }),
});
const groupV1 = (w: z.infer<typeof GroupV1>): Entitlement => ({ id: w.id, kind: 'group', name: w.name });
const sessionV1 = (w: z.infer<typeof SessionV1>): Session => ({
  id: w.session_id,
  accountId: w.account_id,
  createdAt: w.created_at,
  lastSeenAt: w.last_seen_at,
});

/** Acme API v1. */
export const acmeV1 = defineAdapter({
  version: 'v1',
  schemas: {
    account: AccountV1,
    accountList: listV1(AccountV1),
    credential: KeyV1,
    credentialList: listV1(KeyV1),
    entitlementList: listV1(GroupV1),
    memberList: listV1(MemberV1),
    sessionList: listV1(SessionV1),
  },
  toModel: {
    account: accountV1,
    accountList: (w) => ({ items: w.data.map(accountV1), ...nextV1(w.next_page) }),
    credential: keyV1,
    credentialList: (w) => ({ items: w.data.map(keyV1), ...nextV1(w.next_page) }),
    entitlementList: (w) => ({ items: w.data.map(groupV1), ...nextV1(w.next_page) }),
    memberList: (w) => ({ ids: w.data.map((m) => m.account_id), ...nextV1(w.next_page) }),
    sessionList: (w) => ({
      items: w.data.filter((s) => s.state === 'active').map(sessionV1),
      ...nextV1(w.next_page),
    }),
  },
});

// ---- v2 --------------------------------------------------------------------

const AccountV2 = z.object({
  id: z.string(),
  display_name: z.string(),
  kind: z.enum(['human', 'service', 'bot']),
  owner: z.object({ email: z.string() }).nullable(),
  state: z.object({ enabled: z.boolean() }),
  created: epoch,
});
const KeyV2 = z.object({
  id: z.string(),
  account: z.string(),
  display_name: z.string(),
  type: z.enum(['api_key', 'token']),
  last4: z.string(),
  created: epoch,
  expires: epoch.nullable(),
  last_used: epoch.nullable(),
  revoked: z.boolean(),
});
const GroupV2 = z.object({
  id: z.string(),
  display_name: z.string(),
  member_count: z.number(),
  created: epoch,
});
const MemberV2 = z.object({ account: z.string(), added: epoch });
const SessionV2 = z.object({
  id: z.string(),
  account: z.string(),
  ip: z.string(),
  created: epoch,
  last_seen: epoch,
  revoked: z.boolean(),
});
const listV2 = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), cursor: z.string().nullable() });
const nextV2 = (cursor: string | null) => (cursor === null ? {} : { nextCursor: cursor });

const accountV2 = (w: z.infer<typeof AccountV2>): Account => ({
  id: w.id,
  username: w.display_name,
  status: w.state.enabled ? 'active' : 'disabled',
  kind: w.kind === 'human' ? 'human' : w.kind === 'bot' ? 'bot' : 'service_account',
  createdAt: toIso(w.created),
});
const keyV2 = (w: z.infer<typeof KeyV2>): Credential => ({
  id: w.id,
  accountId: w.account,
  kind: w.type === 'token' ? 'access_token' : 'api_key',
  status: w.revoked ? 'revoked' : 'active',
  label: w.display_name,
  last4: w.last4,
  createdAt: toIso(w.created),
  ...(w.expires === null ? {} : { expiresAt: toIso(w.expires) }),
  ...(w.last_used === null ? {} : { lastUsedAt: toIso(w.last_used) }),
});
const groupV2 = (w: z.infer<typeof GroupV2>): Entitlement => ({
  id: w.id,
  kind: 'group',
  name: w.display_name,
});
const sessionV2 = (w: z.infer<typeof SessionV2>): Session => ({
  id: w.id,
  accountId: w.account,
  createdAt: toIso(w.created),
  lastSeenAt: toIso(w.last_seen),
});

/** Acme API v2. */
export const acmeV2 = defineAdapter({
  version: 'v2',
  schemas: {
    account: AccountV2,
    accountList: listV2(AccountV2),
    credential: KeyV2,
    credentialList: listV2(KeyV2),
    entitlementList: listV2(GroupV2),
    memberList: listV2(MemberV2),
    sessionList: listV2(SessionV2),
  },
  toModel: {
    account: accountV2,
    accountList: (w) => ({ items: w.items.map(accountV2), ...nextV2(w.cursor) }),
    credential: keyV2,
    credentialList: (w) => ({ items: w.items.map(keyV2), ...nextV2(w.cursor) }),
    entitlementList: (w) => ({ items: w.items.map(groupV2), ...nextV2(w.cursor) }),
    memberList: (w) => ({ ids: w.items.map((m) => m.account), ...nextV2(w.cursor) }),
    sessionList: (w) => ({ items: w.items.filter((s) => !s.revoked).map(sessionV2), ...nextV2(w.cursor) }),
  },
});
