import type { z } from 'zod';
import {
  type DriftChange,
  formatIssues,
  issuesFromZod,
  SchemaDriftError,
  UnsupportedError,
  type ValidationIssue,
} from '../errors';
import { CANONICAL_KINDS, isCanonicalKind, type ReadResult } from './canonicalKinds';
import type { Adapter } from './defineAdapter';
import { driftChanges } from './driftChanges';
import { isKnownPath } from './knownPaths';
import { describeShape, fingerprintOf } from './shape';

/** A payload that passed its adapter's schema. */
export interface ReadOutcome<T> {
  /** The canonical object (or the parsed wire payload for non-canonical kinds). */
  readonly value: T;
  /** Fingerprint of the payload's shape. */
  readonly fingerprint: string;
  /** The payload's sorted `path:type` shape. */
  readonly shape: readonly string[];
  /** Additive drift: `path:type` entries the adapter's schema does not know. */
  readonly additions: readonly string[];
}

/** Where a read happens, for drift reports. */
export interface ReadContext {
  /** The operation reading the payload. */
  readonly operation?: string;
  /** Connector id, for the error context. */
  readonly connector?: string;
  /** Tenant, for the error context. */
  readonly tenant?: string;
  /** Other adapters of the connector, to tell a version mismatch from an unknown shape. */
  readonly alternatives?: readonly Adapter[];
}

type Attempt =
  | { ok: true; value: unknown }
  | { ok: false; error: z.ZodError | undefined; issues: ValidationIssue[] };

function attempt(adapter: Adapter, kind: string, payload: unknown): Attempt {
  const schema = adapter.schema(kind);
  if (schema === undefined) return { ok: false, error: undefined, issues: [] };
  const wire = schema.safeParse(payload);
  if (!wire.success) return { ok: false, error: wire.error, issues: issuesFromZod(wire.error) };
  let mapped: unknown;
  try {
    mapped = adapter.toModel(kind, wire.data);
  } catch (cause) {
    return {
      ok: false,
      error: undefined,
      issues: [{ path: [], message: `toModel.${kind} threw ${(cause as Error)?.name ?? 'an error'}` }],
    };
  }
  if (!isCanonicalKind(kind)) return { ok: true, value: mapped };
  const model = CANONICAL_KINDS[kind].safeParse(mapped);
  if (!model.success) {
    return {
      ok: false,
      error: undefined,
      issues: issuesFromZod(model.error).map((issue) => ({ ...issue, message: `model: ${issue.message}` })),
    };
  }
  return { ok: true, value: model.data };
}

/**
 * Validates a target payload with an adapter and maps it to the canonical
 * model. A payload that does not fit throws `SchemaDriftError` with a
 * structured diff, the shape fingerprint, and a hint naming another adapter
 * that would accept it; unknown new fields that still parse are returned as
 * `additions` (additive drift, not an error). Values never enter the report.
 *
 * @example
 * ```ts
 * const { value, additions } = readPayload(v1, 'credential', body, { operation: 'credential.get', alternatives: [v2] });
 * ```
 */
export function readPayload<K extends string>(
  adapter: Adapter,
  kind: K,
  payload: unknown,
  context: ReadContext = {},
): ReadOutcome<ReadResult<K>> {
  if (adapter.schema(kind) === undefined) {
    throw new UnsupportedError(
      `Adapter ${adapter.version} has no schema for "${kind}"; add it to the adapter's schemas (it has: ${adapter.kinds.join(', ')}).`,
    );
  }
  const shape = describeShape(payload);
  const fingerprint = fingerprintOf(shape);
  const result = attempt(adapter, kind, payload);
  if (result.ok) {
    const known = adapter.knownPaths(kind);
    const additions = shape.filter((entry) => !isKnownPath(known, entry.slice(0, entry.lastIndexOf(':'))));
    return { value: result.value as ReadResult<K>, fingerprint, shape, additions };
  }
  const changes: DriftChange[] =
    result.error === undefined
      ? result.issues.map((issue) => ({
          path: issue.path.join('.'),
          kind: 'invalid',
          expected: issue.message,
        }))
      : driftChanges(result.error, payload, adapter.knownPaths(kind));
  const accepting = (context.alternatives ?? []).find(
    (other) => other.version !== adapter.version && attempt(other, kind, payload).ok,
  );
  const where = context.operation ? ` in ${context.operation}` : '';
  const hint = accepting
    ? `adapter ${accepting.version} accepts it (version mismatch)`
    : 'no known adapter accepts it (unknown shape)';
  throw new SchemaDriftError(
    `The target's ${kind} payload${where} does not match adapter ${adapter.version}; ${hint}:\n${formatIssues(result.issues)}`,
    {
      issues: result.issues,
      adapterVersion: adapter.version,
      fingerprint,
      objectKind: kind,
      changes,
      hint: accepting ? 'version_mismatch' : 'unknown_shape',
      ...(accepting ? { suggestedVersion: accepting.version } : {}),
      context: {
        ...(context.connector ? { connector: context.connector } : {}),
        ...(context.operation ? { operation: context.operation } : {}),
        ...(context.tenant ? { tenant: context.tenant } : {}),
      },
    },
  );
}
