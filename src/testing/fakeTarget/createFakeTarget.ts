import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatIssues, InvalidInputError, issuesFromZod, NotFoundError } from '../../errors';
import { authenticate } from './authenticate';
import type { EffectKind, Effects } from './EffectCounter';
import { effectTarget } from './effectTarget';
import {
  type FakeAccount,
  type FakeGroup,
  type FakeKey,
  type FakeSession,
  snapshotAccount,
  snapshotGroup,
  snapshotKey,
  snapshotSession,
} from './FakeRecords';
import {
  type FakeRateLimitInput,
  FakeRateLimitSpec,
  FakeTargetOptions,
  type FakeTargetOptionsInput,
  type FakeTenantInput,
  FakeTenantSpec,
  type FakeTokenInput,
  FakeTokenSpec,
} from './FakeTargetOptions';
import { type CompiledRule, FaultSchedule } from './FaultSchedule';
import { handleOperation } from './handleOperation';
import { handleScim } from './handleScim';
import { handleTokenRequest } from './handleTokenRequest';
import { type ErrorDialect, errorReply, type Reply } from './Reply';
import { respondWithFault } from './respondWithFault';
import { routeRequest } from './routeRequest';
import { type FakeTargetCounters, TargetCounters } from './TargetCounters';
import {
  type AddAccountInput,
  type AddGroupInput,
  type AddKeyInput,
  type AddSessionInput,
  type FakeApiVersion,
  type SeedOptions,
  type SeedResult,
  TenantState,
} from './TenantState';
import { TokenBucket } from './TokenBucket';

/**
 * Read-only views of the fake target's state, for assertions.
 *
 * @example
 * ```ts
 * expect(target.state.key('acme', keyId)?.status).toBe('revoked');
 * ```
 */
export interface FakeTargetState {
  /** An account, or `undefined` when it does not exist (or was deleted). */
  account(tenant: string, id: string): FakeAccount | undefined;
  /** A key (active or revoked), or `undefined`. */
  key(tenant: string, id: string): FakeKey | undefined;
  /** A group, or `undefined`. */
  group(tenant: string, id: string): FakeGroup | undefined;
  /** A session, or `undefined`. */
  session(tenant: string, id: string): FakeSession | undefined;
  /** How many live objects a tenant holds (`activeKeys` scans all keys). */
  counts(tenant: string): {
    readonly accounts: number;
    readonly keys: number;
    readonly activeKeys: number;
    readonly groups: number;
    readonly sessions: number;
  };
}

/**
 * A running fake SaaS identity API. See docs/fake-target.md for every endpoint
 * and payload.
 *
 * @example
 * ```ts
 * await using target = await createFakeTarget({ seed: 7 });
 * const { keyIds } = target.seed('acme', { accounts: 100 });
 * const res = await fetch(`${target.tenantUrl('acme')}/accounts`, {
 *   headers: { authorization: `Bearer ${target.token('acme')}` },
 * });
 * ```
 */
export interface FakeTarget extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The port the target listens on. */
  readonly port: number;
  /** Base URL of one tenant's API: `${url}/t/${tenant}`. */
  tenantUrl(tenant: string): string;
  /** Base URL of one tenant's SCIM 2.0 API: `${url}/t/${tenant}/scim/v2`. */
  scimUrl(tenant: string): string;
  /** The first static bearer token of a tenant (default `token-<tenant>`). */
  token(tenant: string): string;
  /** The first OAuth client of a tenant and its token URL. */
  client(tenant: string): {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly tokenUrl: string;
  };
  /** Adds a tenant at run time. */
  addTenant(tenant: FakeTenantInput): void;
  /** The tenant's current API version. */
  apiVersion(tenant: string): FakeApiVersion;
  /** Switches a tenant's API version; the next request answers in the new shape. */
  setApiVersion(tenant: string, version: FakeApiVersion): void;
  /** Sets (or with `null` removes) a tenant's enforced rate limit. */
  setRateLimit(tenant: string, limit: FakeRateLimitInput | null): void;
  /** Adds a bearer token to a tenant. */
  addToken(tenant: string, token: FakeTokenInput): void;
  /** Removes a bearer token (requests with it then get 401). */
  removeToken(tenant: string, token: string): void;
  /** Bulk-creates deterministic accounts, keys, groups and sessions. */
  seed(tenant: string, options: SeedOptions): SeedResult;
  /** Adds one account. */
  addAccount(tenant: string, input?: AddAccountInput): FakeAccount;
  /** Adds one key to an account; the secret is returned only here. */
  addKey(
    tenant: string,
    accountId: string,
    input?: AddKeyInput,
  ): { readonly key: FakeKey; readonly secret: string };
  /** Adds one group. */
  addGroup(tenant: string, input?: AddGroupInput): FakeGroup;
  /** Adds an account to a group (no-op when it already is a member). */
  addMember(tenant: string, groupId: string, accountId: string): void;
  /** Adds an active session to an account. */
  addSession(tenant: string, accountId: string, input?: AddSessionInput): FakeSession;
  /** Read-only state views. */
  readonly state: FakeTargetState;
  /** The fault schedule. */
  readonly faults: FaultSchedule;
  /**
   * Mutation requests and applied changes for one object (summed over tenants
   * when `tenant` is omitted). Memberships use the id `groupId/accountId`; key
   * creation is recorded on the account as operation `key.create`.
   */
  effects(kind: EffectKind, id: string, tenant?: string): Effects;
  /** Request counters since creation or the last reset. */
  counters(): FakeTargetCounters;
  /** Zeroes request counters and side-effect counters (state is untouched). */
  resetCounters(): void;
  /** Stops the server and frees sockets, timers and hanging requests. Idempotent. */
  close(): Promise<void>;
}

