import { z } from 'zod';
import { formatIssues, InvalidInputError, issuesFromZod } from '../../errors';
import { compilePathPattern, matchPath, type PathPattern } from './compilePathPattern';
import { createPrng, hashSeed, type Prng } from './createPrng';
import { FaultRule, type FaultRuleInput, type FaultRuleSpec, type FaultSpec } from './FaultRule';
import { sampleLatency } from './sampleLatency';

/**
 * A live fault rule or outage. Dispose it to remove the rule; requests it holds
 * hanging are then released and answered normally.
 *
 * @example
 * ```ts
 * using slow = target.faults.add({ operation: 'key.list', fault: { kind: 'latency', ms: 200 } });
 * // ... rule active until the end of the block
 * ```
 */
export interface FaultHandle extends Disposable, AsyncDisposable {
  /** The rule's name, when given. */
  readonly name: string | undefined;
  /** Requests that matched the rule's filters. */
  readonly matched: number;
  /** Requests the rule actually faulted. */
  readonly fired: number;
  /** Removes the rule (or ends the outage). Resolves once the target answers normally again. */
  dispose(): Promise<void>;
}

/**
 * A summary of one active rule, from `faults.rules`.
 *
 * @example
 * ```ts
 * expect(target.faults.rules[0]).toMatchObject({ kind: 'status', fired: 2 });
 * ```
 */
export interface FaultRuleInfo {
  readonly name: string | undefined;
  readonly kind: FaultSpec['kind'];
  readonly matched: number;
  readonly fired: number;
}

const Outage = z.strictObject({
  mode: z.enum(['hang', 'unavailable', 'refuse']),
  tenant: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1)]).optional(),
  retryAfterSeconds: z.int().min(0).max(86_400).optional(),
});

/**
 * Options of `faults.outage()`: `hang` (requests never answer until the outage
 * ends), `unavailable` (503, optionally with Retry-After) or `refuse` (the port
 * stops listening: new connections are refused with ECONNREFUSED, open ones are
 * destroyed; target-wide only).
 *
 * @example
 * ```ts
 * await target.faults.outage({ mode: 'unavailable', tenant: 'acme', retryAfterSeconds: 5 });
 * ```
 */
export type OutageOptions = z.input<typeof Outage>;

/**
 * The request facts rules match on.
 *
 * @example
 * ```ts
 * schedule.evaluate({ method: 'DELETE', tenant: 'acme', operation: 'key.revoke', segments: ['credentials', 'key_1'] });
 * ```
 */
export interface FaultRequest {
  /** Upper-case method. */
  readonly method: string;
  readonly tenant: string;
  readonly operation: string;
  /** Path segments after `/t/:tenant`. */
  readonly segments: readonly string[];
}

/** @internal A compiled rule. */
export interface CompiledRule {
  readonly spec: FaultRuleSpec;
  readonly fault: FaultSpec;
  readonly prng: Prng;
  readonly methods: ReadonlySet<string> | undefined;
  readonly tenants: ReadonlySet<string> | undefined;
  readonly operations: ReadonlySet<string> | undefined;
  readonly pattern: PathPattern | undefined;
  matched: number;
  fired: number;
  /** Requests this rule holds hanging; each resolves when released. */
  readonly waiters: Set<() => void>;
}

/** @internal What the schedule decided for a request. */
export interface FaultDecision {
  /** Total injected latency in ms (0 when none). */
  readonly latencyMs: number;
  /** The terminal fault to apply, if any. */
  readonly rule: CompiledRule | undefined;
}

const NO_FAULT: FaultDecision = { latencyMs: 0, rule: undefined };

function toSet(
  value: string | readonly string[] | undefined,
  upper = false,
): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  return new Set(upper ? list.map((v) => v.toUpperCase()) : list);
}

/**
 * Hooks the target gives the schedule for connection-level outages.
 *
 * @example
 * ```ts
 * new FaultSchedule(seed, { refuse: stopListening, restore: listenAgain });
 * ```
 */
export interface OutageHooks {
  /** Stops listening and destroys open connections. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
}

/**
 * The fake target's programmable fault schedule. Rules are checked in order:
 * every matching latency rule adds its delay, and the first matching terminal
 * rule that fires (after `skip`, within `times`, by `probability`) faults the
 * request. Each rule draws from its own PRNG seeded from the target seed and the
 * rule's sequence number, so sequential runs are reproducible.
 *
 * @example
 * ```ts
 * const flaky = target.faults.add({ operation: 'key.revoke', probability: 0.2, fault: { kind: 'status', status: 503 } });
 * await runRevocations();
 * await flaky.dispose();
 * ```
 */
export class FaultSchedule {
  private list: CompiledRule[] = [];
  private sequence = 0;
  private refusing: { count: number } = { count: 0 };

  constructor(
    private readonly seed: number | string,
    private readonly hooks: OutageHooks,
  ) {}

  /** Whether any rule is active (the request path skips the schedule when not). */
  get active(): boolean {
    return this.list.length > 0;
  }

  /** Summaries of the active rules, in evaluation order. */
  get rules(): readonly FaultRuleInfo[] {
    return this.list.map((r) => ({
      name: r.spec.name,
      kind: r.fault.kind,
      matched: r.matched,
      fired: r.fired,
    }));
  }

