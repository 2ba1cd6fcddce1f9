import { InvalidInputError, SchemaDriftError, UnsupportedError } from '../errors';
import { Emitter, type Event } from '../resilience/Event';
import type { Adapter, VersionProbe } from './defineAdapter';
import { readPayload } from './readPayload';

/** How a connector tells which API version a tenant speaks. */
export interface VersionDetection<TContext> {
  /** An explicit probe: a version header, a `/version` or discovery endpoint. */
  readonly probe?: (ctx: TContext) => Promise<VersionProbe | string>;
  /** Or by shape: fetch a sample payload of `kind`; the first adapter that accepts it wins. */
  readonly sample?: { readonly kind: string; readonly fetch: (ctx: TContext) => Promise<unknown> };
  /**
   * A response header in which the target states its API version on every
   * response (e.g. `x-api-version`). When set, each response is checked against
   * the active adapter before its status or body is trusted.
   */
  readonly header?: string;
  /** How long a resolution is cached per tenant (default 10 minutes). */
  readonly ttlMs?: number;
}

/** Emitted when a tenant's adapter is chosen or changed. */
export interface AdapterSwitchEvent {
  readonly tenant: string;
  /** The previous version, if there was one. */
  readonly from: string | undefined;
  readonly to: string;
  /** `probe`, `sample`, `default` or `drift`. */
  readonly reason: 'probe' | 'sample' | 'default' | 'drift';
}

interface Entry {
  readonly adapter: Adapter;
  readonly expiresAt: number;
}

/**
 * Chooses the adapter for each tenant — by the connector's probe, else by the
 * shape of a sample, else the newest — and caches it with a TTL. When drift
 * shows another adapter accepts the target's payloads, `switchTo` changes the
 * tenant's adapter and `onSwitch` fires.
 *
 * @example
 * ```ts
 * const resolver = new AdapterResolver([v2, v1], { probe: async (ctx) => (await getVersion(ctx)) });
 * const adapter = await resolver.resolve('t1', ctx);
 * ```
 */
export class AdapterResolver<TContext> {
  readonly #adapters: readonly Adapter[];
  readonly #detection: VersionDetection<TContext>;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<Adapter>>();
  readonly #switches = new Emitter<AdapterSwitchEvent>();

  /** Fires when a tenant's adapter is chosen or changes. */
  readonly onSwitch: Event<AdapterSwitchEvent> = this.#switches.event;

  constructor(adapters: readonly Adapter[], detection: VersionDetection<TContext> = {}) {
    if (adapters.length === 0)
      throw new InvalidInputError('A connector with versioning needs at least one adapter.');
    const versions = new Set(adapters.map((a) => a.version));
    if (versions.size !== adapters.length) {
      throw new InvalidInputError(
        `Adapter versions must be unique; got ${adapters.map((a) => a.version).join(', ')}.`,
      );
    }
    this.#adapters = adapters;
    this.#detection = detection;
    this.#ttlMs = detection.ttlMs ?? 10 * 60 * 1000;
  }

  /** The adapters, newest first. */
  get adapters(): readonly Adapter[] {
    return this.#adapters;
  }

  /** The cached adapter of a tenant, if resolved and fresh. */
  current(tenant: string): Adapter | undefined {
    const entry = this.#cache.get(tenant);
    return entry !== undefined && Date.now() < entry.expiresAt ? entry.adapter : undefined;
  }

  /** Returns the tenant's adapter, resolving it (once for concurrent callers) when not cached. */
  resolve(tenant: string, ctx: TContext): Promise<Adapter> {
    const cached = this.current(tenant);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#pending.get(tenant);
    if (pending === undefined) {
      pending = this.#detect(ctx).then(
        ({ adapter, reason }) => {
          this.#pending.delete(tenant);
          this.#set(tenant, adapter, reason);
          return adapter;
        },
        (error: unknown) => {
          this.#pending.delete(tenant);
          throw error;
        },
      );
      this.#pending.set(tenant, pending);
    }
    return pending;
  }

  /** Switches a tenant to `version` (after drift showed that adapter accepts the target's payloads). */
  switchTo(tenant: string, version: string): Adapter {
    const adapter = this.#adapters.find((a) => a.version === version);
    if (adapter === undefined) throw new UnsupportedError(`No adapter for version ${version}.`);
    this.#set(tenant, adapter, 'drift');
    return adapter;
  }

  /** Forgets a tenant's resolution (the next call resolves again). */
  invalidate(tenant: string): void {
    this.#cache.delete(tenant);
  }

  #set(tenant: string, adapter: Adapter, reason: AdapterSwitchEvent['reason']): void {
    const previous = this.#cache.get(tenant)?.adapter;
    this.#cache.set(tenant, { adapter, expiresAt: Date.now() + this.#ttlMs });
    if (previous?.version !== adapter.version) {
      this.#switches.emit({ tenant, from: previous?.version, to: adapter.version, reason });
    }
  }

  async #detect(ctx: TContext): Promise<{ adapter: Adapter; reason: AdapterSwitchEvent['reason'] }> {
    const { probe, sample } = this.#detection;
    if (probe !== undefined) {
      const observed = await probe(ctx);
      const asProbe: VersionProbe = typeof observed === 'string' ? { version: observed } : observed;
      const adapter = this.#adapters.find((a) => a.matches(asProbe));
      if (adapter === undefined) {
        // The target speaks a version this connector does not know: that is drift, not a missing feature.
        const known = this.#adapters.map((a) => a.version).join('|');
        throw new SchemaDriftError(
          `The target reports API version ${(asProbe.version ?? '(unknown)').slice(0, 64)}, which no adapter of this connector speaks (known: ${known}).`,
          {
            hint: 'unknown_shape',
            changes: [{ path: 'version', kind: 'invalid', expected: known, received: 'string' }],
          },
        );
      }
      return { adapter, reason: 'probe' };
    }
    if (sample !== undefined) {
      const payload = await sample.fetch(ctx);
      for (const adapter of this.#adapters) {
        try {
          readPayload(adapter, sample.kind, payload);
          return { adapter, reason: 'sample' };
        } catch {
          // try the next, older adapter
        }
      }
      // None accepts: use the newest; its reads will report the drift in detail.
    }
    return { adapter: this.#adapters[0] as Adapter, reason: 'default' };
  }
}
