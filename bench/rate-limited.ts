/**
 * Rate-limited benchmark (issue 3): 20,000 idempotent revocations
 * (`credential.revoke` of seeded keys through `revoke()`, ledger in a memory
 * store, no verification reads) against the fake target enforcing 1,000 req/s
 * per tenant (429 + Retry-After above it).
 *
 * Targets: wall time ≤ 1.10 × the 20 s floor; 429s ≤ 1 % of requests; every
 * credential revoked exactly once (the target's side-effect counters).
 *
 * Lifeline: the Acme example connector, a policy with the adaptive rate limit
 * at the target's documented 1,000 req/s, a bulkhead, and 64 workers. Baseline,
 * measured in the same run against a second tenant with the same limit: plain
 * `fetch` DELETEs, 50 concurrent workers, p-retry with its defaults, no rate
 * limit.
 *
 * The fake target runs in a child process (so the client's event loop and the
 * server's do not share a core); the parent talks to it over IPC.
 *
 *   npx tsx bench/rate-limited.ts [revocations]      (default 20000)
 *   BENCH_VIA=call         Lifeline calls bound.call('credential.revoke') directly (no ledger)
 *   BENCH_SKIP_NAIVE=1     Lifeline only
 *   BENCH_NO_TIMEOUT=1     Lifeline without the per-attempt timeout (no AbortSignal per request)
 */
import { performance } from 'node:perf_hooks';
import {
  createResiliencePolicy,
  memoryStore,
  type RevocationResult,
  revoke,
  staticCredential,
} from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import pRetry, { AbortError } from 'p-retry';
import { createAcmeConnector } from '../examples/acme';
import { pool } from './support/pool';
import { TargetProcess } from './support/targetProcess';

const LIMIT_PER_SECOND = 1000;
/** `BENCH_VIA=call`: `bound.call('credential.revoke')` without the ledger, to separate the policy's cost from `revoke()`'s. */
const VIA_CALL = process.env.BENCH_VIA === 'call';
const TENANTS = ['lifeline', 'naive'] as const;
type Tenant = (typeof TENANTS)[number];

interface Key {
  readonly id: string;
  readonly accountId: string;
}
interface Ready {
  readonly url: string;
  readonly tokens: Record<Tenant, string>;
  readonly keys: Record<Tenant, Key[]>;
}
interface Check {
  readonly exactlyOnce: number;
  readonly never: number;
  readonly more: number;
  readonly revokedState: number;
}
interface Counters {
  readonly requests: number;
  readonly rateLimited: number;
  readonly byStatus: Record<string, number>;
}

// ---- child: the fake target ----------------------------------------------------

async function runTarget(count: number): Promise<void> {
  const target: FakeTarget = await createFakeTarget({
    seed: 20_000,
    tenants: TENANTS.map((id) => ({
      id,
      apiVersion: 'v1' as const,
      rateLimit: { perSecond: LIMIT_PER_SECOND },
    })),
  });
  const keys = {} as Record<Tenant, Key[]>;
  const tokens = {} as Record<Tenant, string>;
  for (const tenant of TENANTS) {
    const seeded = target.seed(tenant, { accounts: Math.ceil(count / 2), keysPerAccount: 2 });
    keys[tenant] = seeded.keyIds
      .slice(0, count)
      .map((id) => ({ id, accountId: target.state.key(tenant, id)?.accountId ?? '' }));
    tokens[tenant] = target.token(tenant);
  }
  const send = (message: unknown) => process.send?.(message);
  process.on('message', async (message: { id: number; op: string; tenant?: Tenant }) => {
    const { id, op, tenant } = message;
    if (op === 'counters') {
      const c = target.counters();
      send({ id, result: { requests: c.requests, rateLimited: c.rateLimited, byStatus: c.byStatus } });
    } else if (op === 'reset') {
      target.resetCounters();
      send({ id, result: null });
    } else if (op === 'check' && tenant !== undefined) {
      let exactlyOnce = 0;
      let never = 0;
      let more = 0;
      let revokedState = 0;
      for (const key of keys[tenant]) {
        const applied = target.effects('key', key.id, tenant).applied;
        if (applied === 1) exactlyOnce++;
        else if (applied === 0) never++;
        else more++;
        if (target.state.key(tenant, key.id)?.status === 'revoked') revokedState++;
      }
      send({ id, result: { exactlyOnce, never, more, revokedState } satisfies Check });
    } else if (op === 'close') {
      await target.close();
      send({ id, result: null });
      process.disconnect();
    }
  });
  send({ ready: { url: target.url, tokens, keys } satisfies Ready });
}

