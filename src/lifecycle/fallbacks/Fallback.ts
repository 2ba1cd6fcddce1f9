import type { BoundConnector } from '../../connector/BoundConnector';
import type { Identity, LifecycleEvent } from '../../model';
import type { Store } from '../../stores/Store';
import type { Step } from '../Step';

/** Why a step is escalated. */
export interface EscalationContext {
  readonly runId: string;
  readonly step: Step;
  readonly event: LifecycleEvent;
  readonly identity?: Identity;
  /** The failure, secret-free: error code and message, or `unverified`. */
  readonly reason: { readonly code: string; readonly message: string };
  readonly store: Store;
  /** Bound connectors of the run, by id. */
  readonly connectors: Readonly<Record<string, BoundConnector>>;
  readonly signal?: AbortSignal;
}

/** Proof that a human or another system took the step over. */
export interface Receipt {
  /** Which fallback. */
  readonly fallback: string;
  /** A reference to follow up: task id, ticket id, IdP outcome. */
  readonly receipt: string;
}

/**
 * A fallback for a step that cannot complete: a ticket, a manual task, an
 * IdP-level disable. Returns a receipt, or `undefined` to pass the step to the
 * next fallback of the chain; throwing does the same.
 *
 * @example
 * ```ts
 * const pager: Fallback = { name: 'pager', escalate: async ({ step }) => ({ fallback: 'pager', receipt: await page(step.id) }) };
 * ```
 */
export interface Fallback {
  readonly name: string;
  escalate(context: EscalationContext): Promise<Receipt | undefined>;
}
