/**
 * The README's connector example, type-checked with the rest of the project.
 * A connector for a fictional "Acme" API: list an account's API keys, revoke
 * one, disable the account.
 */
import { type Credential, defineConnector, InvalidInputError, staticCredential } from 'lifeline';
import { z } from 'zod';

const WireKey = z.object({
  key_id: z.string(),
  label: z.string(),
  last4: z.string(),
  created_at: z.iso.datetime(),
});

export const acme = defineConnector({
  id: 'acme',
  version: '1.0.0',
  config: z.object({ baseUrl: z.url(), tenant: z.string().min(1) }),
  operations: {
    'credential.list': async (ctx, { account }) => {
      if (account === undefined) throw new InvalidInputError('acme lists keys per account: pass { account }');
      const url = `${ctx.config.baseUrl}/t/${ctx.tenant}/service-accounts/${account.id}/keys`;
      const response = await ctx.fetch(url, {
        headers: { authorization: `Bearer ${ctx.credential?.reveal()}` },
      });
      const body = z.object({ data: z.array(WireKey) }).parse(await response.json());
      return {
        items: body.data.map(
          (key): Credential => ({
            id: key.key_id,
            kind: 'api_key',
            status: 'active',
            label: key.label,
            last4: key.last4,
            createdAt: key.created_at,
          }),
        ),
      };
    },
    'credential.revoke': async (ctx, { credential }) => {
      // A 404 becomes NotFoundError: the revocation layer records it as already_absent.
      await ctx.fetch(`${ctx.config.baseUrl}/t/${ctx.tenant}/keys/${credential.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ctx.credential?.reveal()}` },
      });
    },
  },
});

/** Binding validates the config and attaches the credential. */
export function bindAcme(baseUrl: string, apiKey: string) {
  return acme.with({ baseUrl, tenant: 'main' }, staticCredential(apiKey));
}
