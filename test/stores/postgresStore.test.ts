import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isLifelineError } from '../../src/errors';
import { postgresStore } from '../../src/stores/postgres';
import { describeStore } from '../../src/testing/storeConformance';
import { POSTGRES_URL, serviceAvailable } from '../helpers/services';

const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 20 });
const hasPostgres = await serviceAvailable('PostgreSQL', () => pool.query('SELECT 1'));
const prefix = `lifeline_t${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe.skipIf(!hasPostgres)('PostgreSQL', () => {
  describeStore(
    'postgresStore',
    async ({ clock }) => {
      const schema = `${prefix}_${schemas.length}`;
      schemas.push(schema);
      const store = postgresStore({ pool, schema, clock: clock.now });
      await store.migrate();
      return store;
    },
    { describe, it },
  );
});

describe.skipIf(!hasPostgres)('postgresStore schema', () => {
  it('tells the caller to migrate when the tables do not exist', async () => {
    const store = postgresStore({ pool, schema: `${prefix}_unmigrated` });
    const error = await store.begin('k', 'fp', { owner: 'w', leaseMs: 1000 }).catch((e: unknown) => e);
    expect(isLifelineError(error, 'permanent')).toBe(true);
    expect((error as Error).message).toMatch(/migrate\(\)/);
  });

  it('migrates idempotently, also when many workers migrate at once', async () => {
    const schema = `${prefix}_migrate`;
    schemas.push(schema);
    const stores = Array.from({ length: 4 }, () => postgresStore({ pool, schema }));
    expect(await Promise.all(stores.map((s) => s.migrate()))).toEqual([1, 1, 1, 1]);
    expect(await stores[0]?.migrate()).toBe(1);
    const { rows } = await pool.query(`SELECT version FROM "${schema}".lifeline_migrations ORDER BY version`);
    expect(rows.map((r) => r.version)).toEqual([1]);
  });

  it('owns and ends the pool it creates from a connection string', async () => {
    const schema = `${prefix}_owned`;
    schemas.push(schema);
    const store = postgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 2 });
    await store.migrate();
    await store.putTask({ id: 't1', kind: 'manual_revoke', status: 'open' });
    expect((await store.getTask('t1'))?.status).toBe('open');
    await store.close();
  });

  it('refuses options naming neither or both of pool and connectionString', () => {
    expect(() => postgresStore({ schema: 'x' })).toThrow(/exactly one of pool or connectionString/);
    expect(() => postgresStore({ pool, connectionString: POSTGRES_URL })).toThrow(/exactly one/);
    expect(() => postgresStore({ pool, schema: 'Robert"; DROP' })).toThrow(/lower-case SQL identifier/);
  });
});
