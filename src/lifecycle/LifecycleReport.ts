import type { Identity, LifecycleEvent } from '../model';
import type { DiscoveryFailure } from './plan';
import { RunTally } from './RunTally';
import type { StepResult } from './Step';

/** How a run ended. `incomplete` is never success. */
export type RunStatus = 'completed' | 'completed_with_escalations' | 'incomplete' | 'planned';

/** Counts over a run's steps. */
export interface RunSummary {
  readonly total: number;
  readonly done: number;
  readonly escalated: number;
  readonly failed: number;
  readonly scheduled: number;
  readonly planned: number;
  readonly verified: number;
  /** Steps per outcome (`revoked`, `already_absent`, `escalated`, ...). */
  readonly byOutcome: Readonly<Record<string, number>>;
}

/**
 * The typed report of one run: every step with outcome, verification,
 * evidence, adapter version, attempts, duration and fallback receipt; the
 * summary; and, when the run is not complete, why.
 *
 * @example
 * ```ts
 * const report = await lifeline.offboard(request);
 * if (report.status === 'incomplete') alert(report.reasons);
 * console.log(renderReport(report));
 * ```
 */
export interface LifecycleReport {
  readonly runId: string;
  readonly kind: 'offboard' | 'emergency_revoke' | 'onboard' | 'move';
  readonly status: RunStatus;
  readonly event: LifecycleEvent;
  readonly identity?: Identity;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly summary: RunSummary;
  /** Why the run is not `completed` (escalations, failures, discovery failures, scheduled deletes). */
  readonly reasons: readonly string[];
  readonly discoveryFailures: readonly DiscoveryFailure[];
  /**
   * Every step's result, in step-id order, read back from the journal when the
   * run has at most `maxReportSteps` steps (default 10,000); above that it is
   * empty and `stepsOmitted` is true: read them with `lifecycle.steps(runId)`.
   */
  readonly steps: readonly StepResult[];
  /** True when `steps` was omitted because the run is large. */
  readonly stepsOmitted: boolean;
}

/**
 * Counts results and decides the run status.
 *
 * @example
 * ```ts
 * const { status, summary } = summarize(results, failures, false);
 * ```
 */
export function summarize(
  results: Iterable<StepResult>,
  failures: readonly DiscoveryFailure[],
  dryRun: boolean,
): { status: RunStatus; summary: RunSummary; reasons: string[] } {
  const tally = new RunTally();
  for (const result of results) tally.add(result);
  return conclude(tally.summary(), failures, dryRun);
}

/**
 * Decides a run's status and the reasons it is not `completed` from its
 * summary counts (what {@link summarize} does after counting).
 *
 * @example
 * ```ts
 * const { status, reasons } = conclude(tally.summary(), [], false);
 * ```
 */
export function conclude(
  summary: RunSummary,
  failures: readonly DiscoveryFailure[],
  dryRun: boolean,
): { status: RunStatus; summary: RunSummary; reasons: string[] } {
  const { failed, scheduled, escalated } = summary;
  const reasons: string[] = [];
  for (const failure of failures) {
    reasons.push(`could not enumerate access at ${failure.connector}: ${failure.code}`);
  }
  if (failed > 0) reasons.push(`${failed} step(s) neither verified nor escalated`);
  if (scheduled > 0)
    reasons.push(`${scheduled} delete(s) scheduled after the grace period; resume the run later`);
  if (escalated > 0) reasons.push(`${escalated} step(s) escalated with a fallback receipt`);
  const discoveryUnescalated = failures.length > 0 && escalated === 0;
  let status: RunStatus;
  if (dryRun) status = 'planned';
  else if (failed > 0 || scheduled > 0 || discoveryUnescalated) status = 'incomplete';
  else if (escalated > 0) status = 'completed_with_escalations';
  else status = 'completed';
  return { status, summary, reasons };
}
