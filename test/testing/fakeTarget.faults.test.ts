import { parseRetryAfter } from 'lifeline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeTarget, type FakeTarget } from '../../src/testing/fakeTarget';
import { clientFor, field } from './fakeTargetClient';

let target: FakeTarget;
beforeAll(async () => {
  target = await createFakeTarget({ seed: 5, tenants: [{ id: 'acme' }, { id: 'globex' }] });
});
afterAll(() => target.close());
afterEach(async () => {
  await target.faults.clear();
  target.setRateLimit('acme', null);
});

/** Polls a condition instead of sleeping a fixed time. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function accountWithKey() {
  const account = target.addAccount('acme');
  const { key } = target.addKey('acme', account.id);
  return { account, key };
}

/** Sends a request and reads the whole body; rejects on any socket error. */
async function fetchAll(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${target.token('acme')}`, ...init.headers },
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe('latency faults', () => {
  it('delays matching requests by a fixed time', async () => {
    target.faults.add({ operation: 'account.list', fault: { kind: 'latency', ms: 150 } });
    const started = performance.now();
    const res = await clientFor(target, 'acme').get('/accounts');
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(target.counters().faults.latency).toBeGreaterThanOrEqual(1);
  });

  it('adds latency and still applies a terminal fault from a later rule', async () => {
    target.faults.add({ fault: { kind: 'latency', ms: { type: 'uniform', min: 20, max: 40 } } });
    target.faults.add({ fault: { kind: 'status', status: 502 } });
    const started = performance.now();
    expect((await clientFor(target, 'acme').get('/accounts')).status).toBe(502);
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});

describe('status faults', () => {
  it('answers a chosen 5xx a given number of times, then normally', async () => {
    const handle = target.faults.add({
      operation: 'account.list',
      times: 2,
      fault: { kind: 'status', status: [500, 503] },
    });
    const api = clientFor(target, 'acme');
    const statuses = [
      (await api.get('/accounts')).status,
      (await api.get('/accounts')).status,
      (await api.get('/accounts')).status,
    ];
    expect(statuses.slice(0, 2).every((s) => s === 500 || s === 503)).toBe(true);
    expect(statuses[2]).toBe(200);
    expect(handle.fired).toBe(2);
    expect(handle.matched).toBe(3);
  });

  it('in phase after, applies the side effect and still answers 500', async () => {
    const { account, key } = accountWithKey();
    target.faults.add({ operation: 'key.revoke', fault: { kind: 'status', status: 500, phase: 'after' } });
    const res = await clientFor(target, 'acme').del(`/accounts/${account.id}/keys/${key.id}`);
    expect(res.status).toBe(500);
    expect(target.state.key('acme', key.id)?.status).toBe('revoked');
    expect(target.effects('key', key.id)).toMatchObject({ requests: 1, applied: 1 });
  });

  it('in phase before, leaves the object untouched', async () => {
    const { account, key } = accountWithKey();
    target.faults.add({
      operation: 'key.revoke',
      fault: { kind: 'status', status: 503, retryAfterSeconds: 3 },
    });
    const res = await clientFor(target, 'acme').del(`/accounts/${account.id}/keys/${key.id}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(target.effects('key', key.id)).toMatchObject({ requests: 1, applied: 0 });
  });
});

describe('429 faults', () => {
  it('sends Retry-After in seconds', async () => {
    target.faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 7 } });
    const res = await clientFor(target, 'acme').get('/accounts');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('sends Retry-After as an HTTP-date', async () => {
    target.faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 30, retryAfterFormat: 'http-date' } });
    const res = await clientFor(target, 'acme').get('/accounts');
    const header = res.headers.get('retry-after') ?? '';
    expect(header).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const waitMs = parseRetryAfter(header) ?? 0;
    expect(waitMs).toBeGreaterThan(28_000);
    expect(waitMs).toBeLessThanOrEqual(31_000);
  });
});

