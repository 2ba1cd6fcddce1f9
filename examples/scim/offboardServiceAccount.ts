/**
 * Offboards one SCIM service account by userName: removes it from every group
 * and role, then disables it (PATCH active=false, or PUT when the server has no
 * PATCH) and reads it back. Type-checked with the project; see docs/connectors/scim.md.
 */
import { isLifelineError, staticCredential } from 'lifeline';
import { createScimConnector } from 'lifeline/connectors/scim';

/** A SCIM connector for one product, with its own id and kind rules. */
export const idpScim = createScimConnector({ id: 'idp-scim' });

/** What happened to each step. */
export interface OffboardResult {
  readonly accountId: string;
  readonly removed: string[];
  readonly alreadyAbsent: string[];
  readonly disabled: boolean;
}

export async function offboardServiceAccount(
  baseUrl: string,
  token: string,
  userName: string,
  signal?: AbortSignal,
): Promise<OffboardResult | undefined> {
  const bound = idpScim.with(
    {
      baseUrl,
      tenant: 'corp',
      kindRules: [
        { kind: 'service_account', userType: ['Service', 'ServiceAccount'] },
        { kind: 'bot', userNamePattern: '^bot-' },
      ],
    },
    staticCredential(token),
  );
  const options = signal === undefined ? { timeoutMs: 30_000 } : { signal, timeoutMs: 30_000 };

  // The filter value is escaped, and the match is checked client-side (case-insensitively).
  const { items } = await bound.call('account.list', { filter: { username: userName } }, options);
  const account = items[0];
  if (account === undefined) return undefined;
  if (account.kind === 'human')
    throw new Error(`${userName} is a human account; this flow is for non-human identities`);

  const removed: string[] = [];
  const alreadyAbsent: string[] = [];
  const entitlements = await bound.call('entitlement.list', { account: { id: account.id } }, options);
  for (const entitlement of entitlements.items) {
    try {
      await bound.call('entitlement.revoke', { account: { id: account.id }, entitlement }, options);
      removed.push(`${entitlement.kind}:${entitlement.id}`);
    } catch (error) {
      // Not a member any more: already absent, which is success once verified.
      if (!isLifelineError(error, 'not_found')) throw error;
      alreadyAbsent.push(`${entitlement.kind}:${entitlement.id}`);
    }
  }

  await bound.call('account.disable', { account: { id: account.id } }, options);
  const after = await bound.call('account.get', { account: { id: account.id } }, options);
  return { accountId: account.id, removed, alreadyAbsent, disabled: after.status === 'disabled' };
}
