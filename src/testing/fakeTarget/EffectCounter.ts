/**
 * Mutation requests and applied changes for one object, from `target.effects(kind, id)`.
 *
 * @example
 * ```ts
 * const { requests, applied } = target.effects('key', id).byOperation['key.revoke'] ?? { requests: 0, applied: 0 };
 * ```
 */
export interface EffectCount {
  /** Mutation requests that arrived for the object, whatever their outcome (faulted, rate limited, 4xx...). */
  readonly requests: number;
  /** Requests that actually changed state (e.g. an active key became revoked). */
  readonly applied: number;
}

/**
 * Side effects recorded for one object: totals and a breakdown by target operation.
 *
 * @example
 * ```ts
 * const { requests, applied } = target.effects('key', keyId);
 * expect(applied).toBe(1); // revoked exactly once, however many retries arrived
 * ```
 */
export interface Effects extends EffectCount {
  /** Per target operation, e.g. `{ 'key.create': { requests: 2, applied: 1 } }`. */
  readonly byOperation: Readonly<Record<string, EffectCount>>;
}

/**
 * Kinds of object that side effects are recorded for. Memberships are keyed `groupId/accountId`.
 *
 * @example
 * ```ts
 * target.effects('membership', `${groupId}/${accountId}`);
 * ```
 */
export type EffectKind = 'account' | 'key' | 'membership' | 'session';

/**
 * Counts mutation requests and applied changes per (kind, id) and operation.
 * Keys are built once per mutation request; nothing is recorded for reads.
 *
 * @example
 * ```ts
 * const counter = new EffectCounter();
 * counter.request('key', 'key_1', 'key.revoke');
 * counter.apply('key', 'key_1', 'key.revoke');
 * counter.get('key', 'key_1'); // { requests: 1, applied: 1, byOperation: {...} }
 * ```
 */
export class EffectCounter {
  private readonly byObject = new Map<string, Map<string, { requests: number; applied: number }>>();
  /** Mutation requests in total. */
  requests = 0;
  /** Applied changes in total. */
  applied = 0;

  private entry(kind: EffectKind, id: string, operation: string): { requests: number; applied: number } {
    const key = `${kind}\u0000${id}`;
    let ops = this.byObject.get(key);
    if (ops === undefined) {
      ops = new Map();
      this.byObject.set(key, ops);
    }
    let counts = ops.get(operation);
    if (counts === undefined) {
      counts = { requests: 0, applied: 0 };
      ops.set(operation, counts);
    }
    return counts;
  }

  /** Records a mutation request for an object. */
  request(kind: EffectKind, id: string, operation: string): void {
    this.entry(kind, id, operation).requests++;
    this.requests++;
  }

  /** Records that a mutation changed an object's state. */
  apply(kind: EffectKind, id: string, operation: string): void {
    this.entry(kind, id, operation).applied++;
    this.applied++;
  }

  /** The effects recorded for an object (zeros when none). */
  get(kind: EffectKind, id: string): Effects {
    const ops = this.byObject.get(`${kind}\u0000${id}`);
    let requests = 0;
    let applied = 0;
    const byOperation: Record<string, EffectCount> = {};
    if (ops !== undefined) {
      for (const [operation, counts] of ops) {
        requests += counts.requests;
        applied += counts.applied;
        byOperation[operation] = { requests: counts.requests, applied: counts.applied };
      }
    }
    return { requests, applied, byOperation };
  }

  /** Forgets everything. */
  reset(): void {
    this.byObject.clear();
    this.requests = 0;
    this.applied = 0;
  }
}
