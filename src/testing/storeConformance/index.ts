/** The shared store conformance suite: every store passes it. */
export { describeStore, type TestRegistrar } from './describeStore';
export { type ManualClock, manualClock } from './manualClock';
export {
  type StoreCapabilities,
  type StoreConformanceCase,
  type StoreFactory,
  type StoreFactoryEnv,
  storeConformanceCases,
} from './storeConformanceCases';
