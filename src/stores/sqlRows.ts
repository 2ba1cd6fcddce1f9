import type { LedgerPatch, LedgerRow, RunRow, StepRow, TaskRow } from './BaseStore';
import type { LedgerStatus, TaskStatus } from './Store';

/** Column names of the ledger table, by {@link LedgerRow} field (shared by the SQL stores). */
export const LEDGER_COLUMNS = {
  key: 'key',
  fingerprint: 'fingerprint',
  status: 'status',
  owner: 'owner',
  leaseExpiresAt: 'lease_expires_at',
  attempts: 'attempts',
  lastErrorCode: 'last_error_code',
  lastErrorMessage: 'last_error_message',
  permanent: 'permanent',
  outcome: 'outcome',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  expiresAt: 'expires_at',
  revision: 'revision',
} as const satisfies Record<keyof LedgerRow, string>;

/** A row as a SQL driver returns it (bigints may arrive as strings, booleans as 0/1). */
export type RawRow = Readonly<Record<string, unknown>>;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * Maps a raw SQL ledger row to a {@link LedgerRow}.
 *
 * @example
 * ```ts
 * const row = ledgerFromSql(statement.get(key));
 * ```
 */
export function ledgerFromSql(raw: RawRow): LedgerRow {
  return {
    key: String(raw.key),
    fingerprint: String(raw.fingerprint),
    status: raw.status as LedgerStatus,
    owner: String(raw.owner),
    leaseExpiresAt: numOrNull(raw.lease_expires_at),
    attempts: num(raw.attempts),
    lastErrorCode: strOrNull(raw.last_error_code),
    lastErrorMessage: strOrNull(raw.last_error_message),
    permanent: raw.permanent === true || raw.permanent === 1 || raw.permanent === 1n,
    outcome: strOrNull(raw.outcome),
    createdAt: num(raw.created_at),
    updatedAt: num(raw.updated_at),
    expiresAt: numOrNull(raw.expires_at),
    revision: num(raw.revision),
  };
}

/**
 * A row's values in {@link LEDGER_COLUMNS} order, as SQL parameters (booleans as
 * 0/1, outcomes as JSON text).
 *
 * @example
 * ```ts
 * insert.run(...ledgerValues(row));
 * ```
 */
export function ledgerValues(row: LedgerRow): unknown[] {
  return [
    row.key,
    row.fingerprint,
    row.status,
    row.owner,
    row.leaseExpiresAt,
    row.attempts,
    row.lastErrorCode,
    row.lastErrorMessage,
    row.permanent ? 1 : 0,
    row.outcome === null || typeof row.outcome === 'string' ? row.outcome : JSON.stringify(row.outcome.value),
    row.createdAt,
    row.updatedAt,
    row.expiresAt,
    row.revision,
  ];
}

/** Patch fields in a stable order with their columns, for building an UPDATE. */
export function patchColumns(patch: LedgerPatch): { columns: string[]; values: unknown[] } {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const field of Object.keys(LEDGER_COLUMNS) as (keyof LedgerRow)[]) {
    if (field === 'key' || field === 'revision') continue;
    const value = patch[field as keyof LedgerPatch];
    if (value === undefined) continue;
    columns.push(LEDGER_COLUMNS[field]);
    // SQL keeps outcomes as JSON text, whatever form the base hands over.
    values.push(
      field === 'outcome' && typeof value === 'object' && value !== null
        ? JSON.stringify((value as { value: unknown }).value)
        : value,
    );
  }
  return { columns, values };
}

/** Maps a raw run row. */
export function runFromSql(raw: RawRow): RunRow {
  return {
    id: String(raw.id),
    status: String(raw.status),
    payload: String(raw.payload),
    createdAt: num(raw.created_at),
    updatedAt: num(raw.updated_at),
  };
}

/** Maps a raw step row. */
export function stepFromSql(raw: RawRow): StepRow {
  return {
    runId: String(raw.run_id),
    stepId: String(raw.step_id),
    status: String(raw.status),
    payload: String(raw.payload),
    claimOwner: strOrNull(raw.claim_owner),
    claimExpiresAt: numOrNull(raw.claim_expires_at),
    updatedAt: num(raw.updated_at),
  };
}

/** Maps a raw task row. */
export function taskFromSql(raw: RawRow): TaskRow {
  return {
    id: String(raw.id),
    kind: String(raw.kind),
    status: raw.status as TaskStatus,
    payload: String(raw.payload),
    createdAt: num(raw.created_at),
    updatedAt: num(raw.updated_at),
  };
}
