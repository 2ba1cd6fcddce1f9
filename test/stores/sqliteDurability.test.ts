import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite';

const writer = fileURLToPath(new URL('./fixtures/sqliteWriter.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lifeline-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `atLeast` records, then SIGKILLs it; resolves the last ack. */
function runAndKill(file: string, start: number, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', writer, file, 'cred', String(start)],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let lastAck = start - 1;
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdout?.on('data', (chunk) => {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) lastAck = Number(line.slice(4));
      if (!killed && lastAck - start + 1 >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(lastAck);
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}

describe('sqliteStore durability', () => {
  it('keeps every record acknowledged before a SIGKILL, across several kills', {
    timeout: 120_000,
  }, async () => {
    const file = join(dir, 'ledger.sqlite');
    let next = 0;
    for (let round = 0; round < 3; round++) {
      const lastAck = await runAndKill(file, next, 300 + round * 137);
      expect(lastAck).toBeGreaterThanOrEqual(next + 299);
      next = lastAck + 1;
    }
    const store = sqliteStore({ file });
    try {
      for (let i = 0; i < next; i++) {
        const record = await store.get(`cred-${i}`);
        expect(record?.status, `cred-${i}`).toBe('completed');
        expect(record?.outcome).toEqual({ status: 'revoked', i });
      }
    } finally {
      await store.close();
    }
  });
});
