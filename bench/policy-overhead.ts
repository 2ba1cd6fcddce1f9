/**
 * Happy-path overhead of a resolved no-op through: a bare call, opossum alone,
 * cockatiel 3 wrap(retry, circuitBreaker), and Lifeline's composed policy
 * (retry + bulkhead + breaker + rate limit high enough never to wait; no
 * timeout; a last, informational case adds the default 30 s per-attempt
 * timeout). Each case runs in a fresh child process (node --expose-gc), several
 * rounds interleaved; the median is reported. Lifeline's heap growth over 1M
 * calls is measured after forced GCs.
 *
 *   npx tsx bench/policy-overhead.ts            # all cases
 *   npx tsx bench/policy-overhead.ts --calls 500000 --rounds 5
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type CaseName = 'bare' | 'opossum' | 'cockatiel' | 'lifeline' | 'lifeline+timeout';
/** `lifeline+timeout` (the default 30 s per-attempt timeout on) is informational, outside the target. */
const CASES: CaseName[] = ['bare', 'opossum', 'cockatiel', 'lifeline', 'lifeline+timeout'];

interface Result {
  name: CaseName;
  nsPerOp: number;
  opsPerSec: number;
  heapGrowthMb: number;
}

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function makeCase(name: CaseName): Promise<() => Promise<unknown>> {
  const noop = (): Promise<number> => Promise.resolve(1);
  switch (name) {
    case 'bare':
      return noop;
    case 'opossum': {
      const { default: CircuitBreaker } = await import('opossum');
      const breaker = new CircuitBreaker(noop, {
        timeout: false,
        rollingPercentilesEnabled: false,
        enableSnapshots: false,
        volumeThreshold: 10,
      });
      return () => breaker.fire();
    }
    case 'cockatiel': {
      const { wrap, retry, circuitBreaker, handleAll, ConsecutiveBreaker, ExponentialBackoff } = await import(
        'cockatiel'
      );
      const policy = wrap(
        retry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff() }),
        circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(10) }),
      );
      return () => policy.execute(noop);
    }
    case 'lifeline':
    case 'lifeline+timeout': {
      const { createResiliencePolicy } = await import('lifeline');
      const policy = createResiliencePolicy({
        retry: { retries: 3 },
        breaker: { volumeThreshold: 10 },
        rateLimit: { perSecond: 1e9, burst: 1e9 },
        bulkhead: { maxConcurrent: 1000 },
        timeout: name === 'lifeline' ? false : 30_000,
      });
      const options = { idempotent: true, operation: 'credential.revoke' };
      return () => policy.execute(noop, options);
    }
  }
}

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function child(name: CaseName, calls: number): Promise<void> {
  const run = await makeCase(name);
  for (let i = 0; i < 200_000; i++) await run();
  const heapBefore = heapMb();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await run();
  const elapsedNs = Number(process.hrtime.bigint() - start);
  const heapAfter = heapMb();
  const result: Result = {
    name,
    nsPerOp: elapsedNs / calls,
    opsPerSec: (calls * 1e9) / elapsedNs,
    heapGrowthMb: heapAfter - heapBefore,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function parent(calls: number, rounds: number): void {
  const self = fileURLToPath(import.meta.url);
  const results = new Map<CaseName, Result[]>(CASES.map((c) => [c, []]));
  console.log(
    `policy-overhead: ${calls.toLocaleString()} calls per case, ${rounds} rounds, Node ${process.version}`,
  );
  for (let round = 1; round <= rounds; round++) {
    for (const name of CASES) {
      const out = spawnSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', self, '--child', name, '--calls', String(calls)],
        { encoding: 'utf8' },
      );
      if (out.status !== 0) throw new Error(`case ${name} failed: ${out.stderr}`);
      const line = out.stdout.trim().split('\n').pop() ?? '';
      results.get(name)?.push(JSON.parse(line) as Result);
    }
  }
  const summary = CASES.map((name) => {
    const rs = results.get(name) ?? [];
    return {
      name,
      nsPerOp: median(rs.map((r) => r.nsPerOp)),
      opsPerSec: median(rs.map((r) => r.opsPerSec)),
      heapGrowthMb: Math.max(...rs.map((r) => r.heapGrowthMb)),
    };
  });
  const bare = summary[0]?.nsPerOp ?? 1;
  const cockatiel = summary.find((s) => s.name === 'cockatiel')?.nsPerOp ?? 1;
  console.log('');
  console.log('case               ns/op      ops/s         × bare   heap growth (max, MB)');
  for (const s of summary) {
    console.log(
      `${s.name.padEnd(17)} ${s.nsPerOp.toFixed(0).padStart(6)}  ${Math.round(s.opsPerSec).toLocaleString().padStart(12)}   ${(s.nsPerOp / bare).toFixed(2).padStart(6)}   ${s.heapGrowthMb.toFixed(2).padStart(8)}`,
    );
  }
  const lifeline = summary.find((s) => s.name === 'lifeline');
  if (lifeline !== undefined) {
    const ratio = lifeline.nsPerOp / cockatiel;
    console.log('');
    console.log(
      `Lifeline / cockatiel ns/op: ${ratio.toFixed(2)}× (target ≤ 2.00×) ${ratio <= 2 ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `Lifeline heap growth over ${calls.toLocaleString()} calls: ${lifeline.heapGrowthMb.toFixed(2)} MB (target ≤ 20 MB) ${lifeline.heapGrowthMb <= 20 ? 'MET' : 'NOT MET'}`,
    );
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  await child(process.argv[childIndex + 1] as CaseName, arg('calls', 1_000_000));
} else {
  parent(arg('calls', 1_000_000), arg('rounds', 3));
}
