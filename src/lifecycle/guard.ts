import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import { PermanentError } from '../errors';
import { listAll } from './discover';
import type { PlanResult } from './plan';
import type { Step } from './Step';

/** Blast-radius limits checked before a run touches anything. */
export const GuardOptions = z.object({
  /** Most identities one run may act on (default 1 for offboarding; emergency revocations count 0). */
  maxIdentities: z.int().min(0).optional(),
  /** Most account deletes per connector (default 10). */
  maxDeletesPerConnector: z.int().min(0).optional(),
  /** Most steps per connector (default 10,000). */
  maxStepsPerConnector: z.int().min(0).optional(),
  /**
   * Largest share (0–1) of a tenant's accounts one run may disable or delete
   * (default: no limit). Counting the tenant's accounts costs one paged
   * `account.list` per connector, done only when this is set.
   */
  maxAccountFraction: z.number().min(0).max(1).optional(),
});
/** What callers pass as guard options. */
export type GuardOptions = z.input<typeof GuardOptions>;

/**
 * What the blast-radius guard looks at in a plan: steps and account deletes per
 * connector, and the accounts (groups) each connector's disables and deletes
 * touch. Counted while a plan streams into the journal, so the guard needs no
 * list of every step.
 */
export interface PlanCounts {
  readonly steps: ReadonlyMap<string, number>;
  readonly deletes: ReadonlyMap<string, number>;
  readonly touched: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Counts a plan's steps for {@link checkGuard}, step by step.
 *
 * @example
 * ```ts
 * const counter = new PlanCounter();
 * for (const step of plan.steps) counter.add(step);
 * checkGuardCounts(counter, guard, undefined, 1);
 * ```
 */
export class PlanCounter implements PlanCounts {
  readonly steps = new Map<string, number>();
  readonly deletes = new Map<string, number>();
  readonly touched = new Map<string, Set<string>>();

  /** Counts one planned step. */
  add(step: Pick<Step, 'connector' | 'action' | 'group'>): void {
    this.steps.set(step.connector, (this.steps.get(step.connector) ?? 0) + 1);
    if (step.action === 'account.delete')
      this.deletes.set(step.connector, (this.deletes.get(step.connector) ?? 0) + 1);
    if (step.action === 'account.disable' || step.action === 'account.delete') {
      let set = this.touched.get(step.connector);
      if (set === undefined) {
        set = new Set<string>();
        this.touched.set(step.connector, set);
      }
      set.add(step.group);
    }
  }
}

/**
 * Refuses a plan that exceeds the blast-radius limits — a bug or a drifted
 * list response must not mass-delete — unless the request carries an explicit
 * override (which the run records in audit).
 *
 * @example
 * ```ts
 * checkGuard(plan, { maxDeletesPerConnector: 5 }, undefined, 1); // throws when 6 deletes are planned
 * ```
 */
export function checkGuard(
  plan: PlanResult,
  options: GuardOptions | undefined,
  override: { reason: string } | undefined,
  identities: number,
  tenantAccounts: Readonly<Record<string, number>> = {},
): void {
  if (override !== undefined) return;
  const counter = new PlanCounter();
  for (const step of plan.steps) counter.add(step);
  checkGuardCounts(counter, options, override, identities, tenantAccounts);
}

/**
 * {@link checkGuard} over a plan's counts (see {@link PlanCounter}): what a
 * streamed plan is checked with before its first step runs.
 *
 * @example
 * ```ts
 * checkGuardCounts(counter, { maxStepsPerConnector: 100_000 }, undefined, 0);
 * ```
 */
export function checkGuardCounts(
  counts: PlanCounts,
  options: GuardOptions | undefined,
  override: { reason: string } | undefined,
  identities: number,
  tenantAccounts: Readonly<Record<string, number>> = {},
): void {
  if (override !== undefined) return;
  const limits = GuardOptions.parse(options ?? {});
  const maxDeletes = limits.maxDeletesPerConnector ?? 10;
  const maxSteps = limits.maxStepsPerConnector ?? 10_000;
  const maxIdentities = limits.maxIdentities ?? 1;
  const problems: string[] = [];
  if (identities > maxIdentities) problems.push(`${identities} identities (limit ${maxIdentities})`);
  for (const [connector, count] of counts.deletes) {
    if (count > maxDeletes) problems.push(`${count} account deletes at ${connector} (limit ${maxDeletes})`);
  }
  for (const [connector, count] of counts.steps) {
    if (count > maxSteps) problems.push(`${count} steps at ${connector} (limit ${maxSteps})`);
  }
  if (limits.maxAccountFraction !== undefined) {
    for (const [connector, accounts] of counts.touched) {
      const total = tenantAccounts[connector];
      if (total === undefined || total === 0) continue;
      const share = accounts.size / total;
      if (share > limits.maxAccountFraction) {
        problems.push(
          `${accounts.size} of ${total} accounts at ${connector} (${(share * 100).toFixed(1)} %, limit ${(limits.maxAccountFraction * 100).toFixed(1)} %)`,
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new PermanentError(
      `The blast-radius guard refused this plan: ${problems.join('; ')}. Nothing was changed. If this is intended, pass override: { reason, actor } (it is recorded in audit).`,
    );
  }
}

/**
 * Counts a connector's accounts (paged `account.list`, up to `limit`), for the
 * `maxAccountFraction` guard.
 *
 * @example
 * ```ts
 * const total = await countAccounts(acme); // 1234
 * ```
 */
export async function countAccounts(
  bound: BoundConnector,
  limit = 1_000_000,
  signal?: AbortSignal,
): Promise<number> {
  let count = 0;
  for await (const _account of listAll(bound, 'account.list', {}, signal)) {
    count++;
    if (count >= limit) break;
  }
  return count;
}
