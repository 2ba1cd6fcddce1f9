/**
 * The part of a better-sqlite3 `Database` the store uses. Declared structurally so
 * the store's types do not require `@types/better-sqlite3`.
 */
export interface SqliteDatabase {
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R>;
  close(): unknown;
  readonly open: boolean;
}

/** A prepared better-sqlite3 statement. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A better-sqlite3 transaction function. */
export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

/** The better-sqlite3 constructor. */
export type SqliteDatabaseConstructor = new (
  file: string,
  options?: { timeout?: number; readonly?: boolean },
) => SqliteDatabase;
