import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AdapterResolver, type AdapterSwitchEvent, defineAdapter } from '../../src/adapters';
import { InvalidInputError } from '../../src/errors';

const v1 = defineAdapter({ version: 'v1', schemas: { probe: z.object({ key_id: z.string() }) } });
const v2 = defineAdapter({
  version: 'v2',
  detect: (probe) => probe.headers?.get('x-api-version') === '2',
  schemas: { probe: z.object({ id: z.string() }) },
});

afterEach(() => {
  vi.useRealTimers();
});

describe('AdapterResolver', () => {
  it('resolves by an explicit probe and caches per tenant', async () => {
    let probes = 0;
    const resolver = new AdapterResolver<string>([v2, v1], {
      probe: async (tenant) => {
        probes++;
        return tenant === 'old' ? 'v1' : { headers: new Headers({ 'x-api-version': '2' }) };
      },
    });
    expect((await resolver.resolve('old', 'old')).version).toBe('v1');
    expect((await resolver.resolve('new', 'new')).version).toBe('v2');
    expect((await resolver.resolve('old', 'old')).version).toBe('v1');
    expect(probes).toBe(2);
  });

  it('probes once for concurrent callers of one tenant', async () => {
    let probes = 0;
    const resolver = new AdapterResolver<void>([v2, v1], {
      probe: async () => {
        probes++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return 'v1';
      },
    });
    const adapters = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve('t', undefined)));
    expect(new Set(adapters.map((a) => a.version))).toEqual(new Set(['v1']));
    expect(probes).toBe(1);
  });

  it('resolves by the shape of a sample when there is no probe', async () => {
    const resolver = new AdapterResolver<void>([v2, v1], {
      sample: { kind: 'probe', fetch: async () => ({ key_id: 'k' }) },
    });
    expect((await resolver.resolve('t', undefined)).version).toBe('v1');
  });

  it('falls back to the newest adapter when nothing tells', async () => {
    expect((await new AdapterResolver<void>([v2, v1]).resolve('t', undefined)).version).toBe('v2');
  });

  it('re-resolves after the TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let version = 'v1';
    const resolver = new AdapterResolver<void>([v2, v1], { probe: async () => version, ttlMs: 60_000 });
    expect((await resolver.resolve('t', undefined)).version).toBe('v1');
    version = 'v2';
    vi.setSystemTime(Date.now() + 59_000);
    expect((await resolver.resolve('t', undefined)).version).toBe('v1');
    vi.setSystemTime(Date.now() + 2_000);
    expect((await resolver.resolve('t', undefined)).version).toBe('v2');
  });

  it('reports a version no adapter speaks as schema drift of an unknown shape', async () => {
    const resolver = new AdapterResolver<void>([v2, v1], { probe: async () => 'v9' });
    await expect(resolver.resolve('t', undefined)).rejects.toMatchObject({
      code: 'schema_drift',
      hint: 'unknown_shape',
    });
  });

  it('emits one switch event per actual change', async () => {
    const events: AdapterSwitchEvent[] = [];
    const resolver = new AdapterResolver<void>([v2, v1], { probe: async () => 'v1' });
    const subscription = resolver.onSwitch((event) => events.push(event));
    await resolver.resolve('t', undefined);
    resolver.switchTo('t', 'v2');
    resolver.switchTo('t', 'v2');
    subscription.dispose();
    resolver.switchTo('t', 'v1');
    expect(events).toEqual([
      { tenant: 't', from: undefined, to: 'v1', reason: 'probe' },
      { tenant: 't', from: 'v1', to: 'v2', reason: 'drift' },
    ]);
  });

  it('rejects duplicate versions and an empty list', () => {
    expect(() => new AdapterResolver([v1, v1])).toThrow(InvalidInputError);
    expect(() => new AdapterResolver([])).toThrow(InvalidInputError);
  });
});
