/** A query result as `pg` returns it. */
export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** A query with an optional statement `name` (pg then prepares it once per connection). */
export interface PgQueryConfig {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
}

/** A client checked out of a pool (`pg.PoolClient`). */
export interface PgClient {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  release(error?: Error | boolean): void;
}

/**
 * The part of a `pg.Pool` the store uses, declared structurally so the store's
 * types do not require `@types/pg`.
 */
export interface PgPool {
  query(config: PgQueryConfig): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}
