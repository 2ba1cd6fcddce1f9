/**
 * A real SCIM 2.0 server for tests: scimmy + scimmy-routers on express 4,
 * listening on 127.0.0.1 on an ephemeral port, with seeded users and groups.
 *
 * scimmy keeps its resource declarations and service provider config in
 * process-wide singletons, so the resource handlers are declared once per
 * process and find the per-server store through scimmy's request `context`.
 * Behaviours scimmy cannot produce (an HTML error page, a string `status`, a
 * wrong `itemsPerPage`, ETags) come from thin express middleware in front of
 * the scimmy router, installed per test with `intercept` / `rewriteJson`.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

/** The enterprise extension's schema URN. */
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A user as the store keeps it (SCIM attribute names). */
export interface StoredUser {
  id: string;
  userName: string;
  active: boolean;
  displayName?: string;
  userType?: string;
  externalId?: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  emails?: { value: string; type?: string; primary?: boolean }[];
  roles?: { value: string; display?: string; type?: string; primary?: boolean }[];
  enterprise?: { employeeNumber?: string; department?: string; organization?: string; costCenter?: string };
  version: number;
  created: string;
  lastModified: string;
}

/** A group as the store keeps it. */
export interface StoredGroup {
  id: string;
  displayName: string;
  members: { value: string; display?: string }[];
  version: number;
  created: string;
  lastModified: string;
}

/** Seed data: ids are generated when absent. */
export type SeedUser = Partial<Omit<StoredUser, 'version' | 'created' | 'lastModified'>> & {
  userName: string;
};
/** Seed group: members are user ids or userNames. */
export interface SeedGroup {
  id?: string;
  displayName: string;
  members?: string[];
}

/** One request the server saw. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** Options of {@link startScimServer}. */
export interface ScimServerOptions {
  /** Bearer token the server accepts (default `test-token`). */
  readonly token?: string;
  readonly users?: readonly SeedUser[];
  readonly groups?: readonly SeedGroup[];
  /**
   * Advertise and enforce ETags: every resource carries `meta.version` and an
   * `ETag` header, and a write with a stale `If-Match` answers 412.
   */
  readonly etag?: boolean;
  /** Advertise PATCH support in /ServiceProviderConfig (default true); false also answers PATCH with 501. */
  readonly patch?: boolean;
  /** Add `WWW-Authenticate: Bearer` to 401 answers (default true). */
  readonly wwwAuthenticate?: boolean;
}

/** A running server. */
export interface ScimServer {
  /** `http://127.0.0.1:<port>/scim/v2`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly users: Map<string, StoredUser>;
  readonly groups: Map<string, StoredGroup>;
  /** Every request that reached the server, oldest first. */
  readonly requests: RecordedRequest[];
  /** Requests of a method whose path ends with `suffix`. */
  requestsTo(method: string, suffix?: string): RecordedRequest[];
  /** The id of the user called `userName` (exact). */
  userId(userName: string): string;
  /** The id of the group called `displayName`. */
  groupId(displayName: string): string;
  /** Runs `handler` in front of the scimmy router; returns a function that removes it. */
  intercept(handler: RequestHandler): () => void;
  /**
   * Rewrites JSON bodies of responses to requests that `match`: `rewrite`
   * gets the parsed body and may return a new one (or set headers/status on `res`).
   */
  rewriteJson(
    match: (req: Request) => boolean,
    rewrite: (body: unknown, req: Request, res: Response) => unknown,
  ): () => void;
  close(): Promise<void>;
}

interface Store {
  readonly users: Map<string, StoredUser>;
  readonly groups: Map<string, StoredGroup>;
  readonly etag: boolean;
}

const scimError = SCIMMY.Types.Error as unknown as new (
  status: number,
  scimType: string | null,
  message: string,
) => Error;

/**
 * Calls `transform` with the body of the next `res.send` (parsed when JSON) and
 * sends what it returns; restores `res.send` first so express's own
 * object → string re-entry does not run it twice.
 */
function onSend(res: Response, transform: (body: unknown) => unknown): void {
  const send = res.send;
  res.send = function (this: Response, body?: unknown) {
    res.send = send;
    let parsed: unknown = body;
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body);
      } catch {
        return send.call(this, body);
      }
    } else if (Buffer.isBuffer(body)) {
      return send.call(this, body);
    }
    const next = transform(parsed);
    if (next === undefined) return send.call(this, body);
    if (!res.get('content-type')) res.type('application/scim+json');
    return send.call(this, JSON.stringify(next));
  } as Response['send'];
}

