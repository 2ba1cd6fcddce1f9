/**
 * Per-revocation CPU cost of the revocation engine with the memory store,
 * excluding the connector call: `revoke()` through a connector whose handlers
 * return at once (no resilience policy), minus the same connector calls made
 * directly in the same run. Two variants: `verify: false` (one call:
 * credential.revoke) and with verification (credential.revoke + one read-back,
 * credential.get). A third, informational case replays completed keys.
 *
 * Target (issue 5): engine overhead ≤ 10 µs per revocation.
 *
 *   npx tsx bench/revocation.ts                 # 5 rounds of 20,000 per case
 *   npx tsx bench/revocation.ts --ops 100000 --rounds 7
 */

import { defineConnector, memoryStore, revoke } from 'lifeline';
import { z } from 'zod';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const OPS = arg('ops', 20_000);
const ROUNDS = arg('rounds', 5);
const TARGET_US = 10;

const noop = defineConnector({
  id: 'noop',
  version: '1.0.0',
  config: z.object({ tenant: z.string() }),
  resilience: false,
  operations: {
    'credential.revoke': async () => {},
    'credential.get': async (_ctx, { credential }) => ({
      id: credential.id,
      kind: 'api_key' as const,
      status: 'revoked' as const,
    }),
  },
});
const bound = noop.with({ tenant: 't1' });

let round = 0;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `key_${round}_${i}`);

/** CPU time (user + system) of this process, in µs: wall time is meaningless on a shared, loaded machine. */
const cpu = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

async function timeIt(run: (ids: string[]) => Promise<void>): Promise<number> {
  const list = ids(OPS);
  const started = cpu();
  await run(list);
  return (cpu() - started) / OPS; // CPU µs per op
}

const cases = {
  'direct revoke': async (list: string[]) => {
    for (const id of list) await bound.call('credential.revoke', { credential: { id } });
  },
  'direct revoke + get': async (list: string[]) => {
    for (const id of list) {
      await bound.call('credential.revoke', { credential: { id } });
      await bound.call('credential.get', { credential: { id } });
    }
  },
  'store begin+complete': async (list: string[]) => {
    const store = memoryStore();
    const outcome = {
      status: 'revoked',
      verified: false,
      key: 'k',
      attempts: 1,
      at: new Date().toISOString(),
    };
    for (const id of list) {
      await store.begin(id, 'fp', { owner: 'o', leaseMs: 60_000 });
      await store.complete(id, 'o', outcome);
    }
  },
  'revoke(verify: false)': async (list: string[]) => {
    const store = memoryStore();
    for (const id of list)
      await revoke(
        bound,
        { kind: 'credential', credential: { id } },
        { store, eventId: 'evt', verify: false },
      );
  },
  'revoke(verified)': async (list: string[]) => {
    const store = memoryStore();
    for (const id of list)
      await revoke(bound, { kind: 'credential', credential: { id } }, { store, eventId: 'evt' });
  },
  'revoke replayed': async (list: string[]) => {
    const store = memoryStore();
    const some = list.slice(0, 1000);
    for (const id of some)
      await revoke(
        bound,
        { kind: 'credential', credential: { id } },
        { store, eventId: 'evt', verify: false },
      );
    for (let i = 0; i < list.length; i++) {
      const id = some[i % some.length] as string;
      await revoke(
        bound,
        { kind: 'credential', credential: { id } },
        { store, eventId: 'evt', verify: false },
      );
    }
  },
} as const;
type CaseName = keyof typeof cases;

const samples = new Map<CaseName, number[]>();
// Warm-up round, not counted.
for (const run of Object.values(cases)) {
  round++;
  await run(ids(5000));
}
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(cases) as [CaseName, (l: string[]) => Promise<void>][]) {
    round++;
    globalThis.gc?.();
    const us = await timeIt(run);
    samples.set(name, [...(samples.get(name) ?? []), us]);
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const m = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)])) as Record<
  CaseName,
  number
>;

console.log(
  `revocation engine overhead, memory store, no-op connector (CPU µs per op, ${ROUNDS} rounds × ${OPS} ops, median)`,
);
for (const name of Object.keys(cases) as CaseName[]) {
  console.log(`  ${name.padEnd(24)} ${m[name].toFixed(2).padStart(7)} µs/op`);
}
const overheadPlain = m['revoke(verify: false)'] - m['direct revoke'];
const overheadVerified = m['revoke(verified)'] - m['direct revoke + get'];
const verdict = (us: number) => (us <= TARGET_US ? 'meets' : 'MISSES');
console.log(
  `engine overhead, verify: false: ${overheadPlain.toFixed(2)} µs (target ≤ ${TARGET_US} µs: ${verdict(overheadPlain)}); ratio to the direct call ${(m['revoke(verify: false)'] / m['direct revoke']).toFixed(2)}×`,
);
console.log(
  `engine overhead, verified:      ${overheadVerified.toFixed(2)} µs (target ≤ ${TARGET_US} µs: ${verdict(overheadVerified)}); ratio to the direct calls ${(m['revoke(verified)'] / m['direct revoke + get']).toFixed(2)}×`,
);
const ownPlain = overheadPlain - m['store begin+complete'];
console.log(
  `  of which the memory store's begin+complete: ${m['store begin+complete'].toFixed(2)} µs; the engine's own code: ${ownPlain.toFixed(2)} µs`,
);
console.log(`replay of a completed key:      ${m['revoke replayed'].toFixed(2)} µs (informational)`);
