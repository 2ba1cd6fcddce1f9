/**
 * Outage benchmark (issue 3): 2,000 revocations while the target hangs every
 * request. Target: Lifeline reports every one of them (failed fast with
 * `circuit_open`, or failed with `timeout`, both escalatable) within 5 s of its
 * breaker opening.
 *
 * Lifeline: the Acme example connector through `revoke()` (memory ledger, no
 * verification), 50 workers, a policy with a 5 s per-attempt timeout, retries,
 * the default breaker (50 %, volume 10) and a bulkhead of 50.
 *
 * Naive, measured in the same run against other tenants of the same hanging
 * target: plain `fetch` with the same 5 s per-request timeout
 * (`AbortSignal.timeout`) inside p-retry, 50 workers — once with p-retry's
 * defaults (10 retries, 1 s doubling backoff) and once with `retries: 2`. Both
 * are cut off after `NAIVE_CAP_S`; their total time is then projected from the
 * fixed schedule (every attempt takes the full timeout), and the projection is
 * labelled as such.
 *
 *   npx tsx bench/outage.ts [revocations]      (default 2000)
 */
import { performance } from 'node:perf_hooks';
import { createResiliencePolicy, memoryStore, revoke, staticCredential } from 'lifeline';
import { createFakeTarget } from 'lifeline/testing';
import pRetry, { AbortError } from 'p-retry';
import { createAcmeConnector } from '../examples/acme';
import { pool } from './support/pool';

const COUNT = Number(process.argv[2] ?? 2000);
const WORKERS = 50;
const TIMEOUT_MS = 5000;
const NAIVE_CAP_S = 60;

/** The hanging target is in this process: a held request costs no CPU. */
const target = await createFakeTarget({
  seed: 2000,
  tenants: [
    { id: 'lifeline', apiVersion: 'v1' },
    { id: 'naive', apiVersion: 'v1' },
    { id: 'naive2', apiVersion: 'v1' },
  ],
});
const keysOf = (tenant: string) =>
  target
    .seed(tenant, { accounts: Math.ceil(COUNT / 2), keysPerAccount: 2 })
    .keyIds.slice(0, COUNT)
    .map((id) => ({ id, accountId: target.state.key(tenant, id)?.accountId ?? '' }));
const keys = { lifeline: keysOf('lifeline'), naive: keysOf('naive'), naive2: keysOf('naive2') };

// ---- Lifeline -----------------------------------------------------------------

const policy = createResiliencePolicy({
  name: 'acme/lifeline',
  retry: { retries: 3 },
  breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, resetTimeout: 30_000 },
  bulkhead: { maxConcurrent: WORKERS, maxQueue: COUNT },
  timeout: TIMEOUT_MS,
});
const bound = createAcmeConnector().with(
  { baseUrl: target.tenantUrl('lifeline'), tenant: 'lifeline' },
  staticCredential(target.token('lifeline')),
  { policy },
);
await bound.call('connection.test', {}); // healthy: the API version is resolved before the outage
const outage = await target.faults.outage({ mode: 'hang' });
console.log(
  `outage: ${COUNT.toLocaleString()} revocations against a target that hangs every request; ${WORKERS} workers, ${TIMEOUT_MS / 1000} s per-attempt timeout (Node ${process.version})`,
);

let openedAt: number | undefined;
policy.onBreakerOpen(() => {
  openedAt ??= performance.now();
});
const store = memoryStore();
const outcomes = new Map<string, number>();
let lastReportAt = 0;
target.resetCounters();
const startedAt = performance.now();
await pool(keys.lifeline, WORKERS, async (key) => {
  const outcome = await revoke(
    bound,
    { kind: 'credential', credential: key },
    { store, eventId: 'evt-bench-outage', verify: false },
  );
  const label = `${outcome.status}:${outcome.error?.code ?? '-'}`;
  outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
  lastReportAt = performance.now();
});
const lifelineWall = lastReportAt - startedAt;
const lifelineRequests = target.counters().requests;
policy.shutdown();
const reported = [...outcomes.values()].reduce((a, b) => a + b, 0);
const afterOpen = openedAt === undefined ? Number.NaN : lastReportAt - openedAt;

console.log('\nLifeline');
console.log(
  `  reported       ${reported.toLocaleString()} of ${COUNT.toLocaleString()}: ${JSON.stringify(Object.fromEntries(outcomes))}`,
);
console.log(
  `  breaker opened ${openedAt === undefined ? 'never' : `${((openedAt - startedAt) / 1000).toFixed(2)} s after the start`}`,
);
console.log(
  `  last report    ${(afterOpen / 1000).toFixed(3)} s after the breaker opened; ${(lifelineWall / 1000).toFixed(2)} s after the start`,
);
console.log(`  requests sent  ${lifelineRequests.toLocaleString()} (to the hanging target)`);

