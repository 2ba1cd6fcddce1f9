import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { BoundConnector } from '../../connector/BoundConnector';
import { InvalidInputError, isLifelineError } from '../../errors';
import { parseInput } from '../../errors/parseInput';
import { ResilienceRegistry } from '../../resilience/ResilienceRegistry';
import {
  CONFORMANCE_CHECKS,
  type ConformanceCheckId,
  type ConformanceCheckResult,
  type ConformanceReport,
} from './ConformanceReport';
import { type CapturingLogger, capturingLogger } from './capturingLogger';
import {
  type CheckEnv,
  CheckSkipped,
  CONNECTOR_CHECKS,
  type ResolvedFixtures,
} from './connectorConformanceCases';
import { createSpanRecorder, type SpanLike } from './createSpanRecorder';
import type { TargetController } from './TargetController';

/**
 * What a connector factory receives for one check. Bind the connector with
 * `env.bindOptions` (the kit reads the logger and gets a fresh breaker), use
 * `env.canary` as its credential, and make the target accept it.
 */
export interface ConnectorFactoryEnv {
  /** A secret-looking value: the connector's credential for this check. It must never be logged, audited or traced. */
  readonly canary: string;
  /** The kit's logger: pass it when binding. */
  readonly logger: CapturingLogger;
  /** A fresh resilience registry (breaker, rate limiter) per check: pass it when binding. */
  readonly registry: ResilienceRegistry;
  /** `{ logger, registry }`, to spread into `connector.with(config, credential, env.bindOptions)`. */
  readonly bindOptions: { readonly logger: CapturingLogger; readonly registry: ResilienceRegistry };
  /** Aborts when the check times out. */
  readonly signal: AbortSignal;
}

/** A bound connector and the controller of the target it talks to. */
export interface ConformanceSubject {
  readonly connector: BoundConnector;
  readonly target: TargetController;
}

/** Starts a fresh target and binds the connector to it; called once per check. */
export type ConnectorFactory = (env: ConnectorFactoryEnv) => Promise<ConformanceSubject> | ConformanceSubject;

/** Objects and sizes the checks use. */
export interface ConformanceFixtures {
  /** What the revocation checks revoke: a credential (default when supported), or an account (deleted). */
  readonly revocable?: 'credential' | 'account';
  /** Accounts created for the paging check (default 25). */
  readonly listSize?: number;
  /** Page size asked for in the paging check (default 10). */
  readonly pageSize?: number;
}

/** Options of {@link checkConnector}. */
export interface CheckConnectorOptions {
  /** What the checks run against, for the report (default: the controller's `name`). */
  readonly target?: string;
  readonly fixtures?: ConformanceFixtures;
  /** Run only these checks. */
  readonly only?: readonly ConformanceCheckId[];
  /** Skip these checks. */
  readonly skip?: readonly ConformanceCheckId[];
  /** Time limit per check in ms (default 60,000). */
  readonly timeoutMs?: number;
  /**
   * Finished spans to inspect for secrets (e.g. `() => exporter.getFinishedSpans()`
   * of an `InMemorySpanExporter`). Without it the kit records spans through
   * `@opentelemetry/api` itself, unless an SDK is already registered.
   */
  readonly spans?: () => Iterable<SpanLike>;
  /** Called after each check, e.g. to print progress. */
  readonly onResult?: (result: ConformanceCheckResult) => void;
  /** Stops the run; the current check fails and the rest are not run. */
  readonly signal?: AbortSignal;
}

const CHECK_IDS = CONFORMANCE_CHECKS.map((check) => check.id) as [
  ConformanceCheckId,
  ...ConformanceCheckId[],
];

const Options = z.strictObject({
  target: z.string().min(1).max(256).optional(),
  fixtures: z
    .strictObject({
      revocable: z.enum(['credential', 'account']).optional(),
      listSize: z.int().min(2).max(10_000).optional(),
      pageSize: z.int().min(1).max(1000).optional(),
    })
    .optional(),
  only: z.array(z.enum(CHECK_IDS)).max(CHECK_IDS.length).optional(),
  skip: z.array(z.enum(CHECK_IDS)).max(CHECK_IDS.length).optional(),
  timeoutMs: z.int().min(1000).max(3_600_000).optional(),
  spans: z
    .custom<() => Iterable<SpanLike>>((value) => typeof value === 'function', 'must be a function')
    .optional(),
  onResult: z
    .custom<(result: ConformanceCheckResult) => void>(
      (value) => typeof value === 'function',
      'must be a function',
    )
    .optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal').optional(),
});

const parseOptions = (options: CheckConnectorOptions): z.output<typeof Options> =>
  parseInput(Options, options, 'checkConnector options');

function makeCanary(): string {
  return `llc_${randomBytes(18).toString('base64url')}`;
}

function mask(text: string, canary: string): string {
  return text.split(canary).join('[canary]');
}

