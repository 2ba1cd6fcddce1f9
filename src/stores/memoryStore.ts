import { z } from 'zod';
import { parseInput } from '../errors/parseInput';
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
} from './BaseStore';
import type { TaskStatus } from './Store';

/** Options of {@link memoryStore}. */
export type MemoryStoreOptions = BaseStoreOptions;

const Options = z.strictObject(BaseStoreOptionsShape);

/** Keys of a map kept in sorted order lazily: appends are cheap, the sort happens on the next read. */
class SortedKeys {
  #keys: string[] = [];
  #sorted = true;

  add(key: string): void {
    const last = this.#keys[this.#keys.length - 1];
    if (last !== undefined && key < last) this.#sorted = false;
    this.#keys.push(key);
  }

  /** Keys greater than `after`, in order. */
  *after(after: string | undefined): Generator<string> {
    if (!this.#sorted) {
      this.#keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.#sorted = true;
    }
    const keys = this.#keys;
    let lo = 0;
    if (after !== undefined) {
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((keys[mid] as string) <= after) lo = mid + 1;
        else hi = mid;
      }
    }
    for (let i = lo; i < keys.length; i++) yield keys[i] as string;
  }
}

const pick = <T>(patch: T | undefined, current: T): T => (patch === undefined ? current : patch);

/** `row` with `patch` applied and the revision incremented; one fixed shape, no spreads (every complete). */
function patched(row: LedgerRow, patch: LedgerPatch): LedgerRow {
  return {
    key: row.key,
    fingerprint: pick(patch.fingerprint, row.fingerprint),
    status: pick(patch.status, row.status),
    owner: pick(patch.owner, row.owner),
    leaseExpiresAt: pick(patch.leaseExpiresAt, row.leaseExpiresAt),
    attempts: pick(patch.attempts, row.attempts),
    lastErrorCode: pick(patch.lastErrorCode, row.lastErrorCode),
    lastErrorMessage: pick(patch.lastErrorMessage, row.lastErrorMessage),
    permanent: pick(patch.permanent, row.permanent),
    outcome: pick(patch.outcome, row.outcome),
    createdAt: pick(patch.createdAt, row.createdAt),
    updatedAt: pick(patch.updatedAt, row.updatedAt),
    expiresAt: pick(patch.expiresAt, row.expiresAt),
    revision: row.revision + 1,
  };
}

interface RunSteps {
  readonly rows: Map<string, StepRow>;
  readonly order: SortedKeys;
}

/**
 * The in-process store (the embedded default). Every primitive is synchronous, so
 * each operation is atomic within the process. Nothing survives a restart.
 */
export class MemoryStore extends BaseStore {
  readonly kind = 'memory';
  protected override readonly outcomeForm = 'value';
  readonly #ledger = new Map<string, LedgerRow>();
  readonly #runs = new Map<string, RunRow>();
  readonly #steps = new Map<string, RunSteps>();
  readonly #runOrder = new SortedKeys();
  readonly #tasks = new Map<string, TaskRow>();
  readonly #taskOrder = new SortedKeys();

  constructor(options: MemoryStoreOptions = {}) {
    super(parseInput(Options, options, 'memoryStore options'));
  }

  protected insertLedger(row: LedgerRow): boolean {
    if (this.#ledger.has(row.key)) return false;
    this.#ledger.set(row.key, row);
    return true;
  }

  protected readLedger(key: string): LedgerRow | undefined {
    return this.#ledger.get(key);
  }

  protected updateLedger(key: string, guard: LedgerGuard, patch: LedgerPatch): LedgerRow | undefined {
    const row = this.#ledger.get(key);
    if (row === undefined) return undefined;
    if (
      'revision' in guard
        ? row.revision !== guard.revision
        : row.owner !== guard.owner || row.status !== 'in_progress'
    )
      return undefined;
    const next = patched(row, patch);
    this.#ledger.set(key, next);
    return next;
  }

  protected async deleteLedger(key: string): Promise<boolean> {
    return this.#ledger.delete(key);
  }

  protected async deleteExpiredLedger(now: number): Promise<number> {
    let count = 0;
    for (const [key, row] of this.#ledger) {
      if (row.expiresAt !== null && row.expiresAt <= now) {
        this.#ledger.delete(key);
        count++;
      }
    }
    return count;
  }

  protected async upsertRun(run: Omit<RunRow, 'createdAt' | 'updatedAt'>, now: number): Promise<RunRow> {
    const existing = this.#runs.get(run.id);
    const row: RunRow = { ...run, createdAt: existing?.createdAt ?? now, updatedAt: now };
    this.#runs.set(run.id, row);
    return row;
  }

  protected async readRun(id: string): Promise<RunRow | undefined> {
    return this.#runs.get(id);
  }

  #write(step: StepWrite, now: number): StepRow {
    let run = this.#steps.get(step.runId);
    if (run === undefined) {
      run = { rows: new Map(), order: new SortedKeys() };
      this.#steps.set(step.runId, run);
      this.#runOrder.add(step.runId);
    }
    const existing = run.rows.get(step.stepId);
    const row: StepRow = {
      ...step,
      claimOwner: existing?.claimOwner ?? null,
      claimExpiresAt: existing?.claimExpiresAt ?? null,
      updatedAt: now,
    };
    if (existing === undefined) run.order.add(step.stepId);
    run.rows.set(step.stepId, row);
    return row;
  }

