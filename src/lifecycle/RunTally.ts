import type { RunSummary } from './LifecycleReport';
import type { StepResult } from './Step';

/**
 * Running counts over a run's step results: what a run's summary is made of,
 * kept without holding the results themselves (a run of 100,000 steps keeps
 * a handful of numbers, not 100,000 results).
 *
 * @example
 * ```ts
 * const tally = new RunTally();
 * tally.add(result);
 * tally.summary(); // { total: 1, done: 1, ... }
 * ```
 */
export class RunTally {
  total = 0;
  done = 0;
  escalated = 0;
  failed = 0;
  scheduled = 0;
  planned = 0;
  verified = 0;
  readonly #byOutcome = new Map<string, number>();

  /** Counts one result. */
  add(result: StepResult): void {
    this.total++;
    this.#byOutcome.set(result.outcome, (this.#byOutcome.get(result.outcome) ?? 0) + 1);
    if (result.verified) this.verified++;
    if (result.state === 'done') this.done++;
    else if (result.state === 'escalated') this.escalated++;
    else if (result.state === 'scheduled') this.scheduled++;
    else if (result.state === 'planned') this.planned++;
    else this.failed++;
  }

  /** The counts as a run summary. */
  summary(): RunSummary {
    const byOutcome: Record<string, number> = {};
    for (const [outcome, count] of this.#byOutcome) byOutcome[outcome] = count;
    return {
      total: this.total,
      done: this.done,
      escalated: this.escalated,
      failed: this.failed,
      scheduled: this.scheduled,
      planned: this.planned,
      verified: this.verified,
      byOutcome,
    };
  }
}
