/**
 * Property: every breaking mutation of a valid payload (drop, rename or retype a
 * required field, add an enum value) raises schema_drift, and every additive
 * one (a new field) never does — it is reported as additive drift instead.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter, readPayload } from '../../src/adapters';
import { isLifelineError } from '../../src/errors';

const WireKey = z.object({
  key_id: z.string(),
  account_id: z.string(),
  name: z.string(),
  type: z.enum(['api_key', 'token']),
  last4: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  state: z.enum(['active', 'revoked']),
});
const REQUIRED = Object.keys(WireKey.shape) as (keyof z.infer<typeof WireKey>)[];
const ENUMS = { type: ['api_key', 'token'], state: ['active', 'revoked'] } as const;

const v1 = defineAdapter({
  version: 'v1',
  schemas: { credential: WireKey },
  toModel: {
    credential: (w) => ({
      id: w.key_id,
      kind: 'api_key',
      status: w.state,
      accountId: w.account_id,
      label: w.name,
    }),
  },
});

const validKey = fc.record({
  key_id: fc.string({ minLength: 1, maxLength: 20 }),
  account_id: fc.string({ minLength: 1, maxLength: 20 }),
  name: fc.string({ maxLength: 40 }),
  type: fc.constantFrom(...ENUMS.type),
  last4: fc.string({ minLength: 4, maxLength: 4 }),
  created_at: fc.constant('2026-01-01T00:00:00Z'),
  expires_at: fc.option(fc.constant('2027-01-01T00:00:00Z'), { nil: null }),
  state: fc.constantFrom(...ENUMS.state),
});

const field = fc.constantFrom(...REQUIRED);
const freshKey = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter(
    (k) => !(REQUIRED as string[]).includes(k) && !['__proto__', 'constructor', 'prototype'].includes(k),
  );
/** Values of a type no field of the schema accepts. */
const wrongValue = fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant([]));

type Mutation = {
  kind: 'drop' | 'rename' | 'retype' | 'enum' | 'add';
  apply: (key: Record<string, unknown>) => Record<string, unknown>;
};

const breaking: fc.Arbitrary<Mutation> = fc.oneof(
  field.map((name) => ({
    kind: 'drop' as const,
    apply: (key: Record<string, unknown>) => {
      const { [name]: _dropped, ...rest } = key;
      return rest;
    },
  })),
  fc.tuple(field, freshKey).map(([name, to]) => ({
    kind: 'rename' as const,
    apply: (key: Record<string, unknown>) => {
      const { [name]: value, ...rest } = key;
      return { ...rest, [to]: value };
    },
  })),
  field.chain((name) =>
    wrongValue.map((value) => ({
      kind: 'retype' as const,
      apply: (key: Record<string, unknown>) => ({ ...key, [name]: value }),
    })),
  ),
  fc
    .tuple(fc.constantFrom('type', 'state'), fc.string({ minLength: 1, maxLength: 10 }))
    .filter(([name, value]) => !(ENUMS[name as keyof typeof ENUMS] as readonly string[]).includes(value))
    .map(([name, value]) => ({
      kind: 'enum' as const,
      apply: (key: Record<string, unknown>) => ({ ...key, [name]: value }),
    })),
);

const additive: fc.Arbitrary<Mutation> = fc.tuple(freshKey, fc.jsonValue()).map(([name, value]) => ({
  kind: 'add' as const,
  apply: (key: Record<string, unknown>) => ({ ...key, [name]: value }),
}));

function read(payload: unknown): { drift: boolean; additions: readonly string[] } {
  try {
    return {
      drift: false,
      additions: readPayload(v1, 'credential', payload, { operation: 'credential.get' }).additions,
    };
  } catch (error) {
    if (isLifelineError(error, 'schema_drift')) return { drift: true, additions: [] };
    throw error;
  }
}

describe('drift detection (property, seeded)', () => {
  it('raises schema_drift for every breaking mutation', () => {
    fc.assert(
      fc.property(validKey, breaking, (key, mutation) => {
        const mutated = mutation.apply(key);
        expect(read(mutated).drift, `${mutation.kind}: ${JSON.stringify(mutated)}`).toBe(true);
      }),
      { seed: 20261126, numRuns: 500 },
    );
  });

  it('never raises drift for an added field, and reports it as additive', () => {
    fc.assert(
      fc.property(validKey, additive, (key, mutation) => {
        const result = read(mutation.apply(key));
        expect(result.drift).toBe(false);
        expect(result.additions.length).toBeGreaterThan(0);
      }),
      { seed: 20261126, numRuns: 500 },
    );
  });

  it('accepts every unmutated valid payload without additions', () => {
    fc.assert(
      fc.property(validKey, (key) => {
        expect(read(key)).toEqual({ drift: false, additions: [] });
      }),
      { seed: 20261126, numRuns: 200 },
    );
  });
});
