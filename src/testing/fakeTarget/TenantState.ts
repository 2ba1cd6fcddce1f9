import { AlreadyExistsError, InvalidInputError, NotFoundError } from '../../errors';
import { createPrng, hashSeed, type Prng } from './createPrng';
import { EffectCounter } from './EffectCounter';
import type {
  AccountRecord,
  FakeAccountKind,
  FakeAccountStatus,
  FakeKeyKind,
  FakeKeyStatus,
  GroupRecord,
  KeyRecord,
  MemberEntry,
  SessionRecord,
} from './FakeRecords';
import type { TokenBucket } from './TokenBucket';

/**
 * API versions the fake target speaks.
 *
 * @example
 * ```ts
 * target.setApiVersion('acme', 'v2');
 * ```
 */
export type FakeApiVersion = 'v1' | 'v2';

/**
 * SCIM 2.0 capabilities of a tenant.
 *
 * @example
 * ```ts
 * tenant.scim = { etag: false, patch: true, filter: true };
 * ```
 */
export interface ScimSettings {
  readonly etag: boolean;
  readonly patch: boolean;
  readonly filter: boolean;
}

/**
 * A bearer token a tenant accepts.
 *
 * @example
 * ```ts
 * tenant.tokens.set('t1', { scopes: new Set(['*']), expiresAt: Number.POSITIVE_INFINITY });
 * ```
 */
export interface TokenGrant {
  readonly scopes: ReadonlySet<string>;
  /** Epoch ms; `Infinity` for tokens that never expire. */
  readonly expiresAt: number;
}

/**
 * An OAuth client allowed to use the client-credentials endpoint.
 *
 * @example
 * ```ts
 * tenant.clients.set('lifeline', { secret: 's3cret', scopes: ['*'] });
 * ```
 */
export interface ClientGrant {
  readonly secret: string;
  readonly scopes: readonly string[];
}

/**
 * How a tenant's enforced rate limit answers.
 *
 * @example
 * ```ts
 * tenant.rateLimit = { bucket: new TokenBucket(1000, 1000), retryAfterFormat: 'seconds' };
 * ```
 */
export interface RateLimitState {
  readonly bucket: TokenBucket;
  readonly retryAfterFormat: 'seconds' | 'http-date';
}

/**
 * Input of {@link TenantState.addAccount}.
 *
 * @example
 * ```ts
 * target.addAccount('acme', { id: 'svc-ci', kind: 'bot', owner: 'ops@example.test' });
 * ```
 */
export interface AddAccountInput {
  /** Defaults to a deterministic `acc_…` id. */
  readonly id?: string;
  readonly name?: string;
  /** Default `service`. */
  readonly kind?: FakeAccountKind;
  /** Owner e-mail; default `null`. */
  readonly owner?: string | null;
  /** Default `active`. */
  readonly status?: FakeAccountStatus;
  /** Epoch ms; defaults to the target epoch. */
  readonly createdAt?: number;
}

/**
 * Input of {@link TenantState.addKey}.
 *
 * @example
 * ```ts
 * target.addKey('acme', 'svc-ci', { label: 'deploy', kind: 'token', expiresAt: Date.UTC(2025, 0, 1) });
 * ```
 */
export interface AddKeyInput {
  /** Defaults to a deterministic `key_…` id. */
  readonly id?: string;
  readonly label?: string;
  /** Default `api_key`. */
  readonly kind?: FakeKeyKind;
  /** Default `active`. */
  readonly status?: FakeKeyStatus;
  /** Epoch ms or `null` (never); default `null`. */
  readonly expiresAt?: number | null;
  readonly lastUsedAt?: number | null;
  readonly createdAt?: number;
}

/**
 * Input of {@link TenantState.addGroup}.
 *
 * @example
 * ```ts
 * target.addGroup('acme', { name: 'admins', members: ['svc-ci'] });
 * ```
 */
export interface AddGroupInput {
  readonly id?: string;
  readonly name?: string;
  /** Account ids to add as members. */
  readonly members?: readonly string[];
}