// ---- parent: the clients ----------------------------------------------------

interface RunResult {
  readonly name: string;
  readonly wallMs: number;
  readonly counters: Counters;
  readonly check: Check;
  readonly note: string;
}

async function runLifeline(target: TargetProcess<Ready>, ready: Ready): Promise<RunResult> {
  const keys = ready.keys.lifeline;
  // perSecond = the target's documented limit. The target's bucket holds one
  // second of burst, which absorbs our pacing jitter, so no margin is needed.
  const policy = createResiliencePolicy({
    name: 'acme/lifeline',
    rateLimit: { perSecond: LIMIT_PER_SECOND },
    bulkhead: { maxConcurrent: 64, maxQueue: 1000 },
    retry: { retries: 5 },
    timeout: process.env.BENCH_NO_TIMEOUT === '1' ? false : 10_000,
  });
  const bound = createAcmeConnector().with(
    { baseUrl: `${ready.url}/t/lifeline`, tenant: 'lifeline' },
    staticCredential(ready.tokens.lifeline),
    { policy },
  );
  await bound.call('connection.test', {}); // resolve the API version before the clock starts
  let waits = 0;
  let pauses = 0;
  policy.onRateLimitWait(({ reason }) => {
    waits++;
    if (reason === 'paused') pauses++;
  });
  const store = memoryStore();
  const statuses = new Map<string, number>();
  await target.request('reset');
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await pool(keys, 64, async (key) => {
    if (VIA_CALL) {
      await bound.call('credential.revoke', { credential: key });
      statuses.set('revoked', (statuses.get('revoked') ?? 0) + 1);
      return;
    }
    const outcome: RevocationResult = await revoke(
      bound,
      { kind: 'credential', credential: key },
      { store, eventId: 'evt-bench-rate-limited', verify: false },
    );
    statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
  });
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const counters = await target.request<Counters>('counters');
  const check = await target.request<Check>('check', { tenant: 'lifeline' });
  policy.shutdown();
  const cpuPerRequest = (cpu.user + cpu.system) / 1000 / counters.requests;
  return {
    name: `Lifeline (rate limit 1000/s, 64 workers, ${VIA_CALL ? 'bound.call, no ledger' : 'revoke() with a memory ledger'})`,
    wallMs,
    counters,
    check,
    note: `outcomes ${JSON.stringify(Object.fromEntries(statuses))}; final rate ${policy.rateLimit?.rate.toFixed(0)}/s; ${waits} limiter waits (${pauses} after a 429); client CPU ${cpuPerRequest.toFixed(2)} ms/request`,
  };
}

async function runNaive(target: TargetProcess<Ready>, ready: Ready, capMs: number): Promise<RunResult> {
  const keys = ready.keys.naive;
  const base = `${ready.url}/t/naive`;
  const headers = { authorization: `Bearer ${ready.tokens.naive}` };
  let cutOff = false;
  let gaveUp = 0;
  let settled = 0;
  await target.request('reset');
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const run = pool(keys, 50, async (key) => {
    try {
      await pRetry(async () => {
        if (cutOff) throw new AbortError('cut off');
        const response = await fetch(`${base}/accounts/${key.accountId}/keys/${key.id}`, {
          method: 'DELETE',
          headers,
        });
        await response.body?.cancel();
        // 404: revoked by an earlier attempt whose response was lost.
        if (response.status !== 204 && response.status !== 404) throw new Error(`HTTP ${response.status}`);
      });
    } catch {
      gaveUp++;
    }
    settled++;
  });
  let cap: NodeJS.Timeout | undefined;
  await Promise.race([
    run,
    new Promise<void>((resolve) => {
      cap = setTimeout(() => {
        cutOff = true;
        resolve();
      }, capMs);
    }),
  ]);
  clearTimeout(cap);
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const counters = await target.request<Counters>('counters');
  const cpuPerRequest = (cpu.user + cpu.system) / 1000 / counters.requests;
  const check = await target.request<Check>('check', { tenant: 'naive' });
  return {
    name: 'naive (50 workers, p-retry defaults, no rate limit)',
    wallMs,
    counters,
    check,
    note: `client CPU ${cpuPerRequest.toFixed(2)} ms/request; ${gaveUp} gave up${cutOff ? `; run cut off at ${capMs / 1000} s with ${keys.length - settled} still retrying` : ''}`,
  };
}

