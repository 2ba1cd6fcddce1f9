import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres';
import { POSTGRES_URL, serviceAvailable } from '../helpers/services';

const racer = fileURLToPath(new URL('./fixtures/postgresRacer.ts', import.meta.url));
const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 4 });
const hasPostgres = await serviceAvailable('PostgreSQL', () => pool.query('SELECT 1'));
const schema = `lifeline_mp${process.pid}_${Date.now().toString(36)}`;
afterAll(async () => {
  if (hasPostgres) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

const WORKERS = 8;
const KEYS = 2000;

interface Racer {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<{ worker: string; acquired: number[] }>;
}

function startRacer(worker: number): Racer {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', racer, POSTGRES_URL, schema, String(KEYS), String(worker)],
    {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
    if (out.includes('ready\n')) markReady();
  });
  child.stderr?.on('data', (chunk) => {
    err += String(chunk);
  });
  const result = new Promise<{ worker: string; acquired: number[] }>((resolve, reject) => {
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line));
      else reject(new Error(`racer ${worker} exited with ${code}: ${err}`));
    });
  });
  return { child, ready, result };
}

describe.skipIf(!hasPostgres)('postgresStore across processes', () => {
  it(`${WORKERS} processes racing begin on the same ${KEYS} keys acquire each key exactly once`, {
    timeout: 180_000,
  }, async () => {
    const store = postgresStore({ pool, schema });
    await store.migrate();
    const racers = Array.from({ length: WORKERS }, (_, w) => startRacer(w));
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.child.stdin?.end('go\n');
    const results = await Promise.all(racers.map((r) => r.result));

    const acquisitions = new Map<number, number>();
    for (const { acquired } of results)
      for (const i of acquired) acquisitions.set(i, (acquisitions.get(i) ?? 0) + 1);
    expect(acquisitions.size).toBe(KEYS);
    expect([...acquisitions.values()].every((n) => n === 1)).toBe(true);
    expect(results.filter((r) => r.acquired.length > 0).length).toBeGreaterThan(1); // they really raced
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".lifeline_ledger WHERE status = 'completed' AND attempts = 1`,
    );
    expect(rows[0].n).toBe(KEYS);
  });
});