/**
 * Input of {@link TenantState.addSession}.
 *
 * @example
 * ```ts
 * target.addSession('acme', 'svc-ci', { ip: '10.0.0.7' });
 * ```
 */
export interface AddSessionInput {
  readonly id?: string;
  readonly ip?: string;
  readonly createdAt?: number;
  readonly lastSeenAt?: number;
}

/**
 * Options of `target.seed(tenant, options)`: bulk, deterministic test data.
 *
 * @example
 * ```ts
 * target.seed('acme', { accounts: 50_000, keysPerAccount: 2, groups: 10, sessionsPerAccount: 1 });
 * ```
 */
export interface SeedOptions {
  /** Accounts to create. */
  readonly accounts: number;
  /** Keys per account (default 2). */
  readonly keysPerAccount?: number;
  /** Groups to create (default 0). */
  readonly groups?: number;
  /** Groups each account joins, round robin (default 1 when there are groups). */
  readonly groupsPerAccount?: number;
  /** Sessions per account (default 0). */
  readonly sessionsPerAccount?: number;
  /** Share of human accounts (default 0.1). */
  readonly humanRatio?: number;
  /** Share of bot accounts (default 0.1); the rest are `service`. */
  readonly botRatio?: number;
  /** Share of keys that are tokens rather than API keys (default 0.25). */
  readonly tokenRatio?: number;
}

/**
 * What `seed` created, ids in creation order.
 *
 * @example
 * ```ts
 * const { accountIds, keyIds } = target.seed('acme', { accounts: 10 });
 * ```
 */
export interface SeedResult {
  readonly accountIds: readonly string[];
  readonly keyIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly sessionIds: readonly string[];
}

/**
 * A page of records and the raw index to continue from (`null` at the end).
 *
 * @example
 * ```ts
 * const { items, next } = TenantState.cursorPage(tenant.keyList, 0, 100);
 * ```
 */
export interface RecordPage<T> {
  readonly items: T[];
  readonly next: number | null;
}

const DAY = 86_400_000;
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Shared empty list of accounts without sessions or groups (replaced on first push; never mutated). */
const NONE: never[] = [];
const OWNERS = Array.from({ length: 1000 }, (_, i) => `owner${i}@example.test`);
const KEY_LABELS = Array.from({ length: 16 }, (_, i) => `key-${i + 1}`);

function last4(prng: Prng): string {
  const n = SECRET_ALPHABET.length;
  return String.fromCharCode(
    SECRET_ALPHABET.charCodeAt(prng.int(n)),
    SECRET_ALPHABET.charCodeAt(prng.int(n)),
    SECRET_ALPHABET.charCodeAt(prng.int(n)),
    SECRET_ALPHABET.charCodeAt(prng.int(n)),
  );
}

function randomString(prng: Prng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[prng.int(alphabet.length)];
  return out;
}

/**
 * Everything one tenant of the fake target holds: objects indexed by id (O(1)
 * lookups) and kept in insertion-order arrays (paging by index; deleted objects
 * stay as tombstones so cursors never skip), its tokens, API version, rate limit
 * and side-effect counters.
 *
 * @example
 * ```ts
 * const tenant = new TenantState('acme', { seed: 1, epochMs: Date.UTC(2024, 0, 1), apiVersion: 'v1' });
 * const account = tenant.addAccount({ name: 'ci-bot' });
 * tenant.addKey(account.id, { label: 'deploy' });
 * ```
 */
export class TenantState {
  apiVersion: FakeApiVersion;
  rateLimit: RateLimitState | undefined;
  /** What the SCIM 2.0 endpoints support (see `FakeScimSpec`). */
  scim: ScimSettings = { etag: true, patch: true, filter: true };
  readonly tokens = new Map<string, TokenGrant>();
  readonly clients = new Map<string, ClientGrant>();
  readonly effects = new EffectCounter();

  readonly accounts = new Map<string, AccountRecord>();
  readonly accountList: AccountRecord[] = [];
  readonly keys = new Map<string, KeyRecord>();
  readonly keyList: KeyRecord[] = [];
  readonly groups = new Map<string, GroupRecord>();
  readonly groupList: GroupRecord[] = [];
  readonly sessions = new Map<string, SessionRecord>();