function now(): string {
  return new Date().toISOString();
}

function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** scimmy's `eq` is case-sensitive; RFC 7643 declares `userName` caseExact=false, so lower-case it on both sides. */
function lowerUserName(expression: unknown): unknown {
  if (Array.isArray(expression)) return expression.map(lowerUserName);
  if (expression === null || typeof expression !== 'object') return expression;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expression)) {
    if (key.toLowerCase() === 'username' && Array.isArray(value)) {
      const lower = (e: unknown) =>
        Array.isArray(e)
          ? e.map((part, i) => (i > 0 && typeof part === 'string' ? part.toLowerCase() : part))
          : e;
      out[key] = value.every(Array.isArray) ? value.map(lower) : lower(value);
    } else {
      out[key] = lowerUserName(value);
    }
  }
  return out;
}

function userOut(store: Store, user: StoredUser): Record<string, unknown> {
  const groups = [...store.groups.values()]
    .filter((g) => g.members.some((m) => m.value === user.id))
    .map((g) => ({ value: g.id, display: g.displayName, type: 'direct' }));
  return {
    id: user.id,
    userName: user.userName,
    active: user.active,
    ...(user.displayName === undefined ? {} : { displayName: user.displayName }),
    ...(user.userType === undefined ? {} : { userType: user.userType }),
    ...(user.externalId === undefined ? {} : { externalId: user.externalId }),
    ...(user.name === undefined ? {} : { name: user.name }),
    ...(user.emails === undefined ? {} : { emails: user.emails }),
    ...(user.roles === undefined ? {} : { roles: user.roles }),
    ...(groups.length === 0 ? {} : { groups }),
    ...(user.enterprise === undefined ? {} : { [ENTERPRISE]: user.enterprise }),
    meta: {
      created: user.created,
      lastModified: user.lastModified,
      ...(store.etag ? { version: etagOf(user.version) } : {}),
    },
  };
}

function groupOut(store: Store, group: StoredGroup): Record<string, unknown> {
  return {
    id: group.id,
    displayName: group.displayName,
    members: group.members.map((m) => ({
      value: m.value,
      ...(store.users.get(m.value)?.userName === undefined
        ? {}
        : { display: store.users.get(m.value)?.userName }),
    })),
    meta: {
      created: group.created,
      lastModified: group.lastModified,
      ...(store.etag ? { version: etagOf(group.version) } : {}),
    },
  };
}

interface ScimResource {
  id?: string;
  filter?: { match(values: unknown[]): unknown[]; expression?: string } & unknown[];
}

function storeOf(ctx: unknown): Store {
  return ctx as Store;
}

function plain(instance: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
}

function matching<T extends Record<string, unknown>>(resource: ScimResource, items: T[]): T[] {
  if (resource.filter === undefined) return items;
  const lowered = new SCIMMY.Types.Filter(
    lowerUserName(JSON.parse(JSON.stringify([...resource.filter]))) as Record<string, unknown>[],
  );
  const projected = items.map((item) => ({
    ...item,
    ...(typeof item.userName === 'string' ? { userName: item.userName.toLowerCase() } : {}),
  }));
  const kept = new Set(lowered.match(projected) as unknown[]);
  return items.filter((_, i) => kept.has(projected[i]));
}

let declared = false;

