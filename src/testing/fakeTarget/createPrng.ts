/**
 * A deterministic pseudo-random number generator (mulberry32).
 *
 * @example
 * ```ts
 * const prng: Prng = createPrng(1); prng.int(10);
 * ```
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An unsigned 32-bit integer. */
  uint32(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * Hashes any mix of strings and numbers into a 32-bit seed (cyrb53, folded), so
 * `createPrng(hashSeed(seed, 'tenant', 'acme'))` gives each stream its own sequence.
 *
 * @example
 * ```ts
 * const prng = createPrng(hashSeed(42, 'acme'));
 * ```
 */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const part of parts) {
    const text = `${typeof part}:${part};`;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/**
 * A seeded PRNG: the same seed gives the same sequence on every run and machine.
 *
 * @example
 * ```ts
 * const prng = createPrng(7);
 * const coin = prng.next() < 0.5;
 * const die = prng.int(6) + 1;
 * ```
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    uint32,
    next: () => uint32() / 4294967296,
    int: (n) => Math.floor((uint32() / 4294967296) * n),
  };
}
