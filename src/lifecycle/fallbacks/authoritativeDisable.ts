import type { BoundConnector } from '../../connector/BoundConnector';
import { revoke } from '../../revocation/revoke';
import type { Fallback } from './Fallback';

/** Options of {@link authoritativeDisable}. */
export interface AuthoritativeDisableOptions {
  /** The account id of the identity at the source of truth (default: `identity.externalIds[connector]`, else `identity.id`). */
  readonly accountId?: (identity: { id: string; externalIds?: Record<string, string> | undefined }) => string;
}

/**
 * Escalates by disabling the identity at the source of truth (the IdP), so the
 * target account becomes unreachable even though it could not be changed
 * directly. The receipt names the IdP, the account and the verified outcome.
 * Succeeds only when the IdP disable is verified. Pass the IdP's bound
 * connector, or the name it has in the lifecycle's `connectors`.
 *
 * @example
 * ```ts
 * createLifecycle({ connectors: { okta, acme }, fallback: [authoritativeDisable('okta'), manualQueue()] });
 * ```
 */
export function authoritativeDisable(
  connector: string | BoundConnector,
  options: AuthoritativeDisableOptions = {},
): Fallback {
  const connectorId = typeof connector === 'string' ? connector : connector.id;
  return {
    name: `authoritative_disable:${connectorId}`,
    async escalate({ identity, event, connectors, store, signal, step }) {
      const idp = typeof connector === 'string' ? connectors[connector] : connector;
      if (idp === undefined || identity === undefined || step.connector === connectorId) return undefined;
      const accountId = options.accountId?.(identity) ?? identity.externalIds?.[connectorId] ?? identity.id;
      const outcome = await revoke(
        idp,
        { kind: 'account', account: { id: accountId }, action: 'disable' },
        { store, eventId: event.id, ...(signal === undefined ? {} : { signal }) },
      );
      if ((outcome.status === 'revoked' || outcome.status === 'already_absent') && outcome.verified) {
        return {
          fallback: `authoritative_disable:${connectorId}`,
          receipt: `${connectorId}:${accountId}:disabled:verified`,
        };
      }
      return undefined;
    },
  };
}
