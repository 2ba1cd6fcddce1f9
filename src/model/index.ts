export { Account, AccountStatus } from './account';
export { Credential, CredentialKind, CredentialStatus, IssuedCredential } from './credential';
export { Entitlement, EntitlementKind } from './entitlement';
export { Identity, IdentityKind, isNonHuman, Owner } from './identity';
export { Actor, LifecycleEvent, LifecycleEventType } from './lifecycleEvent';
export { LIMITS } from './limits';
export { formatObjectRef, ObjectKind, ObjectRef } from './objectRef';
export { MAX_PAGE_ITEMS, type Page, pageOf } from './page';
export {
  Attributes,
  FORBIDDEN_KEYS,
  Id,
  modelObject,
  Name,
  SafeKey,
  safeRecord,
  Text,
  Timestamp,
} from './primitives';
export { isSecret, Secret, secret, secretRegistry, toSecret } from './Secret';
export { Session } from './session';
