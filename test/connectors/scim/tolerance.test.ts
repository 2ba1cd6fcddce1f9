import { directPolicy, type RateLimitedError, staticCredential } from 'lifeline';
import { createScimConnector, scimTypeOf } from 'lifeline/connectors/scim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScimServer, type ScimServerOptions, startScimServer } from '../../helpers/scimServer';
import { bindTo, rejectionOf, scimErrorBody } from './support';

const SEED: ScimServerOptions = {
  users: [
    { userName: 'svc-ci', userType: 'service' },
    { userName: 'alice' },
    ...Array.from({ length: 9 }, (_, i) => ({ userName: `svc-${i}`, userType: 'service' })),
  ],
  groups: [{ displayName: 'admins', members: ['svc-ci', 'alice'] }],
};

let server: ScimServer;
const servers: ScimServer[] = [];

async function start(options: Partial<ScimServerOptions> = {}): Promise<ScimServer> {
  const started = await startScimServer({ ...SEED, ...options });
  servers.push(started);
  return started;
}

beforeEach(async () => {
  server = await start();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const isPatchTo = (path: string) => (req: { method: string; path: string }) =>
  req.method === 'PATCH' && req.path.includes(path);

describe('PATCH answers', () => {
  it('accepts 200 with the resource', async () => {
    const id = server.userId('svc-ci');
    await bindTo(server).call('account.disable', { account: { id } });
    expect(server.users.get(id)?.active).toBe(false);
  });

  it('accepts 204 without a body for a PATCH that changed the user', async () => {
    const id = server.userId('svc-ci');
    server.intercept((req, res, next) => {
      if (req.method !== 'PATCH') return next();
      const end = res.send.bind(res);
      res.send = ((body?: unknown) => {
        res.status(res.statusCode === 200 ? 204 : res.statusCode);
        return end(res.statusCode === 204 ? '' : body);
      }) as typeof res.send;
      next();
    });
    await bindTo(server).call('account.disable', { account: { id } });
    expect(server.users.get(id)?.active).toBe(false);
    expect(server.requestsTo('PATCH')).toHaveLength(1);
  });

  it('accepts 204 for a repeated no-op PATCH', async () => {
    const id = server.userId('svc-ci');
    const bound = bindTo(server);
    await bound.call('account.disable', { account: { id } });
    await bound.call('account.disable', { account: { id } });
    expect(server.requestsTo('PATCH')).toHaveLength(2);
    expect(server.users.get(id)?.active).toBe(false);
  });

  it('refuses a 200 whose user is still active: never a silent success', async () => {
    const id = server.userId('svc-ci');
    server.rewriteJson(isPatchTo('/Users/'), (body) => ({ ...(body as object), active: true }));
    await rejectionOf(bindTo(server).call('account.disable', { account: { id } }), 'permanent');
  });
});

describe('PATCH support', () => {
  it('PUTs the whole user when /ServiceProviderConfig says PATCH is unsupported', async () => {
    const noPatch = await start({ patch: false });
    const id = noPatch.userId('svc-ci');
    await bindTo(noPatch).call('account.disable', { account: { id } });
    expect(noPatch.requestsTo('PATCH')).toHaveLength(0);
    expect(noPatch.requestsTo('PUT', `/Users/${id}`)[0]?.body).toMatchObject({
      userName: 'svc-ci',
      active: false,
    });
    expect(noPatch.users.get(id)?.active).toBe(false);
  });

  it.each([501, 405])(
    'falls back to PUT when PATCH answers %i, and remembers it for the binding',
    async (status) => {
      server.intercept((req, res, next) => {
        if (req.method !== 'PATCH') return next();
        res
          .status(status)
          .type('application/scim+json')
          .send(scimErrorBody(String(status)));
      });
      const bound = bindTo(server);
      await bound.call('account.disable', { account: { id: server.userId('svc-ci') } });
      await bound.call('account.disable', { account: { id: server.userId('alice') } });
      expect(server.requestsTo('PATCH')).toHaveLength(1);
      expect(server.requestsTo('PUT')).toHaveLength(2);
      expect(server.users.get(server.userId('alice'))?.active).toBe(false);
    },
  );

  it('removes a membership through PUT of the group when PATCH is unsupported', async () => {
    const noPatch = await start({ patch: false });
    const id = noPatch.userId('alice');
    const group = noPatch.groupId('admins');
    await bindTo(noPatch).call('entitlement.revoke', {
      account: { id },
      entitlement: { id: group, kind: 'group' },
    });
    expect(noPatch.groups.get(group)?.members.map((m) => m.value)).toEqual([noPatch.userId('svc-ci')]);
  });

  it('falls back to the value-array remove when the server rejects the filtered path', async () => {
    server.intercept((req, res, next) => {
      const op = (req.body as { Operations?: { path?: string }[] } | undefined)?.Operations?.[0];
      if (req.method === 'PATCH' && op?.path?.includes('[')) {
        res.status(400).type('application/scim+json').send(scimErrorBody(400, 'invalidPath'));
        return;
      }
      next();
    });
    const id = server.userId('alice');
    const group = server.groupId('admins');
    await bindTo(server).call('entitlement.revoke', {
      account: { id },
      entitlement: { id: group, kind: 'group' },
    });
    expect(server.groups.get(group)?.members.map((m) => m.value)).not.toContain(id);
    expect(server.requestsTo('PATCH', `/Groups/${group}`).map((r) => r.body)).toMatchObject([
      { Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] },
      { Operations: [{ op: 'remove', path: 'members', value: [{ value: id }] }] },
    ]);
  });
});

describe('error bodies', () => {
  it.each([409, '409'])(
    'reads status %j (number or string) with scimType uniqueness as already_exists',
    async (status) => {
      server.rewriteJson(
        (req) => req.method === 'POST',
        (body) => ({ ...(body as object), status }),
      );
      const error = await rejectionOf(
        bindTo(server).call('account.create', { identity: { id: 'alice', kind: 'human' } }),
        'already_exists',
      );
      expect(error.context.status).toBe(409);
    },
  );

  it('maps a 409 without scimType uniqueness to conflict', async () => {
    server.intercept((req, res, next) => {
      if (req.method !== 'POST') return next();
      res.status(409).type('application/scim+json').send(scimErrorBody(409));
    });
    await rejectionOf(
      bindTo(server).call('account.create', { identity: { id: 'x', kind: 'human' } }),
      'conflict',
    );
  });

  it.each([
    ['mutability', 400, 'invalid_input'],
    ['invalidValue', 400, 'invalid_input'],
    ['tooMany', 400, 'invalid_input'],
    ['invalidVers', 400, 'conflict'],
    ['sensitive', 403, 'forbidden'],
  ])('keeps scimType %s (HTTP %i → %s) on the error', async (scimType, status, code) => {
    server.intercept((req, res, next) => {
      if (req.method !== 'PATCH') return next();
      res
        .status(status)
        .type('application/scim+json')
        .send(scimErrorBody(String(status), scimType));
    });
    const error = await rejectionOf(
      bindTo(server).call('account.disable', { account: { id: server.userId('svc-ci') } }),
      code,
    );
    expect(scimTypeOf(error)).toBe(scimType);
    expect(error.message).toContain(scimType);
  });

  it('treats a 2xx carrying a SCIM Error body as the error it is', async () => {
    server.intercept((req, res, next) => {
      if (req.method !== 'PATCH') return next();
      res.status(200).type('application/scim+json').send(scimErrorBody('503'));
    });
    await rejectionOf(
      bindTo(server).call('account.disable', { account: { id: server.userId('svc-ci') } }),
      'transient',
    );
  });

  it.each([
    [503, 'text/html', '<html><body>Service Unavailable</body></html>', 'transient'],
    [502, 'text/html', '<html>Bad gateway</html>', 'transient'],
    [404, 'text/html', '<h1>Not Found</h1>', 'not_found'],
    [500, undefined, '', 'transient'],
    [403, undefined, '', 'forbidden'],
    [400, 'application/json', '{"error":"bad"}', 'invalid_input'],
  ])('classifies a non-SCIM %i body (%s) by status', async (status, type, text, code) => {
    server.intercept((req, res, next) => {
      if (!req.path.startsWith('/scim/v2/Users/')) return next();
      res.status(status);
      if (type !== undefined) res.type(type);
      res.end(text);
    });
    const error = await rejectionOf(
      bindTo(server).call('account.get', { account: { id: server.userId('svc-ci') } }),
      code,
    );
    expect(error.context.status).toBe(status);
  });

  it('reads Retry-After on 429 into rate_limited', async () => {
    server.intercept((req, res, next) => {
      if (!req.path.startsWith('/scim/v2/Users/')) return next();
      res
        .status(429)
        .set('Retry-After', '7')
        .type('application/scim+json')
        .send(scimErrorBody('429', 'tooMany'));
    });
    const error = (await rejectionOf(
      bindTo(server).call('account.get', { account: { id: server.userId('svc-ci') } }),
      'rate_limited',
    )) as RateLimitedError;
    expect(error.retryAfterMs).toBe(7000);
  });

  it('maps 401 with WWW-Authenticate to auth_failed without echoing the token', async () => {
    const bound = bindTo(server, {});
    const wrong = createScimConnector().with(
      { baseUrl: server.baseUrl },
      staticCredential('not-the-token-s3cr3t'),
      {
        policy: directPolicy,
      },
    );
    const error = await rejectionOf(
      wrong.call('account.get', { account: { id: server.userId('svc-ci') } }),
      'auth_failed',
    );
    expect(error.message).toContain('WWW-Authenticate: Bearer');
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
    expect(String(error.stack)).not.toContain('s3cr3t');
    await expect(
      bound.call('account.get', { account: { id: server.userId('svc-ci') } }),
    ).resolves.toMatchObject({
      username: 'svc-ci',
    });
  });

  it('maps 404 after delete to not_found (already absent upstream)', async () => {
    const id = server.userId('svc-ci');
    const bound = bindTo(server);
    await bound.call('account.delete', { account: { id } });
    await rejectionOf(bound.call('account.delete', { account: { id } }), 'not_found');
    await rejectionOf(bound.call('account.disable', { account: { id } }), 'not_found');
  });
});

describe('ETags', () => {
  it('sends If-Match with meta.version when the server advertises ETag support', async () => {
    const tagged = await start({ etag: true });
    const id = tagged.userId('svc-ci');
    await bindTo(tagged).call('account.disable', { account: { id } });
    expect(tagged.requestsTo('PATCH')[0]?.headers['if-match']).toBe('W/"1"');
    expect(tagged.users.get(id)?.active).toBe(false);
  });

  it('treats 412 (the user changed since it was read) as a retryable conflict', async () => {
    const tagged = await start({ etag: true });
    const id = tagged.userId('svc-ci');
    tagged.intercept((req, _res, next) => {
      // Someone else writes the user between our read and our PATCH.
      if (req.method === 'PATCH') (tagged.users.get(id) as { version: number }).version++;
      next();
    });
    const error = await rejectionOf(bindTo(tagged).call('account.disable', { account: { id } }), 'conflict');
    expect(error.context.status).toBe(412);
    expect(error.retryable).toBe(true);
  });

  it('sends no If-Match when the server advertises ETags but the resource has no version', async () => {
    const tagged = await start({ etag: true });
    tagged.rewriteJson(
      (req) => req.method === 'GET',
      (body) => {
        const { meta, ...rest } = body as { meta?: Record<string, unknown> };
        return { ...rest, meta: { ...meta, version: undefined } };
      },
    );
    tagged.intercept((_req, res, next) => {
      const set = res.setHeader.bind(res);
      res.setHeader = ((name: string, value: unknown) =>
        name.toLowerCase() === 'etag' ? res : set(name, value as string)) as typeof res.setHeader;
      next();
    });
    const id = tagged.userId('svc-ci');
    await bindTo(tagged).call('account.disable', { account: { id } });
    expect(tagged.requestsTo('PATCH')[0]?.headers['if-match']).toBeUndefined();
    expect(tagged.users.get(id)?.active).toBe(false);
  });

  it('sends no If-Match when the server does not advertise ETags, even if resources carry a version', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path.includes('/Users/'),
      (body) => ({ ...(body as object), meta: { version: 'W/"9"' } }),
    );
    const id = server.userId('svc-ci');
    await bindTo(server).call('account.disable', { account: { id } });
    expect(server.requestsTo('PATCH')[0]?.headers['if-match']).toBeUndefined();
  });

  it('sends no If-Match when useEtag is false', async () => {
    const tagged = await start({ etag: true });
    await bindTo(tagged, { useEtag: false }).call('account.disable', {
      account: { id: tagged.userId('svc-ci') },
    });
    expect(tagged.requestsTo('PATCH')[0]?.headers['if-match']).toBeUndefined();
  });
});

