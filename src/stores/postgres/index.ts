/**
 * `lifeline/stores/postgres`: the PostgreSQL store. Needs the optional peer
 * dependency pg (`npm install pg@8`), loaded on first use, or an injected pool.
 */
export type { PgClient, PgPool, PgQueryConfig, PgResult } from './PgPool';
export { POSTGRES_MIGRATIONS } from './postgresSchema';
export { PostgresStore, type PostgresStoreOptions, postgresStore } from './postgresStore';
