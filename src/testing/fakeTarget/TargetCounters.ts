/**
 * Request counters of a fake target, from `target.counters()`. Counts start at
 * creation or at the last `resetCounters()`.
 *
 * @example
 * ```ts
 * const { byStatus, rateLimited } = target.counters();
 * expect(byStatus['429'] ?? 0).toBeLessThan(200);
 * ```
 */
export interface FakeTargetCounters {
  /** Requests received (every request, including faulted and refused-by-auth ones). */
  readonly requests: number;
  /** Complete responses sent, by status code. Resets and hangs send none. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests by target operation (`unknown` for unrouted paths). */
  readonly byOperation: Readonly<Record<string, number>>;
  /** Faults injected, by kind (`latency`, `status`, `reset`, `hang`, ...). */
  readonly faults: Readonly<Record<string, number>>;
  /** 429s sent by the enforced per-tenant rate limit (not by `rateLimit` faults). */
  readonly rateLimited: number;
  /** Mutation requests and applied changes over all objects and tenants. */
  readonly mutations: { readonly requests: number; readonly applied: number };
}

function increment(map: Map<string | number, number>, key: string | number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * The mutable counters behind {@link FakeTargetCounters}; Map increments only on
 * the request path.
 *
 * @example
 * ```ts
 * const counters = new TargetCounters();
 * counters.status(200);
 * ```
 */
export class TargetCounters {
  requests = 0;
  rateLimited = 0;
  private readonly statuses = new Map<number, number>();
  private readonly operations = new Map<string, number>();
  private readonly faultKinds = new Map<string, number>();

  status(code: number): void {
    increment(this.statuses, code);
  }

  operation(name: string): void {
    increment(this.operations, name);
  }

  fault(kind: string): void {
    increment(this.faultKinds, kind);
  }

  /** A plain snapshot; `mutations` is supplied by the caller (it lives per tenant). */
  snapshot(mutations: { requests: number; applied: number }): FakeTargetCounters {
    return {
      requests: this.requests,
      byStatus: Object.fromEntries([...this.statuses].map(([k, v]) => [String(k), v])),
      byOperation: Object.fromEntries(this.operations),
      faults: Object.fromEntries(this.faultKinds),
      rateLimited: this.rateLimited,
      mutations,
    };
  }

  reset(): void {
    this.requests = 0;
    this.rateLimited = 0;
    this.statuses.clear();
    this.operations.clear();
    this.faultKinds.clear();
  }
}
