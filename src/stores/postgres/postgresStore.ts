import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isLifelineError, PermanentError, TransientError, UnsupportedError } from '../../errors';
import { parseInput } from '../../errors/parseInput';
import {
  BaseStore,
  type BaseStoreOptions,
  BaseStoreOptionsShape,
  type ClaimQuery,
  type ClaimUpdate,
  type LedgerGuard,
  type LedgerPatch,
  type LedgerRow,
  type RunRow,
  type StepRow,
  type StepWrite,
  type TaskRow,
} from '../BaseStore';
import type { TaskStatus } from '../Store';
import {
  LEDGER_COLUMNS,
  ledgerFromSql,
  patchColumns,
  type RawRow,
  runFromSql,
  stepFromSql,
  taskFromSql,
} from '../sqlRows';
import type { PgClient, PgPool } from './PgPool';
import { POSTGRES_MIGRATIONS } from './postgresSchema';

/** Options of {@link postgresStore}: an existing `pool`, or a `connectionString` for a pool the store owns. */
export interface PostgresStoreOptions extends BaseStoreOptions {
  /** A `pg.Pool` (the store never ends it). */
  readonly pool?: PgPool;
  /** Connection string for a pool the store creates and `close()` ends. */
  readonly connectionString?: string;
  /** Size of an owned pool (default 10). */
  readonly maxConnections?: number;
  /** Schema holding the tables (default `public`); created by `migrate()`. */
  readonly schema?: string;
}

const Options = z
  .strictObject({
    ...BaseStoreOptionsShape,
    pool: z
      .custom<PgPool>(
        (v) => typeof v === 'object' && v !== null && typeof (v as { query?: unknown }).query === 'function',
        'must be a pg Pool',
      )
      .optional(),
    connectionString: z.string().min(1).optional(),
    maxConnections: z.number().int().min(1).max(1000).optional(),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (a-z, 0-9, _)')
      .optional(),
  })
  .refine((o) => (o.pool === undefined) !== (o.connectionString === undefined), {
    message: 'give exactly one of pool or connectionString',
    path: ['pool'],
  });

const LEDGER_FIELDS = Object.values(LEDGER_COLUMNS);
const LEDGER_KEYS = Object.keys(LEDGER_COLUMNS) as (keyof LedgerRow)[];

type PoolConstructor = new (config: {
  connectionString: string;
  max: number;
}) => PgPool & {
  on(event: 'error', listener: (error: Error) => void): unknown;
};

async function loadPool(): Promise<PoolConstructor> {
  try {
    const mod = (await import('pg')) as unknown as {
      default?: { Pool: PoolConstructor };
      Pool?: PoolConstructor;
    };
    const Pool = mod.default?.Pool ?? mod.Pool;
    if (Pool === undefined) throw new Error('pg has no Pool export');
    return Pool;
  } catch (error) {
    throw new UnsupportedError(
      'lifeline/stores/postgres needs the optional peer dependency pg: npm install pg@8 (or pass { pool }).',
      { cause: error },
    );
  }
}

const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '53300', '57P01', '57P02', '57P03']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function mapError(error: unknown): unknown {
  if (isLifelineError(error)) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code === '42P01') {
    return new PermanentError(
      'The Lifeline tables do not exist: call `await store.migrate()` once before use.',
      {
        cause: error,
      },
    );
  }
  if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) {
    return new TransientError(`PostgreSQL store call failed transiently (${code}); try again.`, {
      cause: error,
    });
  }
  if (
    error instanceof Error &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)
  ) {
    return new TransientError('PostgreSQL connection was lost; try again.', { cause: error });
  }
  return new PermanentError(`PostgreSQL store call failed (${code || 'unknown error'}).`, { cause: error });
}

