/**
 * The fake target's SCIM 2.0 mode on the wire: a real server on 127.0.0.1,
 * driven with fetch.
 */
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { clientFor, field } from './fakeTargetClient';

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_JSON = { 'content-type': 'application/scim+json' };

let target: FakeTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function start(options: Parameters<typeof createFakeTarget>[0] = {}) {
  target = await createFakeTarget({ seed: 3, ...options });
  const api = clientFor(target, 'acme');
  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api.call(method, `/scim/v2${path}`, body, { ...(body === undefined ? {} : SCIM_JSON), ...headers });
  const patch = (path: string, operations: unknown[], headers?: Record<string, string>) =>
    scim('PATCH', path, { schemas: [PATCH_OP], Operations: operations }, headers);
  return { target, scim, patch };
}

describe('discovery', () => {
  it('serves ServiceProviderConfig without a token, advertising PATCH, filters and ETags', async () => {
    const { target } = await start();
    const res = await fetch(`${target.scimUrl('acme')}/ServiceProviderConfig`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/scim+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 1000 },
      etag: { supported: true },
      bulk: { supported: false },
    });
    expect(field(body, 'authenticationSchemes', 0, 'type')).toBe('oauthbearertoken');
  });

  it('declares Users with the enterprise extension and Groups, and their schemas', async () => {
    const { scim } = await start();
    const types = await scim('GET', '/ResourceTypes');
    expect(field(types.body, 'totalResults')).toBe(2);
    expect(field(types.body, 'Resources', 0)).toMatchObject({
      name: 'User',
      endpoint: '/Users',
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
    });
    expect(field(types.body, 'Resources', 1)).toMatchObject({ name: 'Group', endpoint: '/Groups' });
    expect((await scim('GET', '/ResourceTypes/Group')).status).toBe(200);
    const schemas = await scim('GET', '/Schemas');
    const user = (field(schemas.body, 'Resources') as { id: string; attributes: { name: string }[] }[])[0];
    expect(user?.attributes.map((a) => a.name)).toContain('userName');
  });

  it('advertises and enforces a tenant without PATCH: 501 tells clients to PUT', async () => {
    const { scim, target } = await start({ tenants: [{ id: 'acme', scim: { patch: false, etag: false } }] });
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: false }, etag: { supported: false } });
    const { id } = target.addAccount('acme', { name: 'svc-ci' });
    const res = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(res.status).toBe(501);
    expect(field(res.body, 'schemas')).toEqual([ERROR_URN]);
    const got = await scim('GET', `/Users/${id}`);
    expect(field(got.body, 'meta', 'version')).toBeUndefined();
    expect(got.headers.get('etag')).toBeNull();
  });
});

