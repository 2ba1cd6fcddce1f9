/**
 * Stores: the idempotency ledger, run journal and durable tasks behind one
 * interface. This entry holds the interface, the shared base and the memory
 * store; it never imports SQLite or PostgreSQL (those are `lifeline/stores/sqlite`
 * and `lifeline/stores/postgres`).
 */
export {
  BaseStore,
  type BaseStoreOptions,
  BaseStoreOptionsShape,
  type ClaimQuery,
  type ClaimUpdate,
  type LedgerGuard,
  type LedgerPatch,
  type LedgerRow,
  ledgerErrorOf,
  type RunRow,
  type StepRow,
  type StepWrite,
  type TaskRow,
} from './BaseStore';
export { type BeginOrWaitOptions, beginOrWait } from './beginOrWait';
export { iterateSteps } from './iterateSteps';
export { type JsonValue, MAX_JSON_BYTES, toJsonText } from './json';
export { MemoryStore, type MemoryStoreOptions, memoryStore } from './memoryStore';
export type {
  BeginOptions,
  BeginResult,
  ClaimStepsOptions,
  CompleteOptions,
  FailOptions,
  LedgerError,
  LedgerRecord,
  LedgerStatus,
  ListStepsOptions,
  ListTasksOptions,
  ReleaseStepOptions,
  RunInput,
  RunRecord,
  StepClaim,
  StepInput,
  StepRecord,
  Store,
  StoreCallOptions,
  TaskInput,
  TaskRecord,
  TaskStatus,
} from './Store';
export { type StoreClock, systemClock } from './StoreClock';
