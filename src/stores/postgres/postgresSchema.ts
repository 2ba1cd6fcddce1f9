/**
 * The PostgreSQL schema as numbered migrations; `{schema}` is replaced by the
 * quoted schema name. `migrate()` applies the missing ones in one transaction
 * under an advisory lock and records them in `{schema}.lifeline_migrations`.
 * Ids use the "C" collation so ordering (and cursors) match byte order.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {schema}.lifeline_ledger (
     key text COLLATE "C" PRIMARY KEY,
     fingerprint text NOT NULL,
     status text NOT NULL CHECK (status IN ('in_progress', 'completed', 'failed')),
     owner text NOT NULL,
     lease_expires_at bigint,
     attempts integer NOT NULL,
     last_error_code text,
     last_error_message text,
     permanent boolean NOT NULL DEFAULT false,
     outcome text,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL,
     expires_at bigint,
     revision bigint NOT NULL
   );
   CREATE INDEX IF NOT EXISTS lifeline_ledger_expires ON {schema}.lifeline_ledger (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE IF NOT EXISTS {schema}.lifeline_runs (
     id text COLLATE "C" PRIMARY KEY,
     status text NOT NULL,
     payload text NOT NULL,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL
   );
   CREATE TABLE IF NOT EXISTS {schema}.lifeline_steps (
     run_id text COLLATE "C" NOT NULL,
     step_id text COLLATE "C" NOT NULL,
     status text NOT NULL,
     payload text NOT NULL,
     claim_owner text,
     claim_expires_at bigint,
     updated_at bigint NOT NULL,
     PRIMARY KEY (run_id, step_id)
   );
   CREATE INDEX IF NOT EXISTS lifeline_steps_status ON {schema}.lifeline_steps (status, run_id, step_id);
   CREATE TABLE IF NOT EXISTS {schema}.lifeline_tasks (
     id text COLLATE "C" PRIMARY KEY,
     kind text NOT NULL,
     status text NOT NULL CHECK (status IN ('open', 'closed')),
     payload text NOT NULL,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL
   );
   CREATE INDEX IF NOT EXISTS lifeline_tasks_status ON {schema}.lifeline_tasks (status, kind, id);`,
];
