/**
 * Issue 4's acceptance, against the real fake target: a tenant switches from
 * API v1 to v2 in the middle of a run.
 */

import {
  type AdapterSwitchEvent,
  isLifelineError,
  memoryStore,
  revoke,
  SchemaDriftError,
  staticCredential,
  verifyRevocation,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acme, acmeV1, createAcmeConnector } from '../../examples/acme';

let target: FakeTarget;
let keys: { id: string; accountId: string }[];
let accountIds: string[];

beforeEach(async () => {
  target = await createFakeTarget({ seed: 4, tenants: [{ id: 'acme', apiVersion: 'v1' }] });
  const seeded = target.seed('acme', { accounts: 10, keysPerAccount: 2 });
  accountIds = [...seeded.accountIds];
  keys = seeded.keyIds.map((id) => ({ id, accountId: target.state.key('acme', id)?.accountId ?? '' }));
});

afterEach(async () => {
  await target.close();
});

describe('a tenant switching from API v1 to v2 mid-run', () => {
  it('keeps every revocation working with both adapters and reports the switch once', async () => {
    const bound = acme.with(
      { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
      staticCredential(target.token('acme')),
    );
    const switches: AdapterSwitchEvent[] = [];
    bound.onAdapterSwitch((event) => switches.push(event));
    const store = memoryStore();
    const outcomes = [];
    for (const [index, key] of keys.entries()) {
      if (index === keys.length / 2) target.setApiVersion('acme', 'v2');
      outcomes.push(
        await revoke(bound, { kind: 'credential', credential: key }, { store, eventId: 'evt-switch' }),
      );
    }
    expect(outcomes.map((o) => `${o.status}:${o.verified}`)).toEqual(keys.map(() => 'revoked:true'));
    expect(switches.filter((s) => s.reason === 'drift')).toEqual([
      { tenant: 'acme', from: 'v1', to: 'v2', reason: 'drift' },
    ]);
    expect(bound.adapterVersion).toBe('v2');
    for (const key of keys) expect(target.effects('key', key.id, 'acme').applied).toBe(1);
    for (const id of accountIds) {
      const account = await bound.call('account.get', { account: { id } });
      expect(account.status).toBe('active');
    }
  });

  it('with only the v1 adapter, reports schema_drift for every revocation and never a false success', async () => {
    const bound = createAcmeConnector({ adapters: [acmeV1] }).with(
      { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
      staticCredential(target.token('acme')),
    );
    const store = memoryStore();
    await bound.call('connection.test', {});
    expect(bound.adapterVersion).toBe('v1');
    target.setApiVersion('acme', 'v2');

    for (const key of keys) {
      const outcome = await revoke(
        bound,
        { kind: 'credential', credential: key },
        { store, eventId: 'evt-v1-only' },
      );
      expect(outcome.status).toBe('failed');
      expect(outcome.error?.code).toBe('schema_drift');
      expect(target.effects('key', key.id, 'acme').applied).toBe(0);
      expect(target.state.key('acme', key.id)?.status).toBe('active');
    }

    // A payload-bearing revocation names the renamed and retyped fields.
    const disable = await bound
      .call('account.disable', { account: { id: accountIds[0] ?? '' } })
      .catch((error: unknown) => error);
    expect(disable).toBeInstanceOf(SchemaDriftError);
    const drift = disable as SchemaDriftError;
    expect(drift.hint).toBe('unknown_shape');
    const byPath = Object.fromEntries(drift.changes.map((change) => [change.path, change]));
    expect(byPath.name?.kind).toBe('renamed_candidate');
    expect(byPath.name?.candidates).toContain('display_name:string');
    expect(byPath.created_at?.candidates).toContain('created:number');
    expect(byPath.status?.candidates).toContain('state:object');
    const outcome = await revoke(
      bound,
      { kind: 'account', account: { id: accountIds[1] ?? '' }, action: 'disable' },
      { store, eventId: 'evt-v1-only' },
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('schema_drift');
    expect(outcome.verified).toBe(false);
  });

  it('reports a read-back that drifted after the revocation as schema_drift, not as verified', async () => {
    const bound = createAcmeConnector({ adapters: [acmeV1] }).with(
      { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
      staticCredential(target.token('acme')),
    );
    const [key] = keys;
    if (key === undefined) throw new Error('no key seeded');
    const target1 = { kind: 'credential' as const, credential: key };
    const first = await revoke(bound, target1, { store: memoryStore(), eventId: 'evt-a', verify: false });
    expect(first).toMatchObject({ status: 'revoked', verified: false });
    target.setApiVersion('acme', 'v2');
    const error = await verifyRevocation(bound, target1).catch((caught: unknown) => caught);
    expect(isLifelineError(error, 'schema_drift')).toBe(true);
  });
});
