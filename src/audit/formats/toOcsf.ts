import { isNonHuman } from '../../model';
import type { AuditAction, AuditEvent } from '../AuditEvent';

/** OCSF schema version the mapping targets. */
export const OCSF_VERSION = '1.6.0';

/** OCSF IAM classes the mapping can produce. */
export const OCSF_CLASSES = {
  account_change: { uid: 3001, name: 'Account Change' },
  entity_management: { uid: 3004, name: 'Entity Management' },
  user_management: { uid: 3007, name: 'User Management' },
} as const;

/** An OCSF 1.x IAM event (the fields this mapping sets; others are absent). */
export interface OcsfEvent {
  readonly category_uid: 3;
  readonly category_name: 'Identity & Access Management';
  readonly class_uid: number;
  readonly class_name: string;
  readonly activity_id: number;
  readonly activity_name: string;
  readonly type_uid: number;
  readonly type_name: string;
  readonly time: number;
  readonly severity_id: number;
  readonly severity: string;
  readonly status_id: number;
  readonly status: string;
  readonly status_code?: string;
  readonly status_detail?: string;
  readonly message: string;
  readonly metadata: {
    readonly version: string;
    readonly uid: string;
    readonly correlation_uid?: string;
    readonly sequence: number;
    readonly event_code: string;
    readonly logged_time: number;
    readonly product: { readonly name: string; readonly vendor_name: string; readonly version: string };
  };
  readonly actor?: { readonly user?: OcsfUser; readonly app_name: string };
  readonly user?: OcsfUser;
  readonly entity?: { readonly uid: string; readonly name?: string; readonly type: string };
  readonly privileges?: readonly string[];
  readonly comment?: string;
  readonly unmapped: Record<string, unknown>;
}

/** An OCSF `user` object. */
export interface OcsfUser {
  readonly uid: string;
  readonly name?: string;
  readonly type_id: number;
  readonly type: string;
  readonly account?: { readonly uid: string; readonly name?: string };
  readonly programmatic_credentials?: readonly { readonly uid: string; readonly type?: string }[];
}

/** Options of {@link toOcsf}. */
export interface OcsfOptions {
  /**
   * Whether the receiver supports User Management (3007, OCSF 1.5+). Default true.
   * When false, account changes map to Account Change (3001) and credential,
   * session and entitlement changes to Entity Management (3004).
   */
  readonly userManagement?: boolean;
  /** `metadata.product.vendor_name`. Default `Lifeline`. */
  readonly vendorName?: string;
}

const CREDENTIAL_TYPES: Record<string, string> = {
  api_key: 'API Key',
  oauth_client_secret: 'OAuth Client Secret',
  access_token: 'Access Token',
  refresh_token: 'Refresh Token',
  ssh_key: 'SSH Key',
  certificate: 'Client Certificate',
  password: 'Password',
  webhook_secret: 'Webhook Secret',
};

type Activity = { classKey: keyof typeof OCSF_CLASSES; id: number; name: string };

const USER_MANAGEMENT: Record<AuditAction, Activity> = {
  'account.create': { classKey: 'user_management', id: 1, name: 'Create' },
  'account.update': { classKey: 'user_management', id: 2, name: 'Update' },
  'account.delete': { classKey: 'user_management', id: 3, name: 'Delete' },
  'account.enable': { classKey: 'user_management', id: 4, name: 'Enable' },
  'account.disable': { classKey: 'user_management', id: 5, name: 'Disable' },
  'entitlement.grant': { classKey: 'user_management', id: 14, name: 'Assign Privileges' },
  'entitlement.revoke': { classKey: 'user_management', id: 15, name: 'Remove Privileges' },
  'credential.revoke': { classKey: 'user_management', id: 99, name: 'Revoke Credential' },
  'credential.rotate': { classKey: 'user_management', id: 99, name: 'Rotate Credential' },
  'session.revoke': { classKey: 'user_management', id: 99, name: 'Revoke Session' },
};

const LEGACY: Record<AuditAction, Activity> = {
  'account.create': { classKey: 'account_change', id: 1, name: 'Create' },
  'account.enable': { classKey: 'account_change', id: 2, name: 'Enable' },
  'account.disable': { classKey: 'account_change', id: 5, name: 'Disable' },
  'account.delete': { classKey: 'account_change', id: 6, name: 'Delete' },
  'account.update': { classKey: 'entity_management', id: 3, name: 'Update' },
  'entitlement.grant': { classKey: 'entity_management', id: 1, name: 'Create' },
  'entitlement.revoke': { classKey: 'entity_management', id: 4, name: 'Delete' },
  'credential.revoke': { classKey: 'entity_management', id: 4, name: 'Delete' },
  'credential.rotate': { classKey: 'entity_management', id: 3, name: 'Update' },
  'session.revoke': { classKey: 'entity_management', id: 4, name: 'Delete' },
};