  /**
   * Adds a rule (validated; `InvalidInputError` lists bad fields) and returns its handle.
   *
   * @example
   * ```ts
   * target.faults.add({ method: 'DELETE', path: '/accounts/:id/keys/:key', times: 1,
   *   fault: { kind: 'reset', phase: 'after' } });
   * ```
   */
  add(rule: FaultRuleInput): FaultHandle {
    return this.install(this.compile(rule), false);
  }

  /**
   * Starts an outage and returns its handle; dispose it to end the outage.
   *
   * @example
   * ```ts
   * const outage = await target.faults.outage({ mode: 'refuse' });
   * // ... clients see ECONNREFUSED
   * await outage.dispose();
   * ```
   */
  async outage(options: OutageOptions): Promise<FaultHandle> {
    const parsed = Outage.safeParse(options);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      throw new InvalidInputError(`Invalid outage options:\n${formatIssues(issues)}`, { issues });
    }
    const { mode, tenant, retryAfterSeconds } = parsed.data;
    if (mode === 'refuse') {
      if (tenant !== undefined) {
        throw new InvalidInputError(
          'A refuse-connections outage is target-wide (the port stops listening); omit `tenant`, or use mode "hang" or "unavailable" for one tenant.',
          { issues: [{ path: ['tenant'], message: 'not allowed with mode "refuse"' }] },
        );
      }
      const state = this.refusing;
      state.count++;
      if (state.count === 1) await this.hooks.refuse();
      let done: Promise<void> | undefined;
      const dispose = (): Promise<void> => {
        if (done === undefined) {
          state.count--;
          done = state.count === 0 && state === this.refusing ? this.hooks.restore() : Promise.resolve();
        }
        return done;
      };
      return {
        name: 'outage:refuse',
        matched: 0,
        fired: 0,
        dispose,
        [Symbol.dispose]: () => void dispose(),
        [Symbol.asyncDispose]: dispose,
      };
    }
    const compiled = this.compile({
      name: `outage:${mode}`,
      ...(tenant === undefined ? {} : { tenant }),
      fault:
        mode === 'hang'
          ? { kind: 'hang' }
          : {
              kind: 'status',
              status: 503,
              ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
            },
    });
    return this.install(compiled, true);
  }

  /** Removes every rule, releases hanging requests and ends a refuse outage. */
  async clear(): Promise<void> {
    const rules = this.list;
    this.list = [];
    for (const rule of rules) this.release(rule);
    if (this.refusing.count > 0) {
      this.refusing = { count: 0 };
      await this.hooks.restore();
    }
  }

  /** @internal Releases hanging requests without removing rules (used by close()). */
  releaseAll(): void {
    for (const rule of this.list) this.release(rule);
  }

  private release(rule: CompiledRule): void {
    const waiters = [...rule.waiters];
    rule.waiters.clear();
    for (const wake of waiters) wake();
  }

  private compile(input: FaultRuleInput): CompiledRule {
    const parsed = FaultRule.safeParse(input);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      throw new InvalidInputError(`Invalid fault rule:\n${formatIssues(issues)}`, { issues });
    }
    const spec = parsed.data;
    return {
      spec,
      fault: spec.fault,
      prng: createPrng(hashSeed(this.seed, 'fault', this.sequence++)),
      methods: toSet(spec.method, true),
      tenants: toSet(spec.tenant),
      operations: toSet(spec.operation),
      pattern: spec.path === undefined ? undefined : compilePathPattern(spec.path),
      matched: 0,
      fired: 0,
      waiters: new Set(),
    };
  }

  private install(rule: CompiledRule, first: boolean): FaultHandle {
    this.list = first ? [rule, ...this.list] : [...this.list, rule];
    const dispose = (): Promise<void> => {
      const index = this.list.indexOf(rule);
      if (index >= 0) this.list = this.list.filter((r) => r !== rule);
      this.release(rule);
      return Promise.resolve();
    };
    return {
      name: rule.spec.name,
      get matched() {
        return rule.matched;
      },
      get fired() {
        return rule.fired;
      },
      dispose,
      [Symbol.dispose]: () => void dispose(),
      [Symbol.asyncDispose]: dispose,
    };
  }

  /** @internal Decides the faults for one request. */
  evaluate(request: FaultRequest): FaultDecision {
    const rules = this.list;
    if (rules.length === 0) return NO_FAULT;
    let latencyMs = 0;
    for (const rule of rules) {
      if (rule.methods !== undefined && !rule.methods.has(request.method)) continue;
      if (rule.tenants !== undefined && !rule.tenants.has(request.tenant)) continue;
      if (rule.operations !== undefined && !rule.operations.has(request.operation)) continue;
      if (rule.pattern !== undefined && !matchPath(rule.pattern, request.segments)) continue;
      rule.matched++;
      if (rule.matched <= rule.spec.skip) continue;
      if (rule.spec.times !== undefined && rule.fired >= rule.spec.times) continue;
      if (rule.spec.probability < 1 && rule.prng.next() >= rule.spec.probability) continue;
      rule.fired++;
      if (rule.fault.kind === 'latency') {
        latencyMs += sampleLatency(rule.fault.ms, rule.prng);
        continue;
      }
      return { latencyMs, rule };
    }
    return latencyMs === 0 ? NO_FAULT : { latencyMs, rule: undefined };
  }
}