describe('Users', () => {
  it('renders accounts as Users whose userType and enterprise department mark the non-human ones', async () => {
    const { scim, target } = await start();
    const bot = target.addAccount('acme', { name: 'ci-bot', kind: 'bot', owner: 'ops@example.test' });
    const human = target.addAccount('acme', { name: 'alice', kind: 'human' });
    const group = target.addGroup('acme', { name: 'admins', members: [bot.id] });
    const res = await scim('GET', `/Users/${bot.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: bot.id,
      userName: 'ci-bot',
      userType: 'Bot',
      active: true,
      groups: [{ value: group.id, display: 'admins' }],
      [ENTERPRISE]: { department: 'Bots', manager: { displayName: 'ops@example.test' } },
      meta: { resourceType: 'User', location: `${target.scimUrl('acme')}/Users/${bot.id}` },
    });
    expect(res.headers.get('etag')).toBe(field(res.body, 'meta', 'version'));
    expect(field((await scim('GET', `/Users/${human.id}`)).body, 'userType')).toBe('Employee');
  });

  it('pages by startIndex and count over live users, so a deleted user shifts no one out of the list', async () => {
    const { scim, target } = await start();
    const ids = Array.from({ length: 7 }, (_, i) => target.addAccount('acme', { name: `svc-${i}` }).id);
    expect((await scim('DELETE', `/Users/${ids[2]}`)).status).toBe(204);
    const seen: string[] = [];
    for (let start = 1; start <= 6; start += 4) {
      const page = await scim('GET', `/Users?startIndex=${start}&count=4`);
      expect(page.body).toMatchObject({ totalResults: 6, startIndex: start });
      for (const user of field(page.body, 'Resources') as { id: string }[]) seen.push(user.id);
    }
    expect(seen).toEqual(ids.filter((_, i) => i !== 2));
  });

  it('filters on userName eq with JSON unescaping, case-insensitively, and never widens on injection-shaped names', async () => {
    const { scim, target } = await start();
    const tricky = target.addAccount('acme', { name: 'svc "quoted" \\ back' });
    target.addAccount('acme', { name: 'svc-other' });
    const filter = (value: string) => encodeURIComponent(`userName eq ${JSON.stringify(value)}`);
    const hit = await scim('GET', `/Users?filter=${filter('SVC "QUOTED" \\ BACK')}`);
    expect(field(hit.body, 'totalResults')).toBe(1);
    expect(field(hit.body, 'Resources', 0, 'id')).toBe(tricky.id);
    const injected = await scim('GET', `/Users?filter=${filter('x" or userName pr or "')}`);
    expect(field(injected.body, 'totalResults')).toBe(0);
    const bad = await scim('GET', `/Users?filter=${encodeURIComponent('userName co "svc"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidFilter' });
  });

  it('creates a user with 201 and a Location, and refuses a taken userName with 409 uniqueness', async () => {
    const { scim, target } = await start();
    const created = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'svc-new',
      userType: 'service',
      externalId: 'ext-1',
    });
    expect(created.status).toBe(201);
    const id = field(created.body, 'id') as string;
    expect(created.headers.get('location')).toBe(`${target.scimUrl('acme')}/Users/${id}`);
    expect(target.state.account('acme', id)).toMatchObject({
      name: 'svc-new',
      kind: 'service',
      status: 'active',
    });
    expect(field(created.body, 'externalId')).toBe('ext-1');
    const byExternal = await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-1"')}`);
    expect(field(byExternal.body, 'Resources', 0, 'id')).toBe(id);
    const again = await scim('POST', '/Users', { userName: 'SVC-NEW' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect((await scim('POST', '/Users', { active: true })).status).toBe(400);
  });

  it('disables with PATCH replace active, counting the change once however often it is sent', async () => {
    const { patch, target } = await start();
    const { id } = target.addAccount('acme', { name: 'svc-ci' });
    const first = await patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: false }]);
    expect(first.status).toBe(200);
    expect(field(first.body, 'active')).toBe(false);
    const second = await patch(`/Users/${id}`, [{ op: 'Replace', value: { active: 'False' } }]);
    expect(field(second.body, 'active')).toBe(false);
    expect(target.state.account('acme', id)?.status).toBe('disabled');
    expect(target.effects('account', id, 'acme').byOperation['scim.user.patch']).toEqual({
      requests: 2,
      applied: 1,
    });
    const unknown = await patch(`/Users/${id}`, [{ op: 'replace', path: 'nickName', value: 'x' }]);
    expect(unknown.body).toMatchObject({ status: '400', scimType: 'invalidPath' });
  });

  it('answers 412 to a write whose If-Match names an old version, and applies one that names the current', async () => {
    const { scim, patch, target } = await start();
    const { id } = target.addAccount('acme', { name: 'svc-ci' });
    const read = await scim('GET', `/Users/${id}`);
    const version = read.headers.get('etag') as string;
    await patch(`/Users/${id}`, [{ op: 'replace', path: 'displayName', value: 'svc-ci-2' }]);
    const stale = await patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: false }], {
      'if-match': version,
    });
    expect(stale.status).toBe(412);
    expect(target.state.account('acme', id)?.status).toBe('active');
    const current = (await scim('GET', `/Users/${id}`)).headers.get('etag') as string;
    expect(current).not.toBe(version);
    const fresh = await patch(`/Users/${id}`, [{ op: 'replace', path: 'active', value: false }], {
      'if-match': current,
    });
    expect(fresh.status).toBe(200);
  });

  it('replaces a user with PUT, keeping its kind when userType is sent back', async () => {
    const { scim, target } = await start();
    const { id } = target.addAccount('acme', { name: 'svc-ci', kind: 'bot' });
    const { body } = await scim('GET', `/Users/${id}`);
    const { meta: _meta, groups: _groups, ...resource } = body as Record<string, unknown>;
    const res = await scim('PUT', `/Users/${id}`, { ...resource, active: false });
    expect(res.status).toBe(200);
    expect(target.state.account('acme', id)).toMatchObject({ status: 'disabled', kind: 'bot' });
    expect(target.effects('account', id, 'acme').byOperation['scim.user.put']?.applied).toBe(1);
  });

  it('deletes with 204, then answers 404 with a SCIM Error whose status is a string', async () => {
    const { scim, target } = await start();
    const { id } = target.addAccount('acme', { name: 'svc-ci' });
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    const again = await scim('DELETE', `/Users/${id}`);
    expect(again.status).toBe(404);
    expect(again.headers.get('content-type')).toBe('application/scim+json');
    expect(again.body).toMatchObject({ schemas: [ERROR_URN], status: '404' });
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect(target.effects('account', id, 'acme').byOperation['scim.user.delete']).toEqual({
      requests: 2,
      applied: 1,
    });
  });
});