describe('locations and user names', () => {
  it('resolves a relative meta.location against the base URL', async () => {
    const id = server.userId('svc-ci');
    expect(server.requestsTo('GET').length).toBe(0);
    const account = await bindTo(server).call('account.get', { account: { id } });
    expect(account.attributes?.location).toBe(`${server.baseUrl}/Users/${id}`);
  });

  it('keeps an absolute meta.location as it is', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path.includes('/Users/'),
      (body) => ({ ...(body as object), meta: { location: 'https://scim.example.com/v2/Users/42' } }),
    );
    const account = await bindTo(server).call('account.get', { account: { id: server.userId('svc-ci') } });
    expect(account.attributes?.location).toBe('https://scim.example.com/v2/Users/42');
  });

  it('matches userName case-insensitively when the server answers in another case', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && typeof req.query.filter === 'string',
      (body) => {
        const list = body as { Resources?: { userName: string }[] };
        return {
          ...list,
          Resources: list.Resources?.map((u) => ({ ...u, userName: u.userName.toUpperCase() })),
        };
      },
    );
    const page = await bindTo(server).call('account.list', { filter: { username: 'Svc-Ci' } });
    expect(page.items.map((a) => a.username)).toEqual(['SVC-CI']);
  });

  it('keeps only true matches when a server ignores the filter and returns everyone', async () => {
    server.intercept((req, _res, next) => {
      if (typeof req.query.filter === 'string') delete req.query.filter;
      next();
    });
    const page = await bindTo(server).call('account.list', { filter: { username: 'alice' } });
    expect(page.items.map((a) => a.username)).toEqual(['alice']);
  });
});

