import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditEvent, createAuditEmitter, jsonlSink, verifyAuditLog } from '../../src/audit';
import { revokedStep } from './fixtures';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeLog(
  path: string,
  count: number,
  options: { checkpointEvery?: number } = {},
): Promise<AuditEvent[]> {
  const audit = createAuditEmitter({
    sinks: [jsonlSink(path, { checkpointEvery: options.checkpointEvery ?? 1000 })],
  });
  const events: AuditEvent[] = [];
  for (let i = 0; i < count; i++) {
    const event = audit.emit(revokedStep({ stepId: `step-${i}` }));
    if (event) events.push(event);
  }
  await audit.close();
  return events;
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line.length > 0);
}

describe('the JSONL sink and verifyAuditLog', () => {
  it('writes a chain that verifies, with prev linking each record to the one before', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 5);
    const records = (await lines(path)).map((line) => JSON.parse(line));
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(records[0].prev).toBe('0'.repeat(64));
    for (let i = 1; i < records.length; i++) expect(records[i].prev).toBe(records[i - 1].hash);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({
      ok: true,
      records: 5,
      events: 5,
      checkpoints: 0,
    });
  });

  it('writes a checkpoint at every multiple of checkpointEvery, holding the count and head hash', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 7, { checkpointEvery: 3 });
    const records = (await lines(path)).map((line) => JSON.parse(line));
    const checkpoints = records.filter((r) => r.kind === 'checkpoint');
    expect(checkpoints.map((c) => c.seq)).toEqual([3, 6]);
    for (const checkpoint of checkpoints) {
      expect(checkpoint.count).toBe(checkpoint.seq);
      expect(checkpoint.head).toBe(records[checkpoint.seq - 1].hash);
    }
    await expect(verifyAuditLog(path)).resolves.toMatchObject({ ok: true, events: 7, checkpoints: 2 });
  });

  it('continues the chain after a restart, from the last record of the file', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 3);
    await writeLog(path, 2);
    const records = (await lines(path)).map((line) => JSON.parse(line));
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(records[3].prev).toBe(records[2].hash);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({ ok: true, records: 5 });
  });

  it('continues after a restart when the last record is longer than one tail chunk', async () => {
    const path = join(dir, 'audit.jsonl');
    const audit = createAuditEmitter({ sinks: [jsonlSink(path)] });
    audit.emit(
      revokedStep({
        message: 'x'.repeat(4000),
        details: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'y'.repeat(2000)])),
      }),
    );
    await audit.close();
    await writeLog(path, 1);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({ ok: true, records: 2 });
  });

  it('detects an edited byte at the edited record', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 10);
    const content = await lines(path);
    content[4] = (content[4] as string).replace('"revoked"', '"rEvoked"');
    await writeFile(path, `${content.join('\n')}\n`);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({
      ok: false,
      reason: 'edited',
      line: 5,
      sequence: 4,
    });
  });

  it('detects a deleted line at the record after the gap', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 10);
    const content = await lines(path);
    content.splice(6, 1);
    await writeFile(path, `${content.join('\n')}\n`);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({
      ok: false,
      reason: 'deleted',
      line: 7,
      sequence: 6,
    });
  });

  it('detects two swapped lines as reordered at the first of them', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 10);
    const content = await lines(path);
    [content[2], content[3]] = [content[3] as string, content[2] as string];
    await writeFile(path, `${content.join('\n')}\n`);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({
      ok: false,
      reason: 'reordered',
      line: 3,
      sequence: 2,
    });
  });

  it('detects a truncated file at its cut-off last line', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 10);
    const size = (await readFile(path)).length;
    await truncate(path, size - 40);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({
      ok: false,
      reason: 'truncated',
      line: 10,
      sequence: 9,
    });
  });

  it('detects whole records cut off the end when given the head published earlier', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 5);
    const full = await verifyAuditLog(path);
    if (!full.ok) throw new Error('expected ok');
    const content = await lines(path);
    await writeFile(path, `${content.slice(0, 3).join('\n')}\n`);
    await expect(verifyAuditLog(path, { expectedHead: full.head })).resolves.toMatchObject({
      ok: false,
      reason: 'truncated',
      line: 4,
    });
  });

  it('terminates a torn last line on restart, so verification reports it as truncated', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeLog(path, 3);
    const content = await readFile(path, 'utf8');
    await writeFile(path, `${content}{"event":{"action":"cre`);
    await writeLog(path, 1);
    const content2 = await lines(path);
    expect(content2).toHaveLength(5);
    await expect(verifyAuditLog(path)).resolves.toMatchObject({ ok: false, reason: 'truncated', line: 4 });
  });
});