function declareResources(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Resources.declare(SCIMMY.Resources.User, {
    extensions: [{ schema: SCIMMY.Schemas.EnterpriseUser, required: false }],
    egress: (resource: ScimResource, ctx: unknown) => {
      const store = storeOf(ctx);
      if (resource.id !== undefined) {
        const user = store.users.get(resource.id);
        if (user === undefined) throw new scimError(404, null, `Resource ${resource.id} not found`);
        return userOut(store, user);
      }
      return matching(
        resource,
        [...store.users.values()].map((u) => userOut(store, u)),
      );
    },
    ingress: (resource: ScimResource, instance: unknown, ctx: unknown) => {
      const store = storeOf(ctx);
      const data = plain(instance);
      const userName = String(data.userName ?? '');
      const clash = [...store.users.values()].find(
        (u) => u.userName.toLowerCase() === userName.toLowerCase() && u.id !== resource.id,
      );
      if (clash !== undefined)
        throw new scimError(409, 'uniqueness', `userName ${userName} is already taken`);
      const existing = resource.id === undefined ? undefined : store.users.get(resource.id);
      if (resource.id !== undefined && existing === undefined) {
        throw new scimError(404, null, `Resource ${resource.id} not found`);
      }
      const time = now();
      const user: StoredUser = {
        id: existing?.id ?? randomUUID(),
        userName,
        active: data.active === undefined ? (existing?.active ?? true) : data.active === true,
        version: (existing?.version ?? 0) + 1,
        created: existing?.created ?? time,
        lastModified: time,
      };
      for (const key of ['displayName', 'userType', 'externalId', 'name', 'emails', 'roles'] as const) {
        if (data[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = data[key];
      }
      if (data[ENTERPRISE] !== undefined)
        user.enterprise = data[ENTERPRISE] as StoredUser['enterprise'] & object;
      if (
        existing !== undefined &&
        JSON.stringify({ ...existing, version: 0, lastModified: '' }) ===
          JSON.stringify({ ...user, version: 0, lastModified: '' })
      ) {
        return userOut(store, existing);
      }
      store.users.set(user.id, user);
      return userOut(store, user);
    },
    degress: (resource: ScimResource, ctx: unknown) => {
      const store = storeOf(ctx);
      if (resource.id === undefined || !store.users.delete(resource.id)) {
        throw new scimError(404, null, `Resource ${resource.id} not found`);
      }
      for (const group of store.groups.values()) {
        group.members = group.members.filter((m) => m.value !== resource.id);
      }
    },
  });
  SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
    egress: (resource: ScimResource, ctx: unknown) => {
      const store = storeOf(ctx);
      if (resource.id !== undefined) {
        const group = store.groups.get(resource.id);
        if (group === undefined) throw new scimError(404, null, `Resource ${resource.id} not found`);
        return groupOut(store, group);
      }
      return matching(
        resource,
        [...store.groups.values()].map((g) => groupOut(store, g)),
      );
    },
    ingress: (resource: ScimResource, instance: unknown, ctx: unknown) => {
      const store = storeOf(ctx);
      const data = plain(instance);
      const existing = resource.id === undefined ? undefined : store.groups.get(resource.id);
      if (resource.id !== undefined && existing === undefined) {
        throw new scimError(404, null, `Resource ${resource.id} not found`);
      }
      const members = ((data.members as { value: string }[] | undefined) ?? []).map((m) => ({
        value: m.value,
      }));
      const changed =
        existing === undefined ||
        existing.displayName !== data.displayName ||
        JSON.stringify(existing.members.map((m) => m.value)) !== JSON.stringify(members.map((m) => m.value));
      const time = now();
      const group: StoredGroup = {
        id: existing?.id ?? randomUUID(),
        displayName: String(data.displayName ?? existing?.displayName ?? ''),
        members,
        version: (existing?.version ?? 0) + (changed ? 1 : 0),
        created: existing?.created ?? time,
        lastModified: changed ? time : (existing?.lastModified ?? time),
      };
      store.groups.set(group.id, group);
      return groupOut(store, group);
    },
    degress: (resource: ScimResource, ctx: unknown) => {
      const store = storeOf(ctx);
      if (resource.id === undefined || !store.groups.delete(resource.id)) {
        throw new scimError(404, null, `Resource ${resource.id} not found`);
      }
    },
  });
}

function seed(store: Store, options: ScimServerOptions): void {
  const time = now();
  for (const u of options.users ?? []) {
    const user: StoredUser = {
      active: true,
      ...u,
      id: u.id ?? randomUUID(),
      version: 1,
      created: time,
      lastModified: time,
    };
    store.users.set(user.id, user);
  }
  for (const g of options.groups ?? []) {
    const id = g.id ?? randomUUID();
    const members = (g.members ?? []).map((ref) => {
      const user = store.users.get(ref) ?? [...store.users.values()].find((u) => u.userName === ref);
      if (user === undefined) throw new Error(`seed group ${g.displayName}: unknown member ${ref}`);
      return { value: user.id };
    });
    store.groups.set(id, {
      id,
      displayName: g.displayName,
      members,
      version: 1,
      created: time,
      lastModified: time,
    });
  }
}

