import {
  checkGuard,
  countAccounts,
  createLifecycle,
  isLifelineError,
  type PlanResult,
  type Step,
  staticCredential,
} from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import { describe, expect, it } from 'vitest';
import { acme } from '../../examples/acme';

const disable = (connector: string, account: string): Step => ({
  id: `${connector}:account.disable:${account}`,
  connector,
  group: `${connector}/${account}`,
  action: 'account.disable',
  phase: 1,
  target: { kind: 'account', account: { id: account }, action: 'disable' },
});
const plan = (steps: Step[]): PlanResult => ({ steps, failures: [], accounts: {} });

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    if (isLifelineError(error, 'permanent')) return error.message;
    throw error;
  }
  return '';
}

describe('the blast-radius guard', () => {
  it('refuses a plan that disables more than the allowed share of a tenant', () => {
    const steps = ['a', 'b', 'c'].map((id) => disable('acme', id));
    const message = refusal(() =>
      checkGuard(plan(steps), { maxAccountFraction: 0.1 }, undefined, 1, { acme: 20 }),
    );
    expect(message).toContain('3 of 20 accounts at acme (15.0 %, limit 10.0 %)');
    expect(
      refusal(() => checkGuard(plan(steps), { maxAccountFraction: 0.2 }, undefined, 1, { acme: 20 })),
    ).toBe('');
  });

  it('accepts anything with an explicit override', () => {
    const steps = ['a', 'b', 'c'].map((id) => disable('acme', id));
    expect(
      refusal(() =>
        checkGuard(plan(steps), { maxAccountFraction: 0 }, { reason: 'fleet retired' }, 1, { acme: 3 }),
      ),
    ).toBe('');
  });

  it('refuses more identities than allowed', () => {
    expect(refusal(() => checkGuard(plan([]), { maxIdentities: 1 }, undefined, 2))).toContain(
      '2 identities (limit 1)',
    );
  });

  it('refuses, through a lifecycle, an offboarding that would disable too large a share of a tenant', async () => {
    const target = await createFakeTarget({ seed: 2, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
    try {
      for (let i = 0; i < 3; i++) target.addAccount('acme', { id: `acc_${i}`, name: 'svc-dup' });
      target.seed('acme', { accounts: 7, keysPerAccount: 0 });
      const bound = acme.with(
        { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
        staticCredential(target.token('acme')),
      );
      const lifeline = createLifecycle({ connectors: { acme: bound }, guard: { maxAccountFraction: 0.2 } });
      const request = {
        identity: { id: 'svc-dup', kind: 'service_account' as const },
        event: { reason: 'retire', actor: { kind: 'person' as const, id: 'dan' } },
      };
      const error = await lifeline.offboard(request).catch((caught: unknown) => caught);
      expect((error as Error).message).toContain('3 of 10 accounts at acme (30.0 %, limit 20.0 %)');
      expect(target.state.account('acme', 'acc_0')?.status).toBe('active');
    } finally {
      await target.close();
    }
  });

  it('counts a tenant’s accounts across pages', async () => {
    const target = await createFakeTarget({ seed: 1, tenants: [{ id: 'acme', apiVersion: 'v1' }] });
    try {
      target.seed('acme', { accounts: 250, keysPerAccount: 0 });
      const bound = acme.with(
        { baseUrl: target.tenantUrl('acme'), tenant: 'acme', pageSize: 100 },
        staticCredential(target.token('acme')),
      );
      expect(await countAccounts(bound)).toBe(250);
    } finally {
      await target.close();
    }
  });
});
