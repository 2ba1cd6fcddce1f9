import { scimEq, scimString } from 'lifeline/connectors/scim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimServer, startScimServer } from '../../helpers/scimServer';
import { bindTo } from './support';

const INJECTION = 'a" or userName pr or "';
const OR_INJECTION = 'a" or userName pr or userName eq "b';
const BACKSLASH = 'back\\slash';
const TRAILING_BACKSLASH = 'ends-with\\';

let server: ScimServer;

beforeAll(async () => {
  server = await startScimServer({
    users: [
      { userName: INJECTION },
      { userName: OR_INJECTION },
      { userName: BACKSLASH },
      { userName: TRAILING_BACKSLASH },
      { userName: 'alice' },
      { userName: 'bob' },
      { userName: 'svc-ci' },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

async function rawFilter(filter: string): Promise<{ status: number; userNames: string[] }> {
  const response = await fetch(`${server.baseUrl}/Users?filter=${encodeURIComponent(filter)}`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const body = (await response.json()) as { Resources?: { userName: string }[] };
  return { status: response.status, userNames: (body.Resources ?? []).map((u) => u.userName) };
}

describe('filter escaping', () => {
  it('quotes values as JSON strings, escaping quotes and backslashes', () => {
    expect(scimString(INJECTION)).toBe('"a\\" or userName pr or \\""');
    expect(scimString(BACKSLASH)).toBe('"back\\\\slash"');
    expect(scimEq('userName', TRAILING_BACKSLASH)).toBe('userName eq "ends-with\\\\"');
    expect(scimEq('members.value', 'x')).toBe('members.value eq "x"');
  });

  it('refuses attribute paths that could carry filter syntax', () => {
    expect(() => scimEq('userName pr or userName', 'x')).toThrow(/not a SCIM attribute path/);
    expect(() => scimEq('emails[type eq "work"].value', 'x')).toThrow(/not a SCIM attribute path/);
  });

  it('shows why: the same name pasted unescaped matches every user on the real server', async () => {
    const naive = await rawFilter(`userName eq "${OR_INJECTION}"`);
    expect(naive.status).toBe(200);
    expect(naive.userNames.length).toBe(server.users.size);
  });

  it.each([
    ['a quote-and-operator injection', INJECTION],
    ['an or-clause injection', OR_INJECTION],
    ['a backslash', BACKSLASH],
    ['a trailing backslash', TRAILING_BACKSLASH],
  ])('finds exactly the user whose name holds %s, never another', async (_label, userName) => {
    const page = await bindTo(server).call('account.list', { filter: { username: userName } });
    expect(page.items.length).toBeLessThanOrEqual(1);
    for (const account of page.items) expect(account.username).toBe(userName);
    // scimmy answers escaped quotes with 400 invalidFilter and does not unescape backslashes
    // (zero matches): either way the connector confirmed client-side and found the one user.
    expect(page.items.map((a) => a.username)).toEqual([userName]);
  });

  it('sends the escaped filter to the server first', async () => {
    const before = server.requestsTo('GET', '/Users').length;
    await bindTo(server).call('account.list', { filter: { username: INJECTION } });
    const first = server.requestsTo('GET', '/Users')[before];
    expect(first?.query.filter).toBe(`userName eq ${JSON.stringify(INJECTION)}`);
  });

  it('finds nobody for a name nobody has, even one shaped like an injection', async () => {
    const page = await bindTo(server).call('account.list', { filter: { username: 'x" or "1" eq "1' } });
    expect(page.items).toEqual([]);
  });

  it('scans client-side, up to scanLimit, when the server does not support filters', async () => {
    const noFilter = await startScimServer({ users: [{ userName: 'alice' }, { userName: 'bob' }] });
    try {
      noFilter.rewriteJson(
        (req) => req.path.endsWith('/ServiceProviderConfig'),
        (body) => ({ ...(body as object), filter: { supported: false } }),
      );
      const page = await bindTo(noFilter, { pageSize: 1 }).call('account.list', {
        filter: { username: 'BOB' },
      });
      expect(page.items.map((a) => a.username)).toEqual(['bob']);
      expect(noFilter.requestsTo('GET', '/Users').every((r) => r.query.filter === undefined)).toBe(true);
      const limited = bindTo(noFilter, { pageSize: 1, scanLimit: 1 });
      await expect(limited.call('account.list', { filter: { username: 'bob' } })).rejects.toMatchObject({
        code: 'permanent',
      });
    } finally {
      await noFilter.close();
    }
  });
});
