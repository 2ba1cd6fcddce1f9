import { UnsupportedError } from '../errors';
import type { ReadResult } from './canonicalKinds';
import type { Adapter } from './defineAdapter';
import { type ReadJsonBodyOptions, readJsonBody } from './readJsonBody';
import { type ReadOutcome, readPayload } from './readPayload';
import type { VersionMismatch } from './VersionMismatch';

/**
 * The active adapter as an operation handler sees it (`ctx.adapter`): read a
 * target payload into the canonical model (validated, drift-checked), or write
 * a model object in the target's wire shape.
 *
 * @example
 * ```ts
 * 'credential.get': async (ctx, { credential }) => {
 *   const response = await ctx.fetch(`${base}/keys/${credential.id}`);
 *   return ctx.adapter.readResponse('credential', response);
 * },
 * ```
 */
export interface AdapterContext {
  /** The API version in use for this tenant (`none` when the connector has no adapters). */
  readonly version: string;
  /** Validates `payload` as `kind` and maps it to the model; drift throws `schema_drift`. */
  read<K extends string>(kind: K, payload: unknown): ReadResult<K>;
  /** Reads a response body (bounded, see `readJsonBody`) and then {@link AdapterContext.read}s it. */
  readResponse<K extends string>(
    kind: K,
    response: Response,
    options?: ReadJsonBodyOptions,
  ): Promise<ReadResult<K>>;
  /** Maps a model object to the wire shape of `kind` (the adapter's `fromModel`, else unchanged). */
  write(kind: string, model: unknown): unknown;
}

/** Where a read happens and who wants to know about it. */
export interface AdapterScope {
  readonly connector: string;
  readonly tenant: string;
  readonly operation: string;
  /** Every adapter of the connector, to tell version mismatch from unknown shape. */
  readonly alternatives: readonly Adapter[];
  /** Called after every successful read (additive drift, shape fingerprints). */
  readonly observe?: (kind: string, outcome: ReadOutcome<unknown>, adapterVersion: string) => void;
  /** Responses whose version header disagreed with the adapter (see `checkVersionHeader`). */
  readonly mismatch?: VersionMismatch;
}

/**
 * Builds `ctx.adapter` for one attempt. Without an adapter, every method throws
 * `unsupported` with a hint to declare adapters.
 *
 * @example
 * ```ts
 * const adapterContext = createAdapterContext(v2, { connector: 'acme', tenant: 't1', operation: 'credential.get', alternatives: [v2, v1] });
 * ```
 */
export function createAdapterContext(adapter: Adapter | undefined, scope: AdapterScope): AdapterContext {
  if (adapter === undefined) {
    const missing = (): never => {
      throw new UnsupportedError(
        `Connector ${scope.connector} defines no adapters; add \`adapters: [defineAdapter(...)]\` to defineConnector to use ctx.adapter.`,
      );
    };
    return { version: 'none', read: missing, readResponse: missing, write: missing };
  }
  const context = {
    connector: scope.connector,
    tenant: scope.tenant,
    operation: scope.operation,
    alternatives: scope.alternatives,
  };
  const read = <K extends string>(kind: K, payload: unknown): ReadResult<K> => {
    const outcome = readPayload(adapter, kind, payload, context);
    scope.observe?.(kind, outcome, adapter.version);
    return outcome.value;
  };
  return {
    version: adapter.version,
    read,
    readResponse: async (kind, response, options) => {
      const body = await readJsonBody(response, options);
      const headerDrift = scope.mismatch?.take(response);
      if (headerDrift === undefined) return read(kind, body);
      // The target stated another version: report the field-level diff when the
      // body shows one, else the version mismatch itself. Never a success.
      readPayload(adapter, kind, body, context);
      throw headerDrift;
    },
    write: (kind, model) => adapter.fromModel(kind, model),
  };
}
