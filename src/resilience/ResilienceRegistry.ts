import { z } from 'zod';
import { parseInput } from '../errors/parseInput';
import type { BreakerSnapshot } from './CircuitBreakerPolicy';
import { Emitter, type Event } from './Event';
import { type ResilienceOptions, ResilienceOptionsSchema } from './ResilienceOptions';
import { ResiliencePolicy } from './ResiliencePolicy';

/**
 * Emitted when the registry creates a target's policy (subscribe to its events there).
 *
 * @example
 * ```ts
 * registry.onPolicy(({ connector, tenant, policy }) => policy.subscribe((e) => audit(connector, tenant, e)));
 * ```
 */
export interface PolicyCreatedEvent {
  /** Connector id. */
  readonly connector: string;
  /** Tenant. */
  readonly tenant: string;
  /** The new policy. */
  readonly policy: ResiliencePolicy;
}

const KeySchema = z.object({ connector: z.string().min(1).max(256), tenant: z.string().min(1).max(256) });

type Layer = 'retry' | 'breaker' | 'rateLimit' | 'bulkhead';

/** Overrides win per layer; within a layer, fields merge; `false` switches the layer off. */
function merge(defaults: ResilienceOptions, overrides: ResilienceOptions | undefined): ResilienceOptions {
  if (overrides === undefined) return defaults;
  const merged: Record<string, unknown> = { ...defaults, ...overrides };
  for (const layer of ['retry', 'breaker', 'rateLimit', 'bulkhead'] as const satisfies readonly Layer[]) {
    const base = defaults[layer];
    const over = overrides[layer];
    if (over === undefined) merged[layer] = base;
    else if (over === false || base === undefined || base === false) merged[layer] = over;
    else merged[layer] = { ...base, ...over };
  }
  return merged as ResilienceOptions;
}

/**
 * One {@link ResiliencePolicy} per (connector id, tenant): every binding of the
 * same target shares its breaker, rate limit and bulkhead. A policy is created
 * on first use from the registry's defaults merged with the options given then;
 * later `get`s return it unchanged.
 *
 * @example
 * ```ts
 * const registry = new ResilienceRegistry({ retry: { retries: 5 } });
 * registry.onPolicy(({ connector, tenant, policy }) => policy.subscribe((e) => audit(connector, tenant, e)));
 * const policy = registry.get('acme', 'tenant-1', { rateLimit: { perSecond: 20 } });
 * ```
 */
export class ResilienceRegistry {
  readonly #defaults: ResilienceOptions;
  readonly #policies = new Map<string, { connector: string; tenant: string; policy: ResiliencePolicy }>();
  readonly #created = new Emitter<PolicyCreatedEvent>();

  /** Fires when a target's policy is created. */
  readonly onPolicy: Event<PolicyCreatedEvent> = this.#created.event;

  constructor(defaults: ResilienceOptions = {}) {
    this.#defaults = parseInput(ResilienceOptionsSchema, defaults, 'resilience options') as ResilienceOptions;
  }

  /** Number of targets with a policy. */
  get size(): number {
    return this.#policies.size;
  }

  /**
   * The policy of (`connector`, `tenant`), created on first use with the
   * defaults merged with `options` (e.g. a persisted `breaker.initialState`).
   */
  get(connector: string, tenant: string, options?: ResilienceOptions): ResiliencePolicy {
    const key = `${connector}\u0000${tenant}`;
    const existing = this.#policies.get(key);
    if (existing !== undefined) return existing.policy;
    parseInput(KeySchema, { connector, tenant }, 'resilience target');
    const policy = new ResiliencePolicy({
      ...merge(this.#defaults, options),
      name: `${connector}/${tenant}`,
    });
    this.#policies.set(key, { connector, tenant, policy });
    this.#created.emit({ connector, tenant, policy });
    return policy;
  }

  /** Whether (`connector`, `tenant`) has a policy. */
  has(connector: string, tenant: string): boolean {
    return this.#policies.has(`${connector}\u0000${tenant}`);
  }

  /** Shuts down and forgets one target's policy; returns whether it existed. */
  delete(connector: string, tenant: string): boolean {
    const key = `${connector}\u0000${tenant}`;
    const entry = this.#policies.get(key);
    if (entry === undefined) return false;
    entry.policy.shutdown();
    return this.#policies.delete(key);
  }

  /** Every (connector, tenant, policy). */
  entries(): IterableIterator<{ connector: string; tenant: string; policy: ResiliencePolicy }> {
    return this.#policies.values();
  }

  /**
   * Breaker snapshots keyed `connector/tenant`, for persisting.
   *
   * @example
   * ```ts
   * await writeFile('breakers.json', JSON.stringify(registry));
   * ```
   */
  toJSON(): Record<string, BreakerSnapshot> {
    const out: Record<string, BreakerSnapshot> = {};
    for (const { policy } of this.#policies.values()) {
      const snapshot = policy.breaker?.toJSON();
      if (snapshot !== undefined) out[policy.name] = snapshot;
    }
    return out;
  }

  /**
   * Shuts every policy down and empties the registry: no timer or listener is left.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => registry.shutdown());
   * ```
   */
  shutdown(): void {
    for (const { policy } of this.#policies.values()) policy.shutdown();
    this.#policies.clear();
    this.#created.clear();
  }
}
