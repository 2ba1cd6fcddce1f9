/** A clock that moves only when told: leases and TTLs can be tested without sleeping. */
export interface ManualClock {
  /** The current time (epoch ms); pass it as a store's `clock`. */
  readonly now: () => number;
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
}

/**
 * Creates a {@link ManualClock} starting at `start` (default 2025-01-01T00:00:00Z).
 *
 * @example
 * ```ts
 * const clock = manualClock();
 * const store = memoryStore({ clock: clock.now });
 * clock.advance(60_000);
 * ```
 */
export function manualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}
