import { z } from 'zod';

const Phase = z.enum(['before', 'after']).default('before');
const Ms = z.number().min(0).max(600_000);

/** A latency distribution, in milliseconds. Samples are clamped to [0, 600,000]. */
const LatencyMs = z.union([
  Ms,
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('fixed'), ms: Ms }),
    z.strictObject({ type: z.literal('uniform'), min: Ms, max: Ms }).refine((v) => v.max >= v.min, {
      message: 'max must be >= min',
      path: ['max'],
    }),
    z.strictObject({ type: z.literal('normal'), mean: Ms, stddev: Ms }),
    z.strictObject({ type: z.literal('exponential'), mean: Ms.refine((v) => v > 0, 'must be > 0') }),
  ]),
]);

const Status = z.int().min(400).max(599);

/**
 * The fault to inject. `phase: 'after'` runs the real handler first (the side effect is applied), then faults the response.
 *
 * @example
 * ```ts
 * Fault.parse({ kind: 'reset', phase: 'after' }); // { kind: 'reset', phase: 'after', sent: 'partial-body' }
 * ```
 */
export const Fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latency'), ms: LatencyMs }),
  z.strictObject({
    kind: z.literal('status'),
    status: z.union([Status, z.array(Status).min(1).max(32)]),
    retryAfterSeconds: z.int().min(0).max(86_400).optional(),
    retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
    phase: Phase,
  }),
  z.strictObject({
    kind: z.literal('rateLimit'),
    retryAfterSeconds: z.int().min(0).max(86_400).nullable().default(1),
    retryAfterFormat: z.enum(['seconds', 'http-date']).default('seconds'),
    phase: Phase,
  }),
  z.strictObject({
    kind: z.literal('reset'),
    sent: z.enum(['nothing', 'headers', 'partial-body']).default('partial-body'),
    phase: Phase,
  }),
  z.strictObject({ kind: z.literal('hang'), phase: Phase }),
  z.strictObject({
    kind: z.literal('malformedJson'),
    status: z.int().min(200).max(599).default(200),
    phase: Phase,
  }),
  z.strictObject({
    kind: z.literal('oversize'),
    bytes: z
      .int()
      .min(1)
      .max(2 ** 31)
      .default(60 * 1024 * 1024),
    declareLength: z.boolean().default(false),
    phase: Phase,
  }),
  z.strictObject({
    kind: z.literal('wrongContentType'),
    contentType: z.string().min(1).max(256).default('text/html; charset=utf-8'),
    status: z.int().min(200).max(599).default(200),
    body: z.string().max(1_000_000).default('<html><body><h1>502 Bad Gateway</h1></body></html>'),
    phase: Phase,
  }),
]);

const OneOrMany = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(64)]);

/**
 * A fault rule: which requests it matches, how often it fires, and the fault.
 *
 * @example
 * ```ts
 * FaultRule.parse({ operation: 'key.revoke', times: 1, fault: { kind: 'status', status: 503 } });
 * ```
 */
export const FaultRule = z.strictObject({
  /** A label shown in `faults.rules`. */
  name: z.string().max(256).optional(),
  /** HTTP method(s), case-insensitive. */
  method: OneOrMany.optional(),
  /**
   * Path pattern relative to the tenant base (`/t/:tenant`), e.g. `/accounts/:id/keys/*`:
   * `:name` and `*` match one segment, a trailing `**` matches the rest.
   */
  path: z.string().startsWith('/').max(1024).optional(),
  /** Tenant id(s). */
  tenant: OneOrMany.optional(),
  /** Target operation name(s), e.g. `key.revoke` (see docs/fake-target.md). */
  operation: OneOrMany.optional(),
  /** Chance that a matching request is faulted (default 1), drawn from the rule's own seeded PRNG. */
  probability: z.number().min(0).max(1).default(1),
  /** Fire at most this many times. */
  times: z.int().min(0).optional(),
  /** Let this many matching requests through before firing. */
  skip: z.int().min(0).default(0),
  fault: Fault,
});

/**
 * Input of `target.faults.add(rule)`.
 *
 * @example
 * ```ts
 * const rule: FaultRuleInput = { tenant: 'acme', probability: 0.1, fault: { kind: 'latency', ms: { type: 'exponential', mean: 30 } } };
 * ```
 */
export type FaultRuleInput = z.input<typeof FaultRule>;
/**
 * A validated fault rule.
 *
 * @example
 * ```ts
 * const spec: FaultRuleSpec = FaultRule.parse({ fault: { kind: 'hang' } });
 * ```
 */
export type FaultRuleSpec = z.output<typeof FaultRule>;
/**
 * A validated fault.
 *
 * @example
 * ```ts
 * const fault: FaultSpec = Fault.parse({ kind: 'oversize' }); // 60 MiB, chunked
 * ```
 */
export type FaultSpec = z.output<typeof Fault>;
/**
 * Input of a fault.
 *
 * @example
 * ```ts
 * const fault: FaultInput = { kind: 'rateLimit', retryAfterSeconds: 2, retryAfterFormat: 'http-date' };
 * ```
 */
export type FaultInput = z.input<typeof Fault>;
/**
 * The kinds of fault.
 *
 * @example
 * ```ts
 * const kinds: FaultKind[] = ['latency', 'status', 'rateLimit', 'reset', 'hang'];
 * ```
 */
export type FaultKind = FaultSpec['kind'];