  /** Ids, secrets and seeded values; one stream per tenant so tenants do not disturb each other. */
  readonly prng: Prng;
  private readonly epochMs: number;
  private readonly salt: number;
  private readonly counters = { acc: 0, key: 0, grp: 0, ses: 0 };
  /** Set once a caller supplies its own id; generated ids are then checked for collisions. */
  private customIds = false;

  constructor(
    readonly id: string,
    options: {
      readonly seed: number | string;
      readonly epochMs: number;
      readonly apiVersion: FakeApiVersion;
    },
  ) {
    this.prng = createPrng(hashSeed(options.seed, 'tenant', id));
    this.salt = hashSeed(options.seed, 'ids', id);
    this.epochMs = options.epochMs;
    this.apiVersion = options.apiVersion;
  }

  /**
   * A deterministic id: a seeded bijection of a per-kind counter, so generated ids
   * never collide with each other and need no lookup. Only when a caller supplied
   * its own ids is the map checked.
   */
  private newId(prefix: 'acc' | 'key' | 'grp' | 'ses', taken: { has(id: string): boolean }): string {
    for (;;) {
      const n = this.counters[prefix]++;
      let x = (n ^ this.salt) >>> 0;
      x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
      x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
      x = (x ^ (x >>> 16)) >>> 0;
      const id = `${prefix}_${x.toString(36).padStart(7, '0')}${(n / 4294967296) | 0 || ''}`;
      if (!this.customIds || !taken.has(id)) return id;
    }
  }

  /** A new secret: `fk_` + 40 characters, deterministic from the seed. */
  newSecret(prefix = 'fk_live_'): string {
    return prefix + randomString(this.prng, SECRET_ALPHABET, 40);
  }

  /** Adds one account. Throws `AlreadyExistsError` on a duplicate id. */
  addAccount(input: AddAccountInput & { readonly keys?: KeyRecord[] } = {}): AccountRecord {
    if (input.id !== undefined && this.accounts.has(input.id)) {
      throw new AlreadyExistsError(`Account ${input.id} already exists in tenant ${this.id}.`);
    }
    if (input.id !== undefined) this.customIds = true;
    const id = input.id ?? this.newId('acc', this.accounts);
    const record: AccountRecord = {
      id,
      name: input.name ?? `svc-${id.slice(4, 12)}`,
      kind: input.kind ?? 'service',
      owner: input.owner ?? null,
      status: input.status ?? 'active',
      createdAt: input.createdAt ?? this.epochMs,
      keys: input.keys ?? [],
      sessions: NONE,
      groups: NONE,
      deleted: false,
    };
    this.accounts.set(id, record);
    this.accountList.push(record);
    return record;
  }

  private liveAccount(accountId: string): AccountRecord {
    const account = this.accounts.get(accountId);
    if (account === undefined)
      throw new NotFoundError(`Account ${accountId} does not exist in tenant ${this.id}.`);
    return account;
  }

  /** Adds one key to an account and returns it with its secret (shown only here). */
  addKey(accountId: string, input: AddKeyInput = {}): { key: KeyRecord; secret: string } {
    const account = this.liveAccount(accountId);
    if (input.id !== undefined && this.keys.has(input.id)) {
      throw new AlreadyExistsError(`Key ${input.id} already exists in tenant ${this.id}.`);
    }
    const secret = this.newSecret();
    if (input.id !== undefined) this.customIds = true;
    const id = input.id ?? this.newId('key', this.keys);
    const status = input.status ?? 'active';
    const key: KeyRecord = {
      id,
      accountId,
      label: input.label ?? 'default',
      kind: input.kind ?? 'api_key',
      last4: secret.slice(-4),
      createdAt: input.createdAt ?? this.epochMs,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: input.lastUsedAt ?? null,
      status,
      revokedAt: status === 'revoked' ? (input.createdAt ?? this.epochMs) : null,
      deleted: false,
    };
    this.keys.set(id, key);
    this.keyList.push(key);
    account.keys.push(key);
    return { key, secret };
  }