// ---- naive ---------------------------------------------------------------------

interface Naive {
  readonly label: string;
  readonly retries: number;
  settled: number;
  firstSettledAt: number | undefined;
}

function runNaive(tenant: 'naive' | 'naive2', naive: Naive, stop: { cut: boolean }): Promise<void> {
  const headers = { authorization: `Bearer ${target.token(tenant)}` };
  const base = target.tenantUrl(tenant);
  return pool(keys[tenant], WORKERS, async (key) => {
    try {
      await pRetry(
        async () => {
          if (stop.cut) throw new AbortError('cut off');
          const response = await fetch(`${base}/accounts/${key.accountId}/keys/${key.id}`, {
            method: 'DELETE',
            headers,
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          await response.body?.cancel();
          if (response.status !== 204 && response.status !== 404) throw new Error(`HTTP ${response.status}`);
        },
        { retries: naive.retries },
      );
    } catch {
      // failed: reported
    }
    if (stop.cut) return;
    naive.settled++;
    naive.firstSettledAt ??= performance.now();
  });
}

/** Time for one key when every attempt takes the full timeout: attempts × timeout + p-retry's backoff (1 s × 2^n). */
function perKeyMs(retries: number): number {
  let backoff = 0;
  for (let n = 0; n < retries; n++) backoff += 1000 * 2 ** n;
  return (retries + 1) * TIMEOUT_MS + backoff;
}

const naives: Naive[] = [
  { label: 'naive, p-retry defaults (10 retries)', retries: 10, settled: 0, firstSettledAt: undefined },
  { label: 'naive, p-retry { retries: 2 }', retries: 2, settled: 0, firstSettledAt: undefined },
];
const stop = { cut: false };
target.resetCounters();
const naiveStartedAt = performance.now();
const naiveRuns = [runNaive('naive', naives[0] as Naive, stop), runNaive('naive2', naives[1] as Naive, stop)];
let allDone = false;
void Promise.all(naiveRuns).then(() => {
  allDone = true;
});
while (!allDone && performance.now() - naiveStartedAt < NAIVE_CAP_S * 1000) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
stop.cut = true;
const naiveElapsed = performance.now() - naiveStartedAt;
const naiveRequests = target.counters().requests;
const rounds = Math.ceil(COUNT / WORKERS);
const projections: number[] = [];
for (const naive of naives) {
  const projected = rounds * perKeyMs(naive.retries);
  projections.push(projected);
  console.log(`\n${naive.label}`);
  console.log(
    `  reported       ${naive.settled.toLocaleString()} of ${COUNT.toLocaleString()} after ${(naiveElapsed / 1000).toFixed(1)} s (measured; cut off at ${NAIVE_CAP_S} s)`,
  );
  console.log(
    `  first report   ${naive.firstSettledAt === undefined ? `none within ${NAIVE_CAP_S} s` : `${((naive.firstSettledAt - naiveStartedAt) / 1000).toFixed(2)} s after the start`} (schedule: ${(perKeyMs(naive.retries) / 1000).toFixed(0)} s per key)`,
  );
  console.log(
    `  all reported   ${(projected / 1000).toLocaleString()} s projected (${rounds} rounds of ${WORKERS} × ${(perKeyMs(naive.retries) / 1000).toFixed(0)} s)`,
  );
}
console.log(
  `\n  naive requests sent in ${(naiveElapsed / 1000).toFixed(0)} s, both runs: ${naiveRequests.toLocaleString()}`,
);

console.log('\ntarget: every revocation reported within 5 s of the breaker opening');
console.log(
  `  Lifeline: ${reported === COUNT ? 'all' : `${reported} of ${COUNT}`} reported ${(afterOpen / 1000).toFixed(3)} s after opening  ${reported === COUNT && afterOpen <= 5000 ? 'met' : 'MISSED'}`,
);
console.log(
  `  time to report all 2,000: Lifeline ${(lifelineWall / 1000).toFixed(2)} s (measured) vs naive ${projections.map((p) => `${(p / 1000).toLocaleString()} s`).join(' / ')} (projected) = ${projections.map((p) => `${(p / lifelineWall).toFixed(0)}×`).join(' / ')}`,
);

await outage.dispose();
await target.close();
process.exit(0); // cut-off naive runs leave p-retry backoff timers behind
