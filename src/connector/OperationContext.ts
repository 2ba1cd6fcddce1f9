import type { AdapterContext } from '../adapters/AdapterContext';
import type { Secret } from '../model';
import type { ClassifiedFetch } from './classifiedFetch';
import type { Logger } from './Logger';
import type { OperationName } from './operations';

/**
 * Everything an operation handler gets besides its input.
 *
 * @example
 * ```ts
 * 'credential.revoke': async (ctx, { credential }) => {
 *   await ctx.fetch(`${ctx.config.baseUrl}/keys/${credential.id}`, {
 *     method: 'DELETE',
 *     headers: { authorization: `Bearer ${ctx.credential?.reveal()}` },
 *   });
 * },
 * ```
 */
export interface OperationContext<TConfig> {
  /** The connector's id and version. */
  readonly connector: { readonly id: string; readonly version: string };
  /** The operation being run. */
  readonly operation: OperationName;
  /** The tenant this bound connector talks to. */
  readonly tenant: string;
  /** The validated config. */
  readonly config: TConfig;
  /** The connector's credential from its provider, when it has one. */
  readonly credential: Secret | undefined;
  /** Aborts this attempt; present only when the caller passed a signal or a timeout applies. */
  readonly signal?: AbortSignal;
  /** Epoch ms by which the whole call must finish, when one was set. */
  readonly deadline?: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Structured logger (no-op by default). */
  readonly logger: Logger;
  /**
   * The tenant's active adapter: `ctx.adapter.read(kind, payload)` validates a
   * target payload and maps it to the model (drift is `schema_drift`).
   */
  readonly adapter: AdapterContext;
  /** `fetch` that passes `signal` along and throws classified Lifeline errors for failures and non-2xx/3xx statuses. */
  readonly fetch: ClassifiedFetch;
}