function report(result: RunResult, count: number): void {
  const { counters, check } = result;
  const share = (counters.rateLimited / counters.requests) * 100;
  console.log(`\n${result.name}`);
  console.log(
    `  wall time      ${(result.wallMs / 1000).toFixed(2)} s  (${(result.wallMs / 20_000).toFixed(3)} × the 20 s floor)`,
  );
  console.log(
    `  requests       ${counters.requests.toLocaleString()}  (${(counters.requests / (result.wallMs / 1000)).toFixed(0)}/s)`,
  );
  console.log(
    `  429s           ${counters.rateLimited.toLocaleString()}  (${share.toFixed(2)} % of requests)`,
  );
  console.log(
    `  revoked once   ${check.exactlyOnce.toLocaleString()} of ${count.toLocaleString()}; never ${check.never}; more than once ${check.more}; state revoked ${check.revokedState}`,
  );
  console.log(`  ${result.note}`);
}

async function main(count: number): Promise<void> {
  const target = new TargetProcess<Ready>(import.meta.url, ['--target', String(count)]);
  const ready = await target.ready;
  console.log(
    `rate-limited: ${count.toLocaleString()} revocations per client against a fake target enforcing ${LIMIT_PER_SECOND} req/s (Node ${process.version})`,
  );
  const floorMs = (count / LIMIT_PER_SECOND) * 1000;
  const lifeline = await runLifeline(target, ready);
  report(lifeline, count);
  if (process.env.BENCH_SKIP_NAIVE === '1') {
    await target.request('close');
    process.exit(0);
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const naive = await runNaive(target, ready, 150_000);
  report(naive, count);

  const share = lifeline.counters.rateLimited / lifeline.counters.requests;
  const ok = {
    wall: lifeline.wallMs <= 1.1 * floorMs,
    rateLimited: share <= 0.01,
    exactlyOnce: lifeline.check.exactlyOnce === count,
  };
  console.log('\ntargets (Lifeline)');
  console.log(
    `  wall ≤ 1.10 × ${(floorMs / 1000).toFixed(0)} s floor:  ${(lifeline.wallMs / floorMs).toFixed(3)} ×  ${ok.wall ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  429s ≤ 1 %:               ${(share * 100).toFixed(2)} %  ${ok.rateLimited ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  revoked exactly once:     ${lifeline.check.exactlyOnce}/${count}  ${ok.exactlyOnce ? 'met' : 'MISSED'}`,
  );
  console.log(
    `\nratios (naive / Lifeline): wall ${(naive.wallMs / lifeline.wallMs).toFixed(2)}×, requests ${(naive.counters.requests / lifeline.counters.requests).toFixed(2)}×, 429s ${lifeline.counters.rateLimited === 0 ? `${naive.counters.rateLimited} vs 0` : `${(naive.counters.rateLimited / lifeline.counters.rateLimited).toFixed(1)}×`}`,
  );
  await target.request('close');
  process.exit(0); // a cut-off naive run may leave p-retry backoff timers behind
}

const args = process.argv.slice(2);
if (args[0] === '--target') await runTarget(Number(args[1]));
else await main(Number(args[0] ?? 20_000));
