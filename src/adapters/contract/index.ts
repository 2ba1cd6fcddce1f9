export {
  CONTRACT_SCHEMA_VERSION,
  Contract,
  ContractPayload,
  MAX_CONTRACT_FINGERPRINTS,
  MAX_CONTRACT_SHAPE_ENTRIES,
  parseContract,
} from './Contract';
export type {
  ContractExercise,
  ContractRunOptions,
  ContractStep,
  ContractStepOptions,
} from './ContractExercise';
export type {
  ContractChange,
  ContractChangeKind,
  ContractReport,
  ContractRunError,
  NotExercised,
} from './ContractReport';
export { type CheckContractOptions, checkContract } from './checkContract';
export { type ContractDiff, diffContract } from './diffContract';
export { formatContractReport } from './formatContractReport';
export { loadContract, MAX_CONTRACT_FILE_BYTES } from './loadContract';
export {
  type ExerciseFailure,
  type ExerciseObservation,
  type ObservedPayload,
  observeExercise,
} from './observeExercise';
export { contractOf, type RecordContractOptions, recordContract } from './recordContract';
