import { z } from 'zod';
import type { VersionDetection } from '../adapters/AdapterResolver';
import type { Adapter } from '../adapters/defineAdapter';
import { formatIssues, InvalidInputError, issuesFromZod } from '../errors';
import { parseInput } from '../errors/parseInput';
import type { ExecutionPolicy } from '../resilience/ExecutionPolicy';
import { type ResilienceOptions, ResilienceOptionsSchema } from '../resilience/ResilienceOptions';
import { ResilienceRegistry } from '../resilience/ResilienceRegistry';
import { type BoundConnector, bindConnector } from './BoundConnector';
import type { CredentialProvider } from './credentials/CredentialProvider';
import type { Logger } from './Logger';
import type { OperationContext } from './OperationContext';
import {
  isOperationName,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationArgs,
  type OperationName,
  type OperationResult,
} from './operations';

/** A function implementing operation `N`. */
export type OperationHandler<TConfig, N extends OperationName> = (
  ctx: OperationContext<TConfig>,
  input: OperationArgs<N>,
) => Promise<OperationResult<N>>;

/** An operation with explicit settings. */
export interface OperationDefinition<TConfig, N extends OperationName> {
  /** The implementation. */
  readonly run: OperationHandler<TConfig, N>;
  /** Overrides the default idempotency of operation `N` (see `OPERATIONS`). */
  readonly idempotent?: boolean;
}

/** The operations a connector implements: one optional entry per operation name. */
export type OperationImplementations<TConfig> = {
  readonly [N in OperationName]?: OperationHandler<TConfig, N> | OperationDefinition<TConfig, N>;
};

/** What `defineConnector` takes. */
export interface ConnectorDefinition<
  TConfigSchema extends z.ZodType,
  TOperations extends OperationImplementations<z.output<TConfigSchema>>,
> {
  /** Lowercase id, e.g. `acme` (letters, digits, `-`, `_`; up to 64 characters). */
  readonly id: string;
  /** The connector's own version, e.g. `1.4.0`. */
  readonly version: string;
  /** One line on what the connector manages. */
  readonly description?: string;
  /** Schema of the connector's config, validated by `with()`. Mark secret fields with `secret()`. */
  readonly config: TConfigSchema;
  /** The implemented operations, keyed `object.verb`. */
  readonly operations: TOperations;
  /**
   * Resilience of every call (retry, circuit breaker, rate limit, bulkhead,
   * per-attempt timeout), one policy per tenant. Defaults apply when absent;
   * `false` runs calls once, as is.
   */
  readonly resilience?: ResilienceOptions | false;
  /**
   * Versions of the target's API this connector speaks, newest first (see
   * `defineAdapter`). Handlers read payloads through `ctx.adapter`.
   */
  readonly adapters?: readonly Adapter[];
  /**
   * How a tenant's version is found: an explicit `probe`, else the shape of a
   * `sample`, else the newest adapter. Cached per tenant for `ttlMs`.
   */
  readonly versioning?: VersionDetection<OperationContext<z.output<TConfigSchema>>>;
}

/** Options of {@link Connector.with}. */
export interface BindOptions {
  /** The tenant this binding talks to; defaults to `config.tenant` when it is a string, else `default`. */
  readonly tenant?: string;
  /** Where the connector logs; discards by default. */
  readonly logger?: Logger;
  /**
   * The resilience policy every call runs through. By default, the policy of
   * (connector id, tenant) from `registry` (or the connector's own registry),
   * built from the connector's `resilience` options; `directPolicy` turns it off.
   */
  readonly policy?: ExecutionPolicy;
  /** A registry shared across connectors (e.g. by the lifecycle runner); the connector's own by default. */
  readonly registry?: ResilienceRegistry;
  /**
   * The `fetch` handed to operations (wrapped to classify errors). By default a
   * shared {@link nodeHttpFetch} (keep-alive, buffered responses, redirects not
   * followed); pass `globalThis.fetch` for the built-in WHATWG fetch.
   */
  readonly fetch?: typeof globalThis.fetch;
}

/** An operation as resolved at definition time. */
export interface ResolvedOperation<TConfig> {
  readonly name: OperationName;
  readonly idempotent: boolean;
  readonly run: (ctx: OperationContext<TConfig>, input: unknown) => Promise<unknown>;
}

/** A defined connector: bind it to a config and credential with `with()`. */
export interface Connector<TConfigSchema extends z.ZodType, TCapability extends OperationName> {
  /** The connector id. */
  readonly id: string;
  /** The connector version. */
  readonly version: string;
  /** One line on what the connector manages. */
  readonly description: string | undefined;
  /** The config schema. */
  readonly configSchema: TConfigSchema;
  /** Operations it implements, derived from `operations`. */
  readonly capabilities: ReadonlySet<TCapability>;
  /** Whether it implements `operation`. */
  supports(operation: OperationName): operation is TCapability;
  /** Whether `operation` may be repeated safely. */
  isIdempotent(operation: OperationName): boolean;
  /** The adapters, newest first (empty when the connector reads payloads itself). */
  readonly adapters: readonly Adapter[];
  /** The connector's own resilience registry: one policy per tenant (subscribe to events, persist breakers, shut down). */
  readonly resilience: ResilienceRegistry;
  /**
   * Validates `config` (an `invalid_input` error lists every bad field) and
   * returns a connector bound to it, the credential and a tenant.
   */
  with(
    config: z.input<TConfigSchema>,
    credential?: CredentialProvider,
    options?: BindOptions,
  ): BoundConnector<z.output<TConfigSchema>, TCapability>;
}

