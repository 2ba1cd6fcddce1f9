export { AccessEvidence, AccessOutcome, type AccessResult, AccessStatus } from './AccessOutcome';
export type { AccessOptions } from './accessLedger';
export { CreateAccountInput, createAccount } from './createAccount';
export { createLifecycle, type Lifecycle, type LifecycleOptions, type RunOptions } from './createLifecycle';
export { allCredentials, findAccounts, listAll } from './discover';
export * from './fallbacks';
export { checkGuard, countAccounts, GuardOptions } from './guard';
export { type LifecycleReport, type RunStatus, type RunSummary, summarize } from './LifecycleReport';
export {
  CredentialSelector,
  EmergencyRevokeRequest,
  type EmergencyRevokeRequestInput,
  GuardOverride,
  MoveRequest,
  type MoveRequestInput,
  OffboardRequest,
  type OffboardRequestInput,
  OnboardRequest,
  type OnboardRequestInput,
  RequestEvent,
  type RequestEventInput,
} from './LifecycleRequest';
export { type DiscoveryFailure, type PlanResult, planEmergencyRevoke, planOffboard } from './plan';
export { planMove, planOnboard } from './planAccess';
export { renderReport } from './renderReport';
export { type ProgressEvent, type RunStepsContext, runSteps } from './runSteps';
export { objectIdOf, type Step, type StepAction, type StepResult, type StepState } from './Step';