describe('paging', () => {
  async function listAll(target: ScimServer, pageSize: number): Promise<string[]> {
    const bound = bindTo(target, { pageSize });
    const names: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await bound.call('account.list', cursor === undefined ? {} : { cursor });
      names.push(...page.items.map((a) => a.username ?? ''));
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    return names;
  }

  const everyone = () => [...server.users.values()].map((u) => u.userName).sort();

  it.each([
    ['a wrong itemsPerPage', (list: Record<string, unknown>) => ({ ...list, itemsPerPage: 1000 })],
    ['a missing itemsPerPage', ({ itemsPerPage: _, ...list }: Record<string, unknown>) => list],
    ['itemsPerPage as a string', (list: Record<string, unknown>) => ({ ...list, itemsPerPage: 'twenty' })],
    [
      'totalResults as a numeric string',
      (list: Record<string, unknown>) => ({ ...list, totalResults: String(list.totalResults) }),
    ],
    ['a missing totalResults', ({ totalResults: _, ...list }: Record<string, unknown>) => list],
  ])('lists everyone exactly once despite %s', async (_label, rewrite) => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path === '/scim/v2/Users',
      (body) => rewrite(body as Record<string, unknown>),
    );
    const names = await listAll(server, 4);
    expect(names.sort()).toEqual(everyone());
  });

  it('pages by what was returned when the server sends fewer users than asked', async () => {
    server.intercept((req, _res, next) => {
      if (req.path === '/scim/v2/Users' && req.query.count !== undefined) req.query.count = '3';
      next();
    });
    const names = await listAll(server, 5);
    expect(names.sort()).toEqual(everyone());
  });

  it('stops with an error, not a loop, when the server ignores startIndex', async () => {
    server.intercept((req, _res, next) => {
      if (req.path === '/scim/v2/Users') req.query.startIndex = '1';
      next();
    });
    const bound = bindTo(server, { pageSize: 4 });
    const first = await bound.call('account.list', {});
    await rejectionOf(bound.call('account.list', { cursor: first.nextCursor as string }), 'permanent');
  });

  it('rejects a cursor it did not issue before sending anything', async () => {
    const before = server.requests.length;
    await rejectionOf(bindTo(server).call('account.list', { cursor: 'not-a-cursor' }), 'invalid_input');
    expect(server.requests.length).toBe(before);
  });
});