type BodyResult =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly reply?: Reply };

function invalid(message: string, path: (string | number)[]): InvalidInputError {
  return new InvalidInputError(message, { issues: [{ path, message }] });
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function readBody(req: IncomingMessage, max: number, version: ErrorDialect): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        resolve({
          ok: false,
          reply: errorReply(
            version,
            413,
            'payload_too_large',
            `Request bodies are limited to ${max} bytes.`,
            {
              connection: 'close',
            },
          ),
        });
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve({ ok: true, body: undefined });
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('application/x-www-form-urlencoded')) {
        return resolve({ ok: true, body: Object.fromEntries(new URLSearchParams(text)) });
      }
      try {
        resolve({ ok: true, body: JSON.parse(text) as unknown });
      } catch {
        resolve({
          ok: false,
          reply: errorReply(version, 400, 'invalid_request', 'The request body is not valid JSON.'),
        });
      }
    });
    req.once('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false });
    });
  });
}

/**
 * Starts a fault-injecting fake SaaS identity API on 127.0.0.1 (ephemeral port,
 * keep-alive): tenants, service accounts, API keys and tokens, groups and
 * sessions; two API versions with breaking differences, switchable per tenant at
 * run time; bearer-token auth with scopes and an OAuth client-credentials
 * endpoint; an enforced per-tenant rate limit; a seeded, programmable fault
 * schedule; and per-object side-effect counters that prove exactly-once. Options
 * are validated (`InvalidInputError` lists bad fields). `close()` frees
 * everything, so a test process exits on its own.
 *
 * @example
 * ```ts
 * const target = await createFakeTarget({ seed: 42, tenants: [{ id: 'acme', rateLimit: { perSecond: 1000 } }] });
 * const { keyIds } = target.seed('acme', { accounts: 50_000, keysPerAccount: 2, groups: 10 });
 * target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'reset', phase: 'after' } });
 * // ... run revocations against target.tenantUrl('acme') with target.token('acme')
 * expect(target.effects('key', keyIds[0]!).applied).toBe(1);
 * await target.close();
 * ```
 */
