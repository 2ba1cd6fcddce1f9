import { iterateSteps } from '../stores/iterateSteps';
import type { StepInput, Store } from '../stores/Store';
import { PlanCounter } from './guard';
import type { Step, StepResult } from './Step';

/** What the journal holds for one step: the step and, once it settled, its result. */
export interface StepEntry {
  readonly step: Step;
  readonly result?: StepResult | undefined;
  /**
   * The plan that journaled the step (one id per start of a run). Steps left
   * by another plan under the same run id (a start refused by the guard, a
   * crash while planning) are not part of the run.
   */
  readonly plan?: string | undefined;
}

/** Steps read from (and written to) the journal in one round trip. */
export const JOURNAL_PAGE = 1000;

/**
 * One step's journal write: its status and the {@link StepEntry} that
 * {@link journalSteps} reads back (`result` once settled, `plan` when the run has one).
 *
 * @example
 * ```ts
 * await store.putSteps(page.map((step) => journalWrite(runId, step, 'pending', undefined, plan)));
 * ```
 */
export function journalWrite(
  runId: string,
  step: Step,
  status: string,
  result: StepResult | undefined,
  plan: string | undefined,
): StepInput {
  const entry: { step: Step; result?: StepResult; plan?: string } = { step };
  if (result !== undefined) entry.result = result;
  if (plan !== undefined) entry.plan = plan;
  return { runId, stepId: step.id, status, payload: entry as never };
}

/**
 * Whether a journaled result is final (`done` or `escalated`): a resumed run
 * keeps these results and runs every other step again.
 *
 * @example
 * ```ts
 * if (!isFinalResult(entry.result)) queue.push(entry.step);
 * ```
 */
export function isFinalResult(result: StepResult | undefined): result is StepResult {
  return result !== undefined && (result.state === 'done' || result.state === 'escalated');
}

/**
 * Streams a run's journaled steps in step-id order, a page at a time: memory
 * stays bounded by the page size however large the run. With `plan`, only the
 * steps that plan journaled (see {@link StepEntry.plan}).
 *
 * @example
 * ```ts
 * for await (const { step, result } of journalSteps(store, runId, plan)) ...
 * ```
 */
export async function* journalSteps(
  store: Store,
  runId: string,
  plan?: string | undefined,
): AsyncGenerator<StepEntry> {
  for await (const record of iterateSteps(store, runId, { limit: JOURNAL_PAGE })) {
    const entry = record.payload as unknown as StepEntry;
    if (plan === undefined || entry.plan === plan) yield entry;
  }
}

/**
 * What the runner needs to know about a run before it streams its steps: the
 * steps that wait on others (phase 1 and 2: disables, deletes, grants), held
 * in memory with their results, and for each of their groups how many of its
 * phase-0 steps have not settled yet. A run without dependent steps (an
 * emergency revocation) holds nothing but its size.
 */
export interface RunShape {
  /** Every step of the run. */
  readonly total: number;
  /** Steps that wait on other steps of their group. */
  readonly later: StepEntry[];
  /** Per group with later steps: its phase-0 steps not final yet. */
  readonly unsettled: Map<string, number>;
}

/**
 * Counts, for the groups of `later`, the phase-0 steps in the journal whose
 * result is not final (one paged pass; none when `later` is empty).
 *
 * @example
 * ```ts
 * const unsettled = await countUnsettled(store, runId, later);
 * ```
 */
export async function countUnsettled(
  store: Store,
  runId: string,
  later: readonly StepEntry[],
  plan?: string | undefined,
): Promise<Map<string, number>> {
  const unsettled = new Map<string, number>();
  if (later.length === 0) return unsettled;
  for (const { step } of later) unsettled.set(step.group, 0);
  for await (const { step, result } of journalSteps(store, runId, plan)) {
    if (step.phase !== 0 || isFinalResult(result)) continue;
    const count = unsettled.get(step.group);
    if (count !== undefined) unsettled.set(step.group, count + 1);
  }
  return unsettled;
}

/**
 * Reads a journaled run's shape (see {@link RunShape}) in at most two paged
 * passes, for `resume`.
 *
 * @example
 * ```ts
 * const shape = await readRunShape(store, runId);
 * ```
 */
export async function readRunShape(
  store: Store,
  runId: string,
  plan?: string | undefined,
): Promise<RunShape> {
  let total = 0;
  const later: StepEntry[] = [];
  for await (const entry of journalSteps(store, runId, plan)) {
    total++;
    if (entry.step.phase !== 0) later.push(entry);
  }
  return { total, later, unsettled: await countUnsettled(store, runId, later, plan) };
}

/**
 * Writes a plan into the run's journal as it streams in (each page one
 * `putSteps`), counting what the guard and the runner need on the way.
 *
 * @example
 * ```ts
 * const journal = new PlanJournal(store, runId, randomUUID());
 * await streamEmergencyRevoke(connectors, selector, (page) => journal.add(page));
 * checkGuardCounts(journal.counts, guard, override, 0);
 * ```
 */
export class PlanJournal {
  readonly counts = new PlanCounter();
  readonly later: StepEntry[] = [];
  #total = 0;
  #order: string[] | undefined = [];

  /**
   * `plan` marks every step this journal writes (see {@link StepEntry.plan});
   * `keepOrder`: remember the plan order of up to this many step ids (for the report).
   */
  constructor(
    private readonly store: Store,
    private readonly runId: string,
    readonly plan: string,
    private readonly keepOrder = 0,
  ) {}

  /** The step ids in plan order, or `undefined` once the plan outgrew `keepOrder`. */
  get order(): readonly string[] | undefined {
    return this.#order;
  }

  #remember(step: Step): void {
    if (this.#order === undefined) return;
    if (this.#order.length >= this.keepOrder) this.#order = undefined;
    else this.#order.push(step.id);
  }

  /** Steps journaled so far. */
  get total(): number {
    return this.#total;
  }

  /** Journals planned steps as pending and counts them for the guard. */
  async add(steps: readonly Step[]): Promise<void> {
    for (let i = 0; i < steps.length; i += JOURNAL_PAGE) {
      const page = steps.slice(i, i + JOURNAL_PAGE);
      await this.store.putSteps(
        page.map((step) => journalWrite(this.runId, step, 'pending', undefined, this.plan)),
      );
      for (const step of page) {
        this.#total++;
        this.#remember(step);
        this.counts.add(step);
        if (step.phase !== 0) this.later.push({ step });
      }
    }
  }

  /** Journals steps settled before the run (an escalated discovery), outside the guard's counts. */
  async addSettled(entries: readonly (StepEntry & { readonly result: StepResult })[]): Promise<void> {
    if (entries.length === 0) return;
    await this.store.putSteps(
      entries.map(({ step, result }) => journalWrite(this.runId, step, result.state, result, this.plan)),
    );
    for (const entry of entries) {
      this.#total++;
      this.#remember(entry.step);
      if (entry.step.phase !== 0) this.later.push(entry);
    }
  }

  /** The run's shape once the whole plan is journaled. */
  async shape(): Promise<RunShape> {
    return {
      total: this.#total,
      later: this.later,
      unsettled: await countUnsettled(this.store, this.runId, this.later, this.plan),
    };
  }
}
