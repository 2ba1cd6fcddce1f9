import { createAdapterContext } from '../adapters/AdapterContext';
import { AdapterResolver, type AdapterSwitchEvent, type VersionDetection } from '../adapters/AdapterResolver';
import { checkVersionHeader } from '../adapters/checkVersionHeader';
import type { Adapter } from '../adapters/defineAdapter';
import type { DriftWarningEvent, ShapeObservedEvent } from '../adapters/events';
import type { ReadOutcome } from '../adapters/readPayload';
import { VersionMismatch } from '../adapters/VersionMismatch';
import {
  classifyNetworkError,
  type ErrorContext,
  formatIssues,
  InvalidInputError,
  isLifelineError,
  issuesFromZod,
  SchemaDriftError,
  UnsupportedError,
} from '../errors';
import type { Secret } from '../model';
import { Emitter, type Event, neverEvent } from '../resilience/Event';
import { type AttemptContext, directPolicy, type ExecutionPolicy } from '../resilience/ExecutionPolicy';
import { instrumentOperation } from '../telemetry/instrumentOperation';
import { recordSchemaDrift } from '../telemetry/metrics';
import { recordAdapterSwitch } from '../telemetry/spanEvents';
import { createClassifiedFetch } from './classifiedFetch';
import type { CredentialProvider } from './credentials/CredentialProvider';
import type { BindOptions, ResolvedOperation } from './defineConnector';
import { instrumentPolicy } from './instrumentPolicy';
import { noopLogger } from './Logger';
import { defaultTransport } from './nodeHttpFetch';
import type { OperationContext } from './OperationContext';
import { OPERATIONS, type OperationInput, type OperationName, type OperationOutput } from './operations';

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call, including retries and waits. */
  readonly signal?: AbortSignal;
  /** Deadline for the whole call, in milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * A connector bound to a config, a credential and a tenant. Every call validates
 * its input (`invalid_input`) and the handler's output (`schema_drift`), runs
 * through the binding's resilience policy, and throws only Lifeline errors.
 *
 * @example
 * ```ts
 * const page = await bound.call('credential.list', { account: { id: 'u_42' } });
 * for (const credential of page.items) await bound.call('credential.revoke', { credential });
 * ```
 */
export interface BoundConnector<TConfig = unknown, TCapability extends OperationName = OperationName> {
  /** The connector id. */
  readonly id: string;
  /** The connector version. */
  readonly version: string;
  /** The tenant this binding talks to. */
  readonly tenant: string;
  /** The validated config. */
  readonly config: TConfig;
  /** Operations the connector implements. */
  readonly capabilities: ReadonlySet<TCapability>;
  /** The credential provider's kind (`static`, `oauth2_client_credentials`, ...), if any. */
  readonly credentialKind: string | undefined;
  /** True when the binding presents a long-lived static secret (audit flags its use). */
  readonly usesStaticCredential: boolean;
  /** The resilience policy every call runs through (by default the (connector, tenant) policy of the registry). */
  readonly policy: ExecutionPolicy;
  /** The adapter version in use for this tenant, once resolved (undefined without adapters). */
  readonly adapterVersion: string | undefined;
  /** Fires when this tenant's adapter is chosen or switched (after drift). */
  readonly onAdapterSwitch: Event<AdapterSwitchEvent>;
  /** Fires on additive drift: a payload that parses but has fields the adapter does not know (once per new shape). */
  readonly onDriftWarning: Event<DriftWarningEvent>;
  /** Fires for every payload read through an adapter (shape fingerprints, for contract baselines). */
  readonly onShape: Event<ShapeObservedEvent>;
  /** Whether the connector implements `operation`. */
  supports(operation: OperationName): operation is TCapability;
  /** Whether `operation` may be repeated safely. */
  isIdempotent(operation: OperationName): boolean;
  /** Runs an operation. Throws `unsupported` when the connector does not implement it. */
  call<N extends OperationName>(
    operation: N,
    input: OperationInput<N>,
    options?: CallOptions,
  ): Promise<OperationOutput<N>>;
}

/** What `defineConnector().with()` hands to {@link bindConnector}. */
export interface BindInput<TConfig, TCapability extends OperationName> {
  readonly id: string;
  readonly version: string;
  readonly config: TConfig;
  readonly operations: ReadonlyMap<OperationName, ResolvedOperation<TConfig>>;
  readonly capabilities: ReadonlySet<TCapability>;
  readonly credential: CredentialProvider | undefined;
  readonly options: BindOptions;
  /** The default policy of a tenant, used when `options.policy` is absent; calls run once, as is, without it. */
  readonly policyFor?: (tenant: string) => ExecutionPolicy;
  /** The connector's adapters, newest first. */
  readonly adapters?: readonly Adapter[];
  /** How the tenant's adapter version is detected. */
  readonly versioning?: VersionDetection<OperationContext<TConfig>>;
}

