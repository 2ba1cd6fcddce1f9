/**
 * A token bucket: `perSecond` tokens refill continuously up to `burst`. Refill is
 * computed lazily from the clock on each `take`, so an idle bucket costs nothing.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(1000, 100);
 * const waitMs = bucket.take(performance.now());
 * if (waitMs > 0) reply429(Math.ceil(waitMs / 1000));
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token. Returns 0 when granted, else the milliseconds until one is available. */
  take(now: number): number {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.perSecond;
  }
}
