export { AccessEvidence, AccessOutcome, type AccessResult, AccessStatus } from './AccessOutcome';
export type { AccessOptions } from './accessLedger';
export { CreateAccountInput, createAccount } from './createAccount';
export { createLifecycle, type Lifecycle, type LifecycleOptions, type RunOptions } from './createLifecycle';
export { allCredentials, findAccounts, listAll } from './discover';
export * from './fallbacks';
export {
  checkGuard,
  checkGuardCounts,
  countAccounts,
  GuardOptions,
  PlanCounter,
  type PlanCounts,
} from './guard';
export {
  isFinalResult,
  JOURNAL_PAGE,
  journalSteps,
  PlanJournal,
  type RunShape,
  readRunShape,
  type StepEntry,
} from './journal';
export {
  conclude,
  type LifecycleReport,
  type RunStatus,
  type RunSummary,
  summarize,
} from './LifecycleReport';
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
export {
  type DiscoveryFailure,
  PLAN_PAGE,
  type PlanResult,
  type PlanSink,
  planEmergencyRevoke,
  planOffboard,
  streamEmergencyRevoke,
} from './plan';
export { planMove, planOnboard } from './planAccess';
export { RunTally } from './RunTally';
export { renderReport } from './renderReport';
export {
  type ProgressEvent,
  type RunStepsContext,
  runStepStream,
  type StepStream,
} from './runSteps';
export { objectIdOf, type Step, type StepAction, type StepResult, type StepState } from './Step';
