import type { OperationName } from '../../connector/operations';

/** An object on the target whose side effects the kit counts. */
export type TargetObject =
  | { readonly kind: 'credential'; readonly id: string; readonly accountId: string }
  | { readonly kind: 'account'; readonly id: string };

/**
 * A fault the kit asks the target to produce. `operation` is the Lifeline
 * operation whose requests are faulted (the controller maps it to the target's
 * endpoints); a controller that cannot target it throws `UnsupportedError`,
 * and the check is skipped with that reason.
 *
 * - `status`: the next `times` requests of `operation` answer `status` (429
 *   carries `Retry-After: retryAfterSeconds`); the request is not applied.
 * - `outage`: every request answers 503 until the handle is disposed.
 * - `breaking_change`: payloads change shape in a way no released API
 *   version has (fields renamed or retyped) until disposed; mutations are
 *   still applied.
 */
export type TargetFault =
  | {
      readonly kind: 'status';
      readonly operation: OperationName;
      readonly status: number;
      readonly times: number;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'outage' }
  | { readonly kind: 'breaking_change' };

/** A live fault: how often it fired, and how to remove it. */
export interface TargetFaultHandle {
  /** Requests the fault has answered so far. */
  fired(): number;
  /** Removes the fault; resolves once the target answers normally again. */
  dispose(): Promise<void>;
}

/**
 * What the conformance kit needs from a target, whatever it is (the fake
 * target, a SCIM server, a vendor sandbox): create the objects a check acts on,
 * read the target's own side-effect and request counters, and inject faults.
 * Implement it once per target; `fakeTargetController` is the one for
 * `createFakeTarget`.
 *
 * @example
 * ```ts
 * const controller: TargetController = fakeTargetController(target, { tenant: 'acme' });
 * const accountId = await controller.createAccount();
 * const handle = await controller.inject({ kind: 'status', operation: 'account.get', status: 503, times: 1 });
 * ```
 */
export interface TargetController {
  /** A short description for the report, e.g. `fake target (API v1)`. */
  readonly name: string;
  /** Creates an active, non-human account and returns its target id. */
  createAccount(): Promise<string>;
  /** Creates an active credential of `accountId`. Absent when the target has no credentials. */
  createCredential?(accountId: string): Promise<{ readonly id: string; readonly accountId: string }>;
  /** What the target itself holds for account `id` (not read through the connector); undefined when absent. */
  accountStatus(id: string): Promise<'active' | 'disabled' | undefined>;
  /** Changes the target applied to `object` (a revocation, a disable, a delete): the exactly-once counter. */
  applied(object: TargetObject): Promise<number>;
  /** Requests of `operation` that reached the target so far (all requests when omitted). */
  requests(operation?: OperationName): Promise<number>;
  /** Starts a fault. */
  inject(fault: TargetFault): Promise<TargetFaultHandle>;
  /** Stops the target and frees its port. */
  close(): Promise<void>;
}
