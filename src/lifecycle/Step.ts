import type { RevocationOutcome } from '../revocation/RevocationOutcome';
import type { RevocationTarget } from '../revocation/RevocationTarget';
import type { AccessOutcome } from './AccessOutcome';

/** What a step does. */
export type StepAction =
  | 'credential.revoke'
  | 'session.revoke'
  | 'entitlement.revoke'
  | 'account.disable'
  | 'account.delete'
  | 'entitlement.grant'
  | 'account.create'
  | 'discover';

/** Where a step is in its life. Final: `done`, `escalated`, `failed`; `scheduled` waits for its time. */
export type StepState = 'pending' | 'running' | 'done' | 'escalated' | 'failed' | 'scheduled' | 'planned';

/**
 * One unit of work of a run: one action on one object at one connector.
 * Phases order the steps of one account: 0 (credentials, sessions,
 * entitlements; independent), 1 (disable), 2 (delete). Joiners and movers use
 * 0 (create the account; remove entitlements) and 1 (grant entitlements).
 */
export interface Step {
  readonly id: string;
  readonly connector: string;
  readonly action: StepAction;
  readonly phase: 0 | 1 | 2;
  /** Groups the phases of one account: `connector/accountId`. */
  readonly group: string;
  /** The revocation target (revocation actions). */
  readonly target?: RevocationTarget;
  /** For grants and creates: the account and entitlement ids. */
  readonly grant?: {
    readonly accountId?: string;
    readonly username?: string;
    readonly entitlementId?: string;
    readonly entitlementKind?: 'group' | 'role' | 'scope' | 'permission';
  };
  /** A delete scheduled after a grace period: not before this instant (ISO). */
  readonly notBefore?: string;
  /** A human label without secrets, e.g. the key label. */
  readonly label?: string;
}

/** A step's result, as journaled and reported. */
export interface StepResult {
  readonly stepId: string;
  readonly connector: string;
  readonly action: StepAction;
  readonly objectId: string;
  readonly state: StepState;
  /** The revocation or access outcome status, or `planned` in a dry run. */
  readonly outcome: RevocationOutcome['status'] | AccessOutcome['status'] | 'scheduled' | 'skipped';
  readonly verified: boolean;
  readonly evidence?: RevocationOutcome['evidence'] | AccessOutcome['evidence'];
  /** The account an `account.create` step created (or found), which its grants use. */
  readonly account?: { readonly id: string; readonly username?: string };
  readonly adapterVersion?: string;
  readonly attempts: number;
  readonly durationMs: number;
  readonly error?: { readonly code: string; readonly message: string };
  /** The fallback that took the step over, and its receipt. */
  readonly escalation?: { readonly fallback: string; readonly receipt: string; readonly reason: string };
  readonly label?: string;
}

/** The object id a step acts on. */
export function objectIdOf(step: Step): string {
  if (step.target !== undefined) {
    switch (step.target.kind) {
      case 'credential':
        return step.target.credential.id;
      case 'session':
        return step.target.session?.id ?? `${step.target.account.id}/sessions`;
      case 'entitlement':
        return `${step.target.account.id}/${step.target.entitlement.id}`;
      case 'account':
        return step.target.account.id;
    }
  }
  const account = step.grant?.accountId ?? step.grant?.username;
  if (step.grant?.entitlementId !== undefined)
    return account === undefined ? step.grant.entitlementId : `${account}/${step.grant.entitlementId}`;
  return account ?? step.group;
}
