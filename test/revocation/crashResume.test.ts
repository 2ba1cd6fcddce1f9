/**
 * Issue 5's crash test: a worker revoking 2,000 credentials through SQLite is
 * SIGKILLed at random points and restarted; in the end the target applied each
 * revocation exactly once and the ledger agrees.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RevocationOutcome, revocationKey } from 'lifeline';
import { sqliteStore } from 'lifeline/stores/sqlite';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const worker = fileURLToPath(new URL('./fixtures/crashWorker.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lifeline-crash-'));
const CREDENTIALS = 2000;
const LANES = 8;
const KILLS = 4;

let target: FakeTarget;
let keys: { id: string; accountId: string }[];

beforeAll(async () => {
  target = await createFakeTarget({ seed: 2000 });
  const { keyIds } = target.seed('acme', { accounts: CREDENTIALS / 2, keysPerAccount: 2 });
  keys = keyIds.map((id) => ({ id, accountId: target.state.key('acme', id)?.accountId ?? '' }));
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
});

afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A small seeded PRNG, so a failing run can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Runs the worker. With `killAfter`, SIGKILLs it `delayMs` after it reported that
 * many outcomes (so revocations are in flight); resolves how it ended.
 */
function run(killAfter?: { progress: number; delayMs: number }): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        worker,
        target.tenantUrl('acme'),
        target.token('acme'),
        join(dir, 'ledger.db'),
        join(dir, 'keys.json'),
        String(LANES),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let progress = 0;
    let armed = false;
    child.stderr.on('data', (chunk) => {
      err += String(chunk);
    });
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('progress ')) progress = Number(line.slice(9));
      if (killAfter !== undefined && !armed && progress >= killAfter.progress) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfter.delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('done');
      else reject(new Error(`worker exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

describe('revoking 2,000 credentials through SQLite with a worker that keeps crashing', () => {
  it('applies every revocation exactly once, and the ledger records each as completed and verified', {
    timeout: 120_000,
  }, async () => {
    const seed = Date.now() % 100_000;
    const random = prng(seed);
    const endings: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // Kill somewhere in the next stretch of work (replayed keys report progress fast).
      const progress = Math.floor(((kill + random()) * CREDENTIALS) / (KILLS + 1));
      endings.push(await run({ progress, delayMs: Math.floor(random() * 40) }));
    }
    endings.push(await run());

    expect(endings.filter((e) => e === 'killed').length, `seed ${seed}: ${endings}`).toBeGreaterThanOrEqual(
      3,
    );
    expect(endings.at(-1)).toBe('done');

    const applied = keys.map((key) => target.effects('key', key.id, 'acme').applied);
    expect(
      applied.filter((n) => n !== 1),
      `seed ${seed}`,
    ).toEqual([]);
    expect(keys.every((key) => target.state.key('acme', key.id)?.status === 'revoked')).toBe(true);

    const store = sqliteStore({ file: join(dir, 'ledger.db') });
    try {
      const statuses = new Map<string, number>();
      let repeated = 0;
      let takenOver = 0;
      for (const key of keys) {
        const ref = { connector: 'acme', tenant: 'acme', kind: 'credential' as const, id: key.id };
        const record = await store.get(revocationKey(ref, 'credential.revoke', 'evt-crash'));
        expect(record?.status, key.id).toBe('completed');
        const outcome = RevocationOutcome.parse(record?.outcome);
        expect(outcome.verified, key.id).toBe(true);
        if ((record?.attempts ?? 0) > 1) takenOver++;
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        // A key the target saw twice was applied by a killed worker and found gone by its successor.
        const requests = target.effects('key', key.id, 'acme').requests;
        if (requests > 1) {
          repeated++;
          expect(outcome.status, key.id).toBe('already_absent');
        }
      }
      // The kills really hit work in flight: leases of dead workers were taken over.
      expect(takenOver, `seed ${seed}`).toBeGreaterThan(0);
      console.info(
        `crash test (seed ${seed}): ${endings.join(',')}; taken over ${takenOver}, already_absent ${statuses.get('already_absent') ?? 0}, repeated requests ${repeated}`,
      );
      expect(statuses.get('revoked') ?? 0).toBeGreaterThan(CREDENTIALS - KILLS * LANES - 1);
      expect(repeated).toBeLessThanOrEqual(KILLS * LANES);
    } finally {
      await store.close();
    }
  });
});
