import { z } from 'zod';
import type { BoundConnector } from '../connector/BoundConnector';
import { callOptions } from '../connector/callOptions';
import type { OperationName } from '../connector/operations';
import { isLifelineError } from '../errors';
import { parseInput } from '../errors/parseInput';
import { isIntIn } from '../model/handChecks';
import { isoNow } from '../model/isoNow';
import { sleep } from '../resilience/sleep';
import type { Evidence, Observation } from './RevocationOutcome';
import type { RevocationTarget } from './RevocationTarget';
import { scrub } from './scrub';

/** The result of a connector's own, stronger check (e.g. "try the revoked key"). */
export interface CustomCheckResult {
  /** True when the revocation is confirmed (the key no longer works). */
  readonly confirmed: boolean;
  /** A short, secret-free note. */
  readonly detail?: string;
}

/** Options of {@link verifyRevocation}. */
export interface VerifyOptions {
  /** Read-backs before giving up on an eventually consistent target (default 4). */
  readonly attempts?: number;
  /** First wait between read-backs in ms, doubled each time (default 250). */
  readonly initialDelayMs?: number;
  /** Longest wait between read-backs in ms (default 4000). */
  readonly maxDelayMs?: number;
  /** A stronger check than read-back, run instead of it. */
  readonly check?: (
    bound: BoundConnector,
    target: RevocationTarget,
    signal?: AbortSignal,
  ) => Promise<CustomCheckResult>;
  /** Cancels the waits and reads. */
  readonly signal?: AbortSignal | undefined;
}

/** Validation of {@link VerifyOptions} (shared with `revoke`). */
export const VerifyOptionsShape = {
  attempts: z.int().min(1).max(100).optional(),
  initialDelayMs: z.int().min(0).max(600_000).optional(),
  maxDelayMs: z.int().min(0).max(3_600_000).optional(),
  check: z
    .custom<NonNullable<VerifyOptions['check']>>((value) => typeof value === 'function', 'must be a function')
    .optional(),
  signal: z.instanceof(AbortSignal).optional(),
};
const VerifyOptionsSchema = z.object(VerifyOptionsShape);

const isOptionalIntIn = (value: unknown, min: number, max: number) =>
  value === undefined || isIntIn(value, min, max);

/**
 * The rules of {@link VerifyOptionsShape} checked by hand (they run on every
 * verified revocation); when false, zod words the error.
 */
export function verifyOptionsValid(options: Omit<VerifyOptions, 'signal'> & { signal?: unknown }): boolean {
  return (
    typeof options === 'object' &&
    options !== null &&
    isOptionalIntIn(options.attempts, 1, 100) &&
    isOptionalIntIn(options.initialDelayMs, 0, 600_000) &&
    isOptionalIntIn(options.maxDelayMs, 0, 3_600_000) &&
    (options.check === undefined || typeof options.check === 'function') &&
    (options.signal === undefined || options.signal instanceof AbortSignal)
  );
}

/** Most list pages read when verifying through a list operation. */
const MAX_LIST_PAGES = 1000;

type Read = { observed: Observation; method: Evidence['method'] } | undefined;

/** Statuses a read-back accepts as gone, per kind. */
const CREDENTIAL_GONE: readonly string[] = ['revoked', 'expired'];
const DISABLED_OR_GONE: readonly string[] = ['disabled', 'deleted'];
const DELETED: readonly string[] = ['deleted'];

async function listContains(
  bound: BoundConnector,
  operation: 'credential.list' | 'session.list' | 'entitlement.list',
  input: Record<string, unknown>,
  id: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ found: boolean; status?: string; any: boolean }> {
  let cursor: string | undefined;
  let any = false;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const result = (await bound.call(
      operation,
      { ...input, ...(cursor === undefined ? {} : { cursor }) } as never,
      callOptions(signal),
    )) as { items: readonly { id: string; status?: string }[]; nextCursor?: string };
    if (result.items.length > 0) any = true;
    const match = id === undefined ? undefined : result.items.find((item) => item.id === id);
    if (match !== undefined)
      return { found: true, any, ...(match.status === undefined ? {} : { status: match.status }) };
    if (result.nextCursor === undefined) return { found: false, any };
    cursor = result.nextCursor;
  }
  return { found: false, any };
}

async function getObserves(
  bound: BoundConnector,
  operation: OperationName,
  input: Record<string, unknown>,
  signal: AbortSignal | undefined,
  revokedStatuses: readonly string[],
): Promise<Observation> {
  try {
    const found = (await bound.call(operation, input as never, callOptions(signal))) as {
      status?: string;
    };
    if (found.status !== undefined && revokedStatuses.includes(found.status)) {
      return found.status === 'disabled' ? 'disabled' : found.status === 'deleted' ? 'deleted' : 'revoked';
    }
    return 'still_present';
  } catch (error) {
    if (isLifelineError(error, 'not_found')) return 'absent';
    throw error;
  }
}

