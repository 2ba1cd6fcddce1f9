import type { AccountRecord, GroupRecord, KeyRecord, MemberEntry, SessionRecord } from './FakeRecords';
import type {
  WireAccountV1,
  WireAccountV2,
  WireGroupV1,
  WireGroupV2,
  WireKeyV1,
  WireKeyV2,
  WireMemberV1,
  WireMemberV2,
  WireSessionV1,
  WireSessionV2,
} from './wireTypes';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const sec = (ms: number): number => Math.floor(ms / 1000);
const secOrNull = (ms: number | null): number | null => (ms === null ? null : sec(ms));

/**
 * Renders stored records in each API version's wire shape. One function per
 * (object, version); no reflection, so rendering a 1,000-item page stays cheap.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ data: keys.map(toWire.keyV1), next_page: null });
 * ```
 */
export const toWire = {
  accountV1: (a: AccountRecord): WireAccountV1 => ({
    id: a.id,
    name: a.name,
    type: a.kind === 'human' ? 'human' : 'service',
    owner: a.owner,
    status: a.status,
    created_at: iso(a.createdAt),
  }),
  accountV2: (a: AccountRecord): WireAccountV2 => ({
    id: a.id,
    display_name: a.name,
    kind: a.kind,
    owner: a.owner === null ? null : { email: a.owner },
    state: { enabled: a.status === 'active' },
    created: sec(a.createdAt),
  }),
  keyV1: (k: KeyRecord): WireKeyV1 => ({
    key_id: k.id,
    account_id: k.accountId,
    name: k.label,
    type: k.kind,
    last4: k.last4,
    created_at: iso(k.createdAt),
    expires_at: isoOrNull(k.expiresAt),
    last_used_at: isoOrNull(k.lastUsedAt),
    state: k.status,
  }),
  keyV2: (k: KeyRecord): WireKeyV2 => ({
    id: k.id,
    account: k.accountId,
    display_name: k.label,
    type: k.kind,
    last4: k.last4,
    created: sec(k.createdAt),
    expires: secOrNull(k.expiresAt),
    last_used: secOrNull(k.lastUsedAt),
    revoked: k.status === 'revoked',
  }),
  groupV1: (g: GroupRecord): WireGroupV1 => ({
    id: g.id,
    name: g.name,
    member_count: g.members.size,
    created_at: iso(g.createdAt),
  }),
  groupV2: (g: GroupRecord): WireGroupV2 => ({
    id: g.id,
    display_name: g.name,
    member_count: g.members.size,
    created: sec(g.createdAt),
  }),
  memberV1: (m: MemberEntry): WireMemberV1 => ({ account_id: m.accountId, added_at: iso(m.addedAt) }),
  memberV2: (m: MemberEntry): WireMemberV2 => ({ account: m.accountId, added: sec(m.addedAt) }),
  sessionV1: (s: SessionRecord): WireSessionV1 => ({
    session_id: s.id,
    account_id: s.accountId,
    ip: s.ip,
    created_at: iso(s.createdAt),
    last_seen_at: iso(s.lastSeenAt),
    state: s.status,
  }),
  sessionV2: (s: SessionRecord): WireSessionV2 => ({
    id: s.id,
    account: s.accountId,
    ip: s.ip,
    created: sec(s.createdAt),
    last_seen: sec(s.lastSeenAt),
    revoked: s.status === 'revoked',
  }),
};
