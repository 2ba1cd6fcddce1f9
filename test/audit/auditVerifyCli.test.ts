import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditEmitter, jsonlSink } from '../../src/audit';
import { auditVerify } from '../../src/cli/commands/auditVerify';
import { revokedStep } from './fixtures';

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-cli-'));
  path = join(dir, 'audit.jsonl');
  const audit = createAuditEmitter({ sinks: [jsonlSink(path)] });
  for (let i = 0; i < 4; i++) audit.emit(revokedStep());
  await audit.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('lifeline audit verify', () => {
  it('exits 0 and prints the record count for an intact chain', async () => {
    const cli = io();
    expect(await auditVerify([path], cli.io)).toBe(0);
    expect(cli.out.join('')).toMatch(/OK — 4 records/);
  });

  it('exits 1 and names the line and reason for a broken chain', async () => {
    const broken = join(dir, 'broken.jsonl');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = (lines[1] as string).replace('svc-ci', 'svc-cx');
    await writeFile(broken, lines.join('\n'));
    const cli = io();
    expect(await auditVerify([broken], cli.io)).toBe(1);
    expect(cli.err.join('')).toMatch(/BROKEN at line 2 \(sequence 1\): edited/);
  });

  it('prints JSON with --json', async () => {
    const cli = io();
    expect(await auditVerify([path, '--json'], cli.io)).toBe(0);
    expect(JSON.parse(cli.out.join(''))).toMatchObject({ ok: true, records: 4 });
  });

  it('exits 2 on a usage error or a missing file', async () => {
    expect(await auditVerify([], io().io)).toBe(2);
    expect(await auditVerify(['--nope', path], io().io)).toBe(2);
    const cli = io();
    expect(await auditVerify([join(dir, 'missing.jsonl')], cli.io)).toBe(2);
    expect(cli.err.join('')).toMatch(/cannot read/);
  });
});
