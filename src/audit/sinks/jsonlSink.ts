import { type FileHandle, open } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidInputError, issuesFromZod, PermanentError, TimeoutError } from '../../errors';
import type { AuditEvent } from '../AuditEvent';
import type { AuditSink, SinkWriteContext } from '../AuditSink';
import {
  CHAIN_FORMAT_VERSION,
  CHAIN_GENESIS,
  type ChainRecordBody,
  hashMatches,
  sealRecord,
} from '../hashChain';

/**
 * When the JSONL sink forces writes to disk:
 * - `batch` (default): `fdatasync` after every batch; a batch acknowledged to
 *   the emitter survives a power loss.
 * - `interval`: `fdatasync` at most every `syncIntervalMs` and on flush/close;
 *   faster, may lose the last interval on power loss (never on a process crash).
 * - `none`: leave it to the OS (process crashes lose nothing; power loss may).
 */
export type JsonlSyncPolicy = 'batch' | 'interval' | 'none';

/** Options of {@link jsonlSink}. */
export interface JsonlSinkOptions {
  /** Sink name in stats and telemetry. Default `jsonl`. */
  readonly name?: string;
  /** Write a checkpoint record at every chain position that is a multiple of this. Default 1000. */
  readonly checkpointEvery?: number;
  /** See {@link JsonlSyncPolicy}. Default `batch`. */
  readonly sync?: JsonlSyncPolicy;
  /** With `sync: 'interval'`, the interval. Default 1000 ms. */
  readonly syncIntervalMs?: number;
  /** Clock for checkpoint times (tests). */
  readonly now?: () => Date;
}

const Options = z.strictObject({
  name: z.string().min(1).max(128).optional(),
  checkpointEvery: z.int().min(1).max(10_000_000).optional(),
  sync: z.enum(['batch', 'interval', 'none']).optional(),
  syncIntervalMs: z.int().min(1).max(3_600_000).optional(),
  now: z.custom<() => Date>((v) => typeof v === 'function').optional(),
});

const TAIL_CHUNK = 64 * 1024;

interface ChainHead {
  seq: number;
  prev: string;
}

/**
 * Reads the chain head (next position and last hash) from the end of the file,
 * reading backwards in chunks until one complete line is found; never the whole
 * file unless it is one line. A torn last line (no newline: a crash mid-write)
 * is skipped and reported so the writer can terminate it.
 */
async function readTail(handle: FileHandle): Promise<{ head: ChainHead; torn: boolean }> {
  const { size } = await handle.stat();
  if (size === 0) return { head: { seq: 0, prev: CHAIN_GENESIS }, torn: false };
  let chunk = Math.min(size, TAIL_CHUNK);
  for (;;) {
    const buffer = Buffer.alloc(chunk);
    await handle.read(buffer, 0, chunk, size - chunk);
    const text = buffer.toString('utf8');
    const torn = !text.endsWith('\n');
    const body = torn ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
    const end = body.length - 1; // index of the final '\n'
    const start = end <= 0 ? -1 : body.lastIndexOf('\n', end - 1);
    if (end > 0 && (start >= 0 || chunk === size)) {
      const line = body.slice(start + 1, end);
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new PermanentError(
          'The last record of the audit log is not valid JSON; run `lifeline audit verify <file>` before appending.',
        );
      }
      if (typeof record.seq !== 'number' || typeof record.hash !== 'string' || !hashMatches(line, record)) {
        throw new PermanentError(
          'The last record of the audit log fails its hash check; run `lifeline audit verify <file>` before appending.',
        );
      }
      return { head: { seq: record.seq + 1, prev: record.hash }, torn };
    }
    if (chunk === size) return { head: { seq: 0, prev: CHAIN_GENESIS }, torn };
    chunk = Math.min(size, chunk * 4);
  }
}

/**
 * A sink appending hash-chained JSON lines to `path`: each record holds its
 * chain position `seq`, the previous record's hash `prev` and its own `hash`
 * (SHA-256 over the RFC 8785 canonical JSON of the record without `hash`).
 * It continues an existing chain after a restart by reading only the file's
 * tail, writes a checkpoint record every `checkpointEvery` positions, and
 * fsyncs per its {@link JsonlSyncPolicy}. Check a file with `verifyAuditLog`.
 *
 * @example
 * ```ts
 * const audit = createAuditEmitter({ sinks: [jsonlSink('/var/log/lifeline/audit.jsonl')] });
 * ```
 */
export function jsonlSink(path: string, options: JsonlSinkOptions = {}): AuditSink {
  const parsed = Options.safeParse(options);
  if (!parsed.success || typeof path !== 'string' || path.length === 0) {
    throw new InvalidInputError('jsonlSink options are invalid.', {
      issues: parsed.success
        ? [{ path: ['path'], message: 'must be a non-empty file path' }]
        : issuesFromZod(parsed.error),
    });
  }
  const every = options.checkpointEvery ?? 1000;
  const sync = options.sync ?? 'batch';
  const now = options.now ?? (() => new Date());
  let handle: FileHandle | undefined;
  let head: ChainHead | undefined;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function ensureOpen(): Promise<{ handle: FileHandle; head: ChainHead }> {
    if (handle !== undefined && head !== undefined) return { handle, head };
    const opened = await open(path, 'a+');
    try {
      const found = await readTail(opened);
      if (found.torn) await opened.appendFile('\n');
      handle = opened;
      head = found.head;
      return { handle, head };
    } catch (error) {
      await opened.close().catch(() => {});
      throw error;
    }
  }

  async function reset(): Promise<void> {
    const current = handle;
    handle = undefined;
    head = undefined;
    await current?.close().catch(() => {});
  }

  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  }

  async function doSync(): Promise<void> {
    if (handle !== undefined && dirty) {
      dirty = false;
      await handle.datasync();
    }
  }

  return {
    name: options.name ?? 'jsonl',
    write(events: readonly AuditEvent[], context: SinkWriteContext): Promise<void> {
      return serialized(async () => {
        if (closed) throw new PermanentError('The JSONL audit sink is closed.');
        if (context.signal.aborted) throw new TimeoutError('The audit write was aborted before it started.');
        const state = await ensureOpen();
        let { seq, prev } = state.head;
        const lines: string[] = [];
        const push = (body: ChainRecordBody) => {
          const sealed = sealRecord(body);
          lines.push(sealed.line);
          prev = sealed.hash;
          seq++;
        };
        for (const event of events) {
          if (seq > 0 && seq % every === 0) {
            push({
              v: CHAIN_FORMAT_VERSION,
              seq,
              kind: 'checkpoint',
              count: seq,
              head: prev,
              time: now().toISOString(),
              prev,
            });
          }
          push({ v: CHAIN_FORMAT_VERSION, seq, kind: 'event', event, prev });
        }
        try {
          await state.handle.appendFile(`${lines.join('\n')}\n`);
          dirty = true;
          if (sync === 'batch') await doSync();
        } catch (error) {
          // The file may hold a partial batch: re-read the tail before the next write.
          await reset();
          throw error;
        }
        state.head.seq = seq;
        state.head.prev = prev;
        if (sync === 'interval' && timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined;
            void serialized(doSync).catch(() => {});
          }, options.syncIntervalMs ?? 1000);
          timer.unref();
        }
      });
    },
    flush(): Promise<void> {
      return serialized(doSync);
    },
    close(): Promise<void> {
      return serialized(async () => {
        closed = true;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        await doSync().catch(() => {});
        await reset();
      });
    },
  };
}
