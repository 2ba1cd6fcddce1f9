/**
 * What the Acme connector's contract covers, and the fake-target data it
 * reads: shared by the drift example, the contract tests and the CLI fixture.
 */
import type { ContractExercise } from 'lifeline';
import type { FakeTarget } from 'lifeline/testing';

/** The objects the exercise reads, by id. */
export const ACME_IDS = {
  account: 'acc_ci',
  spare: 'acc_spare',
  key: 'key_deploy',
  group: 'grp_admins',
} as const;

/**
 * Adds the exercise's objects to a fake-target tenant: a service account
 * with an API key, a token, a group membership and a session, and a spare
 * account the exercise disables.
 *
 * @example
 * ```ts
 * const target = await createFakeTarget();
 * seedAcme(target, 'acme');
 * ```
 */
export function seedAcme(target: FakeTarget, tenant = 'acme'): void {
  const day = 86_400_000;
  const epoch = Date.UTC(2024, 0, 1);
  target.addAccount(tenant, { id: ACME_IDS.account, name: 'ci-deployer', owner: 'ops@example.test' });
  target.addAccount(tenant, { id: ACME_IDS.spare, name: 'spare' });
  target.addKey(tenant, ACME_IDS.account, {
    id: ACME_IDS.key,
    label: 'deploy',
    expiresAt: epoch + 365 * day,
  });
  target.addKey(tenant, ACME_IDS.account, {
    id: 'key_ci_token',
    kind: 'token',
    lastUsedAt: epoch + 10 * day,
  });
  target.addGroup(tenant, { id: ACME_IDS.group, name: 'admins', members: [ACME_IDS.account] });
  target.addSession(tenant, ACME_IDS.account, { ip: '10.0.0.7' });
}

const account = { id: ACME_IDS.account };

/**
 * The Acme contract exercise: every read the connector does, plus one
 * revocation path whose response is read (`account.disable`). Named steps run
 * in order and fail independently.
 *
 * @example
 * ```ts
 * const contract = await recordContract({ connector: bound, exercise: acmeExercise });
 * ```
 */
export const acmeExercise: ContractExercise = {
  'read an account': (bound, { signal }) => bound.call('account.get', { account }, { signal }),
  'list accounts': (bound, { signal }) => bound.call('account.list', { pageSize: 10 }, { signal }),
  'list and read its keys': async (bound, { signal }) => {
    const keys = await bound.call('credential.list', { account }, { signal });
    await bound.call(
      'credential.get',
      { credential: { id: ACME_IDS.key, accountId: account.id } },
      { signal },
    );
    return keys;
  },
  'list its groups': (bound, { signal }) => bound.call('entitlement.list', { account }, { signal }),
  'list its sessions': (bound, { signal }) => bound.call('session.list', { account }, { signal }),
  'disable the spare account': (bound, { signal }) =>
    bound.call('account.disable', { account: { id: ACME_IDS.spare } }, { signal }),
};
