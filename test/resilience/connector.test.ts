import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../../src/connector';
import { directPolicy, ResilienceRegistry } from '../../src/resilience';

/** A target answering DELETE /keys/:id; `failures` 503s come first, then 204s. */
const target = { requests: 0, failures: 0 };
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    target.requests++;
    if (target.failures > 0) {
      target.failures--;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
      return;
    }
    if (req.method === 'POST') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"id":"k_2","kind":"api_key","secret":"s"}');
      return;
    }
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  target.requests = 0;
  target.failures = 0;
});

function acme(resilience?: Parameters<typeof defineConnector>[0]['resilience']) {
  return defineConnector({
    id: 'acme',
    version: '1.0.0',
    config: z.object({ baseUrl: z.string(), tenant: z.string() }),
    ...(resilience === undefined ? {} : { resilience }),
    operations: {
      'credential.revoke': async (ctx, { credential }) => {
        await ctx.fetch(`${ctx.config.baseUrl}/keys/${credential.id}`, { method: 'DELETE' });
      },
      'credential.rotate': async (ctx, { credential }) => {
        const response = await ctx.fetch(`${ctx.config.baseUrl}/keys/${credential.id}/rotate`, {
          method: 'POST',
        });
        const body = (await response.json()) as { id: string };
        return {
          credential: { id: body.id, kind: 'api_key' as const, status: 'active' as const },
          secret: 's',
        };
      },
    },
  });
}

const resilience = {
  retry: { retries: 2, baseDelayMs: 1 },
  breaker: { volumeThreshold: 4, resetTimeout: 60_000 },
  timeout: 5000,
};

describe('a bound connector with the default resilience policy', () => {
  it('retries a transient 503 and succeeds', async () => {
    const connector = acme(resilience);
    const bound = connector.with({ baseUrl, tenant: 't1' });
    target.failures = 1;
    await expect(bound.call('credential.revoke', { credential: { id: 'k_1' } })).resolves.toBeUndefined();
    expect(target.requests).toBe(2);
    connector.resilience.shutdown();
  });

  it('fails fast with circuit_open after an outage, without sending more requests', async () => {
    const connector = acme(resilience);
    const bound = connector.with({ baseUrl, tenant: 't1' });
    const opened: string[] = [];
    connector.resilience.get('acme', 't1').onBreakerOpen(({ name }) => opened.push(name));
    target.failures = 1000;
    await expect(bound.call('credential.revoke', { credential: { id: 'k_1' } })).rejects.toMatchObject({
      code: 'transient',
      context: { status: 503, connector: 'acme', tenant: 't1' },
    });
    await expect(bound.call('credential.revoke', { credential: { id: 'k_1' } })).rejects.toMatchObject({
      code: 'circuit_open',
    });
    expect(opened).toEqual(['acme/t1']);
    const sent = target.requests;
    expect(sent).toBe(4);
    for (let i = 0; i < 20; i++) {
      await expect(bound.call('credential.revoke', { credential: { id: `k_${i}` } })).rejects.toMatchObject({
        code: 'circuit_open',
        mayHaveReachedServer: false,
      });
    }
    expect(target.requests).toBe(sent);
    connector.resilience.shutdown();
  });

  it('does not retry a non-idempotent operation after a 503', async () => {
    const connector = acme(resilience);
    const bound = connector.with({ baseUrl, tenant: 't1' });
    target.failures = 1;
    await expect(bound.call('credential.rotate', { credential: { id: 'k_1' } })).rejects.toMatchObject({
      code: 'transient',
    });
    expect(target.requests).toBe(1);
    connector.resilience.shutdown();
  });

  it('shares one policy between bindings of the same tenant, and keeps tenants apart', () => {
    const connector = acme(resilience);
    const a = connector.with({ baseUrl, tenant: 't1' });
    const b = connector.with({ baseUrl, tenant: 't1' });
    const c = connector.with({ baseUrl, tenant: 't2' });
    expect(a.policy).toBe(b.policy);
    expect(a.policy).not.toBe(c.policy);
    expect(connector.resilience.size).toBe(2);
    connector.resilience.shutdown();
  });

  it('uses a registry passed at bind time instead of its own', () => {
    const registry = new ResilienceRegistry();
    const connector = acme(resilience);
    const bound = connector.with({ baseUrl, tenant: 't1' }, undefined, { registry });
    expect(bound.policy).toBe(registry.get('acme', 't1'));
    expect(connector.resilience.size).toBe(0);
    registry.shutdown();
  });

  it("fills the fields a connector leaves out from a shared registry's defaults", () => {
    const registry = new ResilienceRegistry({ retry: { retries: 7, baseDelayMs: 5 } });
    const connector = acme({ retry: { retries: 2 } });
    const bound = connector.with({ baseUrl, tenant: 't1' }, undefined, { registry });
    expect(registry.get('acme', 't1').retry?.options).toMatchObject({ retries: 2, baseDelayMs: 5 });
    expect(bound.policy).toBe(registry.get('acme', 't1'));
    registry.shutdown();
  });

  it('runs calls once, as is, with directPolicy or resilience: false', async () => {
    for (const bound of [
      acme(resilience).with({ baseUrl, tenant: 't1' }, undefined, { policy: directPolicy }),
      acme(false).with({ baseUrl, tenant: 't1' }),
    ]) {
      target.requests = 0;
      target.failures = 1;
      await expect(bound.call('credential.revoke', { credential: { id: 'k_1' } })).rejects.toMatchObject({
        code: 'transient',
      });
      expect(target.requests).toBe(1);
      expect(bound.policy).toBe(directPolicy);
    }
  });

  it('still validates input before any policy runs', async () => {
    const connector = acme(resilience);
    const bound = connector.with({ baseUrl, tenant: 't1' });
    await expect(bound.call('credential.revoke', { credential: { id: '' } })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(target.requests).toBe(0);
    connector.resilience.shutdown();
  });

  it('rejects bad resilience options when the connector is defined', () => {
    expect(() => acme({ retry: { retries: -1 } })).toThrow(/retry\.retries/);
  });
});
