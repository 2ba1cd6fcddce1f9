import { z } from 'zod';
import { isLifelineError, PermanentError, TransientError, UnsupportedError } from '../../errors';
import { isModuleMissing } from '../../errors/isModuleMissing';
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
  ledgerValues,
  patchColumns,
  type RawRow,
  runFromSql,
  stepFromSql,
  taskFromSql,
} from '../sqlRows';
import type { SqliteDatabase, SqliteDatabaseConstructor, SqliteStatement } from './SqliteDatabase';
import { SQLITE_MIGRATIONS } from './sqliteSchema';

/** Options of {@link sqliteStore}: a `file` to open, or an open better-sqlite3 `database`. */
export interface SqliteStoreOptions extends BaseStoreOptions {
  /** Database file path (created if absent). `:memory:` works but is not durable. */
  readonly file?: string;
  /** An already open better-sqlite3 database (the store does not close it). */
  readonly database?: SqliteDatabase;
  /**
   * `normal` (default): in WAL mode every committed transaction survives a process
   * kill; a power loss may drop the last few commits (never corrupts). `full`:
   * fsync on every commit, which also survives power loss, at a large cost per write.
   */
  readonly synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's lock before failing, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

const Options = z
  .strictObject({
    ...BaseStoreOptionsShape,
    file: z.string().min(1).optional(),
    database: z
      .custom<SqliteDatabase>(
        (v) =>
          typeof v === 'object' && v !== null && typeof (v as { prepare?: unknown }).prepare === 'function',
        'must be a better-sqlite3 Database',
      )
      .optional(),
    synchronous: z.enum(['normal', 'full']).optional(),
    busyTimeoutMs: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((o) => (o.file === undefined) !== (o.database === undefined), {
    message: 'give exactly one of file or database',
    path: ['file'],
  });

const T = {
  ledger: 'lifeline_ledger',
  runs: 'lifeline_runs',
  steps: 'lifeline_steps',
  tasks: 'lifeline_tasks',
} as const;
const LEDGER_FIELDS = Object.values(LEDGER_COLUMNS);
const INSERT_LEDGER_SQL = `INSERT INTO ${T.ledger} (${LEDGER_FIELDS.join(',')}) VALUES (${LEDGER_FIELDS.map(() => '?').join(',')})
  ON CONFLICT (key) DO NOTHING`;
const READ_LEDGER_SQL = `SELECT * FROM ${T.ledger} WHERE key = ?`;

async function loadDriver(): Promise<SqliteDatabaseConstructor> {
  try {
    const mod = (await import('better-sqlite3')) as unknown as {
      default?: SqliteDatabaseConstructor;
    } & SqliteDatabaseConstructor;
    return mod.default ?? mod;
  } catch (error) {
    const missing = isModuleMissing(error, 'better-sqlite3');
    throw new UnsupportedError(
      missing
        ? 'lifeline/stores/sqlite needs the optional peer dependency better-sqlite3: npm install better-sqlite3@12'
        : 'better-sqlite3 is installed but failed to load (native module built for another Node?): npm rebuild better-sqlite3',
      { cause: error },
    );
  }
}

function toSqlValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function mapError(error: unknown): unknown {
  if (isLifelineError(error)) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TransientError('The SQLite database is locked by another writer; try again.', {
      cause: error,
    });
  }
  return new PermanentError(`SQLite store failed (${code || 'unknown error'}).`, { cause: error });
}

/**
 * The SQLite store: durable for one process (or a few on one host), WAL mode,
 * schema created on open. better-sqlite3 is synchronous, so every primitive is one
 * atomic statement or an IMMEDIATE transaction; a write that meets another
 * process's lock waits up to `busyTimeoutMs` (blocking the event loop meanwhile).
 */
export class SqliteStore extends BaseStore {
  readonly kind = 'sqlite';
  readonly #options: SqliteStoreOptions;
  #db: SqliteDatabase | undefined;
  #opening: Promise<SqliteDatabase> | undefined;
  readonly #statements = new Map<string, SqliteStatement>();
  /** Ledger updates by shape (guard kind and patched columns). */
  readonly #updates = new Map<string, SqliteStatement>();

  constructor(options: SqliteStoreOptions) {
    const parsed = parseInput(Options, options, 'sqliteStore options');
    super(parsed);
    this.#options = options;
    if (options.database) this.#db = this.#prepareDatabase(options.database);
  }

  /** Opens the database and creates the schema now (otherwise done by the first call). */
  async open(): Promise<void> {
    await this.#database();
  }

  #prepareDatabase(db: SqliteDatabase): SqliteDatabase {
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.#options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma(`busy_timeout = ${this.#options.busyTimeoutMs ?? 5000}`);
      const migrate = db.transaction(() => {
        const version = Number(db.pragma('user_version', { simple: true }));
        for (let v = version; v < SQLITE_MIGRATIONS.length; v++) db.exec(SQLITE_MIGRATIONS[v] as string);
        if (version < SQLITE_MIGRATIONS.length) db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
      });
      migrate.immediate();
      return db;
    } catch (error) {
      throw mapError(error);
    }
  }

