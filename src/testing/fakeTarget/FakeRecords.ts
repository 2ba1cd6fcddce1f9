/**
 * The fake target's stored objects. Records are the mutable internal state;
 * `Fake*` snapshots are the read-only copies tests get from `target.state`.
 * Times are epoch milliseconds (whole seconds, so both API versions render them exactly).
 */

/** Kinds of account. `bot` exists only in API v2; v1 reports a bot as `service`. */
export type FakeAccountKind = 'human' | 'service' | 'bot';
/** Account status. */
export type FakeAccountStatus = 'active' | 'disabled';
/** Kinds of credential. */
export type FakeKeyKind = 'api_key' | 'token';
/** Credential status. Revoked keys stay readable; revoking one again answers 404. */
export type FakeKeyStatus = 'active' | 'revoked';
/** Session status. */
export type FakeSessionStatus = 'active' | 'revoked';

/** @internal */
export interface AccountRecord {
  readonly id: string;
  name: string;
  kind: FakeAccountKind;
  owner: string | null;
  status: FakeAccountStatus;
  readonly createdAt: number;
  /** SCIM `externalId`, set through the SCIM endpoints only. */
  externalId?: string;
  readonly keys: KeyRecord[];
  sessions: SessionRecord[];
  /** Ids of the groups the account belongs to. */
  groups: string[];
  deleted: boolean;
}

/** @internal */
export interface KeyRecord {
  readonly id: string;
  readonly accountId: string;
  readonly label: string;
  readonly kind: FakeKeyKind;
  readonly last4: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  lastUsedAt: number | null;
  status: FakeKeyStatus;
  revokedAt: number | null;
  deleted: boolean;
}

/** @internal */
export interface MemberEntry {
  readonly accountId: string;
  readonly addedAt: number;
  removed: boolean;
}

/** @internal */
export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly members: Map<string, MemberEntry>;
  readonly memberList: MemberEntry[];
  deleted: boolean;
}

/** @internal */
export interface SessionRecord {
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string;
  status: FakeSessionStatus;
  revokedAt: number | null;
  deleted: boolean;
}

/**
 * A read-only copy of an account, from `target.state.account(tenant, id)`.
 *
 * @example
 * ```ts
 * expect(target.state.account('acme', id)?.status).toBe('disabled');
 * ```
 */
export interface FakeAccount {
  readonly id: string;
  readonly name: string;
  readonly kind: FakeAccountKind;
  readonly owner: string | null;
  readonly status: FakeAccountStatus;
  readonly createdAt: number;
  readonly keyIds: readonly string[];
  readonly sessionIds: readonly string[];
  readonly groupIds: readonly string[];
}

/**
 * A read-only copy of a key (API key or token), from `target.state.key(tenant, id)`.
 *
 * @example
 * ```ts
 * expect(target.state.key('acme', keyId)?.status).toBe('revoked');
 * ```
 */
export interface FakeKey {
  readonly id: string;
  readonly accountId: string;
  readonly label: string;
  readonly kind: FakeKeyKind;
  readonly last4: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly status: FakeKeyStatus;
  readonly revokedAt: number | null;
}

/**
 * A read-only copy of a group, from `target.state.group(tenant, id)`.
 *
 * @example
 * ```ts
 * expect(target.state.group('acme', groupId)?.members).not.toContain(accountId);
 * ```
 */
export interface FakeGroup {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** Current member account ids, in the order they were added. */
  readonly members: readonly string[];
}

/**
 * A read-only copy of a session, from `target.state.session(tenant, id)`.
 *
 * @example
 * ```ts
 * expect(target.state.session('acme', sessionId)?.status).toBe('revoked');
 * ```
 */
export interface FakeSession {
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string;
  readonly status: FakeSessionStatus;
  readonly revokedAt: number | null;
}

/** @internal */
export function snapshotAccount(a: AccountRecord): FakeAccount {
  return Object.freeze({
    id: a.id,
    name: a.name,
    kind: a.kind,
    owner: a.owner,
    status: a.status,
    createdAt: a.createdAt,
    keyIds: a.keys.filter((k) => !k.deleted).map((k) => k.id),
    sessionIds: a.sessions.filter((s) => !s.deleted).map((s) => s.id),
    groupIds: [...a.groups],
  });
}

/** @internal */
export function snapshotKey(k: KeyRecord): FakeKey {
  return Object.freeze({
    id: k.id,
    accountId: k.accountId,
    label: k.label,
    kind: k.kind,
    last4: k.last4,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt,
    status: k.status,
    revokedAt: k.revokedAt,
  });
}

/** @internal */
export function snapshotGroup(g: GroupRecord): FakeGroup {
  return Object.freeze({
    id: g.id,
    name: g.name,
    createdAt: g.createdAt,
    members: g.memberList.filter((m) => !m.removed).map((m) => m.accountId),
  });
}

/** @internal */
export function snapshotSession(s: SessionRecord): FakeSession {
  return Object.freeze({
    id: s.id,
    accountId: s.accountId,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    ip: s.ip,
    status: s.status,
    revokedAt: s.revokedAt,
  });
}
