/**
 * Ledger benchmark: begin+complete cycles per second for each store, beside its
 * target and a baseline measured in the same run (the same two writes done
 * directly on the backend, without the store's validation and lease logic).
 * Store and baseline alternate for several rounds and the medians are reported,
 * so background load hits both alike.
 *
 *   npx tsx bench/ledger.ts [memory] [sqlite] [postgres]   (default: all three)
 *   PostgreSQL from LIFELINE_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { memoryStore, type Store } from 'lifeline';
import { postgresStore } from 'lifeline/stores/postgres';
import { sqliteStore } from 'lifeline/stores/sqlite';
import pg from 'pg';

const POSTGRES_URL = process.env.LIFELINE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const OUTCOME = { status: 'revoked', verified: true, evidence: { readBack: 'absent', adapter: '2024-06' } };
const OUTCOME_TEXT = JSON.stringify(OUTCOME);
const ROUNDS = 3;

interface Row {
  store: string;
  rates: number[];
  baselines: number[];
  target: number;
  note: string;
}
const rows: Row[] = [];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Cycles per second of `cycles` iterations of `cycle(worker, i)` split across `workers` concurrent loops. */
async function rate(
  cycles: number,
  workers: number,
  cycle: (w: number, i: number) => Promise<void>,
): Promise<number> {
  const perWorker = Math.floor(cycles / workers);
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < perWorker; i++) await cycle(w, i);
    }),
  );
  return (perWorker * workers) / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** One begin+complete cycle on a fresh key. */
function storeCycle(store: Store, prefix: string): (w: number, i: number) => Promise<void> {
  return async (w, i) => {
    const key = `${prefix}:${w}:${i}`;
    const owner = `w${w}`;
    const begun = await store.begin(key, 'fp', { owner, leaseMs: 30_000 });
    if (begun.status !== 'acquired') throw new Error(`expected acquired, got ${begun.status}`);
    await store.complete(key, owner, OUTCOME);
  };
}

async function measure(
  name: string,
  target: number,
  note: string,
  cycles: number,
  workers: number,
  store: (round: number) => (w: number, i: number) => Promise<void>,
  baseline: (round: number) => (w: number, i: number) => Promise<void>,
): Promise<void> {
  await rate(Math.ceil(cycles / 5), workers, store(-1)); // warm-up
  await rate(Math.ceil(cycles / 5), workers, baseline(-1));
  const row: Row = { store: name, rates: [], baselines: [], target, note };
  for (let round = 0; round < ROUNDS; round++) {
    row.rates.push(await rate(cycles, workers, store(round)));
    row.baselines.push(await rate(cycles, workers, baseline(round)));
  }
  rows.push(row);
}

async function benchMemory(): Promise<void> {
  const store = memoryStore();
  const maps = new Map<number, Map<string, { status: string; outcome?: string }>>();
  await measure(
    'memory',
    200_000,
    '1 caller, sequential; baseline = two async Map writes per key',
    200_000,
    1,
    (round) => storeCycle(store, `r${round}`),
    (round) => {
      const map = new Map<string, { status: string; outcome?: string }>();
      maps.set(round, map);
      const put = async (key: string, value: { status: string; outcome?: string }) =>
        void map.set(key, value);
      return async (w, i) => {
        const key = `r${round}:${w}:${i}`;
        await put(key, { status: 'in_progress' });
        await put(key, { status: 'completed', outcome: OUTCOME_TEXT });
      };
    },
  );
}

async function benchSqlite(dir: string): Promise<void> {
  const store = sqliteStore({ file: join(dir, 'bench.sqlite') });
  const db = new Database(join(dir, 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE t (key TEXT PRIMARY KEY, status TEXT, owner TEXT, outcome TEXT, revision INTEGER) WITHOUT ROWID',
  );
  const insert = db.prepare(
    "INSERT INTO t VALUES (?, 'in_progress', ?, NULL, 1) ON CONFLICT (key) DO NOTHING",
  );
  const update = db.prepare(
    "UPDATE t SET status = 'completed', outcome = ?, revision = revision + 1 WHERE key = ? AND owner = ? RETURNING *",
  );
  await measure(
    'sqlite (WAL, synchronous=NORMAL)',
    10_000,
    '1 caller, file in a temp dir; baseline = raw INSERT + UPDATE, same pragmas',
    10_000,
    1,
    (round) => storeCycle(store, `r${round}`),
    (round) => async (w, i) => {
      insert.run(`r${round}:${w}:${i}`, 'w');
      update.get(OUTCOME_TEXT, `r${round}:${w}:${i}`, 'w');
    },
  );
  await store.close();
  db.close();
}

async function benchPostgres(): Promise<void> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 8 });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    console.log(`postgres skipped: ${String(error)}`);
    await pool.end();
    return;
  }
  const schema = `lifeline_bench_${process.pid}`;
  try {
    const store = postgresStore({ pool, schema });
    await store.migrate();
    await pool.query(
      `CREATE TABLE "${schema}".baseline (key text PRIMARY KEY, status text, owner text, outcome text, revision bigint)`,
    );
    await measure(
      'postgres, 8 concurrent workers',
      2_000,
      '8 async loops in one process, pool of 8 connections; baseline = named INSERT ON CONFLICT + guarded UPDATE',
      4_000,
      8,
      (round) => storeCycle(store, `r${round}`),
      (round) => async (w, i) => {
        const key = `r${round}:${w}:${i}`;
        await pool.query({
          name: 'bench_insert',
          text: `INSERT INTO "${schema}".baseline VALUES ($1, 'in_progress', $2, NULL, 1) ON CONFLICT (key) DO NOTHING RETURNING 1`,
          values: [key, `w${w}`],
        });
        await pool.query({
          name: 'bench_update',
          text: `UPDATE "${schema}".baseline SET status = 'completed', outcome = $1, revision = revision + 1
                 WHERE key = $2 AND owner = $3 AND status = 'in_progress' RETURNING *`,
          values: [OUTCOME_TEXT, key, `w${w}`],
        });
      },
    );
    const single = await rate(500, 1, storeCycle(store, 'single'));
    const last = rows[rows.length - 1];
    if (last) last.note += `; 1 worker alone: ${Math.round(single)}/s`;
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-'));
const loadBefore = os.loadavg()[0] ?? 0;
try {
  const only = process.argv.slice(2);
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  if (wanted('memory')) await benchMemory();
  if (wanted('sqlite')) await benchSqlite(dir);
  if (wanted('postgres')) await benchPostgres();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`\nbegin+complete cycles per second (median of ${ROUNDS} alternating rounds)`);
console.log(
  `load average ${loadBefore.toFixed(1)} before, ${(os.loadavg()[0] ?? 0).toFixed(1)} after, on ${os.availableParallelism()} cores\n`,
);
console.log(
  [
    'store'.padEnd(34),
    'cycles/s'.padStart(9),
    'target'.padStart(8),
    'met'.padStart(4),
    'baseline/s'.padStart(11),
    'ratio'.padStart(6),
    '  rounds (store | baseline)',
  ].join(' '),
);
for (const r of rows) {
  const value = median(r.rates);
  const base = median(r.baselines);
  console.log(
    [
      r.store.padEnd(34),
      fmt(value).padStart(9),
      fmt(r.target).padStart(8),
      (value >= r.target ? 'yes' : 'NO').padStart(4),
      fmt(base).padStart(11),
      `${(value / base).toFixed(2)}x`.padStart(6),
      `  ${r.rates.map(fmt).join(' ')} | ${r.baselines.map(fmt).join(' ')}`,
    ].join(' '),
  );
  console.log(`${''.padEnd(35)}${r.note}`);
}
