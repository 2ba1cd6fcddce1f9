import pRetry from 'p-retry';
import { z } from 'zod';
import {
  classifyHttp,
  classifyNetworkError,
  formatIssues,
  InvalidInputError,
  issuesFromZod,
} from '../../errors';
import type { Secret } from '../../model';
import { objectIdOf } from '../Step';
import type { Fallback } from './Fallback';

const Options = z.object({
  retries: z.int().min(0).max(10).default(3),
  timeoutMs: z.int().min(1).max(120_000).default(10_000),
});

/** Options of {@link webhook}. */
export interface WebhookOptions {
  /** Retries of a failed POST (default 3, exponential backoff). */
  readonly retries?: number;
  /** Timeout of one POST (default 10 s). */
  readonly timeoutMs?: number;
  /** Sent as `Authorization: Bearer …` when given. */
  readonly token?: Secret;
  /** The fetch to use (default global). */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Escalates a step by POSTing it (JSON, no secrets) to a ticketing or paging
 * system, with retries. The receipt is the `id` (or `key`) of the JSON answer,
 * else `HTTP <status>`.
 *
 * @example
 * ```ts
 * createLifecycle({ connectors, fallback: [webhook('https://tickets.example/api/escalations'), manualQueue()] });
 * ```
 */
export function webhook(url: string, options: WebhookOptions = {}): Fallback {
  const parsedUrl = z.url({ protocol: /^https?$/ }).safeParse(url);
  const parsed = Options.safeParse({ retries: options.retries, timeoutMs: options.timeoutMs });
  if (!parsedUrl.success || !parsed.success) {
    const issues = [
      ...(parsedUrl.success
        ? []
        : issuesFromZod(parsedUrl.error).map((i) => ({ ...i, path: ['url', ...i.path] }))),
      ...(parsed.success ? [] : issuesFromZod(parsed.error)),
    ];
    throw new InvalidInputError(`Invalid webhook fallback:\n${formatIssues(issues)}`, { issues });
  }
  const { retries, timeoutMs } = parsed.data;
  const baseFetch = options.fetch ?? globalThis.fetch;
  return {
    name: 'webhook',
    async escalate({ runId, step, event, reason, signal }) {
      const body = JSON.stringify({
        runId,
        stepId: step.id,
        connector: step.connector,
        action: step.action,
        objectId: objectIdOf(step),
        lifecycleEvent: { id: event.id, type: event.type, ticket: event.ticket },
        reason,
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token.reveal()}`;
      return pRetry(
        async () => {
          let response: Response;
          const attemptSignal =
            signal === undefined
              ? AbortSignal.timeout(timeoutMs)
              : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
          try {
            response = await baseFetch(url, { method: 'POST', headers, body, signal: attemptSignal });
          } catch (error) {
            throw classifyNetworkError(error, { context: { operation: 'fallback.webhook' } });
          }
          const failure = classifyHttp(response, { context: { operation: 'fallback.webhook' } });
          if (failure !== undefined) throw failure;
          const text = await response.text();
          let receipt = `HTTP ${response.status}`;
          try {
            const json = JSON.parse(text) as { id?: unknown; key?: unknown };
            const ref = json.id ?? json.key;
            if (typeof ref === 'string' || typeof ref === 'number') receipt = String(ref).slice(0, 256);
          } catch {
            // not JSON: keep the status as the receipt
          }
          return { fallback: 'webhook', receipt };
        },
        {
          retries,
          minTimeout: 200,
          maxTimeout: 5000,
          ...(signal === undefined ? {} : { signal }),
          shouldRetry: ({ error }) => (error as { retryable?: boolean }).retryable === true,
        },
      );
    },
  };
}