  protected async upsertStep(step: StepWrite, now: number): Promise<StepRow> {
    return this.#write(step, now);
  }

  protected async upsertSteps(steps: readonly StepWrite[], now: number): Promise<void> {
    for (const step of steps) this.#write(step, now);
  }

  protected async readStep(runId: string, stepId: string): Promise<StepRow | undefined> {
    return this.#steps.get(runId)?.rows.get(stepId);
  }

  protected async listStepRows(
    runId: string,
    statuses: readonly string[] | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<StepRow[]> {
    const run = this.#steps.get(runId);
    const out: StepRow[] = [];
    if (run === undefined) return out;
    for (const stepId of run.order.after(after)) {
      const row = run.rows.get(stepId) as StepRow;
      if (statuses === undefined || statuses.includes(row.status)) out.push(row);
      if (out.length >= limit) break;
    }
    return out;
  }

  protected async claimStepRows(query: ClaimQuery): Promise<StepRow[]> {
    const out: StepRow[] = [];
    const runIds = query.runId === undefined ? this.#runOrder.after(undefined) : [query.runId];
    for (const runId of runIds) {
      const run = this.#steps.get(runId);
      if (run === undefined) continue;
      for (const stepId of run.order.after(undefined)) {
        const row = run.rows.get(stepId) as StepRow;
        if (!query.statuses.includes(row.status)) continue;
        if (row.claimExpiresAt !== null && row.claimExpiresAt > query.now) continue;
        const claimed: StepRow = {
          ...row,
          claimOwner: query.owner,
          claimExpiresAt: query.expiresAt,
          updatedAt: query.now,
        };
        run.rows.set(stepId, claimed);
        out.push(claimed);
        if (out.length >= query.limit) return out;
      }
    }
    return out;
  }

  protected async updateClaimedStep(
    runId: string,
    stepId: string,
    owner: string,
    update: ClaimUpdate,
  ): Promise<StepRow | undefined> {
    const run = this.#steps.get(runId);
    const row = run?.rows.get(stepId);
    if (run === undefined || row === undefined || row.claimOwner !== owner) return undefined;
    const next: StepRow = {
      ...row,
      status: update.status ?? row.status,
      payload: update.payload ?? row.payload,
      claimOwner: update.claimExpiresAt === null ? null : owner,
      claimExpiresAt: update.claimExpiresAt,
      updatedAt: update.updatedAt,
    };
    run.rows.set(stepId, next);
    return next;
  }

  protected async upsertTask(task: Omit<TaskRow, 'createdAt' | 'updatedAt'>, now: number): Promise<TaskRow> {
    const existing = this.#tasks.get(task.id);
    const row: TaskRow = { ...task, createdAt: existing?.createdAt ?? now, updatedAt: now };
    if (existing === undefined) this.#taskOrder.add(task.id);
    this.#tasks.set(task.id, row);
    return row;
  }

  protected async readTask(id: string): Promise<TaskRow | undefined> {
    return this.#tasks.get(id);
  }

  protected async listTaskRows(
    kind: string | undefined,
    status: TaskStatus | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<TaskRow[]> {
    const out: TaskRow[] = [];
    for (const id of this.#taskOrder.after(after)) {
      const row = this.#tasks.get(id) as TaskRow;
      if ((kind === undefined || row.kind === kind) && (status === undefined || row.status === status))
        out.push(row);
      if (out.length >= limit) break;
    }
    return out;
  }

  async close(): Promise<void> {}
}

/**
 * Creates the in-memory store: the embedded default for one process, tests and
 * dry runs. Records are lost when the process exits; use `sqliteStore` or
 * `postgresStore` for durability.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'lifeline';
 * const store = memoryStore();
 * const begun = await store.begin('acme:revoke:k_1:evt_9', 'sha256:…', { owner: 'w1', leaseMs: 30_000 });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}
