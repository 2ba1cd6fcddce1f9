import { describe, expect, it } from 'vitest';
import { compilePathPattern, createPrng, hashSeed, matchPath } from '../../src/testing/fakeTarget';
import { sampleLatency } from '../../src/testing/fakeTarget/sampleLatency';
import { TokenBucket } from '../../src/testing/fakeTarget/TokenBucket';

describe('path patterns', () => {
  it('match literal segments and one-segment wildcards', () => {
    const pattern = compilePathPattern('/accounts/:id/keys/*');
    expect(matchPath(pattern, ['accounts', 'a1', 'keys', 'k1'])).toBe(true);
    expect(matchPath(pattern, ['accounts', 'a1', 'keys'])).toBe(false);
    expect(matchPath(pattern, ['accounts', 'a1', 'sessions', 'k1'])).toBe(false);
  });

  it('match any rest with a trailing **', () => {
    const pattern = compilePathPattern('/groups/**');
    expect(matchPath(pattern, ['groups'])).toBe(true);
    expect(matchPath(pattern, ['groups', 'g1', 'members', 'a1'])).toBe(true);
    expect(matchPath(pattern, ['accounts'])).toBe(false);
  });
});

describe('seeded PRNG', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = createPrng(hashSeed(1, 'x'));
    const b = createPrng(hashSeed(1, 'x'));
    const c = createPrng(hashSeed(1, 'y'));
    const seqA = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(seqA);
  });

  it('draws floats in [0, 1) and integers in [0, n)', () => {
    const prng = createPrng(3);
    for (let i = 0; i < 1000; i++) {
      const f = prng.next();
      expect(f >= 0 && f < 1).toBe(true);
      const n = prng.int(6);
      expect(Number.isInteger(n) && n >= 0 && n < 6).toBe(true);
    }
  });
});

describe('latency distributions', () => {
  const mean = (draw: () => number, n = 20_000) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += draw();
    return sum / n;
  };

  it('uniform stays within its bounds and centres on the midpoint', () => {
    const prng = createPrng(1);
    const draws = Array.from({ length: 5000 }, () =>
      sampleLatency({ type: 'uniform', min: 10, max: 30 }, prng),
    );
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...draws)).toBeLessThanOrEqual(30);
    expect(mean(() => sampleLatency({ type: 'uniform', min: 10, max: 30 }, prng))).toBeCloseTo(20, 0);
  });

  it('normal centres on its mean and never goes negative', () => {
    const prng = createPrng(2);
    expect(mean(() => sampleLatency({ type: 'normal', mean: 50, stddev: 10 }, prng))).toBeCloseTo(50, 0);
    const wide = Array.from({ length: 5000 }, () =>
      sampleLatency({ type: 'normal', mean: 1, stddev: 50 }, prng),
    );
    expect(Math.min(...wide)).toBe(0);
  });

  it('exponential has the configured mean', () => {
    const prng = createPrng(4);
    expect(Math.abs(mean(() => sampleLatency({ type: 'exponential', mean: 40 }, prng)) - 40)).toBeLessThan(2);
  });

  it('a fixed value is returned as is', () => {
    expect(sampleLatency(25, createPrng(1))).toBe(25);
    expect(sampleLatency({ type: 'fixed', ms: 7 }, createPrng(1))).toBe(7);
  });
});

describe('token bucket', () => {
  it('grants a burst, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBeCloseTo(100, 5);
    expect(bucket.take(50)).toBeCloseTo(50, 5);
    expect(bucket.take(100)).toBe(0);
  });

  it('never holds more than its burst', () => {
    const bucket = new TokenBucket(1000, 2, 0);
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000) > 0]).toEqual([0, 0, true]);
  });
});
