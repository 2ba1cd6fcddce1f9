import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors';
import { toSecret } from '../../src/model';
import { memoryStore } from '../../src/stores';
import { MAX_JSON_BYTES, toFrozenJson, toJsonText } from '../../src/stores/json';

const CANARY = 'canary-sk-live-4d1f9c0b7e2a';

/** The error `fn` throws, for comparing what the two forms report. */
function thrown(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected a throw');
}

describe('toFrozenJson', () => {
  it('returns a deep-frozen copy equal to what toJsonText would serialise, leaving the input alone', () => {
    const input = {
      status: 'revoked',
      verified: true,
      attempts: 2,
      skipped: undefined,
      ref: { connector: 'acme', ids: ['k_1', 'k_2'], nested: { n: null } },
    };
    const copy = toFrozenJson(input, 'outcome') as Record<string, unknown>;
    expect(JSON.stringify(copy)).toBe(toJsonText(input, 'outcome'));
    expect(copy).not.toBe(input);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(copy.ref)).toBe(true);
    expect(Object.isFrozen((copy.ref as { ids: unknown }).ids)).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
    expect('skipped' in copy).toBe(false);
    input.ref.ids.push('k_3');
    expect((copy.ref as { ids: string[] }).ids).toEqual(['k_1', 'k_2']);
  });

  it('keeps an own "__proto__" key as a key, never as the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = toFrozenJson(input, 'outcome') as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const rejected: [string, unknown][] = [
    ['a Secret', { token: toSecret(CANARY) }],
    ['a function', { f: () => 1 }],
    ['a non-finite number', { n: Number.NaN }],
    ['a class instance', { at: new Date(0) }],
    ['a bigint', { n: 1n }],
    ['a cycle', circular],
    ['undefined itself', undefined],
    ['more than 1 MiB', { big: 'x'.repeat(MAX_JSON_BYTES) }],
  ];
  for (const [name, value] of rejected) {
    it(`rejects ${name} with the same error as toJsonText, naming paths, never values`, () => {
      const frozen = thrown(() => toFrozenJson(value, 'outcome'));
      const text = thrown(() => toJsonText(value, 'outcome'));
      expect(frozen.message).toBe(text.message);
      expect(frozen.message).not.toContain(CANARY);
    });
  }
});

describe('memoryStore outcomes', () => {
  it('keeps a frozen copy: the caller mutating its object later changes nothing stored', async () => {
    const store = memoryStore();
    const outcome = { status: 'revoked', evidence: { observed: 'absent' } };
    await store.begin('k', 'fp', { owner: 'w', leaseMs: 1000 });
    const completed = await store.complete('k', 'w', outcome);
    outcome.evidence.observed = 'still_present';
    expect(completed.outcome).toEqual({ status: 'revoked', evidence: { observed: 'absent' } });
    const again = await store.begin('k', 'fp', { owner: 'w2', leaseMs: 1000 });
    expect(again.status).toBe('completed');
    expect(again.status === 'completed' && again.outcome).toEqual({
      status: 'revoked',
      evidence: { observed: 'absent' },
    });
    expect((await store.get('k'))?.outcome).toEqual({ status: 'revoked', evidence: { observed: 'absent' } });
    expect(Object.isFrozen((await store.get('k'))?.outcome)).toBe(true);
  });

  it('accepts a retried complete with an equal outcome and refuses a different one', async () => {
    const store = memoryStore();
    await store.begin('k', 'fp', { owner: 'w', leaseMs: 1000 });
    await store.complete('k', 'w', { status: 'revoked' });
    await expect(store.complete('k', 'w', { status: 'revoked' })).resolves.toMatchObject({
      status: 'completed',
    });
    await expect(store.complete('k', 'w', { status: 'failed' })).rejects.toThrow(/already completed/);
  });
});
