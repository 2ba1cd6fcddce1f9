import { createHash } from 'node:crypto';
import type { AuditEvent } from './AuditEvent';
import { canonicalJson } from './canonicalJson';

/** The `prev` of the first record of a chain: 64 zeros. */
export const CHAIN_GENESIS = '0'.repeat(64);

/** Version of the chain record format. */
export const CHAIN_FORMAT_VERSION = 1;

/** A hash-chained event record, one JSON line of an audit log. */
export interface ChainedEventRecord {
  readonly v: 1;
  /** Position in the chain, from 0, continuous across restarts. */
  readonly seq: number;
  readonly kind: 'event';
  readonly event: AuditEvent;
  /** `hash` of the previous record ({@link CHAIN_GENESIS} for the first). */
  readonly prev: string;
  /** SHA-256 (hex) of the canonical JSON of this record without `hash`. */
  readonly hash: string;
}

/** A checkpoint: the number of records before it and the head hash at that point. */
export interface ChainedCheckpointRecord {
  readonly v: 1;
  readonly seq: number;
  readonly kind: 'checkpoint';
  /** Records before this one (equals `seq`). */
  readonly count: number;
  /** Hash of the record before this one (equals `prev`). */
  readonly head: string;
  readonly time: string;
  readonly prev: string;
  readonly hash: string;
}

/** One line of a hash-chained audit log. */
export type ChainRecord = ChainedEventRecord | ChainedCheckpointRecord;

/** A record before sealing (without `hash`). */
export type ChainRecordBody = Omit<ChainedEventRecord, 'hash'> | Omit<ChainedCheckpointRecord, 'hash'>;

/**
 * SHA-256 hex of a string.
 *
 * @example
 * ```ts
 * sha256Hex('abc'); // 'ba7816bf…'
 * ```
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Hashes a record body and returns the JSON line (without newline) and its hash.
 * The line is the canonical body with `hash` appended as the last member, so a
 * verifier can hash the bytes it read without re-serializing.
 *
 * @example
 * ```ts
 * const { line, hash } = sealRecord({ v: 1, seq: 0, kind: 'event', event, prev: CHAIN_GENESIS });
 * ```
 */
export function sealRecord(body: ChainRecordBody): { line: string; hash: string } {
  const canonical = canonicalJson(body);
  const hash = sha256Hex(canonical);
  return { line: `${canonical.slice(0, -1)},"hash":"${hash}"}`, hash };
}

const SUFFIX_START = ',"hash":"';
const SUFFIX_LENGTH = SUFFIX_START.length + 64 + 2;

/**
 * Checks that a line's stored hash matches its content. Fast path: hash the
 * bytes as written (the writer appends `,"hash":"…"}` to the canonical body);
 * otherwise re-canonicalize the parsed record (tolerates a tool that
 * re-serialized the line without changing it).
 *
 * @example
 * ```ts
 * hashMatches(line, JSON.parse(line)); // true for an untouched line
 * ```
 */
export function hashMatches(line: string, parsed: Record<string, unknown>): boolean {
  const stored = parsed.hash;
  if (typeof stored !== 'string') return false;
  const start = line.length - SUFFIX_LENGTH;
  if (
    start > 0 &&
    line.startsWith(SUFFIX_START, start) &&
    line.startsWith(stored, start + SUFFIX_START.length)
  ) {
    const digest = createHash('sha256').update(line.slice(0, start)).update('}').digest('hex');
    if (digest === stored) return true;
  }
  const { hash: _omit, ...body } = parsed;
  return sha256Hex(canonicalJson(body)) === stored;
}