  async #database(): Promise<SqliteDatabase> {
    if (this.#db) return this.#db;
    this.#opening ??= (async () => {
      const Database = await loadDriver();
      let db: SqliteDatabase;
      try {
        db = new Database(this.#options.file as string, { timeout: this.#options.busyTimeoutMs ?? 5000 });
      } catch (error) {
        throw mapError(error);
      }
      this.#db = this.#prepareDatabase(db);
      return this.#db;
    })();
    return this.#opening;
  }

  #statement(db: SqliteDatabase, sql: string): SqliteStatement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async #run<R>(work: (db: SqliteDatabase) => R): Promise<R> {
    const db = this.#db ?? (await this.#database());
    try {
      return work(db);
    } catch (error) {
      throw mapError(error);
    }
  }

  protected insertLedger(row: LedgerRow): Promise<boolean> {
    return this.#run((db) => this.#statement(db, INSERT_LEDGER_SQL).run(...ledgerValues(row)).changes === 1);
  }

  protected readLedger(key: string): Promise<LedgerRow | undefined> {
    return this.#run((db) => {
      const raw = this.#statement(db, READ_LEDGER_SQL).get(key) as RawRow | undefined;
      return raw && ledgerFromSql(raw);
    });
  }

  protected updateLedger(
    key: string,
    guard: LedgerGuard,
    patch: LedgerPatch,
  ): Promise<LedgerRow | undefined> {
    return this.#run((db) => {
      const { columns, values } = patchColumns(patch);
      const byRevision = 'revision' in guard;
      // Statements are cached by shape; the SQL text is built only the first time.
      const shape = `${byRevision ? 'r' : 'o'}:${columns.join(',')}`;
      let statement = this.#updates.get(shape);
      if (statement === undefined) {
        statement = db.prepare(
          `UPDATE ${T.ledger} SET ${columns.map((c) => `${c} = ?`).join(', ')}${columns.length ? ', ' : ''}revision = revision + 1
        WHERE key = ? AND ${byRevision ? 'revision = ?' : "owner = ? AND status = 'in_progress'"} RETURNING *`,
        );
        this.#updates.set(shape, statement);
      }
      values.push(key, byRevision ? guard.revision : guard.owner);
      const raw = statement.get(...values.map(toSqlValue)) as RawRow | undefined;
      return raw && ledgerFromSql(raw);
    });
  }

  protected deleteLedger(key: string): Promise<boolean> {
    return this.#run(
      (db) => this.#statement(db, `DELETE FROM ${T.ledger} WHERE key = ?`).run(key).changes > 0,
    );
  }

  protected deleteExpiredLedger(now: number): Promise<number> {
    return this.#run(
      (db) =>
        this.#statement(db, `DELETE FROM ${T.ledger} WHERE expires_at IS NOT NULL AND expires_at <= ?`).run(
          now,
        ).changes,
    );
  }

  protected upsertRun(run: Omit<RunRow, 'createdAt' | 'updatedAt'>, now: number): Promise<RunRow> {
    return this.#run((db) => {
      const sql = `INSERT INTO ${T.runs} (id, status, payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, payload = excluded.payload, updated_at = excluded.updated_at
        RETURNING *`;
      return runFromSql(this.#statement(db, sql).get(run.id, run.status, run.payload, now, now) as RawRow);
    });
  }

  protected readRun(id: string): Promise<RunRow | undefined> {
    return this.#run((db) => {
      const raw = this.#statement(db, `SELECT * FROM ${T.runs} WHERE id = ?`).get(id) as RawRow | undefined;
      return raw && runFromSql(raw);
    });
  }

  #upsertStepSql = `INSERT INTO ${T.steps} (run_id, step_id, status, payload, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, payload = excluded.payload, updated_at = excluded.updated_at
    RETURNING *`;

  protected upsertStep(step: StepWrite, now: number): Promise<StepRow> {
    return this.#run((db) =>
      stepFromSql(
        this.#statement(db, this.#upsertStepSql).get(
          step.runId,
          step.stepId,
          step.status,
          step.payload,
          now,
        ) as RawRow,
      ),
    );
  }

  /** The same upsert without RETURNING: a batch needs no rows back. */
  #upsertStepsSql = `INSERT INTO ${T.steps} (run_id, step_id, status, payload, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, payload = excluded.payload, updated_at = excluded.updated_at`;

  protected upsertSteps(steps: readonly StepWrite[], now: number): Promise<void> {
    return this.#run((db) => {
      const statement = this.#statement(db, this.#upsertStepsSql);
      db.transaction(() => {
        for (const s of steps) statement.run(s.runId, s.stepId, s.status, s.payload, now);
      }).immediate();
    });
  }

  protected readStep(runId: string, stepId: string): Promise<StepRow | undefined> {
    return this.#run((db) => {
      const raw = this.#statement(db, `SELECT * FROM ${T.steps} WHERE run_id = ? AND step_id = ?`).get(
        runId,
        stepId,
      ) as RawRow | undefined;
      return raw && stepFromSql(raw);
    });
  }

  protected listStepRows(
    runId: string,
    statuses: readonly string[] | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<StepRow[]> {
    return this.#run((db) => {
      const sql = `SELECT * FROM ${T.steps} WHERE run_id = ?
        ${statuses ? 'AND status IN (SELECT value FROM json_each(?))' : ''}
        ${after === undefined ? '' : 'AND step_id > ?'} ORDER BY step_id LIMIT ?`;
      const params: unknown[] = [runId];
      if (statuses) params.push(JSON.stringify(statuses));
      if (after !== undefined) params.push(after);
      params.push(limit);
      return (this.#statement(db, sql).all(...params) as RawRow[]).map(stepFromSql);
    });
  }

  protected claimStepRows(query: ClaimQuery): Promise<StepRow[]> {
    return this.#run((db) => {
      const pick = this.#statement(
        db,
        `SELECT run_id, step_id FROM ${T.steps}
         WHERE status IN (SELECT value FROM json_each(?)) ${query.runId === undefined ? '' : 'AND run_id = ?'}
           AND (claim_expires_at IS NULL OR claim_expires_at <= ?)
         ORDER BY run_id, step_id LIMIT ?`,
      );
      const claim = this.#statement(
        db,
        `UPDATE ${T.steps} SET claim_owner = ?, claim_expires_at = ?, updated_at = ?
         WHERE run_id = ? AND step_id = ? RETURNING *`,
      );
      return db
        .transaction(() => {
          const params: unknown[] = [JSON.stringify(query.statuses)];
          if (query.runId !== undefined) params.push(query.runId);
          params.push(query.now, query.limit);
          const picked = pick.all(...params) as RawRow[];
          return picked.map((p) =>
            stepFromSql(claim.get(query.owner, query.expiresAt, query.now, p.run_id, p.step_id) as RawRow),
          );
        })
        .immediate();
    });
  }

  protected updateClaimedStep(
    runId: string,
    stepId: string,
    owner: string,
    update: ClaimUpdate,
  ): Promise<StepRow | undefined> {
    return this.#run((db) => {
      const sql = `UPDATE ${T.steps} SET status = coalesce(?, status), payload = coalesce(?, payload),
          claim_owner = CASE WHEN ? IS NULL THEN NULL ELSE claim_owner END, claim_expires_at = ?, updated_at = ?
        WHERE run_id = ? AND step_id = ? AND claim_owner = ? RETURNING *`;
      const raw = this.#statement(db, sql).get(
        update.status ?? null,
        update.payload ?? null,
        update.claimExpiresAt,
        update.claimExpiresAt,
        update.updatedAt,
        runId,
        stepId,
        owner,
      ) as RawRow | undefined;
      return raw && stepFromSql(raw);
    });
  }

  protected upsertTask(task: Omit<TaskRow, 'createdAt' | 'updatedAt'>, now: number): Promise<TaskRow> {
    return this.#run((db) => {
      const sql = `INSERT INTO ${T.tasks} (id, kind, status, payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, payload = excluded.payload,
          updated_at = excluded.updated_at
        RETURNING *`;
      return taskFromSql(
        this.#statement(db, sql).get(task.id, task.kind, task.status, task.payload, now, now) as RawRow,
      );
    });
  }

  protected readTask(id: string): Promise<TaskRow | undefined> {
    return this.#run((db) => {
      const raw = this.#statement(db, `SELECT * FROM ${T.tasks} WHERE id = ?`).get(id) as RawRow | undefined;
      return raw && taskFromSql(raw);
    });
  }

  protected listTaskRows(
    kind: string | undefined,
    status: TaskStatus | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<TaskRow[]> {
    return this.#run((db) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (status !== undefined) {
        where.push('status = ?');
        params.push(status);
      }
      if (kind !== undefined) {
        where.push('kind = ?');
        params.push(kind);
      }
      if (after !== undefined) {
        where.push('id > ?');
        params.push(after);
      }
      const sql = `SELECT * FROM ${T.tasks} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
      return (this.#statement(db, sql).all(...params, limit) as RawRow[]).map(taskFromSql);
    });
  }

  async close(): Promise<void> {
    const db = this.#db ?? (this.#opening ? await this.#opening.catch(() => undefined) : undefined);
    this.#statements.clear();
    this.#updates.clear();
    // An injected database belongs to the caller.
    if (db && !this.#options.database && db.open) db.close();
    this.#db = undefined;
    this.#opening = undefined;
  }
}

/**
 * Creates the SQLite store (`lifeline/stores/sqlite`): a durable ledger and
 * journal in one file, for a single process. Loads better-sqlite3 lazily on
 * first use (or pass an open `database`). WAL mode; see `synchronous` for the
 * durability trade-off.
 *
 * @example
 * ```ts
 * import { sqliteStore } from 'lifeline/stores/sqlite';
 * const store = sqliteStore({ file: './lifeline.db' });
 * const begun = await store.begin(key, fingerprint, { owner: 'w1', leaseMs: 30_000 });
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}