describe('Groups', () => {
  it('lists groups with members, or without them on excludedAttributes=members', async () => {
    const { scim, target } = await start();
    const a = target.addAccount('acme', { name: 'svc-a' });
    const group = target.addGroup('acme', { name: 'deployers', members: [a.id] });
    const full = await scim('GET', '/Groups');
    expect(field(full.body, 'Resources', 0)).toMatchObject({
      id: group.id,
      displayName: 'deployers',
      members: [{ value: a.id, display: 'svc-a' }],
    });
    const slim = await scim('GET', '/Groups?excludedAttributes=members');
    expect(field(slim.body, 'Resources', 0, 'members')).toBeUndefined();
    const byMember = await scim('GET', `/Groups?filter=${encodeURIComponent(`members.value eq "${a.id}"`)}`);
    expect(field(byMember.body, 'totalResults')).toBe(1);
  });

  it('removes a member by the members[value eq "id"] path and by the value-array form, each counted once', async () => {
    const { scim, patch, target } = await start();
    const a = target.addAccount('acme', { name: 'svc-a' });
    const b = target.addAccount('acme', { name: 'svc-b' });
    const group = target.addGroup('acme', { name: 'deployers', members: [a.id, b.id] });
    const byPath = await patch(`/Groups/${group.id}`, [
      { op: 'remove', path: `members[value eq "${a.id}"]` },
    ]);
    expect(byPath.status).toBe(204);
    const byValue = await patch(`/Groups/${group.id}`, [
      { op: 'remove', path: 'members', value: [{ value: b.id }] },
    ]);
    expect(byValue.status).toBe(204);
    await patch(`/Groups/${group.id}`, [{ op: 'remove', path: `members[value eq "${a.id}"]` }]);
    expect(target.state.group('acme', group.id)?.members).toEqual([]);
    expect(target.effects('membership', `${group.id}/${a.id}`, 'acme')).toMatchObject({
      requests: 2,
      applied: 1,
    });
    expect(target.effects('membership', `${group.id}/${b.id}`, 'acme')).toMatchObject({
      requests: 1,
      applied: 1,
    });
    expect(field((await scim('GET', `/Users/${a.id}`)).body, 'groups')).toEqual([]);
  });

  it('adds members by PATCH and replaces them by PUT', async () => {
    const { scim, patch, target } = await start();
    const a = target.addAccount('acme', { name: 'svc-a' });
    const b = target.addAccount('acme', { name: 'svc-b' });
    const group = target.addGroup('acme', { name: 'deployers' });
    await patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: a.id }] }]);
    expect(target.state.group('acme', group.id)?.members).toEqual([a.id]);
    const put = await scim('PUT', `/Groups/${group.id}`, {
      displayName: 'deployers',
      members: [{ value: b.id }],
    });
    expect(put.status).toBe(200);
    expect(target.state.group('acme', group.id)?.members).toEqual([b.id]);
    const missing = await patch(`/Groups/${group.id}`, [
      { op: 'add', path: 'members', value: [{ value: 'nobody' }] },
    ]);
    expect(missing.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });
});

describe('errors, auth and faults on SCIM routes', () => {
  it('answers auth failures, unknown paths and wrong methods with SCIM Error bodies', async () => {
    const { target, scim } = await start();
    const anonymous = await fetch(`${target.scimUrl('acme')}/Users`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.json()).toMatchObject({ schemas: [ERROR_URN], status: '401' });
    expect((await scim('GET', '/Nope')).body).toMatchObject({ schemas: [ERROR_URN], status: '404' });
    const wrong = await scim('POST', '/Groups', {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const broken = await fetch(`${target.scimUrl('acme')}/Users/x`, {
      method: 'PATCH',
      headers: { ...SCIM_JSON, authorization: `Bearer ${target.token('acme')}` },
      body: '{not json',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('applies the fault schedule by SCIM operation name, in SCIM error bodies', async () => {
    const { scim, target } = await start();
    const { id } = target.addAccount('acme', { name: 'svc-ci' });
    target.faults.add({ operation: 'scim.user.get', times: 1, fault: { kind: 'status', status: 503 } });
    target.faults.add({
      operation: 'scim.user.list',
      times: 1,
      fault: { kind: 'rateLimit', retryAfterSeconds: 2 },
    });
    const failed = await scim('GET', `/Users/${id}`);
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ schemas: [ERROR_URN], status: '503' });
    expect((await scim('GET', `/Users/${id}`)).status).toBe(200);
    const limited = await scim('GET', '/Users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(target.counters().byOperation['scim.user.get']).toBe(2);
  });

  it('proves exactly-once: a PATCH applied and then reset mid-response is applied once when retried', async () => {
    const { patch, target } = await start();
    const { id } = target.addAccount('acme', { name: 'svc-ci' });
    target.faults.add({ operation: 'scim.user.patch', times: 1, fault: { kind: 'reset', phase: 'after' } });
    const body = [{ op: 'replace', path: 'active', value: false }];
    await expect(patch(`/Users/${id}`, body)).rejects.toThrow();
    expect((await patch(`/Users/${id}`, body)).status).toBe(200);
    expect(target.effects('account', id, 'acme').byOperation['scim.user.patch']).toEqual({
      requests: 2,
      applied: 1,
    });
  });

  it('leaves the native API as it was', async () => {
    const { target } = await start();
    const api = clientFor(target, 'acme');
    const res = await api.get('/accounts');
    expect(res.status).toBe(200);
    expect(field(res.body, 'data')).toEqual([]);
    expect((await api.get('/scim/v1/Users')).body).toMatchObject({ error: { code: 'not_found' } });
  });
});
