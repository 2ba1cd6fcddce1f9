import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { InvalidInputError, issuesFromZod } from '../errors';
import { CHAIN_GENESIS, hashMatches } from './hashChain';

/** Why a chain is broken. */
export type AuditLogBreak = 'edited' | 'deleted' | 'reordered' | 'truncated';

/** A chain that verified. */
export interface AuditLogOk {
  readonly ok: true;
  /** Records in the file (events and checkpoints). */
  readonly records: number;
  readonly events: number;
  readonly checkpoints: number;
  /** Hash of the last record ({@link CHAIN_GENESIS} for an empty file): publish it elsewhere to detect tail truncation later. */
  readonly head: string;
}

/** The first broken record of a chain. */
export interface AuditLogBroken {
  readonly ok: false;
  readonly reason: AuditLogBreak;
  /** 1-based line number of the first broken record. */
  readonly line: number;
  /** The chain position (`seq`) expected at that line. */
  readonly sequence: number;
  /** Records that verified before the break. */
  readonly records: number;
  /** What was found, in words. */
  readonly message: string;
}

/** The result of {@link verifyAuditLog}. */
export type AuditLogVerification = AuditLogOk | AuditLogBroken;

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditLogOptions {
  /** Stops reading and rejects when aborted. */
  readonly signal?: AbortSignal;
  /**
   * A head hash recorded earlier (e.g. a published checkpoint). If given, the
   * chain must contain it; a file whose records end before it is `truncated`.
   * A chain alone cannot show that whole records were cut off its end.
   */
  readonly expectedHead?: string;
  /** A record count recorded earlier; fewer records means `truncated`. */
  readonly minRecords?: number;
}

const Options = z.strictObject({
  signal: z.instanceof(AbortSignal).optional(),
  expectedHead: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex hash')
    .optional(),
  minRecords: z.int().min(0).optional(),
});

interface Line {
  readonly number: number;
  readonly text: string;
  /** False for a final line without newline. */
  readonly terminated: boolean;
}

async function* readLines(path: string, signal: AbortSignal | undefined): AsyncGenerator<Line> {
  const stream = createReadStream(path, {
    encoding: 'utf8',
    highWaterMark: 1 << 20,
    ...(signal ? { signal } : {}),
  });
  let rest = '';
  let number = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      number++;
      yield { number, text: text.slice(start, end), terminated: true };
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield { number: number + 1, text: rest, terminated: false };
}

type Parsed = { ok: true; record: Record<string, unknown> } | { ok: false; torn: boolean };

function parse(line: Line): Parsed {
  try {
    const record = JSON.parse(line.text) as unknown;
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      return { ok: false, torn: false };
    return { ok: true, record: record as Record<string, unknown> };
  } catch {
    // A line cut short by a crash (or by truncation) starts like a record but does not end like one.
    const trimmed = line.text.trimEnd();
    return { ok: false, torn: trimmed.startsWith('{"') && !trimmed.endsWith('}') };
  }
}

/**
 * Streams a hash-chained audit log written by `jsonlSink` and checks every
 * record: its hash (`edited`), its position (`deleted` when records are
 * missing, `reordered` when a record appears out of place), its link to the
 * previous record, checkpoint counts, and a cut-off last line (`truncated`).
 * Returns `{ ok: true, ... }` or the first broken record. Memory use is
 * constant in the file size.
 *
 * @example
 * ```ts
 * const result = await verifyAuditLog('audit.jsonl');
 * if (!result.ok) console.error(`line ${result.line}: ${result.reason}`);
 * ```
 */
export async function verifyAuditLog(
  path: string,
  options: VerifyAuditLogOptions = {},
): Promise<AuditLogVerification> {
  const parsedOptions = Options.safeParse(options);
  if (!parsedOptions.success || typeof path !== 'string' || path.length === 0) {
    throw new InvalidInputError('verifyAuditLog options are invalid.', {
      issues: parsedOptions.success
        ? [{ path: ['path'], message: 'must be a non-empty file path' }]
        : issuesFromZod(parsedOptions.error),
    });
  }
  let expected = 0;
  let prev = CHAIN_GENESIS;
  let events = 0;
  let checkpoints = 0;
  let sawExpectedHead = options.expectedHead === undefined || options.expectedHead === CHAIN_GENESIS;
  const broken = (reason: AuditLogBreak, line: number, message: string): AuditLogBroken => ({
    ok: false,
    reason,
    line,
    sequence: expected,
    records: expected,
    message,
  });

  const lines = readLines(path, options.signal);
  let lookahead: IteratorResult<Line> | undefined;
  const next = async (): Promise<IteratorResult<Line>> => {
    if (lookahead !== undefined) {
      const held = lookahead;
      lookahead = undefined;
      return held;
    }
    return lines.next();
  };

  try {
    for (let item = await next(); !item.done; item = await next()) {
      const line = item.value;
      if (!line.terminated) {
        return broken(
          'truncated',
          line.number,
          'The last line is incomplete: the file was cut off or a write was torn.',
        );
      }
      const parsed = parse(line);
      if (!parsed.ok) {
        return parsed.torn
          ? broken('truncated', line.number, 'The line is an incomplete record (a torn write or a cut).')
          : broken('edited', line.number, 'The line is not a JSON record.');
      }
      const record = parsed.record;
      if (!hashMatches(line.text, record)) {
        return broken('edited', line.number, 'The record does not match its hash: its content was changed.');
      }
      const seq = record.seq;
      if (typeof seq !== 'number' || !Number.isInteger(seq)) {
        return broken('edited', line.number, 'The record has no chain position.');
      }
      if (seq > expected) {
        lookahead = await lines.next();
        const following = lookahead.done ? undefined : parse(lookahead.value);
        if (following?.ok && following.record.seq === expected) {
          return broken('reordered', line.number, `Record ${seq} appears before record ${expected}.`);
        }
        return broken(
          'deleted',
          line.number,
          `Records ${expected}${seq - 1 > expected ? `–${seq - 1}` : ''} are missing before record ${seq}.`,
        );
      }
      if (seq < expected) {
        return broken('reordered', line.number, `Record ${seq} appears after record ${expected - 1}.`);
      }
      if (record.prev !== prev) {
        return broken('edited', line.number, 'The record does not link to the previous record.');
      }
      if (record.kind === 'checkpoint') {
        if (record.count !== seq || record.head !== prev) {
          return broken('edited', line.number, 'The checkpoint does not match the chain.');
        }
        checkpoints++;
      } else if (record.kind === 'event') {
        events++;
      } else {
        return broken('edited', line.number, 'The record has an unknown kind.');
      }
      prev = record.hash as string;
      expected++;
      if (prev === options.expectedHead) sawExpectedHead = true;
    }
  } finally {
    await lines.return(undefined);
  }
  if (!sawExpectedHead || (options.minRecords !== undefined && expected < options.minRecords)) {
    return broken(
      'truncated',
      expected + 1,
      'The log ends before the expected head: records were cut off its end.',
    );
  }
  return { ok: true, records: expected, events, checkpoints, head: prev };
}