describe('connection reset faults', () => {
  it('before the handler: the client sees a socket error and nothing is applied', async () => {
    const { account, key } = accountWithKey();
    target.faults.add({ operation: 'key.revoke', times: 1, fault: { kind: 'reset', sent: 'nothing' } });
    await expect(
      fetchAll(`${target.tenantUrl('acme')}/accounts/${account.id}/keys/${key.id}`, { method: 'DELETE' }),
    ).rejects.toThrow();
    expect(target.effects('key', key.id)).toMatchObject({ requests: 1, applied: 0 });
    expect(target.state.key('acme', key.id)?.status).toBe('active');
  });

  it('after the side effect: applied is 1, the client sees a socket error mid-response', async () => {
    const { account, key } = accountWithKey();
    target.faults.add({
      operation: 'key.revoke',
      times: 1,
      fault: { kind: 'reset', phase: 'after', sent: 'partial-body' },
    });
    const url = `${target.tenantUrl('acme')}/accounts/${account.id}/keys/${key.id}`;
    await expect(fetchAll(url, { method: 'DELETE' })).rejects.toThrow();
    expect(target.effects('key', key.id)).toMatchObject({ requests: 1, applied: 1 });
    expect(target.state.key('acme', key.id)?.status).toBe('revoked');
    const retry = await fetchAll(url, { method: 'DELETE' });
    expect(retry.status).toBe(404);
    expect(target.effects('key', key.id)).toMatchObject({ requests: 2, applied: 1 });
    expect(target.counters().faults.reset).toBeGreaterThanOrEqual(1);
  });

  it('after headers only: the response starts, then the body fails', async () => {
    target.faults.add({
      operation: 'account.list',
      times: 1,
      fault: { kind: 'reset', sent: 'headers', phase: 'after' },
    });
    const response = await fetch(`${target.tenantUrl('acme')}/accounts`, {
      headers: { authorization: `Bearer ${target.token('acme')}` },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});

describe('hanging requests', () => {
  it('never answer until the rule is disposed, then answer normally', async () => {
    const hang = target.faults.add({ operation: 'account.list', fault: { kind: 'hang' } });
    let settled = false;
    const pending = clientFor(target, 'acme')
      .get('/accounts')
      .finally(() => {
        settled = true;
      });
    await until(() => hang.fired === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    await hang.dispose();
    expect((await pending).status).toBe(200);
  });

  it('are released by faults.clear()', async () => {
    const hang = target.faults.add({ fault: { kind: 'hang' } });
    const pending = clientFor(target, 'acme').get('/accounts');
    await until(() => hang.fired === 1);
    await target.faults.clear();
    expect((await pending).status).toBe(200);
  });

  it('are released by close(): the client sees an error and close resolves', async () => {
    const own = await createFakeTarget();
    own.faults.add({ fault: { kind: 'hang' } });
    const pending = fetch(`${own.tenantUrl('acme')}/accounts`, {
      headers: { authorization: 'Bearer token-acme' },
    });
    const rejected = expect(pending).rejects.toThrow();
    await until(() => own.counters().requests === 1);
    await own.close();
    await rejected;
  });

  it('in phase after, apply the side effect while the client waits', async () => {
    const { account } = accountWithKey();
    const hang = target.faults.add({ operation: 'account.disable', fault: { kind: 'hang', phase: 'after' } });
    const pending = clientFor(target, 'acme').post(`/accounts/${account.id}/disable`);
    await until(() => target.effects('account', account.id).applied === 1);
    await hang.dispose();
    expect((await pending).status).toBe(200);
  });
});

describe('body faults', () => {
  it('malformed JSON: 200 with a truncated body that does not parse', async () => {
    target.faults.add({ operation: 'account.list', fault: { kind: 'malformedJson', phase: 'after' } });
    const res = await fetchAll(`${target.tenantUrl('acme')}/accounts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
    expect(res.text.startsWith('{"data":[')).toBe(true);
  });

  it('wrong content type: an HTML page where JSON was expected', async () => {
    target.faults.add({ fault: { kind: 'wrongContentType' } });
    const res = await fetchAll(`${target.tenantUrl('acme')}/accounts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<html>');
  });

  it('oversize: streams the configured number of bytes', async () => {
    target.faults.add({ fault: { kind: 'oversize', bytes: 3_000_000, declareLength: true } });
    const res = await fetchAll(`${target.tenantUrl('acme')}/accounts`);
    expect(res.headers.get('content-length')).toBe('3000000');
    expect(res.text.length).toBe(3_000_000);
  });

  it('oversize: 60 MB by default, without a length, and stops when the client gives up', async () => {
    target.faults.add({ times: 1, fault: { kind: 'oversize' } });
    const controller = new AbortController();
    const response = await fetch(`${target.tenantUrl('acme')}/accounts`, {
      headers: { authorization: `Bearer ${target.token('acme')}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-length')).toBeNull();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    while (received < 2_000_000) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += chunk.value.length;
    }
    controller.abort();
    expect(received).toBeGreaterThanOrEqual(2_000_000);
    expect((await clientFor(target, 'acme').get('/version')).status).toBe(200);
  });
});

describe('outages', () => {
  it('unavailable: every request of the tenant gets 503 until the outage ends', async () => {
    const outage = await target.faults.outage({ mode: 'unavailable', tenant: 'acme', retryAfterSeconds: 2 });
    const res = await clientFor(target, 'acme').get('/accounts');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await clientFor(target, 'globex').get('/accounts')).status).toBe(200);
    await outage.dispose();
    expect((await clientFor(target, 'acme').get('/accounts')).status).toBe(200);
  });

  it('hang: takes precedence over rules added earlier; released requests are answered normally', async () => {
    target.faults.add({ fault: { kind: 'status', status: 500 } });
    const outage = await target.faults.outage({ mode: 'hang' });
    const pending = clientFor(target, 'acme').get('/accounts');
    await until(() => outage.fired === 1);
    await outage.dispose();
    expect((await pending).status).toBe(200);
  });

  it('refuse: connections are refused, then accepted again on the same port', async () => {
    const own = await createFakeTarget();
    const url = `${own.tenantUrl('acme')}/version`;
    expect((await fetch(url)).status).toBe(200);
    const outage = await own.faults.outage({ mode: 'refuse' });
    const error = await fetch(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(field(error, 'cause', 'code')).toBe('ECONNREFUSED');
    await outage.dispose();
    expect((await fetch(url)).status).toBe(200);
    await own.close();
  });

  it('refuse cannot be scoped to a tenant', async () => {
    await expect(target.faults.outage({ mode: 'refuse', tenant: 'acme' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});

describe('rule matching', () => {
  it('matches by method, path pattern and tenant', async () => {
    const { account, key } = accountWithKey();
    target.faults.add({
      method: 'delete',
      path: '/accounts/:id/keys/*',
      tenant: 'acme',
      fault: { kind: 'status', status: 500 },
    });
    const api = clientFor(target, 'acme');
    expect((await api.get(`/accounts/${account.id}/keys/${key.id}`)).status).toBe(200);
    expect((await api.del(`/accounts/${account.id}/keys/${key.id}`)).status).toBe(500);
    expect((await clientFor(target, 'globex').get('/accounts')).status).toBe(200);
  });

  it('skips the first matches, then fires', async () => {
    target.faults.add({
      operation: 'account.list',
      skip: 2,
      times: 1,
      fault: { kind: 'status', status: 500 },
    });
    const api = clientFor(target, 'acme');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.get('/accounts')).status);
    expect(statuses).toEqual([200, 200, 500, 200]);
  });

  it('validates rules and names the bad field', () => {
    expect(() => target.faults.add({ probability: 2, fault: { kind: 'status', status: 200 } })).toThrow(
      /probability/,
    );
    try {
      target.faults.add({ fault: { kind: 'latency', ms: { type: 'uniform', min: 5, max: 1 } } });
      expect.unreachable();
    } catch (error) {
      expect(field(error, 'code')).toBe('invalid_input');
      expect(JSON.stringify(field(error, 'issues'))).toContain('max');
    }
  });

  it('lists active rules', () => {
    target.faults.add({ name: 'slow lists', operation: 'account.list', fault: { kind: 'latency', ms: 1 } });
    expect(target.faults.rules).toEqual([{ name: 'slow lists', kind: 'latency', matched: 0, fired: 0 }]);
  });
});

describe('enforced rate limit', () => {
  it('answers 429 with Retry-After above the rate, and is configurable at run time', async () => {
    target.setRateLimit('acme', { perSecond: 5, burst: 10 });
    target.resetCounters();
    const api = clientFor(target, 'acme');
    const responses = await Promise.all(Array.from({ length: 40 }, () => api.get('/version')));
    const limited = responses.filter((r) => r.status === 429);
    const passed = responses.filter((r) => r.status === 200);
    expect(limited.length).toBeGreaterThan(0);
    expect(passed.length).toBeGreaterThanOrEqual(10);
    expect(passed.length).toBeLessThan(40);
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
    expect(target.counters().rateLimited).toBe(limited.length);
    target.setRateLimit('acme', null);
    expect((await api.get('/version')).status).toBe(200);
  });

  it('can send Retry-After as an HTTP-date', async () => {
    target.setRateLimit('acme', { perSecond: 1, burst: 1, retryAfterFormat: 'http-date' });
    const api = clientFor(target, 'acme');
    await api.get('/version');
    const res = await api.get('/version');
    expect(res.status).toBe(429);
    expect(parseRetryAfter(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits each tenant separately', async () => {
    target.setRateLimit('acme', { perSecond: 1, burst: 1 });
    await clientFor(target, 'acme').get('/version');
    expect((await clientFor(target, 'acme').get('/version')).status).toBe(429);
    expect((await clientFor(target, 'globex').get('/version')).status).toBe(200);
  });
});
