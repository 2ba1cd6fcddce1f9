import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeTarget, type FakeTarget } from '../../src/testing/fakeTarget';
import { clientFor, field } from './fakeTargetClient';

let target: FakeTarget;
beforeAll(async () => {
  target = await createFakeTarget({
    seed: 11,
    tenants: [{ id: 'acme' }, { id: 'globex', apiVersion: 'v2' }],
  });
});
afterAll(() => target.close());
beforeEach(() => {
  target.setApiVersion('acme', 'v1');
  target.faults.clear();
});

function fixture(tenant = 'acme') {
  const account = target.addAccount(tenant, { name: 'ci-deployer', kind: 'bot', owner: 'ops@example.test' });
  const key = target.addKey(tenant, account.id, {
    label: 'deploy',
    expiresAt: Date.UTC(2025, 0, 1),
    createdAt: Date.UTC(2024, 0, 2),
  });
  const group = target.addGroup(tenant, { name: 'admins', members: [account.id] });
  const session = target.addSession(tenant, account.id, { ip: '10.0.0.7', createdAt: Date.UTC(2024, 0, 3) });
  return { account, key: key.key, secret: key.secret, group, session };
}

describe('fake target API v1', () => {
  it('lists accounts in numbered pages with a data/next_page envelope', async () => {
    target.seed('acme', { accounts: 5, keysPerAccount: 1 });
    const api = clientFor(target, 'acme');
    const first = await api.get('/accounts?per_page=2');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-api-version')).toBe('v1');
    expect(field(first.body, 'data')).toHaveLength(2);
    expect(field(first.body, 'next_page')).toBe(2);
    const ids: unknown[] = [];
    for (let page: unknown = 1; page !== null; ) {
      const res = await api.get(`/accounts?per_page=2&page=${page}`);
      ids.push(...(field(res.body, 'data') as { id: string }[]).map((a) => a.id));
      page = field(res.body, 'next_page');
    }
    expect(new Set(ids).size).toBe(target.state.counts('acme').accounts);
  });

  it('gets an account in the v1 shape, reporting a bot as a service', async () => {
    const { account } = fixture();
    const res = await clientFor(target, 'acme').get(`/accounts/${account.id}`);
    expect(res.body).toEqual({
      id: account.id,
      name: 'ci-deployer',
      type: 'service',
      owner: 'ops@example.test',
      status: 'active',
      created_at: '2024-01-01T00:00:00.000Z',
    });
  });

  it('disables and enables an account, idempotently', async () => {
    const { account } = fixture();
    const api = clientFor(target, 'acme');
    expect(field((await api.post(`/accounts/${account.id}/disable`)).body, 'status')).toBe('disabled');
    expect((await api.post(`/accounts/${account.id}/disable`)).status).toBe(200);
    expect(target.effects('account', account.id)).toMatchObject({ requests: 2, applied: 1 });
    expect(field((await api.post(`/accounts/${account.id}/enable`)).body, 'status')).toBe('active');
    expect(target.state.account('acme', account.id)?.status).toBe('active');
  });

  it('deletes an account with its keys and memberships, then answers 404', async () => {
    const { account, key, group } = fixture();
    const api = clientFor(target, 'acme');
    expect((await api.del(`/accounts/${account.id}`)).status).toBe(204);
    expect((await api.del(`/accounts/${account.id}`)).status).toBe(404);
    expect(target.state.key('acme', key.id)).toBeUndefined();
    expect(target.state.group('acme', group.id)?.members).not.toContain(account.id);
  });

  it('lists, gets, creates and revokes keys under /accounts/:id/keys', async () => {
    const { account, key } = fixture();
    const api = clientFor(target, 'acme');
    const list = await api.get(`/accounts/${account.id}/keys`);
    expect(list.body).toEqual({
      data: [
        {
          key_id: key.id,
          account_id: account.id,
          name: 'deploy',
          type: 'api_key',
          last4: key.last4,
          created_at: '2024-01-02T00:00:00.000Z',
          expires_at: '2025-01-01T00:00:00.000Z',
          last_used_at: null,
          state: 'active',
        },
      ],
      next_page: null,
    });
    const created = await api.post(`/accounts/${account.id}/keys`, { name: 'ci', type: 'token' });
    expect(created.status).toBe(201);
    const secret = field(created.body, 'secret') as string;
    expect(secret).toMatch(/^fk_live_/);
    expect(field(created.body, 'last4')).toBe(secret.slice(-4));
    const newId = field(created.body, 'key_id') as string;
    expect(created.headers.get('location')).toBe(`/t/acme/accounts/${account.id}/keys/${newId}`);
    expect((await api.get(`/accounts/${account.id}/keys/${newId}`)).body).not.toHaveProperty('secret');

    expect((await api.del(`/accounts/${account.id}/keys/${key.id}`)).status).toBe(204);
    expect(field((await api.get(`/accounts/${account.id}/keys/${key.id}`)).body, 'state')).toBe('revoked');
    const again = await api.del(`/accounts/${account.id}/keys/${key.id}`);
    expect(again.status).toBe(404);
    expect(field(again.body, 'error', 'code')).toBe('not_found');
    expect(target.effects('key', key.id)).toMatchObject({ requests: 2, applied: 1 });
  });

  it('does not serve /credentials in v1', async () => {
    expect((await clientFor(target, 'acme').get('/credentials')).status).toBe(404);
  });

  it('rejects a key create without a name with a 400 naming the field', async () => {
    const { account } = fixture();
    const res = await clientFor(target, 'acme').post(`/accounts/${account.id}/keys`, {});
    expect(res.status).toBe(400);
    expect(field(res.body, 'error', 'message')).toContain('name');
  });

  it('lists groups and members, adds and removes members', async () => {
    const { account, group } = fixture();
    const other = target.addAccount('acme', { name: 'other' });
    const api = clientFor(target, 'acme');
    expect(field((await api.get(`/groups/${group.id}`)).body, 'name')).toBe('admins');
    expect(
      ((await api.get('/groups?per_page=1000')).body as { data: { id: string }[] }).data.map((g) => g.id),
    ).toContain(group.id);
    expect((await api.get(`/groups/${group.id}/members`)).body).toEqual({
      data: [{ account_id: account.id, added_at: '2024-01-01T00:00:00.000Z' }],
      next_page: null,
    });
    expect((await api.post(`/groups/${group.id}/members`, { account_id: other.id })).status).toBe(201);
    expect((await api.post(`/groups/${group.id}/members`, { account_id: other.id })).status).toBe(409);
    expect((await api.del(`/groups/${group.id}/members/${account.id}`)).status).toBe(204);
    expect((await api.del(`/groups/${group.id}/members/${account.id}`)).status).toBe(204);
    expect(target.effects('membership', `${group.id}/${account.id}`)).toMatchObject({
      requests: 2,
      applied: 1,
    });
    expect(target.state.group('acme', group.id)?.members).toEqual([other.id]);
  });

  it('lists and revokes sessions, one or all', async () => {
    const { account, session } = fixture();
    const second = target.addSession('acme', account.id);
    const api = clientFor(target, 'acme');
    const list = await api.get(`/accounts/${account.id}/sessions`);
    expect(field(list.body, 'data', 0)).toEqual({
      session_id: session.id,
      account_id: account.id,
      ip: '10.0.0.7',
      created_at: '2024-01-03T00:00:00.000Z',
      last_seen_at: '2024-01-03T00:00:00.000Z',
      state: 'active',
    });
    expect((await api.del(`/sessions/${session.id}`)).status).toBe(204);
    expect((await api.del(`/sessions/${session.id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/accounts/${account.id}/sessions`)).body).toEqual({ revoked: 1 });
    expect(target.state.session('acme', second.id)?.status).toBe('revoked');
  });

  it('answers a version probe without auth, in the same shape in both versions', async () => {
    const api = clientFor(target, 'acme', null);
    expect((await api.get('/version')).body).toEqual({ api_version: 'v1', supported: ['v1', 'v2'] });
    target.setApiVersion('acme', 'v2');
    const res = await api.get('/version');
    expect(res.body).toEqual({ api_version: 'v2', supported: ['v1', 'v2'] });
    expect(res.headers.get('x-api-version')).toBe('v2');
  });

  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const res = await clientFor(target, 'acme').call('PUT', '/accounts');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('answers 404 for an unknown tenant', async () => {
    const res = await fetch(`${target.url}/t/nobody/accounts`);
    expect(res.status).toBe(404);
  });
});

