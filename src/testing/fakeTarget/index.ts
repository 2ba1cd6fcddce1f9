/**
 * The fault-injecting fake target: a real HTTP server that behaves like a SaaS
 * identity API, for tests, benchmarks and demos. See docs/fake-target.md.
 *
 * @example
 * ```ts
 * import { createFakeTarget } from 'lifeline/testing';
 * const target = await createFakeTarget();
 * ```
 */
export { compilePathPattern, matchPath, type PathPattern } from './compilePathPattern';
export {
  createFakeTarget,
  type FakeTarget,
  type FakeTargetState,
} from './createFakeTarget';
export { createPrng, hashSeed, type Prng } from './createPrng';
export type { EffectCount, EffectKind, Effects } from './EffectCounter';
export type {
  FakeAccount,
  FakeAccountKind,
  FakeAccountStatus,
  FakeGroup,
  FakeKey,
  FakeKeyKind,
  FakeKeyStatus,
  FakeSession,
  FakeSessionStatus,
} from './FakeRecords';
export {
  FAKE_SCOPES,
  type FakeRateLimitInput,
  type FakeScimInput,
  type FakeScope,
  type FakeTargetOptionsInput,
  type FakeTenantInput,
  type FakeTokenInput,
} from './FakeTargetOptions';
export type { FaultInput, FaultKind, FaultRuleInput } from './FaultRule';
export type { FaultHandle, FaultRuleInfo, FaultSchedule, OutageOptions } from './FaultSchedule';
export { FAKE_OPERATIONS, type FakeOperation } from './routeRequest';
export { SCIM_OPERATIONS, type ScimOperation } from './scimRoutes';
export type { FakeTargetCounters } from './TargetCounters';
export type {
  AddAccountInput,
  AddGroupInput,
  AddKeyInput,
  AddSessionInput,
  FakeApiVersion,
  SeedOptions,
  SeedResult,
} from './TenantState';
export type * from './wireTypes';