  /** Adds a group, optionally with members. */
  addGroup(input: AddGroupInput = {}): GroupRecord {
    if (input.id !== undefined && this.groups.has(input.id)) {
      throw new AlreadyExistsError(`Group ${input.id} already exists in tenant ${this.id}.`);
    }
    if (input.id !== undefined) this.customIds = true;
    const id = input.id ?? this.newId('grp', this.groups);
    const group: GroupRecord = {
      id,
      name: input.name ?? `group-${this.groupList.length + 1}`,
      createdAt: this.epochMs,
      members: new Map(),
      memberList: [],
      deleted: false,
    };
    this.groups.set(id, group);
    this.groupList.push(group);
    for (const member of input.members ?? []) this.addMember(id, member);
    return group;
  }

  /** Adds an account to a group. Returns false when it already was a member. */
  addMember(groupId: string, accountId: string, addedAt: number = this.epochMs): boolean {
    const group = this.groups.get(groupId);
    if (group === undefined) throw new NotFoundError(`Group ${groupId} does not exist in tenant ${this.id}.`);
    const account = this.liveAccount(accountId);
    if (group.members.has(accountId)) return false;
    const entry: MemberEntry = { accountId, addedAt, removed: false };
    group.members.set(accountId, entry);
    group.memberList.push(entry);
    if (account.groups === NONE) account.groups = [];
    account.groups.push(groupId);
    return true;
  }

  /** Removes an account from a group. Returns false when it was not a member. */
  removeMember(group: GroupRecord, accountId: string): boolean {
    const entry = group.members.get(accountId);
    if (entry === undefined) return false;
    entry.removed = true;
    group.members.delete(accountId);
    const groups = this.accounts.get(accountId)?.groups;
    const at = groups === undefined ? -1 : groups.indexOf(group.id);
    if (groups !== undefined && at >= 0) groups.splice(at, 1);
    return true;
  }

  /** Adds an active session to an account. */
  addSession(accountId: string, input: AddSessionInput = {}): SessionRecord {
    const account = this.liveAccount(accountId);
    if (input.id !== undefined && this.sessions.has(input.id)) {
      throw new AlreadyExistsError(`Session ${input.id} already exists in tenant ${this.id}.`);
    }
    if (input.id !== undefined) this.customIds = true;
    const id = input.id ?? this.newId('ses', this.sessions);
    const createdAt = input.createdAt ?? this.epochMs;
    const session: SessionRecord = {
      id,
      accountId,
      createdAt,
      lastSeenAt: input.lastSeenAt ?? createdAt,
      ip: input.ip ?? `10.${this.prng.int(256)}.${this.prng.int(256)}.${1 + this.prng.int(254)}`,
      status: 'active',
      revokedAt: null,
      deleted: false,
    };
    this.sessions.set(id, session);
    if (account.sessions === NONE) account.sessions = [];
    account.sessions.push(session);
    return session;
  }

  /** Deletes an account and everything hanging off it (keys, sessions, memberships). */
  deleteAccount(account: AccountRecord): void {
    account.deleted = true;
    this.accounts.delete(account.id);
    for (const key of account.keys) {
      key.deleted = true;
      this.keys.delete(key.id);
    }
    for (const session of account.sessions) {
      session.deleted = true;
      this.sessions.delete(session.id);
    }
    for (const groupId of [...account.groups]) {
      const group = this.groups.get(groupId);
      if (group !== undefined) this.removeMember(group, account.id);
    }
  }