/** One read-back of the target; undefined when the connector has no way to read it. */
async function readBack(
  bound: BoundConnector,
  target: RevocationTarget,
  signal: AbortSignal | undefined,
): Promise<Read> {
  switch (target.kind) {
    case 'credential': {
      if (bound.supports('credential.get')) {
        const observed = await getObserves(
          bound,
          'credential.get',
          { credential: target.credential },
          signal,
          CREDENTIAL_GONE,
        );
        return { observed, method: 'read_back' };
      }
      if (bound.supports('credential.list') && target.account !== undefined) {
        const { found, status } = await listContains(
          bound,
          'credential.list',
          { account: target.account },
          target.credential.id,
          signal,
        );
        const observed: Observation = !found
          ? 'absent'
          : status === 'revoked' || status === 'expired'
            ? 'revoked'
            : 'still_present';
        return { observed, method: 'list' };
      }
      return undefined;
    }
    case 'session': {
      if (!bound.supports('session.list')) return undefined;
      const { found, any } = await listContains(
        bound,
        'session.list',
        { account: target.account },
        target.session?.id,
        signal,
      );
      const present = target.session === undefined ? any : found;
      return { observed: present ? 'still_present' : 'absent', method: 'list' };
    }
    case 'entitlement': {
      if (!bound.supports('entitlement.list')) return undefined;
      const { found } = await listContains(
        bound,
        'entitlement.list',
        { account: target.account },
        target.entitlement.id,
        signal,
      );
      return { observed: found ? 'still_present' : 'absent', method: 'list' };
    }
    case 'account': {
      if (!bound.supports('account.get')) return undefined;
      const accepted = target.action === 'disable' ? DISABLED_OR_GONE : DELETED;
      const observed = await getObserves(bound, 'account.get', { account: target.account }, signal, accepted);
      return { observed, method: 'read_back' };
    }
  }
}

/**
 * Confirms a revocation took effect by reading the target back (get, else
 * list) — retried with backoff for eventually consistent targets — or by the
 * connector's stronger `check`. Returns evidence; `observed: 'still_present'`
 * after the last attempt means the revocation is **not** verified. A read-back
 * whose payload has drifted throws `schema_drift`: never a verified success.
 *
 * @example
 * ```ts
 * const evidence = await verifyRevocation(acme, { kind: 'credential', credential: { id: 'k_1' } });
 * const verified = evidence.observed !== 'still_present' && evidence.method !== 'none';
 * ```
 */
export async function verifyRevocation(
  bound: BoundConnector,
  target: RevocationTarget,
  options: VerifyOptions = {},
): Promise<Evidence> {
  // The hand check is the fast path; zod decides (and words the error) when it fails.
  if (!verifyOptionsValid(options)) parseInput(VerifyOptionsSchema, options, 'verify options');
  const attempts = options.attempts ?? 4;
  const { signal } = options;
  let delay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 4000;
  for (let checks = 1; ; checks++) {
    let read: Read;
    let detail: string | undefined;
    if (options.check !== undefined) {
      const result = await options.check(bound, target, signal);
      read = { observed: result.confirmed ? 'revoked' : 'still_present', method: 'custom' };
      detail = result.detail;
    } else {
      read = await readBack(bound, target, signal);
    }
    if (read === undefined) {
      return evidenceOf(
        bound,
        'none',
        'unknown',
        checks - 1,
        `connector ${bound.id} has no operation to read back a ${target.kind}`,
      );
    }
    if (read.observed !== 'still_present' || checks >= attempts) {
      return evidenceOf(
        bound,
        read.method,
        read.observed,
        checks,
        detail === undefined ? undefined : scrub(detail, 512),
      );
    }
    await sleep(delay, signal, 'verify');
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** Evidence built field by field (this is every verified revocation). */
function evidenceOf(
  bound: BoundConnector,
  method: Evidence['method'],
  observed: Observation,
  checks: number,
  detail: string | undefined,
): Evidence {
  const evidence: { -readonly [K in keyof Evidence]: Evidence[K] } = {
    method,
    observed,
    at: isoNow(),
    checks,
  };
  // Read after the call: the version the read-back actually went through.
  if (bound.adapterVersion !== undefined) evidence.adapterVersion = bound.adapterVersion;
  if (detail !== undefined) evidence.detail = detail;
  return evidence;
}

/**
 * Whether evidence proves the revocation: something was read back (or the
 * connector's check confirmed it) and it showed the object gone, revoked or disabled.
 *
 * @example
 * ```ts
 * isVerified({ method: 'none', observed: 'unknown', at, checks: 0 }); // false
 * ```
 */
export function isVerified(evidence: Evidence): boolean {
  return (
    evidence.method !== 'none' && evidence.observed !== 'still_present' && evidence.observed !== 'unknown'
  );
}
