import { z } from 'zod';
import { formatIssues, InvalidInputError, issuesFromZod } from '../../errors';
import { FORBIDDEN_KEYS } from '../../model';

/** The contract file format's version; bumped on an incompatible change. */
export const CONTRACT_SCHEMA_VERSION = 1;

/** Most distinct fingerprints kept per (operation, kind). */
export const MAX_CONTRACT_FINGERPRINTS = 256;
/** Most `path:type` entries kept per (operation, kind). */
export const MAX_CONTRACT_SHAPE_ENTRIES = 20_000;

const ShapeEntry = z
  .string()
  .min(3)
  .max(4096)
  .regex(
    /^.+:(null|boolean|number|string|array|object|undefined|other)$/s,
    'must be "path:type" with a JSON type (null, boolean, number, string, array, object)',
  );

/** What a contract holds for one payload kind of one operation: fingerprints and the shape union. */
export const ContractPayload = z.strictObject({
  /** Fingerprints of every distinct shape seen (see `shapeFingerprint`). */
  fingerprints: z
    .array(z.string().regex(/^[0-9a-f]{16}$/, 'must be a 16-digit hex shape fingerprint'))
    .max(MAX_CONTRACT_FINGERPRINTS),
  /** The sorted union of `path:type` entries seen. Paths and types only, never values. */
  shape: z.array(ShapeEntry).max(MAX_CONTRACT_SHAPE_ENTRIES),
});

/** One payload kind's entry in a contract. */
export type ContractPayload = z.output<typeof ContractPayload>;

const OperationKey = z
  .string()
  .regex(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/, 'must be an operation name such as "credential.get"');
const KindKey = z
  .string()
  .min(1)
  .max(64)
  .refine((key) => !FORBIDDEN_KEYS.has(key), 'is a forbidden key');

/** Zod drops a `__proto__` key from records silently; reject it (two levels deep) instead. */
function forbiddenKeyPath(value: unknown): string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) return [key];
    if (typeof child === 'object' && child !== null) {
      for (const inner of Object.keys(child)) if (FORBIDDEN_KEYS.has(inner)) return [key, inner];
    }
  }
  return undefined;
}

const Operations = z
  .unknown()
  .check((ctx) => {
    const path = forbiddenKeyPath(ctx.value);
    if (path !== undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path, message: 'is a forbidden key' });
    }
  })
  .pipe(z.record(OperationKey, z.record(KindKey, ContractPayload)));

/**
 * A contract baseline: the payload shapes a connector's exercise read from a
 * target, per operation and object kind — key paths and JSON types, never
 * values — so it is safe to commit and to diff in CI.
 *
 * @example
 * ```ts
 * const contract = Contract.parse(JSON.parse(await readFile('acme.contract.json', 'utf8')));
 * contract.operations['account.get']?.account?.shape; // ['created_at:string', 'id:string', ...]
 * ```
 */
export const Contract = z.strictObject({
  schemaVersion: z.literal(CONTRACT_SCHEMA_VERSION),
  connector: z.strictObject({ id: z.string().min(1).max(256), version: z.string().min(1).max(256) }),
  /** The adapter (API) version the shapes were read with; null when none was resolved. */
  adapterVersion: z.string().min(1).max(64).nullable(),
  recordedAt: z.iso.datetime({ offset: true }),
  operations: Operations,
});

/** A contract baseline (see {@link Contract}). */
export type Contract = z.output<typeof Contract>;

/**
 * Validates a parsed contract document; a bad one throws `InvalidInputError`
 * whose `issues` list every offending path.
 *
 * @example
 * ```ts
 * const contract = parseContract(JSON.parse(text), 'acme.contract.json');
 * ```
 */
export function parseContract(value: unknown, source = 'contract'): Contract {
  const parsed = Contract.safeParse(value);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new InvalidInputError(`Invalid contract ${source}:\n${formatIssues(issues)}`, { issues });
  }
  return parsed.data;
}