describe('schema drift', () => {
  it('reports a user without userName as schema_drift', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path.includes('/Users/'),
      (body) => {
        const { userName: _, ...rest } = body as Record<string, unknown>;
        return rest;
      },
    );
    const error = await rejectionOf(
      bindTo(server).call('account.get', { account: { id: server.userId('svc-ci') } }),
      'schema_drift',
    );
    expect((error as unknown as { fingerprint?: string }).fingerprint).toMatch(/\S/);
    expect(error.message).toContain('userName');
  });

  it('reports an HTML 200 as schema_drift, never a success', async () => {
    server.intercept((req, res, next) => {
      if (req.method !== 'PATCH') return next();
      res.status(200).type('text/html').end('<html>ok</html>');
    });
    await rejectionOf(
      bindTo(server).call('account.disable', { account: { id: server.userId('svc-ci') } }),
      'schema_drift',
    );
  });

  it('reports a list whose Resources are not users as schema_drift', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path === '/scim/v2/Users',
      (body) => ({ ...(body as object), Resources: [{ name: 'not a user' }] }),
    );
    await rejectionOf(bindTo(server).call('account.list', {}), 'schema_drift');
  });
});

describe('through the resilience policy', () => {
  const flaky = () => {
    let failures = 2;
    server.intercept((req, res, next) => {
      if (failures <= 0 || req.path.endsWith('ServiceProviderConfig') || req.path.endsWith('ResourceTypes'))
        return next();
      failures--;
      res.status(503).type('text/html').end('<html>busy</html>');
    });
  };

  it('retries an idempotent read after 503s and succeeds', async () => {
    flaky();
    const connector = createScimConnector({
      resilience: { retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 } },
    });
    const bound = connector.with({ baseUrl: server.baseUrl }, staticCredential(server.token));
    const account = await bound.call('account.get', { account: { id: server.userId('svc-ci') } });
    expect(account.username).toBe('svc-ci');
    expect(server.requestsTo('GET', `/Users/${server.userId('svc-ci')}`)).toHaveLength(3);
  });

  it('does not retry a create that may have reached the server', async () => {
    flaky();
    const connector = createScimConnector({
      resilience: { retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 } },
    });
    const bound = connector.with({ baseUrl: server.baseUrl }, staticCredential(server.token));
    await rejectionOf(
      bound.call('account.create', { identity: { id: 'svc-new', kind: 'service_account' } }),
      'transient',
    );
    expect(server.requestsTo('POST', '/Users')).toHaveLength(1);
  });

  it('sends every request through the fetch it was given', async () => {
    const seen: string[] = [];
    const connector = createScimConnector({
      fetch: (input, init) => {
        seen.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
        return fetch(input, init);
      },
    });
    const bound = connector.with({ baseUrl: server.baseUrl }, staticCredential(server.token), {
      policy: directPolicy,
    });
    const id = server.userId('alice');
    await bound.call('account.delete', { account: { id } });
    expect(seen).toEqual([
      'GET /scim/v2/ServiceProviderConfig',
      'GET /scim/v2/ResourceTypes',
      `DELETE /scim/v2/Users/${id}`,
    ]);
  });
});

