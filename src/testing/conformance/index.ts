/**
 * The connector conformance kit: the same checks against any connector, each
 * skipped by capability, with a target controller per target. See
 * docs/testing-a-connector.md.
 */

export {
  CONFORMANCE_CHECKS,
  type ConformanceCheckId,
  type ConformanceCheckResult,
  type ConformanceReport,
} from './ConformanceReport';
export { type CapturedLog, type CapturingLogger, capturingLogger } from './capturingLogger';
export {
  type CheckConnectorOptions,
  type ConformanceFixtures,
  type ConformanceSubject,
  type ConnectorFactory,
  type ConnectorFactoryEnv,
  checkConnector,
  runConformanceCheck,
  selectedChecks,
} from './checkConnector';
export { createSpanRecorder, type SpanLike, type SpanRecorder } from './createSpanRecorder';
export {
  type ConformanceTestContext,
  type ConnectorTestRegistrar,
  describeConnector,
} from './describeConnector';
export { type FakeTargetControllerOptions, fakeTargetController } from './fakeTargetController';
export { formatConformanceReport } from './formatConformanceReport';
export type { TargetController, TargetFault, TargetFaultHandle, TargetObject } from './TargetController';
