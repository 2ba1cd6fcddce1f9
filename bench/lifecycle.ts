/**
 * Lifecycle benchmark (issue 7): an emergency revocation (`emergencyRevoke`
 * with `selector: { createdBefore }` matching every seeded key) run by
 * `createLifecycle`, one step per key, every step verified by read-back (the
 * lifecycle always verifies: 2 requests per step).
 *
 * (a) 100,000 steps, no rate limit: steps/s and peak RSS of this process
 *     (sampled every 100 ms). Target: peak RSS ≤ 300 MB.
 * (b) 20,000 steps against a target enforcing 2,000 req/s: wall time against
 *     the floor (requests counted at the target / 2,000). Target ≤ 1.10 × floor.
 *
 * Baseline, measured in the same run against fresh keys of another tenant: the
 * same work done with plain `bound.call` (list the keys in pages of 1,000, then
 * `credential.revoke` + `credential.get` per key) in a pool of the same
 * concurrency, through the same kind of policy, without ledger, journal or audit.
 *
 * The fake target runs in a child process (its memory and event loop are
 * separate); the parent talks to it over IPC.
 *
 *   npx tsx bench/lifecycle.ts [steps] [rateLimitedSteps]   (default 100000 20000)
 *   BENCH_STORE=sqlite|memory   the lifecycle's store (default sqlite, a temp file)
 *   BENCH_CONCURRENCY=n         steps in flight (default 32)
 *   BENCH_ONLY=a|b              one part only
 *   BENCH_SKIP_BASELINE=1       Lifeline runs only
 *   BENCH_TRANSPORT=default|fetch  the connectors' HTTP client: the default (a shared nodeHttpFetch) or the built-in fetch
 *
 * Peak RSS depends on how far V8 lets its old space grow before collecting:
 * most of the peak is garbage, not live data. `node --max-old-space-size=256
 * --import tsx bench/lifecycle.ts` shows the figure with a bounded heap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import {
  type BoundConnector,
  createLifecycle,
  createResiliencePolicy,
  type LifecycleReport,
  memoryStore,
  type ResiliencePolicy,
  type Store,
  staticCredential,
} from 'lifeline';
import { sqliteStore } from 'lifeline/stores/sqlite';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { acme } from '../examples/acme';
import { pool } from './support/pool';
import { TargetProcess } from './support/targetProcess';

const RATE = 2000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STORE = process.env.BENCH_STORE === 'memory' ? 'memory' : 'sqlite';
const MB = 1024 * 1024;

interface Key {
  readonly id: string;
  readonly accountId: string;
}
interface Seeded {
  readonly url: string;
  readonly token: string;
  readonly count: number;
}
interface Counters {
  readonly requests: number;
  readonly rateLimited: number;
  readonly byStatus: Record<string, number>;
}
interface Check {
  readonly exactlyOnce: number;
  readonly never: number;
  readonly more: number;
}

// ---- child: the fake target ----------------------------------------------------

async function runTarget(): Promise<void> {
  const target: FakeTarget = await createFakeTarget({
    seed: 7100,
    tenants: [{ id: 'idle', apiVersion: 'v2' }],
    pageSize: { default: 100, max: 1000 },
  });
  const keys = new Map<string, string[]>();
  const send = (message: unknown) => process.send?.(message);
  process.on(
    'message',
    async (message: { id: number; op: string; tenant?: string; count?: number; rate?: number }) => {
      const { id, op, tenant = '' } = message;
      if (op === 'seed') {
        target.addTenant({
          id: tenant,
          apiVersion: 'v2',
          ...(message.rate === undefined ? {} : { rateLimit: { perSecond: message.rate } }),
        });
        const seeded = target.seed(tenant, {
          accounts: Math.ceil((message.count ?? 0) / 2),
          keysPerAccount: 2,
        });
        keys.set(tenant, [...seeded.keyIds]);
        send({
          id,
          result: { url: target.tenantUrl(tenant), token: target.token(tenant), count: seeded.keyIds.length },
        });
      } else if (op === 'counters') {
        const c = target.counters();
        send({ id, result: { requests: c.requests, rateLimited: c.rateLimited, byStatus: c.byStatus } });
      } else if (op === 'reset') {
        target.resetCounters();
        send({ id, result: null });
      } else if (op === 'check') {
        let exactlyOnce = 0;
        let never = 0;
        let more = 0;
        for (const key of keys.get(tenant) ?? []) {
          const applied = target.effects('key', key, tenant).applied;
          if (applied === 1) exactlyOnce++;
          else if (applied === 0) never++;
          else more++;
        }
        send({ id, result: { exactlyOnce, never, more } satisfies Check });
      } else if (op === 'close') {
        await target.close();
        send({ id, result: null });
        process.disconnect();
      }
    },
  );
  send({ ready: true });
}

// ---- parent: the clients ----------------------------------------------------

/** Samples this process's RSS every 100 ms; `peak` since the last `reset`. */
class RssSampler {
  #peak = 0;
  #heapPeak = 0;
  readonly #timer: NodeJS.Timeout;
  constructor() {
    this.#timer = setInterval(() => this.sample(), 100);
  }
  sample(): void {
    const usage = process.memoryUsage();
    this.#peak = Math.max(this.#peak, usage.rss);
    this.#heapPeak = Math.max(this.#heapPeak, usage.heapUsed);
  }
  reset(): void {
    this.#peak = process.memoryUsage().rss;
    this.#heapPeak = process.memoryUsage().heapUsed;
  }
  get heapPeak(): number {
    return this.#heapPeak;
  }
  get peak(): number {
    this.sample();
    return this.#peak;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

function policyFor(name: string, rate: number | undefined): ResiliencePolicy {
  return createResiliencePolicy({
    name,
    retry: { retries: 5 },
    timeout: 10_000,
    ...(rate === undefined ? {} : { rateLimit: { perSecond: rate } }),
  });
}

/** BENCH_TRANSPORT=fetch binds with the built-in fetch instead of the default transport (both runs). */
const TRANSPORT = process.env.BENCH_TRANSPORT === 'fetch' ? 'fetch' : 'default (nodeHttpFetch)';
const transport = TRANSPORT === 'fetch' ? globalThis.fetch : undefined;

function bind(seeded: Seeded, tenant: string, policy: ResiliencePolicy): BoundConnector {
  return acme.with({ baseUrl: seeded.url, tenant, pageSize: 1000 }, staticCredential(seeded.token), {
    tenant,
    policy,
    ...(transport === undefined ? {} : { fetch: transport }),
  });
}

interface RunResult {
  readonly name: string;
  readonly steps: number;
  readonly wallMs: number;
  readonly peakRss: number;
  readonly peakHeap: number;
  readonly startRss: number;
  readonly counters: Counters;
  readonly check: Check;
  readonly note: string;
  /** CPU time of this (the client) process during the run, user + system, in ms. */
  readonly cpuMs: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function gc(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
}

async function runLifecycle(
  target: TargetProcess<true>,
  rss: RssSampler,
  tenant: string,
  count: number,
  rate: number | undefined,
): Promise<RunResult> {
  const seeded = await target.request<Seeded>('seed', {
    tenant,
    count,
    ...(rate === undefined ? {} : { rate }),
  });
  const policy = policyFor(`acme/${tenant}`, rate);
  const bound = bind(seeded, tenant, policy);
  await bound.call('connection.test', {}); // resolve the API version before the clock starts
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-lifecycle-'));
  const store: Store = STORE === 'memory' ? memoryStore() : sqliteStore({ file: join(dir, 'lifeline.db') });
  const lifeline = createLifecycle({
    connectors: { acme: bound },
    store,
    concurrency: { total: CONCURRENCY, perConnector: CONCURRENCY },
    verify: { attempts: 3, initialDelayMs: 20 },
    guard: { maxStepsPerConnector: 1_000_000 },
  });
  let firstStepMs = 0;
  const startedAt = performance.now();
  const progress = lifeline.onProgress(() => {
    if (firstStepMs === 0) firstStepMs = performance.now() - startedAt;
  });
  await gc();
  await target.request('reset');
  rss.reset();
  const startRss = rss.peak;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report: LifecycleReport = await lifeline.emergencyRevoke({
    runId: `bench-${tenant}`,
    selector: { createdBefore: '2100-01-01T00:00:00Z' },
    event: { reason: 'benchmark', actor: { kind: 'system', id: 'bench' } },
  });
  const wallMs = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  const peakRss = rss.peak;
  progress.dispose();
  const counters = await target.request<Counters>('counters');
  const check = await target.request<Check>('check', { tenant });
  policy.shutdown();
  await store.close?.();
  rmSync(dir, { recursive: true, force: true });
  return {
    name: `Lifeline createLifecycle().emergencyRevoke (${STORE} store, concurrency ${CONCURRENCY}${rate === undefined ? '' : `, policy rate limit ${rate}/s`})`,
    steps: report.summary.total,
    wallMs,
    peakRss,
    peakHeap: rss.heapPeak,
    startRss,
    counters,
    check,
    cpuMs,
    note: `status ${report.status}; done ${report.summary.done}, verified ${report.summary.verified}, escalated ${report.summary.escalated}, failed ${report.summary.failed}; planning (to the first settled step) ${(firstStepMs / 1000).toFixed(2)} s`,
  };
}

async function runBaseline(
  target: TargetProcess<true>,
  rss: RssSampler,
  tenant: string,
  count: number,
  rate: number | undefined,
): Promise<RunResult> {
  const seeded = await target.request<Seeded>('seed', {
    tenant,
    count,
    ...(rate === undefined ? {} : { rate }),
  });
  const policy = policyFor(`acme/${tenant}`, rate);
  const bound = bind(seeded, tenant, policy);
  await bound.call('connection.test', {});
  await gc();
  await target.request('reset');
  rss.reset();
  const startRss = rss.peak;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const keys: Key[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const result = await bound.call('credential.list', {
      pageSize: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const item of result.items)
      if (item.status === 'active') keys.push({ id: item.id, accountId: item.accountId ?? '' });
    if (result.nextCursor === undefined) break;
    cursor = result.nextCursor;
  }
  let unverified = 0;
  await pool(keys, CONCURRENCY, async (key) => {
    await bound.call('credential.revoke', { credential: key }).catch(() => {});
    const back = await bound.call('credential.get', { credential: key });
    if (back.status !== 'revoked') unverified++;
  });
  const wallMs = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  const peakRss = rss.peak;
  const counters = await target.request<Counters>('counters');
  const check = await target.request<Check>('check', { tenant });
  policy.shutdown();
  return {
    cpuMs,
    name: `baseline: bound.call list + revoke + get in a pool of ${CONCURRENCY}${rate === undefined ? '' : `, policy rate limit ${rate}/s`}`,
    steps: keys.length,
    wallMs,
    peakRss,
    peakHeap: rss.heapPeak,
    startRss,
    counters,
    check,
    note: `${unverified} not read back as revoked`,
  };
}

function print(result: RunResult, floorRate?: number): void {
  const { counters, check } = result;
  console.log(`\n${result.name}`);
  console.log(
    `  steps          ${result.steps.toLocaleString()} in ${(result.wallMs / 1000).toFixed(2)} s = ${(result.steps / (result.wallMs / 1000)).toFixed(0)} steps/s`,
  );
  console.log(
    `  requests       ${counters.requests.toLocaleString()} (${(counters.requests / result.steps).toFixed(2)}/step, ${(counters.requests / (result.wallMs / 1000)).toFixed(0)}/s); 429s ${counters.rateLimited}`,
  );
  console.log(
    `  client CPU     ${(result.cpuMs / 1000).toFixed(2)} s = ${((result.cpuMs * 1000) / result.steps).toFixed(0)} µs/step (${((100 * result.cpuMs) / result.wallMs).toFixed(0)} % of one core)`,
  );
  if (floorRate !== undefined) {
    const floorMs = (counters.requests / floorRate) * 1000;
    console.log(
      `  floor          ${(floorMs / 1000).toFixed(2)} s (requests / ${floorRate}); wall = ${(result.wallMs / floorMs).toFixed(3)} × floor`,
    );
  }
  console.log(
    `  RSS            peak ${(result.peakRss / MB).toFixed(0)} MB (at start ${(result.startRss / MB).toFixed(0)} MB); peak heap used ${(result.peakHeap / MB).toFixed(0)} MB`,
  );
  console.log(
    `  revoked once   ${check.exactlyOnce.toLocaleString()}; never ${check.never}; more than once ${check.more}`,
  );
  console.log(`  ${result.note}`);
}

async function main(steps: number, rateLimitedSteps: number): Promise<void> {
  const target = new TargetProcess<true>(import.meta.url, ['--target']);
  await target.ready;
  const rss = new RssSampler();
  console.log(
    `lifecycle: emergency revocation, every step verified by read-back; store ${STORE}; concurrency ${CONCURRENCY}; transport ${TRANSPORT}; Node ${process.version}; gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed'}; heap limit ${(getHeapStatistics().heap_size_limit / MB).toFixed(0)} MB`,
  );
  const only = process.env.BENCH_ONLY;
  const skipBaseline = process.env.BENCH_SKIP_BASELINE === '1';
  const verdicts: string[] = [];
  if (only === undefined || only === 'a') {
    console.log(`\n(a) ${steps.toLocaleString()} steps, no rate limit`);
    const lifeline = await runLifecycle(target, rss, 'life-a', steps, undefined);
    print(lifeline);
    const baseline = skipBaseline ? lifeline : await runBaseline(target, rss, 'base-a', steps, undefined);
    if (!skipBaseline) print(baseline);
    const rssOk = lifeline.peakRss <= 300 * MB;
    verdicts.push(
      `(a) peak RSS ≤ 300 MB: ${(lifeline.peakRss / MB).toFixed(0)} MB  ${rssOk ? 'met' : 'MISSED'}`,
      skipBaseline
        ? `(a) throughput: ${(lifeline.steps / (lifeline.wallMs / 1000)).toFixed(0)} steps/s (baseline skipped)`
        : `(a) throughput: ${(lifeline.steps / (lifeline.wallMs / 1000)).toFixed(0)} steps/s = ${(baseline.wallMs / lifeline.wallMs).toFixed(2)} × the baseline's rate (baseline ${(baseline.steps / (baseline.wallMs / 1000)).toFixed(0)} steps/s); peak RSS ${(lifeline.peakRss / baseline.peakRss).toFixed(2)} × the baseline's`,
      `(a) exactly once: ${lifeline.check.exactlyOnce}/${steps} ${lifeline.check.exactlyOnce === steps ? 'met' : 'MISSED'}`,
    );
  }
  if (only === undefined || only === 'b') {
    console.log(`\n(b) ${rateLimitedSteps.toLocaleString()} steps, the target enforcing ${RATE} req/s`);
    const lifeline = await runLifecycle(target, rss, 'life-b', rateLimitedSteps, RATE);
    print(lifeline, RATE);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the target's bucket refill
    const baseline = skipBaseline
      ? lifeline
      : await runBaseline(target, rss, 'base-b', rateLimitedSteps, RATE);
    if (!skipBaseline) print(baseline, RATE);
    const floorMs = (lifeline.counters.requests / RATE) * 1000;
    const ratio = lifeline.wallMs / floorMs;
    const baseRatio = baseline.wallMs / ((baseline.counters.requests / RATE) * 1000);
    verdicts.push(
      `(b) wall ≤ 1.10 × floor: ${ratio.toFixed(3)} × (${(lifeline.wallMs / 1000).toFixed(2)} s vs ${(floorMs / 1000).toFixed(2)} s)  ${ratio <= 1.1 ? 'met' : 'MISSED'}; baseline ${baseRatio.toFixed(3)} × its floor; Lifeline/baseline wall ${(lifeline.wallMs / baseline.wallMs).toFixed(2)} ×`,
      `(b) exactly once: ${lifeline.check.exactlyOnce}/${rateLimitedSteps} ${lifeline.check.exactlyOnce === rateLimitedSteps ? 'met' : 'MISSED'}`,
    );
  }
  console.log('\ntargets');
  for (const verdict of verdicts) console.log(`  ${verdict}`);
  rss.stop();
  await target.request('close');
}

const args = process.argv.slice(2);
if (args[0] === '--target') await runTarget();
else await main(Number(args[0] ?? 100_000), Number(args[1] ?? 20_000));
