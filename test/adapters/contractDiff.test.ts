import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/adapters';
import { type Contract, diffContract, type ExerciseFailure } from '../../src/adapters/contract';
import { SchemaDriftError, TransientError } from '../../src/errors';

function contract(operations: Record<string, Record<string, string[]>>): Contract {
  const out: Contract['operations'] = {};
  for (const [operation, kinds] of Object.entries(operations)) {
    out[operation] = {};
    for (const [kind, shape] of Object.entries(kinds)) {
      (out[operation] as Record<string, unknown>)[kind] = { fingerprints: [fingerprintOf(shape)], shape };
    }
  }
  return {
    schemaVersion: 1,
    connector: { id: 'acme', version: '1.0.0' },
    adapterVersion: 'v1',
    recordedAt: '2026-01-01T00:00:00.000Z',
    operations: out,
  };
}

const key = ['data:array', 'data[]:object', 'data[].id:string', 'data[].label:string', 'next:null'];

describe('diffContract', () => {
  it('finds nothing when the shapes are the ones recorded', () => {
    const diff = diffContract(
      contract({ 'credential.list': { credentialList: key } }),
      contract({ 'credential.list': { credentialList: key } }),
      [],
    );
    expect(diff).toEqual({ breaking: [], additive: [], notExercised: [], errors: [] });
  });

  it('calls a path that disappeared or changed type breaking, and a new path additive', () => {
    const now = ['data:array', 'data[]:object', 'data[].id:number', 'data[].name:string', 'next:null'];
    const diff = diffContract(contract({ op: { k: key } }), contract({ op: { k: now } }), []);
    expect(diff.breaking).toEqual([
      {
        operation: 'op',
        kind: 'k',
        path: 'data[].id',
        change: 'retyped',
        expected: 'string',
        received: 'number',
      },
      { operation: 'op', kind: 'k', path: 'data[].label', change: 'missing', expected: 'string' },
    ]);
    expect(diff.additive).toEqual([
      { operation: 'op', kind: 'k', path: 'data[].name', change: 'added', received: 'string' },
    ]);
  });

  it('reports only the top of a subtree that went missing or appeared', () => {
    const now = ['items:array', 'items[]:object', 'items[].id:string', 'next:null'];
    const diff = diffContract(contract({ op: { k: key } }), contract({ op: { k: now } }), []);
    expect(diff.breaking.map((c) => c.path)).toEqual(['data']);
    expect(diff.additive.map((c) => c.path)).toEqual(['items']);
  });

  it('does not call the items of an array that is empty this time missing', () => {
    const diff = diffContract(
      contract({ op: { k: key } }),
      contract({ op: { k: ['data:array', 'next:null'] } }),
      [],
    );
    expect(diff.breaking).toEqual([]);
    expect(diff.notExercised).toEqual([{ operation: 'op', kind: 'k', path: 'data[]' }]);
  });

  it('treats null as a value: first seen typed, or now also null, is additive; another concrete type breaks', () => {
    const before = ['expires:null', 'owner:string', 'seen:string', 'seen:null'];
    const after = ['expires:string', 'owner:string', 'owner:null', 'seen:number'];
    const diff = diffContract(contract({ op: { k: before } }), contract({ op: { k: after } }), []);
    expect(diff.additive.map((c) => `${c.change} ${c.path}`)).toEqual(['typed expires', 'nullable owner']);
    expect(diff.breaking.map((c) => `${c.change} ${c.path} ${c.expected} → ${c.received}`)).toEqual([
      'retyped seen null|string → number',
    ]);
  });

  it('lists payloads not read this time, and payloads read for the first time', () => {
    const diff = diffContract(contract({ a: { k: key } }), contract({ b: { k: key } }), []);
    expect(diff.notExercised).toEqual([{ operation: 'a', kind: 'k' }]);
    expect(diff.additive).toEqual([{ operation: 'b', kind: 'k', change: 'new_payload' }]);
  });

  it('turns drift met by the exercise into breaking changes with its diff, once per change', () => {
    const drift = new SchemaDriftError('drifted', {
      objectKind: 'credential',
      adapterVersion: 'v1',
      hint: 'version_mismatch',
      suggestedVersion: 'v2',
      changes: [
        {
          path: 'key_id',
          kind: 'renamed_candidate',
          expected: 'string',
          received: 'undefined',
          candidates: ['id:string'],
        },
      ],
      context: { operation: 'credential.get' },
    });
    const failure: ExerciseFailure = { step: 's', operation: 'credential.get', error: drift, escaped: true };
    const diff = diffContract(
      contract({ 'credential.get': { credential: ['key_id:string'] } }),
      contract({}),
      [failure, { ...failure, step: 't' }],
    );
    expect(diff.breaking).toEqual([
      {
        operation: 'credential.get',
        kind: 'credential',
        change: 'renamed_candidate',
        path: 'key_id',
        expected: 'string',
        received: 'undefined',
        candidates: ['id:string'],
        hint: 'version_mismatch',
        suggestedVersion: 'v2',
      },
    ]);
    expect(diff.notExercised).toEqual([]);
  });

  it('makes other errors that escaped a step inconclusive, and ignores those a step handled', () => {
    const error = new TransientError('The target failed transiently (HTTP 503).', {
      context: { operation: 'account.get' },
    });
    const diff = diffContract(contract({}), contract({}), [
      { step: 'read', operation: 'account.get', error, escaped: true },
      { step: 'other', operation: 'account.get', error, escaped: false },
    ]);
    expect(diff.errors).toEqual([
      {
        step: 'read',
        operation: 'account.get',
        code: 'transient',
        message: 'The target failed transiently (HTTP 503).',
      },
    ]);
    expect(diff.breaking).toEqual([]);
  });
});
