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
  // 2: rowid tables with unique keys instead of WITHOUT ROWID. Keys and step ids arrive in
  // random order; in a WITHOUT ROWID table every row (outcomes, payloads) lands at a random
  // place in the primary-key tree, so each write splits and rewrites wide pages. Rows now
  // append and only the small key indexes take random inserts; the status index no longer
  // holds step ids, so a status change does not move an entry across the index.
  `CREATE TABLE lifeline_ledger_v2 (
     key TEXT NOT NULL UNIQUE,
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
   );
   INSERT INTO lifeline_ledger_v2 (key, fingerprint, status, owner, lease_expires_at, attempts, last_error_code,
       last_error_message, permanent, outcome, created_at, updated_at, expires_at, revision)
     SELECT key, fingerprint, status, owner, lease_expires_at, attempts, last_error_code,
       last_error_message, permanent, outcome, created_at, updated_at, expires_at, revision
     FROM lifeline_ledger;
   DROP TABLE lifeline_ledger;
   ALTER TABLE lifeline_ledger_v2 RENAME TO lifeline_ledger;
   CREATE INDEX lifeline_ledger_expires ON lifeline_ledger (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE lifeline_steps_v2 (
     run_id TEXT NOT NULL,
     step_id TEXT NOT NULL,
     status TEXT NOT NULL,
     payload TEXT NOT NULL,
     claim_owner TEXT,
     claim_expires_at INTEGER,
     updated_at INTEGER NOT NULL,
     UNIQUE (run_id, step_id)
   );
   INSERT INTO lifeline_steps_v2 (run_id, step_id, status, payload, claim_owner, claim_expires_at, updated_at)
     SELECT run_id, step_id, status, payload, claim_owner, claim_expires_at, updated_at FROM lifeline_steps;
   DROP TABLE lifeline_steps;
   ALTER TABLE lifeline_steps_v2 RENAME TO lifeline_steps;
   CREATE INDEX lifeline_steps_run_status ON lifeline_steps (run_id, status);`,
];
