import type { Prng } from './createPrng';
import type { FaultSpec } from './FaultRule';

/**
 * A latency setting: fixed milliseconds or a distribution.
 *
 * @example
 * ```ts
 * const spec: LatencySpec = { type: 'uniform', min: 5, max: 50 };
 * ```
 */
export type LatencySpec = Extract<FaultSpec, { kind: 'latency' }>['ms'];

const MAX_MS = 600_000;

/**
 * Draws one latency in milliseconds from a fixed value or a distribution
 * (uniform, normal via Box-Muller, exponential), clamped to [0, 600,000].
 *
 * @example
 * ```ts
 * sampleLatency({ type: 'normal', mean: 50, stddev: 10 }, createPrng(1)); // ~50
 * ```
 */
export function sampleLatency(spec: LatencySpec, prng: Prng): number {
  let ms: number;
  if (typeof spec === 'number') return spec;
  switch (spec.type) {
    case 'fixed':
      return spec.ms;
    case 'uniform':
      ms = spec.min + prng.next() * (spec.max - spec.min);
      break;
    case 'normal': {
      const u1 = 1 - prng.next();
      const u2 = prng.next();
      ms = spec.mean + spec.stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      break;
    }
    case 'exponential':
      ms = -spec.mean * Math.log(1 - prng.next());
      break;
  }
  return Math.min(MAX_MS, Math.max(0, ms));
}