  /** Creates many objects quickly and deterministically (see {@link SeedOptions}). */
  seed(options: SeedOptions): SeedResult {
    const keysPerAccount = options.keysPerAccount ?? 2;
    const groupCount = options.groups ?? 0;
    const groupsPerAccount = Math.min(groupCount, options.groupsPerAccount ?? (groupCount > 0 ? 1 : 0));
    const sessionsPerAccount = options.sessionsPerAccount ?? 0;
    const humanRatio = options.humanRatio ?? 0.1;
    const botRatio = options.botRatio ?? 0.1;
    const tokenRatio = options.tokenRatio ?? 0.25;
    for (const [name, value] of Object.entries({
      accounts: options.accounts,
      keysPerAccount,
      groups: groupCount,
    })) {
      if (!Number.isInteger(value) || value < 0 || value > 5_000_000) {
        throw new InvalidInputError(`seed: ${name} must be an integer between 0 and 5,000,000.`, {
          issues: [{ path: [name], message: 'must be an integer between 0 and 5,000,000' }],
        });
      }
    }
    const prng = this.prng;
    const groupIds: string[] = [];
    for (let g = 0; g < groupCount; g++)
      groupIds.push(this.addGroup({ name: `group-${this.groupList.length + 1}` }).id);
    const accountIds: string[] = new Array(options.accounts);
    const keyIds: string[] = [];
    const sessionIds: string[] = [];
    const base = this.epochMs;
    for (let i = 0; i < options.accounts; i++) {
      const roll = prng.next();
      const kind: FakeAccountKind =
        roll < humanRatio ? 'human' : roll < humanRatio + botRatio ? 'bot' : 'service';
      const createdAt = base - (1 + prng.int(730)) * DAY + prng.int(86_400) * 1000;
      const account = this.addAccount({
        name: kind === 'human' ? `user${this.accountList.length + 1}` : `svc-${this.accountList.length + 1}`,
        kind,
        owner: kind === 'human' ? null : (OWNERS[prng.int(OWNERS.length)] ?? null),
        createdAt,
        keys: new Array<KeyRecord>(keysPerAccount),
      });
      accountIds[i] = account.id;
      for (let k = 0; k < keysPerAccount; k++) {
        const keyCreated = createdAt + prng.int(365) * DAY;
        const expires = prng.next() < 0.5 ? keyCreated + 365 * DAY : null;
        const used = prng.next() < 0.7 ? keyCreated + prng.int(30 * 86_400) * 1000 : null;
        const id = this.newId('key', this.keys);
        const key: KeyRecord = {
          id,
          accountId: account.id,
          label: KEY_LABELS[k] ?? `key-${k + 1}`,
          kind: prng.next() < tokenRatio ? 'token' : 'api_key',
          last4: last4(prng),
          createdAt: keyCreated,
          expiresAt: expires,
          lastUsedAt: used,
          status: 'active',
          revokedAt: null,
          deleted: false,
        };
        this.keys.set(id, key);
        this.keyList.push(key);
        account.keys[k] = key;
        keyIds.push(id);
      }
      for (let s = 0; s < sessionsPerAccount; s++) {
        sessionIds.push(this.addSession(account.id, { createdAt: base - prng.int(7 * 86_400) * 1000 }).id);
      }
      for (let j = 0; j < groupsPerAccount; j++) {
        const groupId = groupIds[(i + j) % groupCount];
        if (groupId !== undefined) this.addMember(groupId, account.id, createdAt);
      }
    }
    return { accountIds, keyIds, groupIds, sessionIds };
  }

  /**
   * A page by cursor: up to `limit` live items starting at raw index `start`,
   * and the raw index to continue from.
   */
  static cursorPage<T extends { deleted?: boolean; removed?: boolean }>(
    list: readonly T[],
    start: number,
    limit: number,
  ): RecordPage<T> {
    const items: T[] = [];
    let i = start;
    for (; i < list.length && items.length < limit; i++) {
      const item = list[i] as T;
      if (item.deleted !== true && item.removed !== true) items.push(item);
    }
    return { items, next: i < list.length ? i : null };
  }

  /** A page by number: the live items among raw slots `[start, start + size)`. */
  static numberedPage<T extends { deleted?: boolean; removed?: boolean }>(
    list: readonly T[],
    start: number,
    size: number,
  ): RecordPage<T> {
    const items: T[] = [];
    const end = Math.min(list.length, start + size);
    for (let i = start; i < end; i++) {
      const item = list[i] as T;
      if (item.deleted !== true && item.removed !== true) items.push(item);
    }
    return { items, next: end < list.length ? end : null };
  }
}
