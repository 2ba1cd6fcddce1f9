import { z } from 'zod';
import { Actor, CredentialKind, Id, Identity, LifecycleEventType, Name, Text, Timestamp } from '../model';

/** The lifecycle event of a request; `id` and `requestedAt` are filled in when absent. */
export const RequestEvent = z.object({
  id: Id.optional(),
  type: LifecycleEventType.optional(),
  reason: Text.min(1, 'must say why'),
  actor: Actor,
  ticket: Name.optional(),
  requestedAt: Timestamp.optional(),
});
/** What callers pass as a request's event. */
export type RequestEventInput = z.input<typeof RequestEvent>;

/** An explicit, audited override of the blast-radius guard. */
export const GuardOverride = z.object({
  reason: Text.min(1, 'must say why the guard is overridden'),
  actor: Actor,
});

const common = {
  event: RequestEvent,
  /** Restrict the run to these connectors (default: all). */
  connectors: z.array(Id).max(1000).optional(),
  /** Plan and report `planned` outcomes without touching any target. */
  dryRun: z.boolean().default(false),
  /** Allows a plan the guard would refuse; recorded in audit. */
  override: GuardOverride.optional(),
  /** A run id (default: random). */
  runId: Id.optional(),
};

/**
 * An offboarding (leaver): revoke every credential, session and entitlement of
 * the identity at every connector, disable its accounts, then optionally delete
 * them after a grace period.
 *
 * @example
 * ```ts
 * await lifeline.offboard({
 *   identity: { id: 'svc-ci', kind: 'service_account' },
 *   event: { reason: 'Pipeline retired', actor: { kind: 'person', id: 'alice' }, ticket: 'SEC-1' },
 * });
 * ```
 */
export const OffboardRequest = z.object({
  ...common,
  identity: Identity,
  /** Delete accounts after disabling them; `afterMs` > 0 schedules the delete for a later `resume`. */
  delete: z
    .object({
      afterMs: z
        .int()
        .min(0)
        .max(365 * 86_400_000),
    })
    .optional(),
});
/** What callers pass to `offboard` and `plan`. */
export type OffboardRequestInput = z.input<typeof OffboardRequest>;
/** The parsed {@link OffboardRequest}. */
export type OffboardRequest = z.output<typeof OffboardRequest>;

/** Which credentials an emergency revocation targets; every given filter must match. */
export const CredentialSelector = z.object({
  /** Keys created before this instant. */
  createdBefore: Timestamp.optional(),
  /** Keys of these accounts (e.g. a compromised integration). */
  accountIds: z.array(Id).max(100_000).optional(),
  /** Keys whose label contains this text. */
  labelContains: Name.optional(),
  /** Keys of these kinds. */
  kinds: z.array(CredentialKind).optional(),
});
/** The parsed {@link CredentialSelector}. */
export type CredentialSelector = z.output<typeof CredentialSelector>;

/**
 * An emergency revocation: every credential matching the selector, across connectors.
 *
 * @example
 * ```ts
 * await lifeline.emergencyRevoke({
 *   selector: { createdBefore: '2026-11-01T00:00:00Z' },
 *   event: { reason: 'Signing key leaked', actor: { kind: 'person', id: 'sec-oncall' } },
 * });
 * ```
 */
export const EmergencyRevokeRequest = z.object({ ...common, selector: CredentialSelector });
/** What callers pass to `emergencyRevoke`. */
export type EmergencyRevokeRequestInput = z.input<typeof EmergencyRevokeRequest>;
/** The parsed {@link EmergencyRevokeRequest}. */
export type EmergencyRevokeRequest = z.output<typeof EmergencyRevokeRequest>;

/** Desired entitlements per connector, for joiner and mover. */
const DesiredAccess = z.record(
  Id,
  z.object({
    /** The account to create (joiner) or the existing account (mover). */
    account: z.object({ id: Id.optional(), username: Id.optional() }).optional(),
    entitlements: z
      .array(z.object({ id: Id, kind: z.enum(['group', 'role', 'scope', 'permission']).optional() }))
      .max(10_000),
  }),
);

/**
 * A joiner: create an account per connector and grant its entitlements.
 *
 * @example
 * ```ts
 * await lifeline.onboard({ identity, event, access: { acme: { entitlements: [{ id: 'grp_ci' }] } } });
 * ```
 */
export const OnboardRequest = z.object({ ...common, identity: Identity, access: DesiredAccess });
/** What callers pass to `onboard`. */
export type OnboardRequestInput = z.input<typeof OnboardRequest>;
/** The parsed {@link OnboardRequest}. */
export type OnboardRequest = z.output<typeof OnboardRequest>;

/**
 * A mover: bring each connector's entitlements to the desired set, removing
 * before adding.
 *
 * @example
 * ```ts
 * await lifeline.move({ identity, event, access: { acme: { account: { id: 'acc_1' }, entitlements: [{ id: 'grp_new' }] } } });
 * ```
 */
export const MoveRequest = z.object({ ...common, identity: Identity, access: DesiredAccess });
/** What callers pass to `move`. */
export type MoveRequestInput = z.input<typeof MoveRequest>;
/** The parsed {@link MoveRequest}. */
export type MoveRequest = z.output<typeof MoveRequest>;