export async function createFakeTarget(options: FakeTargetOptionsInput = {}): Promise<FakeTarget> {
  const parsed = FakeTargetOptions.safeParse(options);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid createFakeTarget options:\n${formatIssues(issues)}`, { issues });
  }
  const opts = parsed.data;
  const tenants = new Map<string, TenantState>();
  const counters = new TargetCounters();
  const sockets = new Set<Socket>();
  const timers = new Map<NodeJS.Timeout, (completed: boolean) => void>();
  let closing = false;
  let closed: Promise<void> | undefined;
  /** Set once listening; requests only arrive after that. */
  let url = '';
  let listening = false;

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch(() => {
      // A bug in the fake must not become an unhandled rejection in the test process: answer 500 or drop the socket.
      if (!res.headersSent && !res.destroyed) {
        send(res, undefined, errorReply('v1', 500, 'server_error', 'The fake target failed internally.'));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const destroySockets = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  let port = opts.port;
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen(port, opts.host, () => {
        server.off('error', onError);
        listening = true;
        resolve();
      });
    });

  const stopListening = (): Promise<void> => {
    if (!listening) return Promise.resolve();
    listening = false;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    destroySockets();
    return done;
  };

  const faults = new FaultSchedule(opts.seed, {
    refuse: stopListening,
    restore: () => (closing || listening ? Promise.resolve() : listen()),
  });

  function requireTenant(id: string): TenantState {
    const tenant = tenants.get(id);
    if (tenant === undefined) {
      throw new NotFoundError(
        `Tenant ${id} is not configured on this fake target. Add it with addTenant({ id }).`,
      );
    }
    return tenant;
  }

  function configureRateLimit(tenant: TenantState, limit: FakeRateLimitInput | null): void {
    if (limit === null) {
      tenant.rateLimit = undefined;
      return;
    }
    const spec = FakeRateLimitSpec.safeParse(limit);
    if (!spec.success) {
      const issues = issuesFromZod(spec.error);
      throw new InvalidInputError(`Invalid rate limit:\n${formatIssues(issues)}`, { issues });
    }
    tenant.rateLimit = {
      bucket: new TokenBucket(
        spec.data.perSecond,
        spec.data.burst ?? Math.max(1, Math.ceil(spec.data.perSecond)),
      ),
      retryAfterFormat: spec.data.retryAfterFormat,
    };
  }

  function addTokenTo(tenant: TenantState, input: FakeTokenInput): void {
    const spec = FakeTokenSpec.safeParse(input);
    if (!spec.success) {
      const issues = issuesFromZod(spec.error);
      throw new InvalidInputError(`Invalid token:\n${formatIssues(issues)}`, { issues });
    }
    tenant.tokens.set(spec.data.token, {
      scopes: new Set(spec.data.scopes),
      expiresAt:
        spec.data.expiresInSeconds === undefined
          ? Number.POSITIVE_INFINITY
          : Date.now() + spec.data.expiresInSeconds * 1000,
    });
  }

  function addTenant(input: FakeTenantInput): void {
    const spec = FakeTenantSpec.safeParse(input);
    if (!spec.success) {
      const issues = issuesFromZod(spec.error);
      throw new InvalidInputError(`Invalid tenant:\n${formatIssues(issues)}`, { issues });
    }
    const t = spec.data;
    if (tenants.has(t.id)) throw invalid(`Tenant ${t.id} already exists.`, ['id']);
    const tenant = new TenantState(t.id, {
      seed: opts.seed,
      epochMs: opts.epochMs,
      apiVersion: t.apiVersion,
    });
    for (const token of t.tokens ?? [{ token: `token-${t.id}` }]) addTokenTo(tenant, token);
    for (const client of t.clients ?? [
      { clientId: `client-${t.id}`, clientSecret: `secret-${t.id}`, scopes: ['*'] },
    ]) {
      tenant.clients.set(client.clientId, { secret: client.clientSecret, scopes: client.scopes ?? ['*'] });
    }
    if (t.rateLimit !== undefined) configureRateLimit(tenant, t.rateLimit);
    if (t.scim !== undefined) tenant.scim = t.scim;
    tenants.set(t.id, tenant);
  }

  for (const tenant of opts.tenants) addTenant(tenant);

  const delay = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(true);
      }, ms);
      timers.set(timer, resolve);
    });

  /** Holds a request until its rule is released (true) or the connection closes (false). */
  const hang = (rule: CompiledRule, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      const onClose = (): void => {
        rule.waiters.delete(wake);
        resolve(false);
      };
      const wake = (): void => {
        res.off('close', onClose);
        resolve(!closing);
      };
      rule.waiters.add(wake);
      res.once('close', onClose);
    });

  function send(res: ServerResponse, version: FakeApiVersion | undefined, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const payload = reply.raw ?? (reply.json === undefined ? undefined : JSON.stringify(reply.json));
    const headers: Record<string, string | number> = {};
    if (version !== undefined) headers['x-api-version'] = version;
    if (payload !== undefined) {
      headers['content-type'] = reply.contentType ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    } else if (reply.status !== 204 && reply.status !== 304) {
      headers['content-length'] = 0;
    }
    if (reply.headers !== undefined) Object.assign(headers, reply.headers);
    counters.status(reply.status);
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++;
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const parts = (queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt)).split('/');
    const tenant =
      parts[1] === 't' && parts[2] !== undefined ? tenants.get(decodeSegment(parts[2])) : undefined;
    if (tenant === undefined) {
      counters.operation('unknown');
      send(
        res,
        undefined,
        errorReply('v1', 404, 'not_found', 'Unknown tenant or path; tenant APIs live under /t/{tenant}/.'),
      );
      return;
    }
    const version = tenant.apiVersion;
    const segments: string[] = [];
    for (let i = 3; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part !== '') segments.push(decodeSegment(part));
    }
    const method = req.method ?? 'GET';
    const route = routeRequest(method, segments, version);
    counters.operation(route.operation);
    const dialect: ErrorDialect = route.scim === true ? 'scim' : version;

    let body: unknown;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const result = await readBody(req, opts.maxRequestBytes, dialect);
      if (!result.ok) {
        if (result.reply !== undefined) send(res, version, result.reply);
        return;
      }
      body = result.body;
    }
    const effect = effectTarget(route, body);
    if (effect !== undefined) tenant.effects.request(effect.kind, effect.id, route.operation);

    const limit = tenant.rateLimit;
    if (limit !== undefined) {
      const waitMs = limit.bucket.take(performance.now());
      if (waitMs > 0) {
        counters.rateLimited++;
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        const retryAfter =
          limit.retryAfterFormat === 'seconds'
            ? String(seconds)
            : new Date(Math.ceil((Date.now() + waitMs) / 1000) * 1000 + 1000).toUTCString();
        send(
          res,
          version,
          errorReply(
            dialect,
            429,
            'rate_limited',
            `Rate limit of ${limit.bucket.perSecond} requests/s exceeded.`,
            {
              'retry-after': retryAfter,
              'ratelimit-limit': String(limit.bucket.perSecond),
              'ratelimit-remaining': '0',
              'ratelimit-reset': String(seconds),
            },
          ),
        );
        return;
      }
    }

    let rule: CompiledRule | undefined;
    if (faults.active) {
      const decision = faults.evaluate({ method, tenant: tenant.id, operation: route.operation, segments });
      if (decision.latencyMs > 0) {
        counters.fault('latency');
        if (!(await delay(decision.latencyMs)) || closing) return;
      }
      rule = decision.rule;
      if (rule !== undefined) {
        counters.fault(rule.fault.kind);
        if (rule.fault.kind !== 'latency' && rule.fault.phase === 'before') {
          if (rule.fault.kind === 'hang') {
            if (!(await hang(rule, res))) return;
            rule = undefined;
          } else {
            faultResponse(res, tenant, dialect, rule, undefined);
            return;
          }
        }
      }
    }

    const now = Date.now();
    let reply: Reply;
    if (route.miss !== undefined) {
      reply = errorReply(
        dialect,
        route.miss.status,
        route.miss.status === 410 ? 'gone' : route.miss.status === 405 ? 'method_not_allowed' : 'not_found',
        route.miss.detail,
        route.miss.allow === undefined ? undefined : { allow: route.miss.allow },
      );
    } else if (route.operation === 'oauth.token') {
      reply = handleTokenRequest(tenant, req.headers.authorization, body, opts.tokenTtlSeconds, now);
    } else {
      const denied =
        route.scope === null
          ? undefined
          : authenticate(tenant, req.headers.authorization, route.scope, now, dialect);
      const input = {
        query: queryAt < 0 ? undefined : new URLSearchParams(rawUrl.slice(queryAt + 1)),
        body,
        pageSize: opts.pageSize,
        effect,
        now,
      };
      reply =
        denied ??
        (route.scim === true
          ? handleScim(tenant, route, {
              ...input,
              base: `${url}/t/${encodeURIComponent(tenant.id)}/scim/v2`,
              ifMatch: req.headers['if-match'],
            })
          : handleOperation(tenant, route, input));
    }

    if (rule !== undefined) {
      if (rule.fault.kind === 'hang') {
        if (!(await hang(rule, res))) return;
      } else {
        faultResponse(res, tenant, dialect, rule, reply);
        return;
      }
    }
    send(res, version, reply);
  }

  function faultResponse(
    res: ServerResponse,
    tenant: TenantState,
    dialect: ErrorDialect,
    rule: CompiledRule,
    reply: Reply | undefined,
  ): void {
    const fault = rule.fault;
    if (fault.kind === 'latency' || fault.kind === 'hang') return;
    respondWithFault(
      {
        res,
        version: tenant.apiVersion,
        dialect,
        reply,
        pick: (n) => rule.prng.int(n),
        send: (r) => send(res, tenant.apiVersion, r),
      },
      fault,
    );
  }

  await listen();
  port = (server.address() as AddressInfo).port;
  const host = opts.host === '::1' ? '[::1]' : opts.host;
  url = `http://${host}:${port}`;

  const close = (): Promise<void> => {
    if (closed !== undefined) return closed;
    closing = true;
    faults.releaseAll();
    for (const [timer, resolve] of timers) {
      clearTimeout(timer);
      resolve(false);
    }
    timers.clear();
    closed = listening
      ? stopListening()
      : Promise.resolve().then(() => {
          destroySockets();
        });
    return closed;
  };

  const state: FakeTargetState = {
    account: (t, id) => {
      const record = requireTenant(t).accounts.get(id);
      return record === undefined ? undefined : snapshotAccount(record);
    },
    key: (t, id) => {
      const record = requireTenant(t).keys.get(id);
      return record === undefined ? undefined : snapshotKey(record);
    },
    group: (t, id) => {
      const record = requireTenant(t).groups.get(id);
      return record === undefined ? undefined : snapshotGroup(record);
    },
    session: (t, id) => {
      const record = requireTenant(t).sessions.get(id);
      return record === undefined ? undefined : snapshotSession(record);
    },
    counts: (t) => {
      const tenant = requireTenant(t);
      let activeKeys = 0;
      for (const key of tenant.keys.values()) if (key.status === 'active') activeKeys++;
      return {
        accounts: tenant.accounts.size,
        keys: tenant.keys.size,
        activeKeys,
        groups: tenant.groups.size,
        sessions: tenant.sessions.size,
      };
    },
  };

  return {
    url,
    port,
    tenantUrl: (t) => `${url}/t/${encodeURIComponent(requireTenant(t).id)}`,
    scimUrl: (t) => `${url}/t/${encodeURIComponent(requireTenant(t).id)}/scim/v2`,
    token: (t) => {
      for (const [token, grant] of requireTenant(t).tokens)
        if (grant.expiresAt === Number.POSITIVE_INFINITY) return token;
      throw new NotFoundError(`Tenant ${t} has no static token; add one with addToken().`);
    },
    client: (t) => {
      const tenant = requireTenant(t);
      const first = tenant.clients.entries().next();
      if (first.done === true) throw new NotFoundError(`Tenant ${t} has no OAuth client.`);
      const [clientId, grant] = first.value;
      return {
        clientId,
        clientSecret: grant.secret,
        tokenUrl: `${url}/t/${encodeURIComponent(t)}/oauth/token`,
      };
    },
    addTenant,
    apiVersion: (t) => requireTenant(t).apiVersion,
    setApiVersion: (t, version) => {
      if (version !== 'v1' && version !== 'v2') throw invalid('version must be "v1" or "v2".', ['version']);
      requireTenant(t).apiVersion = version;
    },
    setRateLimit: (t, limit) => configureRateLimit(requireTenant(t), limit),
    addToken: (t, token) => addTokenTo(requireTenant(t), token),
    removeToken: (t, token) => {
      requireTenant(t).tokens.delete(token);
    },
    seed: (t, seedOptions) => requireTenant(t).seed(seedOptions),
    addAccount: (t, input) => snapshotAccount(requireTenant(t).addAccount(input)),
    addKey: (t, accountId, input) => {
      const { key, secret } = requireTenant(t).addKey(accountId, input);
      return { key: snapshotKey(key), secret };
    },
    addGroup: (t, input) => snapshotGroup(requireTenant(t).addGroup(input)),
    addMember: (t, groupId, accountId) => {
      requireTenant(t).addMember(groupId, accountId);
    },
    addSession: (t, accountId, input) => snapshotSession(requireTenant(t).addSession(accountId, input)),
    state,
    faults,
    effects: (kind, id, t) => {
      const list = t === undefined ? [...tenants.values()] : [requireTenant(t)];
      let requests = 0;
      let applied = 0;
      const byOperation: Record<string, { requests: number; applied: number }> = {};
      for (const tenant of list) {
        const e = tenant.effects.get(kind, id);
        requests += e.requests;
        applied += e.applied;
        for (const [op, c] of Object.entries(e.byOperation)) {
          const sum = byOperation[op] ?? { requests: 0, applied: 0 };
          sum.requests += c.requests;
          sum.applied += c.applied;
          byOperation[op] = sum;
        }
      }
      return { requests, applied, byOperation };
    },
    counters: () => {
      let requests = 0;
      let applied = 0;
      for (const tenant of tenants.values()) {
        requests += tenant.effects.requests;
        applied += tenant.effects.applied;
      }
      return counters.snapshot({ requests, applied });
    },
    resetCounters: () => {
      counters.reset();
      for (const tenant of tenants.values()) tenant.effects.reset();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