describe('group memberships', () => {
  it('finds a user’s groups by a members.value filter when the user resource has no groups attribute', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path.includes('/Users/'),
      (body) => {
        const { groups: _, ...rest } = body as Record<string, unknown>;
        return rest;
      },
    );
    const id = server.userId('alice');
    const page = await bindTo(server, { pageSize: 1 }).call('entitlement.list', { account: { id } });
    expect(page.items).toEqual([
      { id: server.groupId('admins'), kind: 'group', name: 'admins', accountId: id },
    ]);
    expect(server.requestsTo('GET', '/Groups')[0]?.query.filter).toBe(`members.value eq "${id}"`);
  });

  it('does not call a membership absent just because the user resource omits groups', async () => {
    server.rewriteJson(
      (req) => req.method === 'GET' && req.path.includes('/Users/'),
      (body) => {
        const { groups: _, ...rest } = body as Record<string, unknown>;
        return rest;
      },
    );
    const id = server.userId('alice');
    const group = server.groupId('admins');
    await bindTo(server).call('entitlement.revoke', {
      account: { id },
      entitlement: { id: group, kind: 'group' },
    });
    expect(server.groups.get(group)?.members.map((m) => m.value)).not.toContain(id);
  });
});

describe('discovery', () => {
  it('runs once per binding, shared by concurrent calls', async () => {
    const bound = bindTo(server);
    const ids = [...server.users.keys()];
    await Promise.all(ids.map((id) => bound.call('account.get', { account: { id } })));
    await bound.call('account.get', { account: { id: ids[0] as string } });
    expect(server.requestsTo('GET', '/ServiceProviderConfig')).toHaveLength(1);
    expect(server.requestsTo('GET', '/ResourceTypes')).toHaveLength(1);
    await bindTo(server).call('account.get', { account: { id: ids[0] as string } });
    expect(server.requestsTo('GET', '/ServiceProviderConfig')).toHaveLength(2);
  });

  it('is not cached when it fails, so the next call discovers again', async () => {
    let fail = true;
    server.intercept((req, res, next) => {
      if (!fail || !req.path.endsWith('/ServiceProviderConfig')) return next();
      fail = false;
      res.status(503).end();
    });
    const bound = bindTo(server);
    const id = server.userId('svc-ci');
    await rejectionOf(bound.call('account.get', { account: { id } }), 'transient');
    await expect(bound.call('account.get', { account: { id } })).resolves.toMatchObject({ id });
  });

  it('assumes the RFC defaults when the server has no discovery endpoints', async () => {
    server.intercept((req, res, next) => {
      if (!/\/(ServiceProviderConfig|ResourceTypes)$/.test(req.path)) return next();
      res.status(404).type('text/html').end('<h1>404</h1>');
    });
    const bound = bindTo(server);
    const result = await bound.call('connection.test', {});
    expect(result.details).toMatchObject({
      discovered: false,
      patch: true,
      etag: false,
      userEndpoint: '/Users',
    });
    await bound.call('account.disable', { account: { id: server.userId('svc-ci') } });
    expect(server.users.get(server.userId('svc-ci'))?.active).toBe(false);
  });
});