function describeFailure(error: unknown): string {
  if (isLifelineError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The checks a run selects, in order.
 *
 * @example
 * ```ts
 * selectedChecks({ skip: ['breaker-opens'] }); // every other check id, in run order
 * ```
 */
export function selectedChecks(options: Pick<CheckConnectorOptions, 'only' | 'skip'>): ConformanceCheckId[] {
  return CHECK_IDS.filter(
    (id) => (options.only === undefined || options.only.includes(id)) && !(options.skip ?? []).includes(id),
  );
}

interface RunMeta {
  connector?: { id: string; version: string };
  target?: string;
}

/**
 * Runs one check against a fresh binding and target; never throws for a
 * failing connector. {@link checkConnector} and `describeConnector` are built on it.
 *
 * @example
 * ```ts
 * const result = await runConformanceCheck(factory, 'revoke-missing');
 * if (result.status === 'failed') console.error(result.message);
 * ```
 */
export async function runConformanceCheck(
  factory: ConnectorFactory,
  id: ConformanceCheckId,
  options: CheckConnectorOptions = {},
  meta: RunMeta = {},
): Promise<ConformanceCheckResult> {
  const parsed = parseOptions(options);
  const check = CONNECTOR_CHECKS.find((c) => c.id === id);
  const name = CONFORMANCE_CHECKS.find((c) => c.id === id)?.name ?? id;
  if (check === undefined) throw new InvalidInputError(`Unknown conformance check "${id}".`);
  const fixtures: ResolvedFixtures = {
    revocable: parsed.fixtures?.revocable,
    listSize: parsed.fixtures?.listSize ?? 25,
    pageSize: parsed.fixtures?.pageSize ?? 10,
  };
  const canary = makeCanary();
  const logger = capturingLogger();
  const registry = new ResilienceRegistry();
  const timeoutMs = parsed.timeoutMs ?? 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = parsed.signal === undefined ? timeout : AbortSignal.any([parsed.signal, timeout]);
  const notes: string[] = [];
  const started = performance.now();
  const recorder = parsed.spans === undefined && id === 'no-secret-leak' ? createSpanRecorder() : undefined;
  let subject: ConformanceSubject | undefined;
  let status: ConformanceCheckResult['status'] = 'passed';
  let message: string | undefined;
  let abortListener: (() => void) | undefined;
  try {
    subject = await factory({ canary, logger, registry, bindOptions: { logger, registry }, signal });
    meta.connector ??= { id: subject.connector.id, version: subject.connector.version };
    meta.target ??= parsed.target ?? subject.target.name;
    const env: CheckEnv = {
      connector: subject.connector,
      target: subject.target,
      fixtures,
      logger,
      canary,
      signal,
      spans: parsed.spans ?? (() => recorder?.spans() ?? []),
      spanSource:
        parsed.spans !== undefined
          ? 'from the caller'
          : recorder?.installed
            ? 'recorded through @opentelemetry/api'
            : 'none: an SDK is registered, pass `spans`',
      note: (text) => void notes.push(text),
    };
    const reason = check.requires?.(env);
    if (reason !== undefined) {
      status = 'skipped';
      message = reason;
    } else {
      const aborted = new Promise<never>((_, reject) => {
        abortListener = () =>
          reject(
            new Error(
              signal.reason instanceof Error && signal.reason.name === 'TimeoutError'
                ? `the check did not finish within ${timeoutMs} ms`
                : 'the run was aborted',
            ),
          );
        if (signal.aborted) abortListener();
        else signal.addEventListener('abort', abortListener, { once: true });
      });
      await Promise.race([check.run(env), aborted]);
    }
  } catch (error) {
    if (error instanceof CheckSkipped) {
      status = 'skipped';
      message = error.message;
    } else {
      status = 'failed';
      message = describeFailure(error);
    }
  } finally {
    if (abortListener !== undefined) signal.removeEventListener('abort', abortListener);
    recorder?.uninstall();
    registry.shutdown();
    await subject?.target.close().catch(() => undefined);
  }
  return {
    id,
    name,
    status,
    ...(message === undefined ? {} : { message: mask(message, canary) }),
    notes: notes.map((note) => mask(note, canary)),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Runs the connector conformance checks — the same checks for every
 * connector, each skipped when the connector lacks the capability it needs —
 * and returns a structured report. Each check gets a fresh target and binding
 * from `factory`, polls conditions instead of sleeping, and never throws: a
 * broken connector fails checks with a message saying what to fix.
 *
 * @example
 * ```ts
 * const report = await checkConnector(async (env) => {
 *   const target = await createFakeTarget({ tenants: [{ id: 'acme', tokens: [{ token: env.canary }] }] });
 *   const connector = acme.with({ baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
 *     staticCredential(env.canary), env.bindOptions);
 *   return { connector, target: fakeTargetController(target) };
 * });
 * console.log(formatConformanceReport(report));
 * ```
 */
export async function checkConnector(
  factory: ConnectorFactory,
  options: CheckConnectorOptions = {},
): Promise<ConformanceReport> {
  const parsed = parseOptions(options);
  const started = performance.now();
  const meta: RunMeta = {};
  const checks: ConformanceCheckResult[] = [];
  for (const id of selectedChecks(options)) {
    if (parsed.signal?.aborted) break;
    const result = await runConformanceCheck(factory, id, options, meta);
    checks.push(result);
    parsed.onResult?.(result);
  }
  const count = (status: ConformanceCheckResult['status']) =>
    checks.filter((c) => c.status === status).length;
  const counts = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  return {
    connector: meta.connector,
    target: meta.target ?? parsed.target,
    passed: counts.failed === 0 && !parsed.signal?.aborted,
    counts,
    checks,
    durationMs: Math.round(performance.now() - started),
  };
}
