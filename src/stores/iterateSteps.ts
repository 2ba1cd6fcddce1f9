import type { ListStepsOptions, StepRecord, Store } from './Store';

/**
 * Every step of a run in any store (optionally by status), read page by page
 * through `listSteps`: memory stays bounded by the page size however large the run.
 *
 * @example
 * ```ts
 * for await (const step of iterateSteps(store, runId, { status: 'failed', limit: 1000 })) report(step);
 * ```
 */
export async function* iterateSteps(
  store: Pick<Store, 'listSteps'>,
  runId: string,
  options: Omit<ListStepsOptions, 'cursor'> = {},
): AsyncGenerator<StepRecord> {
  let cursor: string | undefined;
  do {
    const page = await store.listSteps(runId, cursor === undefined ? options : { ...options, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}