const ConnectorMeta = z.object({
  id: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]{0,63}$/,
      'must be lowercase letters, digits, - or _, starting with a letter (max 64)',
    ),
  version: z.string().min(1).max(64),
  description: z.string().max(1024).optional(),
});

/**
 * Defines a connector: its id, version, config schema and the operations it
 * implements. Handlers get a typed context and input; capabilities and
 * idempotency come from the operation names.
 *
 * @example
 * ```ts
 * export const acme = defineConnector({
 *   id: 'acme', version: '1.0.0',
 *   config: z.object({ baseUrl: z.url(), tenant: z.string() }),
 *   operations: {
 *     'credential.revoke': async (ctx, { credential }) => {
 *       await ctx.fetch(`${ctx.config.baseUrl}/keys/${credential.id}`, { method: 'DELETE' });
 *     },
 *   },
 * });
 * const bound = acme.with({ baseUrl: 'http://127.0.0.1:8080', tenant: 't1' }, staticCredential(key));
 * await bound.call('credential.revoke', { credential: { id: 'k_1' } });
 * ```
 */
export function defineConnector<
  TConfigSchema extends z.ZodType,
  const TOperations extends OperationImplementations<z.output<TConfigSchema>>,
>(
  definition: ConnectorDefinition<TConfigSchema, TOperations>,
): Connector<TConfigSchema, keyof TOperations & OperationName> {
  type TConfig = z.output<TConfigSchema>;
  type TCapability = keyof TOperations & OperationName;
  const meta = ConnectorMeta.safeParse({
    id: definition.id,
    version: definition.version,
    description: definition.description,
  });
  if (!meta.success) {
    const issues = issuesFromZod(meta.error);
    throw new InvalidInputError(`Invalid connector definition:\n${formatIssues(issues)}`, { issues });
  }
  const { id, version } = meta.data;
  // Validated now (bad options fail at definition), passed on as written so a
  // shared registry's defaults still fill the fields the connector leaves out.
  const resilienceOptions: ResilienceOptions | false = definition.resilience ?? {};
  if (resilienceOptions !== false) {
    parseInput(ResilienceOptionsSchema, resilienceOptions, `resilience options of connector ${id}`);
  }
  const registry = new ResilienceRegistry();
  const adapters = definition.adapters ?? [];
  const versions = adapters.map((adapter) => adapter.version);
  if (new Set(versions).size !== versions.length) {
    throw new InvalidInputError(`Connector ${id} lists an adapter version twice: ${versions.join(', ')}.`);
  }
  const operations = new Map<OperationName, ResolvedOperation<TConfig>>();
  for (const [name, implementation] of Object.entries(definition.operations ?? {})) {
    if (!isOperationName(name)) {
      throw new InvalidInputError(
        `Connector ${id} defines unknown operation "${name}". Known operations: ${OPERATION_NAMES.join(', ')}.`,
      );
    }
    const impl = implementation as
      | ((ctx: OperationContext<TConfig>, input: unknown) => Promise<unknown>)
      | { run?: unknown; idempotent?: unknown }
      | undefined;
    const run = typeof impl === 'function' ? impl : impl?.run;
    if (typeof run !== 'function') {
      throw new InvalidInputError(
        `Connector ${id} operation "${name}" must be a function or { run, idempotent? }.`,
      );
    }
    const idempotent =
      typeof impl === 'object' && typeof impl.idempotent === 'boolean'
        ? impl.idempotent
        : OPERATIONS[name].idempotent;
    operations.set(name, {
      name,
      idempotent,
      run: run as (ctx: OperationContext<TConfig>, input: unknown) => Promise<unknown>,
    });
  }
  const capabilities = new Set(operations.keys()) as ReadonlySet<TCapability>;

  return {
    id,
    version,
    description: meta.data.description,
    configSchema: definition.config,
    capabilities,
    supports: (operation): operation is TCapability => operations.has(operation),
    isIdempotent: (operation) => operations.get(operation)?.idempotent ?? OPERATIONS[operation].idempotent,
    resilience: registry,
    adapters,
    with(config, credential, options = {}) {
      const parsed = definition.config.safeParse(config);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error);
        throw new InvalidInputError(`Invalid config for connector ${id}:\n${formatIssues(issues)}`, {
          issues,
          context: { connector: id },
        });
      }
      return bindConnector<TConfig, TCapability>({
        id,
        version,
        config: parsed.data as TConfig,
        operations,
        capabilities,
        credential,
        options,
        adapters,
        ...(definition.versioning === undefined ? {} : { versioning: definition.versioning }),
        ...(resilienceOptions === false
          ? {}
          : {
              policyFor: (tenant: string) =>
                (options.registry ?? registry).get(id, tenant, resilienceOptions),
            }),
      });
    },
  };
}