/** Most distinct additive-drift fingerprints remembered per binding (warnings fire once per fingerprint). */
const MAX_WARNED_SHAPES = 1024;

function tenantOf(config: unknown, explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const fromConfig = (config as { tenant?: unknown } | null)?.tenant;
  return typeof fromConfig === 'string' && fromConfig !== '' ? fromConfig : 'default';
}

function combineSignals(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/**
 * Binds resolved operations to a config and credential. Called by
 * `Connector.with()`; exported for layers that build connectors another way.
 */
export function bindConnector<TConfig, TCapability extends OperationName>(
  input: BindInput<TConfig, TCapability>,
): BoundConnector<TConfig, TCapability> {
  const { id, version, config, operations, capabilities, credential: provider, options } = input;
  const tenant = tenantOf(config, options.tenant);
  const logger = options.logger ?? noopLogger;
  const policy = options.policy ?? input.policyFor?.(tenant) ?? directPolicy;
  const meta = { id, version } as const;
  const adapters = input.adapters ?? [];
  const resolver =
    adapters.length === 0
      ? undefined
      : new AdapterResolver<OperationContext<TConfig>>(adapters, input.versioning ?? {});
  const driftWarnings = new Emitter<DriftWarningEvent>();
  const shapes = new Emitter<ShapeObservedEvent>();
  const warned = new Set<string>();
  const versionHeader = input.versioning?.header;
  instrumentPolicy(policy, id, tenant);
  const currentAdapterVersion = (): string | undefined => resolver?.current(tenant)?.version;
  resolver?.onSwitch((event) => {
    if (event.from !== undefined) recordAdapterSwitch(event.from, event.to);
  });

  const observers = new Map<OperationName, ReturnType<typeof createObserver>>();
  /** The payload observer of one operation, made once per operation (not per call). */
  function observe(operation: OperationName) {
    let observer = observers.get(operation);
    if (observer === undefined) {
      observer = createObserver(operation);
      observers.set(operation, observer);
    }
    return observer;
  }

  function createObserver(operation: OperationName) {
    return (kind: string, outcome: ReadOutcome<unknown>, adapterVersion: string): void => {
      if (shapes.hasListeners) {
        shapes.emit({
          connector: id,
          tenant,
          operation,
          kind,
          adapterVersion,
          fingerprint: outcome.fingerprint,
          shape: outcome.shape,
        });
      }
      if (
        outcome.additions.length > 0 &&
        !warned.has(outcome.fingerprint) &&
        warned.size < MAX_WARNED_SHAPES
      ) {
        warned.add(outcome.fingerprint);
        logger.warn('lifeline: additive drift', {
          connector: id,
          operation,
          kind,
          fingerprint: outcome.fingerprint,
        });
        driftWarnings.emit({
          connector: id,
          tenant,
          operation,
          kind,
          adapterVersion,
          fingerprint: outcome.fingerprint,
          additions: outcome.additions,
        });
      }
    };
  }

  async function invoke(
    operation: ResolvedOperation<TConfig>,
    args: unknown,
    attempt: AttemptContext,
    deadline: number | undefined,
    credential: Secret | undefined,
    context: ErrorContext,
  ): Promise<unknown> {
    const mismatch = versionHeader === undefined ? undefined : new VersionMismatch();
    const fetchFor = (adapter: Adapter | undefined) =>
      createClassifiedFetch({
        fetch: options.fetch ?? defaultTransport(),
        signal: attempt.signal,
        context,
        inspect:
          adapter === undefined || versionHeader === undefined
            ? undefined
            : (response: Response) => {
                try {
                  checkVersionHeader(response.headers, versionHeader, adapter, adapters, context);
                } catch (drift) {
                  // A failed status under another version cannot be trusted (a moved
                  // endpoint's 404/410 is not "already revoked"): report it now.
                  if (response.status >= 400 || mismatch === undefined) throw drift;
                  mismatch.hold(response, drift as SchemaDriftError);
                }
              },
      });
    const base = {
      connector: meta,
      operation: operation.name,
      tenant,
      config,
      credential,
      attempt: attempt.attempt,
      logger,
      ...(attempt.signal === undefined ? {} : { signal: attempt.signal }),
      ...(deadline === undefined ? {} : { deadline }),
    };
    const scope = {
      connector: id,
      tenant,
      operation: operation.name,
      alternatives: adapters,
      observe: observe(operation.name),
      ...(mismatch === undefined ? {} : { mismatch }),
    };
    let result: unknown;
    try {
      let adapter: Adapter | undefined;
      if (resolver !== undefined) {
        adapter =
          resolver.current(tenant) ??
          (await resolver.resolve(tenant, {
            ...base,
            fetch: fetchFor(undefined),
            adapter: createAdapterContext(undefined, scope),
          }));
      }
      const ctx: OperationContext<TConfig> = {
        ...base,
        fetch: fetchFor(adapter),
        adapter: createAdapterContext(adapter, scope),
      };
      result = await operation.run(ctx, args);
      const unread = mismatch?.unread();
      if (unread !== undefined) throw unread;
    } catch (error) {
      throw classifyNetworkError(error, { context, callerSignal: attempt.signal });
    }
    const parsed = OPERATIONS[operation.name].output.safeParse(result);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      throw new SchemaDriftError(
        `Connector ${id} ${operation.name} produced a result that does not match the Lifeline model; the target's payload has probably changed:\n${formatIssues(issues)}`,
        { issues, context },
      );
    }
    return parsed.data;
  }

  /**
   * Runs one attempt; when the target's payload drifted and another adapter
   * accepts it, switches the tenant's adapter and, for idempotent operations
   * only, runs the attempt once more under the new adapter.
   */
  async function attemptOnce(
    operation: ResolvedOperation<TConfig>,
    args: unknown,
    attempt: AttemptContext,
    deadline: number | undefined,
    context: ErrorContext,
  ): Promise<unknown> {
    try {
      return await attemptWithCredential(operation, args, attempt, deadline, context);
    } catch (error) {
      if (resolver === undefined || !isLifelineError(error, 'schema_drift')) throw error;
      const suggested = (error as SchemaDriftError).suggestedVersion;
      if (suggested === undefined || suggested === resolver.current(tenant)?.version) throw error;
      resolver.switchTo(tenant, suggested);
      if (!operation.idempotent) throw error;
      return attemptWithCredential(operation, args, attempt, deadline, context);
    }
  }

  async function attemptWithCredential(
    operation: ResolvedOperation<TConfig>,
    args: unknown,
    attempt: AttemptContext,
    deadline: number | undefined,
    context: ErrorContext,
  ): Promise<unknown> {
    if (provider === undefined) return invoke(operation, args, attempt, deadline, undefined, context);
    const credential = await provider.get({ signal: attempt.signal });
    try {
      return await invoke(operation, args, attempt, deadline, credential, context);
    } catch (error) {
      if (provider.isStatic || !isLifelineError(error, 'auth_failed')) throw error;
      logger.info('lifeline: credential rejected; refreshing once', {
        connector: id,
        operation: operation.name,
      });
      provider.invalidate(credential);
      const fresh = await provider.get({ signal: attempt.signal });
      return invoke(operation, args, attempt, deadline, fresh, context);
    }
  }

  return {
    id,
    version,
    tenant,
    config,
    capabilities,
    credentialKind: provider?.kind,
    usesStaticCredential: provider?.isStatic ?? false,
    policy,
    get adapterVersion() {
      return resolver?.current(tenant)?.version;
    },
    onAdapterSwitch: resolver === undefined ? neverEvent : resolver.onSwitch,
    onDriftWarning: driftWarnings.event,
    onShape: shapes.event,
    supports: (operation): operation is TCapability => operations.has(operation),
    isIdempotent: (operation) => operations.get(operation)?.idempotent ?? OPERATIONS[operation].idempotent,
    async call<N extends OperationName>(
      name: N,
      callInput: OperationInput<N>,
      callOptions: CallOptions = {},
    ) {
      const context: ErrorContext = { connector: id, operation: name, tenant };
      const operation = operations.get(name);
      if (operation === undefined) {
        throw new UnsupportedError(
          `Connector ${id} does not implement ${name}. It implements: ${[...operations.keys()].join(', ') || 'nothing'}.`,
          { context, mayHaveReachedServer: false },
        );
      }
      const parsed = OPERATIONS[name].input.safeParse(callInput);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error);
        throw new InvalidInputError(`Invalid input for ${id} ${name}:\n${formatIssues(issues)}`, {
          issues,
          context,
          mayHaveReachedServer: false,
        });
      }
      const signal = combineSignals(callOptions.signal, callOptions.timeoutMs);
      const deadline = callOptions.timeoutMs === undefined ? undefined : Date.now() + callOptions.timeoutMs;
      const adapterVersion = currentAdapterVersion();
      const result = await instrumentOperation(
        {
          connector: id,
          connectorVersion: version,
          operation: name,
          tenant,
          idempotent: operation.idempotent,
          ...(adapterVersion === undefined ? {} : { adapterVersion }),
        },
        () =>
          policy.execute((attempt) => attemptOnce(operation, parsed.data, attempt, deadline, context), {
            signal,
            idempotent: operation.idempotent,
            operation: name,
            deadline,
          }),
      ).catch((error: unknown) => {
        if (isLifelineError(error, 'schema_drift')) {
          const drift = error as SchemaDriftError;
          recordSchemaDrift({
            connector: id,
            operation: name,
            ...(drift.adapterVersion === undefined ? {} : { adapterVersion: drift.adapterVersion }),
            ...(drift.objectKind === undefined ? {} : { objectKind: drift.objectKind }),
          });
        }
        throw error;
      });
      return result as OperationOutput<N>;
    },
  };
}