/**
 * The PostgreSQL store: a ledger and journal shared by many workers on many
 * machines. `begin` is one `INSERT ... ON CONFLICT DO NOTHING`; takeovers and
 * lease-owner updates are single guarded `UPDATE`s (compare-and-swap on a
 * revision, or on the owner), so concurrent workers cannot both win; claims use
 * `FOR UPDATE SKIP LOCKED`. Create the tables once with `migrate()`.
 */
export class PostgresStore extends BaseStore {
  readonly kind = 'postgres';
  readonly #options: PostgresStoreOptions;
  readonly #schema: string;
  readonly #t: { ledger: string; runs: string; steps: string; tasks: string; migrations: string };
  #pool: PgPool | undefined;
  readonly #names = new Map<string, string>();
  #creating: Promise<PgPool> | undefined;

  constructor(options: PostgresStoreOptions) {
    const parsed = parseInput(Options, options, 'postgresStore options');
    super(parsed);
    this.#options = options;
    this.#schema = parsed.schema ?? 'public';
    const q = `"${this.#schema}"`;
    this.#t = {
      ledger: `${q}.lifeline_ledger`,
      runs: `${q}.lifeline_runs`,
      steps: `${q}.lifeline_steps`,
      tasks: `${q}.lifeline_tasks`,
      migrations: `${q}.lifeline_migrations`,
    };
    this.#pool = options.pool;
  }

  async #getPool(): Promise<PgPool> {
    if (this.#pool) return this.#pool;
    this.#creating ??= (async () => {
      const Pool = await loadPool();
      const pool = new Pool({
        connectionString: this.#options.connectionString as string,
        max: this.#options.maxConnections ?? 10,
      });
      // An idle client losing its connection must not crash the process; the next query reconnects.
      pool.on('error', () => {});
      this.#pool = pool;
      return pool;
    })();
    return this.#creating;
  }

  /** Runs one statement as a named prepared statement (parsed and planned once per connection). */
  async #query(text: string, values: unknown[]): Promise<RawRow[]> {
    const pool = this.#pool ?? (await this.#getPool());
    let name = this.#names.get(text);
    if (name === undefined) {
      name = `lifeline_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.#names.set(text, name);
    }
    try {
      return (await pool.query({ name, text, values })).rows;
    } catch (error) {
      throw mapError(error);
    }
  }

  async #transaction<R>(work: (client: PgClient) => Promise<R>): Promise<R> {
    const pool = this.#pool ?? (await this.#getPool());
    let client: PgClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw mapError(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw mapError(error);
    }
  }

  /**
   * Creates or upgrades the schema: idempotent, versioned, safe to run from many
   * workers at once (an advisory lock serialises them). Resolves the schema version.
   *
   * @example
   * ```ts
   * const store = postgresStore({ connectionString: process.env.DATABASE_URL! });
   * await store.migrate();
   * ```
   */
  async migrate(): Promise<number> {
    return this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lifeline:${this.#schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.#schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.#t.migrations} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query(`SELECT coalesce(max(version), 0) AS v FROM ${this.#t.migrations}`);
      const current = Number(rows[0]?.v ?? 0);
      for (let v = current; v < POSTGRES_MIGRATIONS.length; v++) {
        await client.query((POSTGRES_MIGRATIONS[v] as string).replaceAll('{schema}', `"${this.#schema}"`));
        await client.query(`INSERT INTO ${this.#t.migrations} (version) VALUES ($1)`, [v + 1]);
      }
      return POSTGRES_MIGRATIONS.length;
    });
  }

  protected async insertLedger(row: LedgerRow): Promise<boolean> {
    const rows = await this.#query(
      `INSERT INTO ${this.#t.ledger} (${LEDGER_FIELDS.join(',')}) VALUES (${LEDGER_FIELDS.map((_, i) => `$${i + 1}`).join(',')})
       ON CONFLICT (key) DO NOTHING RETURNING 1 AS inserted`,
      LEDGER_KEYS.map((f) => row[f]),
    );
    return rows.length === 1;
  }

  protected async readLedger(key: string): Promise<LedgerRow | undefined> {
    const rows = await this.#query(`SELECT * FROM ${this.#t.ledger} WHERE key = $1`, [key]);
    return rows[0] && ledgerFromSql(rows[0]);
  }

  protected async updateLedger(
    key: string,
    guard: LedgerGuard,
    patch: LedgerPatch,
  ): Promise<LedgerRow | undefined> {
    const { columns, values } = patchColumns(patch);
    const n = values.length;
    const byRevision = 'revision' in guard;
    const set = columns.map((c, i) => `${c} = $${i + 1}`).join(', ');
    const rows = await this.#query(
      `UPDATE ${this.#t.ledger} SET ${set}${n ? ', ' : ''}revision = revision + 1
       WHERE key = $${n + 1} AND ${byRevision ? `revision = $${n + 2}` : `owner = $${n + 2} AND status = 'in_progress'`}
       RETURNING *`,
      [...values, key, byRevision ? guard.revision : guard.owner],
    );
    return rows[0] && ledgerFromSql(rows[0]);
  }

  protected async deleteLedger(key: string): Promise<boolean> {
    const rows = await this.#query(`DELETE FROM ${this.#t.ledger} WHERE key = $1 RETURNING 1 AS d`, [key]);
    return rows.length > 0;
  }

  protected async deleteExpiredLedger(now: number): Promise<number> {
    const rows = await this.#query(
      `DELETE FROM ${this.#t.ledger} WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING 1 AS d`,
      [now],
    );
    return rows.length;
  }

  protected async upsertRun(run: Omit<RunRow, 'createdAt' | 'updatedAt'>, now: number): Promise<RunRow> {
    const rows = await this.#query(
      `INSERT INTO ${this.#t.runs} (id, status, payload, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, payload = excluded.payload, updated_at = excluded.updated_at
       RETURNING *`,
      [run.id, run.status, run.payload, now],
    );
    return runFromSql(rows[0] as RawRow);
  }

  protected async readRun(id: string): Promise<RunRow | undefined> {
    const rows = await this.#query(`SELECT * FROM ${this.#t.runs} WHERE id = $1`, [id]);
    return rows[0] && runFromSql(rows[0]);
  }

  protected async upsertStep(step: StepWrite, now: number): Promise<StepRow> {
    const rows = await this.#query(
      `INSERT INTO ${this.#t.steps} (run_id, step_id, status, payload, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, payload = excluded.payload,
         updated_at = excluded.updated_at
       RETURNING *`,
      [step.runId, step.stepId, step.status, step.payload, now],
    );
    return stepFromSql(rows[0] as RawRow);
  }

  protected async upsertSteps(steps: readonly StepWrite[], now: number): Promise<void> {
    // One statement; a step repeated within the batch keeps its last write.
    const last = new Map<string, StepWrite>();
    for (const s of steps) last.set(JSON.stringify([s.runId, s.stepId]), s);
    const batch = [...last.values()];
    await this.#query(
      `INSERT INTO ${this.#t.steps} (run_id, step_id, status, payload, updated_at)
       SELECT r, s, st, p, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(r, s, st, p)
       ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, payload = excluded.payload,
         updated_at = excluded.updated_at`,
      [
        batch.map((s) => s.runId),
        batch.map((s) => s.stepId),
        batch.map((s) => s.status),
        batch.map((s) => s.payload),
        now,
      ],
    );
  }

  protected async readStep(runId: string, stepId: string): Promise<StepRow | undefined> {
    const rows = await this.#query(`SELECT * FROM ${this.#t.steps} WHERE run_id = $1 AND step_id = $2`, [
      runId,
      stepId,
    ]);
    return rows[0] && stepFromSql(rows[0]);
  }

  protected async listStepRows(
    runId: string,
    statuses: readonly string[] | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<StepRow[]> {
    const rows = await this.#query(
      `SELECT * FROM ${this.#t.steps}
       WHERE run_id = $1 AND ($2::text[] IS NULL OR status = ANY($2::text[])) AND ($3::text IS NULL OR step_id > $3)
       ORDER BY step_id LIMIT $4`,
      [runId, statuses ?? null, after ?? null, limit],
    );
    return rows.map(stepFromSql);
  }

  protected async claimStepRows(query: ClaimQuery): Promise<StepRow[]> {
    const rows = await this.#query(
      `WITH picked AS (
         SELECT run_id, step_id FROM ${this.#t.steps}
         WHERE status = ANY($1::text[]) AND ($2::text IS NULL OR run_id = $2)
           AND (claim_expires_at IS NULL OR claim_expires_at <= $3)
         ORDER BY run_id, step_id
         LIMIT $4
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${this.#t.steps} AS s SET claim_owner = $5, claim_expires_at = $6, updated_at = $3
       FROM picked WHERE s.run_id = picked.run_id AND s.step_id = picked.step_id
       RETURNING s.*`,
      [query.statuses, query.runId ?? null, query.now, query.limit, query.owner, query.expiresAt],
    );
    return rows.map(stepFromSql);
  }

  protected async updateClaimedStep(
    runId: string,
    stepId: string,
    owner: string,
    update: ClaimUpdate,
  ): Promise<StepRow | undefined> {
    const rows = await this.#query(
      `UPDATE ${this.#t.steps} SET status = coalesce($1, status), payload = coalesce($2, payload),
         claim_owner = CASE WHEN $3::bigint IS NULL THEN NULL ELSE claim_owner END, claim_expires_at = $3, updated_at = $4
       WHERE run_id = $5 AND step_id = $6 AND claim_owner = $7 RETURNING *`,
      [
        update.status ?? null,
        update.payload ?? null,
        update.claimExpiresAt,
        update.updatedAt,
        runId,
        stepId,
        owner,
      ],
    );
    return rows[0] && stepFromSql(rows[0]);
  }

  protected async upsertTask(task: Omit<TaskRow, 'createdAt' | 'updatedAt'>, now: number): Promise<TaskRow> {
    const rows = await this.#query(
      `INSERT INTO ${this.#t.tasks} (id, kind, status, payload, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, payload = excluded.payload,
         updated_at = excluded.updated_at
       RETURNING *`,
      [task.id, task.kind, task.status, task.payload, now],
    );
    return taskFromSql(rows[0] as RawRow);
  }

  protected async readTask(id: string): Promise<TaskRow | undefined> {
    const rows = await this.#query(`SELECT * FROM ${this.#t.tasks} WHERE id = $1`, [id]);
    return rows[0] && taskFromSql(rows[0]);
  }

  protected async listTaskRows(
    kind: string | undefined,
    status: TaskStatus | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<TaskRow[]> {
    const rows = await this.#query(
      `SELECT * FROM ${this.#t.tasks}
       WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id > $3)
       ORDER BY id LIMIT $4`,
      [kind ?? null, status ?? null, after ?? null, limit],
    );
    return rows.map(taskFromSql);
  }

  async close(): Promise<void> {
    if (this.#options.pool) return; // the caller's pool
    const pool = this.#pool ?? (this.#creating ? await this.#creating.catch(() => undefined) : undefined);
    this.#pool = undefined;
    this.#creating = undefined;
    await pool?.end();
  }
}

/**
 * Creates the PostgreSQL store (`lifeline/stores/postgres`) for many workers on
 * many machines sharing ledgers and runs. Pass a `pg.Pool` or a connection string
 * (then `pg` is loaded lazily). Call `migrate()` once (idempotent) before use.
 *
 * @example
 * ```ts
 * import { postgresStore } from 'lifeline/stores/postgres';
 * const store = postgresStore({ connectionString: 'postgres://lifeline@db/lifeline', schema: 'lifeline' });
 * await store.migrate();
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}
