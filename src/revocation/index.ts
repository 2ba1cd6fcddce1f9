export { requestFingerprint, revocationFingerprint, revocationKey } from './idempotencyKey';
export {
  Evidence,
  isFinished,
  Observation,
  OutcomeError,
  RevocationOutcome,
  type RevocationResult,
  RevocationStatus,
} from './RevocationOutcome';
export {
  actionOf,
  operationInput,
  type RevocationAction,
  RevocationTarget,
  type RevocationTargetInput,
  refOf,
} from './RevocationTarget';
export { type RevokeOptions, revoke } from './revoke';
export { type CustomCheckResult, isVerified, type VerifyOptions, verifyRevocation } from './verifyRevocation';
