import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter, describeShape, knownPaths, readPayload, shapeFingerprint } from '../../src/adapters';
import { SchemaDriftError } from '../../src/errors';

const WireKeyV1 = z.object({
  key_id: z.string(),
  label: z.string(),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
});
const WireKeyV2 = z.object({ id: z.string(), name: z.string(), revoked: z.boolean(), created: z.number() });

const v1 = defineAdapter({
  version: 'v1',
  schemas: {
    credential: WireKeyV1,
    credentialList: z.object({ data: z.array(WireKeyV1), next_page: z.number().nullable() }),
  },
  toModel: {
    credential: (w) => ({ id: w.key_id, kind: 'api_key', status: w.status, label: w.label }),
    credentialList: (w) => ({
      items: w.data.map((k) => ({ id: k.key_id, kind: 'api_key' as const, status: k.status })),
      ...(w.next_page === null ? {} : { nextCursor: String(w.next_page) }),
    }),
  },
});
const v2 = defineAdapter({
  version: 'v2',
  schemas: { credential: WireKeyV2 },
  toModel: {
    credential: (w) => ({
      id: w.id,
      kind: 'api_key',
      status: w.revoked ? 'revoked' : 'active',
      label: w.name,
    }),
  },
});

const CANARY = 'sk_live_CANARY_in_payload_0042';
const keyV1 = { key_id: 'k_1', label: CANARY, status: 'active', created_at: '2026-01-01T00:00:00Z' };
const keyV2 = { id: 'k_1', name: CANARY, revoked: false, created: 1767225600 };

function driftOf(fn: () => unknown): SchemaDriftError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SchemaDriftError) return error;
    throw error;
  }
  throw new Error('expected schema drift');
}

describe('shape fingerprints', () => {
  it('describe key paths and types, never values', () => {
    expect(describeShape({ data: [keyV1], next_page: null })).toEqual([
      'data:array',
      'data[].created_at:string',
      'data[].key_id:string',
      'data[].label:string',
      'data[].status:string',
      'data[]:object',
      'next_page:null',
    ]);
    expect(describeShape(keyV1).join()).not.toContain(CANARY);
  });

  it('are equal for equal shapes and differ when a type changes', () => {
    expect(shapeFingerprint({ ...keyV1, label: 'other' })).toBe(shapeFingerprint(keyV1));
    expect(shapeFingerprint({ ...keyV1, created_at: 1 })).not.toBe(shapeFingerprint(keyV1));
    expect(shapeFingerprint(keyV1)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stay bounded on deep nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(describeShape(deep).length).toBeLessThanOrEqual(65);
  });
});

describe('knownPaths', () => {
  it('walks objects, arrays, optionals, unions and records', () => {
    const schema = z.object({
      a: z.array(z.object({ b: z.string().optional() })),
      c: z.union([z.object({ d: z.number() }), z.object({ e: z.number() })]),
      f: z.record(z.string(), z.string()),
    });
    expect([...knownPaths(schema)].sort()).toEqual(['a', 'a[]', 'a[].b', 'c', 'c.d', 'c.e', 'f', 'f.*']);
  });
});

describe('readPayload', () => {
  it('maps a matching payload to the canonical model', () => {
    const { value, additions } = readPayload(v1, 'credential', keyV1);
    expect(value).toEqual({ id: 'k_1', kind: 'api_key', status: 'active', label: CANARY });
    expect(additions).toEqual([]);
  });

  it('reports unknown new fields as additive drift, not an error', () => {
    const { value, additions } = readPayload(v1, 'credential', {
      ...keyV1,
      scopes: ['read'],
      owner: { id: 'x' },
    });
    expect(value.id).toBe('k_1');
    expect(additions).toEqual(['owner.id:string', 'owner:object', 'scopes:array', 'scopes[]:string']);
  });

  it('names renamed and retyped fields in a v2 payload read by the v1 adapter, with a version hint', () => {
    const drift = driftOf(() =>
      readPayload(v1, 'credential', keyV2, { operation: 'credential.get', alternatives: [v2, v1] }),
    );
    expect(drift.hint).toBe('version_mismatch');
    expect(drift.suggestedVersion).toBe('v2');
    expect(drift.adapterVersion).toBe('v1');
    expect(drift.objectKind).toBe('credential');
    expect(drift.context.operation).toBe('credential.get');
    const byPath = Object.fromEntries(drift.changes.map((c) => [c.path, c]));
    expect(byPath.key_id).toMatchObject({ kind: 'renamed_candidate', expected: 'string' });
    expect(byPath.key_id?.candidates).toEqual(expect.arrayContaining(['id:string', 'name:string']));
    expect(byPath.created_at?.kind).toBe('renamed_candidate');
    expect(drift.fingerprint).toBe(shapeFingerprint(keyV2));
  });

  it('tells a retyped field and an unknown enum value apart', () => {
    const drift = driftOf(() =>
      readPayload(v1, 'credential', { ...keyV1, created_at: 1767225600, status: 'suspended' }),
    );
    expect(drift.hint).toBe('unknown_shape');
    expect(drift.changes).toEqual(
      expect.arrayContaining([
        { path: 'created_at', kind: 'retyped', expected: 'string', received: 'number' },
        { path: 'status', kind: 'enum_value_added', expected: 'active|revoked', received: 'string' },
      ]),
    );
  });

  it('reports a missing field as missing when nothing could replace it', () => {
    const { label: _label, ...withoutLabel } = keyV1;
    const drift = driftOf(() => readPayload(v1, 'credential', withoutLabel));
    expect(drift.changes).toEqual([
      { path: 'label', kind: 'missing', expected: 'string', received: 'undefined' },
    ]);
  });

  it('never copies a payload value into the error', () => {
    const drift = driftOf(() =>
      readPayload(v1, 'credential', { ...keyV2, status: CANARY }, { alternatives: [v2] }),
    );
    expect(`${drift.message}${JSON.stringify(drift)}`).not.toContain(CANARY);
  });

  it('reports a mapping that produces an invalid model object as drift', () => {
    const broken = defineAdapter({
      version: 'broken',
      schemas: { credential: z.object({ id: z.string() }) },
      toModel: { credential: (w) => ({ id: w.id, kind: 'api_key', status: 'weird' as 'active' }) },
    });
    const drift = driftOf(() => readPayload(broken, 'credential', { id: 'x' }));
    expect(drift.issues[0]?.path).toEqual(['status']);
  });
});