/** ETags: answer 412 to a write whose If-Match is stale, and set ETag on single-resource answers. */
function etagMiddleware(store: Store): RequestHandler {
  return (req, res, next) => {
    const match = /\/(Users|Groups)\/([^/?]+)$/.exec(req.path);
    if (match === null) return next();
    const resource =
      match[1] === 'Users' ? store.users.get(match[2] ?? '') : store.groups.get(match[2] ?? '');
    const ifMatch = req.header('if-match');
    if (
      resource !== undefined &&
      ifMatch !== undefined &&
      ifMatch !== '*' &&
      ifMatch !== etagOf(resource.version)
    ) {
      res
        .status(412)
        .type('application/scim+json')
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '412',
          detail: 'Failed to update. Resource changed on the server.',
        });
      return;
    }
    onSend(res, () => {
      const current =
        match[1] === 'Users' ? store.users.get(match[2] ?? '') : store.groups.get(match[2] ?? '');
      if (current !== undefined && res.statusCode < 300) res.setHeader('ETag', etagOf(current.version));
      return undefined;
    });
    next();
  };
}

/**
 * Starts a scimmy server on 127.0.0.1 (ephemeral port) with the given seed.
 *
 * @example
 * const server = await startScimServer({ users: [{ userName: 'svc-ci' }] });
 * // ... server.baseUrl, server.token
 * await server.close();
 */
export async function startScimServer(options: ScimServerOptions = {}): Promise<ScimServer> {
  declareResources();
  const token = options.token ?? 'test-token';
  const store: Store = { users: new Map(), groups: new Map(), etag: options.etag ?? false };
  seed(store, options);
  const requests: RecordedRequest[] = [];
  const interceptors: RequestHandler[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ type: ['application/scim+json', 'application/json'] }));
  app.use((req, _res, next) => {
    requests.push({
      method: req.method,
      path: req.path,
      query: { ...req.query },
      headers: { ...req.headers },
      body: req.body as unknown,
    });
    next();
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const chain = [...interceptors];
    const run = (index: number): void => {
      const handler = chain[index];
      if (handler === undefined) {
        next();
        return;
      }
      handler(req, res, (error?: unknown) => (error === undefined ? run(index + 1) : next(error)));
    };
    run(0);
  });
  if (options.wwwAuthenticate ?? true) {
    app.use((_req, res, next) => {
      const writeHead = res.writeHead.bind(res);
      res.writeHead = ((...args: Parameters<Response['writeHead']>) => {
        if (res.statusCode === 401 || args[0] === 401)
          res.setHeader('WWW-Authenticate', 'Bearer realm="scim"');
        return writeHead(...args);
      }) as Response['writeHead'];
      next();
    });
  }
  const patch = options.patch ?? true;
  app.use('/scim/v2', (req, res, next) => {
    if (req.path === '/ServiceProviderConfig') {
      onSend(res, (body) => {
        if (body === null || typeof body !== 'object') return undefined;
        return { ...body, patch: { supported: patch }, etag: { supported: store.etag } };
      });
    }
    if (!patch && req.method === 'PATCH') {
      res
        .status(501)
        .type('application/scim+json')
        .send({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '501',
          detail: 'PATCH is not implemented',
        });
      return;
    }
    next();
  });
  if (store.etag) app.use('/scim/v2', etagMiddleware(store));
  SCIMMY.Config.set({ authenticationSchemes: [] });
  app.use(
    '/scim/v2',
    (req: Request & { scimStore?: Store }, _res, next) => {
      req.scimStore = store;
      next();
    },
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req: Request) => {
        if (req.header('authorization') !== `Bearer ${token}`)
          throw new Error('Invalid or missing bearer token');
        return 'admin';
      },
      context: (req: Request & { scimStore?: Store }) => req.scimStore,
    }) as unknown as RequestHandler,
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/scim/v2`;
  const api: ScimServer = {
    baseUrl,
    token,
    users: store.users,
    groups: store.groups,
    requests,
    requestsTo: (method, suffix = '') =>
      requests.filter((r) => r.method === method.toUpperCase() && r.path.endsWith(suffix)),
    userId(userName) {
      const user = [...store.users.values()].find((u) => u.userName === userName);
      if (user === undefined) throw new Error(`no user ${userName}`);
      return user.id;
    },
    groupId(displayName) {
      const group = [...store.groups.values()].find((g) => g.displayName === displayName);
      if (group === undefined) throw new Error(`no group ${displayName}`);
      return group.id;
    },
    intercept(handler) {
      interceptors.push(handler);
      return () => {
        const index = interceptors.indexOf(handler);
        if (index >= 0) interceptors.splice(index, 1);
      };
    },
    rewriteJson(match, rewrite) {
      const handler: RequestHandler = (req, res, next) => {
        if (!match(req)) return next();
        onSend(res, (body) => rewrite(body, req, res));
        next();
      };
      return api.intercept(handler);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return api;
}
