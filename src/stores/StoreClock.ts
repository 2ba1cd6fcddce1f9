/**
 * Where a store reads the time (epoch milliseconds). Injectable so leases and
 * TTLs can be tested without sleeping. Across machines, keep clocks in sync
 * (NTP) and choose leases much longer than the skew.
 *
 * @example
 * ```ts
 * let now = 0;
 * const store = memoryStore({ clock: () => now });
 * now += 30_000; // the lease has expired
 * ```
 */
export type StoreClock = () => number;

/** The system clock. */
export const systemClock: StoreClock = () => Date.now();
