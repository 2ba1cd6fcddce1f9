import { z } from 'zod';
import { formatIssues, InvalidInputError, issuesFromZod } from '../errors';
import type { ModelOf } from './canonicalKinds';
import { knownPaths } from './knownPaths';

/** What a version probe observed: an explicit version, headers, or a body. */
export interface VersionProbe {
  /** A version string the target reported (header or discovery document). */
  readonly version?: string;
  /** Response headers of the probe, if it was an HTTP call. */
  readonly headers?: Headers;
  /** The probe's parsed body, if any. */
  readonly body?: unknown;
}

/** Wire schemas keyed by object kind. */
export type WireSchemas = Readonly<Record<string, z.ZodType>>;

/** What `defineAdapter` takes. */
export interface AdapterDefinition<TSchemas extends WireSchemas> {
  /** The target API version this adapter speaks, e.g. `2024-06` or `v2`. */
  readonly version: string;
  /**
   * Recognises this version from a probe's headers or body. A probe whose
   * `version` string equals `version` always matches.
   */
  readonly detect?: (probe: VersionProbe) => boolean;
  /** Zod schemas of the target's wire payloads per object kind (`credential`, `credentialList`, ...). */
  readonly schemas: TSchemas;
  /** Mappings from wire payloads to the canonical model, per kind. */
  readonly toModel?: {
    readonly [K in keyof TSchemas & string]?: (wire: z.output<TSchemas[K]>) => ModelOf<K>;
  };
  /** Mappings from the canonical model to wire payloads, per kind (for writes). */
  readonly fromModel?: {
    readonly [K in keyof TSchemas & string]?: (model: ModelOf<K>) => z.input<TSchemas[K]>;
  };
}

/**
 * A defined adapter: one version of a target's API. Its wire types are erased
 * here so adapters of different versions can sit in one list; the typing lives
 * in `defineAdapter`'s definition.
 */
export interface Adapter {
  /** The API version. */
  readonly version: string;
  /** The object kinds it has schemas for. */
  readonly kinds: readonly string[];
  /** The wire schema of `kind`, if the adapter has one. */
  schema(kind: string): z.ZodType | undefined;
  /** Maps a parsed wire payload of `kind` to the model (identity when no mapping is defined). */
  toModel(kind: string, wire: unknown): unknown;
  /** Maps a model object of `kind` to its wire payload (identity when no mapping is defined). */
  fromModel(kind: string, model: unknown): unknown;
  /** Whether a probe identifies this version. */
  matches(probe: VersionProbe): boolean;
  /** The key paths each kind's schema knows (for additive drift). */
  knownPaths(kind: string): ReadonlySet<string>;
}

type Mapper = (value: unknown) => unknown;

const Meta = z.object({
  version: z.string().min(1).max(64),
  schemas: z.record(
    z.string().min(1).max(64),
    z.custom<z.ZodType>((s) => typeof (s as z.ZodType)?.safeParse === 'function'),
  ),
});

/**
 * Defines one version of a target's API: zod schemas for its wire payloads per
 * object kind, and mappings to (and from) the canonical model. A connector
 * lists its adapters newest first; every payload it reads is validated by the
 * active one, and a payload that fails is a `schema_drift` error with a diff.
 *
 * @example
 * ```ts
 * const v1 = defineAdapter({
 *   version: 'v1',
 *   schemas: { credential: z.object({ key_id: z.string(), status: z.enum(['active', 'revoked']) }) },
 *   toModel: { credential: (w) => ({ id: w.key_id, kind: 'api_key', status: w.status }) },
 * });
 * ```
 */
export function defineAdapter<const TSchemas extends WireSchemas>(
  definition: AdapterDefinition<TSchemas>,
): Adapter {
  const parsed = Meta.safeParse(definition);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid adapter definition:\n${formatIssues(issues)}`, { issues });
  }
  const known = new Map<string, ReadonlySet<string>>();
  for (const [kind, schema] of Object.entries(definition.schemas)) known.set(kind, knownPaths(schema));
  const { detect, version } = definition;
  const schemas: WireSchemas = definition.schemas;
  const toModel = (definition.toModel ?? {}) as Readonly<Record<string, Mapper | undefined>>;
  const fromModel = (definition.fromModel ?? {}) as Readonly<Record<string, Mapper | undefined>>;
  return {
    version,
    kinds: Object.keys(schemas),
    schema: (kind) => (Object.hasOwn(schemas, kind) ? schemas[kind] : undefined),
    toModel: (kind, wire) => (Object.hasOwn(toModel, kind) ? (toModel[kind] as Mapper)(wire) : wire),
    fromModel: (kind, model) => (Object.hasOwn(fromModel, kind) ? (fromModel[kind] as Mapper)(model) : model),
    matches: (probe) => probe.version === version || (detect?.(probe) ?? false),
    knownPaths: (kind) => known.get(kind) ?? new Set<string>(),
  };
}