describe('fake target API v2', () => {
  it('renders accounts renamed and retyped, with the new bot kind and an items/cursor envelope', async () => {
    const { account } = fixture('globex');
    const api = clientFor(target, 'globex');
    const res = await api.get(`/accounts/${account.id}`);
    expect(res.body).toEqual({
      id: account.id,
      display_name: 'ci-deployer',
      kind: 'bot',
      owner: { email: 'ops@example.test' },
      state: { enabled: true },
      created: Date.UTC(2024, 0, 1) / 1000,
    });
    target.addAccount('globex', { name: 'second' });
    const page = await api.get('/accounts?limit=1');
    expect(field(page.body, 'items')).toHaveLength(1);
    expect(field(page.body, 'data')).toBeUndefined();
    expect(typeof field(page.body, 'cursor')).toBe('string');
  });

  it('walks every account with cursors', async () => {
    target.seed('globex', { accounts: 7, keysPerAccount: 0 });
    const api = clientFor(target, 'globex');
    const ids: string[] = [];
    let cursor: unknown = null;
    do {
      const res = await api.get(`/accounts?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      ids.push(...(field(res.body, 'items') as { id: string }[]).map((a) => a.id));
      cursor = field(res.body, 'cursor');
    } while (cursor !== null);
    expect(new Set(ids).size).toBe(target.state.counts('globex').accounts);
  });

  it('moves keys to /credentials, with renamed and retyped fields', async () => {
    const { account, key } = fixture('globex');
    const api = clientFor(target, 'globex');
    const moved = await api.get(`/accounts/${account.id}/keys`);
    expect(moved.status).toBe(410);
    expect(moved.headers.get('content-type')).toBe('application/problem+json');
    expect(field(moved.body, 'detail')).toContain('/credentials');
    expect((await api.get(`/credentials?account=${account.id}`)).body).toEqual({
      items: [
        {
          id: key.id,
          account: account.id,
          display_name: 'deploy',
          type: 'api_key',
          last4: key.last4,
          created: Date.UTC(2024, 0, 2) / 1000,
          expires: Date.UTC(2025, 0, 1) / 1000,
          last_used: null,
          revoked: false,
        },
      ],
      cursor: null,
    });
    expect(field((await api.get(`/credentials/${key.id}`)).body, 'id')).toBe(key.id);
    expect((await api.del(`/credentials/${key.id}`)).status).toBe(204);
    expect(field((await api.get(`/credentials/${key.id}`)).body, 'revoked')).toBe(true);
    const again = await api.del(`/credentials/${key.id}`);
    expect(again.status).toBe(404);
    expect(field(again.body, 'code')).toBe('not_found');
  });

  it('creates a credential with the account in the body and counts it on the account', async () => {
    const { account } = fixture('globex');
    const api = clientFor(target, 'globex');
    const created = await api.post('/credentials', {
      account: account.id,
      display_name: 'ci',
      expires: 1_800_000_000,
    });
    expect(created.status).toBe(201);
    expect(field(created.body, 'expires')).toBe(1_800_000_000);
    expect(field(created.body, 'secret')).toMatch(/^fk_live_/);
    expect(target.effects('account', account.id).byOperation['key.create']).toEqual({
      requests: 1,
      applied: 1,
    });
  });

  it('renders groups, members and sessions in v2 shapes', async () => {
    const { account, group, session } = fixture('globex');
    const api = clientFor(target, 'globex');
    expect(field((await api.get(`/groups/${group.id}`)).body, 'display_name')).toBe('admins');
    expect(field((await api.get(`/groups/${group.id}/members`)).body, 'items', 0)).toEqual({
      account: account.id,
      added: Date.UTC(2024, 0, 1) / 1000,
    });
    expect(field((await api.get(`/accounts/${account.id}/sessions`)).body, 'items', 0)).toMatchObject({
      id: session.id,
      revoked: false,
    });
    expect((await api.post(`/groups/${group.id}/members`, { account: account.id })).status).toBe(409);
    expect((await api.call('DELETE', `/accounts/${account.id}/sessions`)).body).toEqual({ revoked_count: 1 });
  });
});

describe('switching API versions at run time', () => {
  it('answers the same URL in the new shape on the next request', async () => {
    const { account } = fixture();
    const api = clientFor(target, 'acme');
    expect(field((await api.get(`/accounts/${account.id}`)).body, 'name')).toBe('ci-deployer');
    target.setApiVersion('acme', 'v2');
    const after = await api.get(`/accounts/${account.id}`);
    expect(field(after.body, 'name')).toBeUndefined();
    expect(field(after.body, 'display_name')).toBe('ci-deployer');
    expect(target.apiVersion('acme')).toBe('v2');
  });
});

describe('fake target auth', () => {
  it('answers 401 with WWW-Authenticate when the token is missing', async () => {
    const res = await clientFor(target, 'acme', null).get('/accounts');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fake-target"');
  });

  it('answers 401 invalid_token for a wrong, expired or removed token', async () => {
    const wrong = await clientFor(target, 'acme', 'nope').get('/accounts');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    target.addToken('acme', { token: 'short-lived', expiresInSeconds: 0 });
    expect((await clientFor(target, 'acme', 'short-lived').get('/accounts')).status).toBe(401);
    target.addToken('acme', { token: 'temp' });
    expect((await clientFor(target, 'acme', 'temp').get('/accounts')).status).toBe(200);
    target.removeToken('acme', 'temp');
    expect((await clientFor(target, 'acme', 'temp').get('/accounts')).status).toBe(401);
  });

  it("rejects another tenant's token", async () => {
    expect((await clientFor(target, 'acme', target.token('globex')).get('/accounts')).status).toBe(401);
  });

  it('answers 403 insufficient_scope for a token lacking the scope', async () => {
    const { account, key } = fixture();
    target.addToken('acme', { token: 'read-only', scopes: ['keys:read'] });
    const api = clientFor(target, 'acme', 'read-only');
    expect((await api.get(`/accounts/${account.id}/keys`)).status).toBe(200);
    const denied = await api.del(`/accounts/${account.id}/keys/${key.id}`);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('scope="keys:write"');
    expect(target.state.key('acme', key.id)?.status).toBe('active');
  });

  it('issues short-lived tokens from the client-credentials endpoint', async () => {
    const { clientId, clientSecret, tokenUrl } = target.client('acme');
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=accounts%3Aread',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const token = (await res.json()) as {
      access_token: string;
      expires_in: number;
      token_type: string;
      scope: string;
    };
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'accounts:read' });
    const api = clientFor(target, 'acme', token.access_token);
    expect((await api.get('/accounts')).status).toBe(200);
    expect((await api.get('/groups')).status).toBe(403);
  });

  it('rejects bad client credentials with invalid_client and an unknown grant with unsupported_grant_type', async () => {
    const { tokenUrl } = target.client('acme');
    const bad = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=client-acme&client_secret=wrong',
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
    const grant = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});
