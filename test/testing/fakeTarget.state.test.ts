import { afterEach, describe, expect, it } from 'vitest';
import { createFakeTarget, type FakeTarget } from '../../src/testing/fakeTarget';
import { clientFor, field } from './fakeTargetClient';

const open: FakeTarget[] = [];
async function start(options?: Parameters<typeof createFakeTarget>[0]): Promise<FakeTarget> {
  const target = await createFakeTarget(options);
  open.push(target);
  return target;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('seeding', () => {
  it('creates 50,000 accounts with 100,000 keys and 10 groups', async () => {
    const target = await start();
    const started = performance.now();
    const seeded = target.seed('acme', { accounts: 50_000, keysPerAccount: 2, groups: 10 });
    const elapsed = performance.now() - started;
    expect(seeded.keyIds).toHaveLength(100_000);
    expect(new Set(seeded.keyIds).size).toBe(100_000);
    expect(target.state.counts('acme')).toEqual({
      accounts: 50_000,
      keys: 100_000,
      activeKeys: 100_000,
      groups: 10,
      sessions: 0,
    });
    expect(target.state.group('acme', seeded.groupIds[0] as string)?.members).toHaveLength(5_000);
    // Generous bound for a loaded 2-core machine; the figure is reported by the benchmark.
    expect(elapsed).toBeLessThan(10_000);
  });

  it('serves an account of a 100k-key tenant by id and pages keys by index', async () => {
    const target = await start();
    const { accountIds } = target.seed('acme', { accounts: 50_000, keysPerAccount: 2 });
    const api = clientFor(target, 'acme');
    const last = accountIds[accountIds.length - 1] as string;
    expect(field((await api.get(`/accounts/${last}`)).body, 'id')).toBe(last);
    target.setApiVersion('acme', 'v2');
    const page = await api.get(`/credentials?limit=1000&cursor=c${(99_000).toString(36)}`);
    expect(field(page.body, 'items')).toHaveLength(1000);
    expect(field(page.body, 'cursor')).toBeNull();
  });

  it('mixes account kinds and gives non-humans an owner', async () => {
    const target = await start();
    const { accountIds } = target.seed('acme', {
      accounts: 1_000,
      keysPerAccount: 0,
      humanRatio: 0.2,
      botRatio: 0.3,
    });
    const accounts = accountIds.map((id) => target.state.account('acme', id));
    const kinds = new Map<string, number>();
    for (const a of accounts) kinds.set(a?.kind ?? '', (kinds.get(a?.kind ?? '') ?? 0) + 1);
    expect(kinds.get('human')).toBeGreaterThan(120);
    expect(kinds.get('bot')).toBeGreaterThan(220);
    expect(accounts.every((a) => (a?.kind === 'human') === (a?.owner === null))).toBe(true);
  });

  it('rejects a negative count with invalid_input', async () => {
    const target = await start();
    expect(() => target.seed('acme', { accounts: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('rejects a duplicate explicit id with already_exists', async () => {
    const target = await start();
    target.addAccount('acme', { id: 'svc-ci' });
    expect(() => target.addAccount('acme', { id: 'svc-ci' })).toThrow(
      expect.objectContaining({ code: 'already_exists' }),
    );
  });

  it('never generates an id that a caller already chose', async () => {
    const first = await start({ seed: 9 });
    const generated = first.addAccount('acme').id;
    const second = await start({ seed: 9 });
    second.addAccount('acme', { id: generated });
    expect(second.addAccount('acme').id).not.toBe(generated);
  });
});

describe('determinism', () => {
  it('the same seed gives the same ids, last4s and timestamps', async () => {
    const a = await start({ seed: 'repeatable' });
    const b = await start({ seed: 'repeatable' });
    const seededA = a.seed('acme', { accounts: 200, keysPerAccount: 2, groups: 3, sessionsPerAccount: 1 });
    const seededB = b.seed('acme', { accounts: 200, keysPerAccount: 2, groups: 3, sessionsPerAccount: 1 });
    expect(seededB).toEqual(seededA);
    const key = seededA.keyIds[17] as string;
    expect(b.state.key('acme', key)).toEqual(a.state.key('acme', key));
    expect(b.addKey('acme', seededB.accountIds[0] as string).secret).toBe(
      a.addKey('acme', seededA.accountIds[0] as string).secret,
    );
  });

  it('a different seed gives different ids', async () => {
    const a = await start({ seed: 1 });
    const b = await start({ seed: 2 });
    expect(a.seed('acme', { accounts: 10 }).accountIds).not.toEqual(
      b.seed('acme', { accounts: 10 }).accountIds,
    );
  });

  it('probabilistic faults fire on the same requests for the same seed', async () => {
    async function pattern(seed: number): Promise<number[]> {
      const target = await start({ seed });
      target.faults.add({ probability: 0.5, fault: { kind: 'status', status: 503 } });
      const api = clientFor(target, 'acme');
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await api.get('/version')).status);
      return statuses;
    }
    const first = await pattern(77);
    expect(await pattern(77)).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern(78)).not.toEqual(first);
  });
});

describe('counters', () => {
  it('count requests by status and operation, and reset', async () => {
    const target = await start();
    const api = clientFor(target, 'acme');
    await api.get('/accounts');
    await api.get('/accounts/nope');
    await clientFor(target, 'acme', null).get('/accounts');
    target.faults.add({ times: 1, fault: { kind: 'status', status: 502 } });
    await api.get('/version');
    const counters = target.counters();
    expect(counters.requests).toBe(4);
    expect(counters.byStatus).toEqual({ '200': 1, '404': 1, '401': 1, '502': 1 });
    expect(counters.byOperation).toEqual({ 'account.list': 2, 'account.get': 1, 'version.get': 1 });
    expect(counters.faults).toEqual({ status: 1 });
    target.resetCounters();
    expect(target.counters()).toMatchObject({
      requests: 0,
      byStatus: {},
      faults: {},
      mutations: { requests: 0, applied: 0 },
    });
  });

  it('record mutation requests and applied changes per object, with totals', async () => {
    const target = await start();
    const account = target.addAccount('acme');
    const { key } = target.addKey('acme', account.id);
    const api = clientFor(target, 'acme');
    target.faults.add({ operation: 'key.revoke', times: 2, fault: { kind: 'status', status: 503 } });
    for (let i = 0; i < 4; i++) await api.del(`/accounts/${account.id}/keys/${key.id}`);
    expect(target.effects('key', key.id)).toEqual({
      requests: 4,
      applied: 1,
      byOperation: { 'key.revoke': { requests: 4, applied: 1 } },
    });
    expect(target.effects('key', key.id, 'acme').applied).toBe(1);
    expect(target.effects('key', 'never-touched')).toEqual({ requests: 0, applied: 0, byOperation: {} });
    expect(target.counters().mutations).toEqual({ requests: 4, applied: 1 });
    target.resetCounters();
    expect(target.effects('key', key.id).requests).toBe(0);
    expect(target.state.key('acme', key.id)?.status).toBe('revoked');
  });

  it('count requests that never reached the handler (rate limited, unauthorized)', async () => {
    const target = await start({ tenants: [{ id: 'acme', rateLimit: { perSecond: 1, burst: 1 } }] });
    const account = target.addAccount('acme');
    await clientFor(target, 'acme', 'wrong').post(`/accounts/${account.id}/disable`);
    await clientFor(target, 'acme').post(`/accounts/${account.id}/disable`);
    expect(target.effects('account', account.id)).toMatchObject({ requests: 2, applied: 0 });
    expect(target.counters().rateLimited).toBe(1);
  });
});

describe('options', () => {
  it('rejects bad options with invalid_input listing the field paths', async () => {
    await expect(createFakeTarget({ tenants: [{ id: 'a b' }], port: -1 } as never)).rejects.toMatchObject({
      code: 'invalid_input',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['tenants', 0, 'id'] }),
        expect.objectContaining({ path: ['port'] }),
      ]),
    });
  });

  it('rejects unknown options and duplicate tenants', async () => {
    await expect(createFakeTarget({ colour: 'red' } as never)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(createFakeTarget({ tenants: [{ id: 'a' }, { id: 'a' }] })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['tenants', 1, 'id'] })],
    });
  });

  it('rejects a bad rate limit at run time', async () => {
    const target = await start();
    expect(() => target.setRateLimit('acme', { perSecond: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('reports an unknown tenant as not_found', async () => {
    const target = await start();
    expect(() => target.seed('nobody', { accounts: 1 })).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });

  it('honours custom page sizes', async () => {
    const target = await start({ pageSize: { default: 2, max: 3 } });
    target.seed('acme', { accounts: 5, keysPerAccount: 0 });
    const api = clientFor(target, 'acme');
    expect(field((await api.get('/accounts')).body, 'data')).toHaveLength(2);
    expect((await api.get('/accounts?per_page=4')).status).toBe(400);
  });
});
