import {
  checkGuard,
  countAccounts,
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