function userOf(event: AuditEvent): OcsfUser | undefined {
  const subject = event.subject;
  if (subject === undefined) return undefined;
  const nonHuman = isNonHuman(subject.kind);
  const object = event.target?.object;
  return {
    uid: subject.id,
    ...(subject.displayName === undefined ? {} : { name: subject.displayName }),
    type_id: nonHuman ? 4 : 1,
    type: nonHuman ? 'Service' : 'User',
    ...(object?.kind === 'account' ? { account: { uid: object.id } } : {}),
    ...(object?.kind === 'credential'
      ? {
          programmatic_credentials: [
            {
              uid: object.id,
              ...(event.target?.credentialKind
                ? { type: CREDENTIAL_TYPES[event.target.credentialKind] ?? 'Other' }
                : {}),
            },
          ],
        }
      : {}),
  };
}

function actorOf(event: AuditEvent): NonNullable<OcsfEvent['actor']> {
  const actor = event.actor;
  if (actor === undefined) return { app_name: event.source.product };
  const typeId = actor.kind === 'person' ? 1 : actor.kind === 'system' ? 3 : 99;
  const type = actor.kind === 'person' ? 'User' : actor.kind === 'system' ? 'System' : 'Policy';
  return {
    app_name: event.source.product,
    user: { uid: actor.id, ...(actor.displayName ? { name: actor.displayName } : {}), type_id: typeId, type },
  };
}

/**
 * Maps a step event (one with `action` and `outcome`) to an OCSF 1.x IAM event:
 * User Management (3007) by default, or Account Change (3001) / Entity
 * Management (3004) for receivers without 3007. `type_uid` is
 * `class_uid * 100 + activity_id`; the subject is `user` with `type_id` 4
 * (Service) for non-human identities and the key in `programmatic_credentials`.
 * Lifeline fields OCSF has no place for (lifecycle event, outcome, evidence)
 * go to `unmapped.lifeline`. Returns `undefined` for events that are not IAM
 * activities (run, breaker, drift).
 *
 * @example
 * ```ts
 * const ocsf = toOcsf(event);           // class_uid 3007
 * const legacy = toOcsf(event, { userManagement: false }); // 3001 or 3004
 * ```
 */
export function toOcsf(event: AuditEvent, options: OcsfOptions = {}): OcsfEvent | undefined {
  if (event.action === undefined || event.outcome === undefined) return undefined;
  const activity = (options.userManagement === false ? LEGACY : USER_MANAGEMENT)[event.action];
  const cls = OCSF_CLASSES[activity.classKey];
  const status = event.outcome.status;
  const [statusId, statusName] =
    status === 'revoked' || status === 'already_absent' || status === 'applied'
      ? [1, 'Success']
      : status === 'failed'
        ? [2, 'Failure']
        : [99, status === 'escalated' ? 'Escalated' : 'Planned'];
  const [severityId, severity] =
    status === 'failed' || status === 'escalated' ? [3, 'Medium'] : [1, 'Informational'];
  const object = event.target?.object;
  const user = userOf(event);
  const entity =
    activity.classKey === 'entity_management' && object !== undefined
      ? {
          uid: object.id,
          ...(event.target?.objectLabel ? { name: event.target.objectLabel } : {}),
          type:
            object.kind === 'credential' && event.target?.credentialKind
              ? (CREDENTIAL_TYPES[event.target.credentialKind] ?? 'Credential')
              : object.kind,
        }
      : undefined;
  const time = Date.parse(event.time);
  return {
    category_uid: 3,
    category_name: 'Identity & Access Management',
    class_uid: cls.uid,
    class_name: cls.name,
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: cls.uid * 100 + activity.id,
    type_name: `${cls.name}: ${activity.name}`,
    time,
    severity_id: severityId,
    severity,
    status_id: statusId,
    status: statusName,
    ...(event.error ? { status_code: event.error.code } : {}),
    ...(event.error?.message ? { status_detail: event.error.message } : {}),
    message: [event.action, status, event.target?.connector, object?.id].filter(Boolean).join(' '),
    metadata: {
      version: OCSF_VERSION,
      uid: event.id,
      ...(event.runId ? { correlation_uid: event.runId } : {}),
      sequence: event.sequence,
      event_code: event.type,
      logged_time: time,
      product: {
        name: 'Lifeline',
        vendor_name: options.vendorName ?? 'Lifeline',
        version: event.source.version,
      },
    },
    actor: actorOf(event),
    ...(user && activity.classKey !== 'entity_management' ? { user } : {}),
    ...(entity ? { entity } : {}),
    ...(event.action.startsWith('entitlement.') && object && activity.classKey === 'user_management'
      ? { privileges: [object.id] }
      : {}),
    ...(activity.classKey === 'entity_management' && event.lifecycleEvent
      ? { comment: event.lifecycleEvent.reason }
      : {}),
    unmapped: {
      lifeline: {
        action: event.action,
        outcome: event.outcome,
        ...(event.lifecycleEvent ? { lifecycle_event: event.lifecycleEvent } : {}),
        ...(event.target ? { target: event.target } : {}),
        ...(activity.classKey === 'entity_management' && event.subject ? { subject: event.subject } : {}),
        ...(event.trace ? { trace: event.trace } : {}),
      },
    },
  };
}
