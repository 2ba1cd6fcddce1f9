/**
 * `lifeline/stores/sqlite`: the SQLite store. Needs the optional peer dependency
 * better-sqlite3 (`npm install better-sqlite3@12`), loaded on first use.
 */
export type {
  SqliteDatabase,
  SqliteDatabaseConstructor,
  SqliteStatement,
  SqliteTransaction,
} from './SqliteDatabase';
export { SQLITE_MIGRATIONS } from './sqliteSchema';
export { SqliteStore, type SqliteStoreOptions, sqliteStore } from './sqliteStore';
