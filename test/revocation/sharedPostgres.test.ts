/**
 * Issue 5's concurrency test: 8 worker processes share one PostgreSQL ledger
 * and the same 5,000 revocations against one fake target; the target applies
 * each exactly once and the ledger completes each once.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RevocationOutcome } from 'lifeline';
import { postgresStore } from 'lifeline/stores/postgres';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL, serviceAvailable } from '../helpers/services';

const workerScript = fileURLToPath(new URL('./fixtures/pgWorker.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const WORKERS = 8;
const LANES = 4;
const CREDENTIALS = 5000;

const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
const hasPostgres = await serviceAvailable('PostgreSQL', () => pool.query('SELECT 1'));
const schema = `lifeline_rv${process.pid}_${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'lifeline-workers-'));
let target: FakeTarget;
let keys: { id: string; accountId: string }[];

beforeAll(async () => {
  target = await createFakeTarget({ seed: 5000 });
  const { keyIds } = target.seed('acme', { accounts: CREDENTIALS / 2, keysPerAccount: 2 });
  keys = keyIds.map((id) => ({ id, accountId: target.state.key('acme', id)?.accountId ?? '' }));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
});

afterAll(async () => {
  if (hasPostgres) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

interface WorkerResult {
  readonly worker: number;
  readonly performed: number[];
  readonly counts: {
    performed: number;
    replayed: number;
    notVerified: number;
    failed: number;
    elapsedMs: number;
  };
}

function startWorker(worker: number) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      workerScript,
      POSTGRES_URL,
      schema,
      target.tenantUrl('acme'),
      target.token('acme'),
      join(dir, 'keys.json'),
      String(worker),
      String(LANES),
    ],
    { cwd: root, stdio: 'pipe' },
  );
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk) => {
    out += String(chunk);
    if (out.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line !== undefined) resolve(JSON.parse(line) as WorkerResult);
      else reject(new Error(`worker ${worker} exited with ${code}: ${err.slice(-2000)}`));
    });
  });
  return { child, ready, result };
}

describe.skipIf(!hasPostgres)('8 worker processes sharing one PostgreSQL ledger', () => {
  it(`revoke the same ${CREDENTIALS} credentials: each applied once, each completed once`, {
    timeout: 180_000,
  }, async () => {
    const store = postgresStore({ pool, schema });
    await store.migrate();
    const workers = Array.from({ length: WORKERS }, (_, w) => startWorker(w));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.end('go\n');
    const results = await Promise.all(workers.map((w) => w.result));
    console.info(
      `shared PostgreSQL test: ${results.map((r) => `w${r.worker} ${JSON.stringify(r.counts)}`).join('; ')}`,
    );

    // The target: every key revoked, each applied exactly once.
    const applied = keys.map((key) => target.effects('key', key.id, 'acme').applied);
    expect(applied.filter((n) => n !== 1)).toEqual([]);
    expect(target.counters().mutations.applied).toBe(CREDENTIALS);

    // The workers: each key performed by exactly one of them, replayed by the others.
    const performers = new Map<number, number>();
    for (const { performed } of results)
      for (const i of performed) performers.set(i, (performers.get(i) ?? 0) + 1);
    expect(performers.size).toBe(CREDENTIALS);
    expect([...performers.values()].every((n) => n === 1)).toBe(true);
    for (const { counts } of results) {
      expect(counts).toMatchObject({ failed: 0, notVerified: 0 });
      expect(counts.performed + counts.replayed).toBe(CREDENTIALS);
    }
    expect(results.filter((r) => r.counts.performed > 0).length).toBe(WORKERS);

    // The ledger: one completed, verified record per key, acquired once.
    const { rows } = await pool.query<{ status: string; attempts: number; outcome: string }>(
      `SELECT status, attempts, outcome FROM "${schema}".lifeline_ledger`,
    );
    expect(rows).toHaveLength(CREDENTIALS);
    expect(rows.filter((row) => row.status !== 'completed' || row.attempts !== 1)).toEqual([]);
    const outcomes = rows.map((row) => RevocationOutcome.parse(JSON.parse(row.outcome)));
    expect(outcomes.filter((o) => o.status !== 'revoked' || !o.verified)).toEqual([]);
    expect(new Set(outcomes.map((o) => o.ref.id)).size).toBe(CREDENTIALS);
  });
});
