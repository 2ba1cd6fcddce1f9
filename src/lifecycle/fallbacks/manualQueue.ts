import { NotFoundError } from '../../errors';
import type { Store, TaskRecord } from '../../stores/Store';
import { objectIdOf } from '../Step';
import type { Fallback } from './Fallback';

/** The payload of a manual remediation task. */
export interface ManualTask {
  readonly runId: string;
  readonly stepId: string;
  readonly connector: string;
  readonly action: string;
  readonly objectId: string;
  readonly eventId: string;
  readonly reason: { readonly code: string; readonly message: string };
  readonly label?: string;
}

/** The task kind manual-queue tasks are stored under. */
export const MANUAL_TASK_KIND = 'lifeline.manual_remediation';

/**
 * Escalates a step to a durable remediation task in the run's store: a human
 * finishes it and closes the task (`lifeline tasks close`, or `closeTask`).
 * The receipt is the task id.
 *
 * @example
 * ```ts
 * createLifecycle({ connectors, store, fallback: [manualQueue()] });
 * ```
 */
export function manualQueue(): Fallback {
  return {
    name: 'manual_queue',
    async escalate({ runId, step, event, reason, store, signal }) {
      const id = `task:${runId}:${step.id}`;
      const payload: ManualTask = {
        runId,
        stepId: step.id,
        connector: step.connector,
        action: step.action,
        objectId: objectIdOf(step),
        eventId: event.id,
        reason,
        ...(step.label === undefined ? {} : { label: step.label }),
      };
      await store.putTask(
        { id, kind: MANUAL_TASK_KIND, status: 'open', payload: payload as never },
        signal === undefined ? {} : { signal },
      );
      return { fallback: 'manual_queue', receipt: id };
    },
  };
}

/**
 * Lists open (or closed) manual remediation tasks.
 *
 * @example
 * ```ts
 * for (const task of await listTasks(store)) console.log(task.id);
 * ```
 */
export async function listTasks(store: Store, status: 'open' | 'closed' = 'open'): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await store.listTasks({
      kind: MANUAL_TASK_KIND,
      status,
      ...(cursor === undefined ? {} : { cursor }),
    });
    tasks.push(...result.items);
    if (result.nextCursor === undefined) break;
    cursor = result.nextCursor;
  }
  return tasks;
}

/**
 * Closes a manual task with a note (who did what), keeping its payload.
 *
 * @example
 * ```ts
 * await closeTask(store, 'task:run-1:acme:credential.revoke:k_1', 'revoked by hand in the Acme console');
 * ```
 */
export async function closeTask(store: Store, id: string, note: string): Promise<TaskRecord> {
  const task = await store.getTask(id);
  if (task === undefined) throw new NotFoundError(`No manual task ${id}.`);
  const payload = {
    ...(task.payload as Record<string, unknown>),
    closedNote: note.slice(0, 2048),
    closedAt: new Date().toISOString(),
  };
  return store.putTask({ id, kind: task.kind, status: 'closed', payload: payload as never });
}
