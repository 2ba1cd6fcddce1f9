/**
 * The SQLite schema, as numbered migrations applied in order on open (the
 * database's `user_version` records the last one applied).
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS lifeline_ledger (
     key TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     status TEXT NOT NULL,
     owner TEXT NOT NULL,
     lease_expires_at INTEGER,
     attempts INTEGER NOT NULL,
     last_error_code TEXT,
     last_error_message TEXT,
     permanent INTEGER NOT NULL DEFAULT 0,
     outcome TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     expires_at INTEGER,
     revision INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS lifeline_ledger_expires ON lifeline_ledger (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE IF NOT EXISTS lifeline_runs (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS lifeline_steps (
     run_id TEXT NOT NULL,
     step_id TEXT NOT NULL,
     status TEXT NOT NULL,
     payload TEXT NOT NULL,
     claim_owner TEXT,
     claim_expires_at INTEGER,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (run_id, step_id)
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS lifeline_steps_status ON lifeline_steps (status, run_id, step_id);
   CREATE TABLE IF NOT EXISTS lifeline_tasks (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS lifeline_tasks_status ON lifeline_tasks (status, kind, id);`,
];
