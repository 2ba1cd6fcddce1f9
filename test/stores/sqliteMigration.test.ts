/**
 * A database written by the first schema (WITHOUT ROWID tables) is upgraded on
 * open: every ledger record, step and task is still there and behaves, and the
 * tables are the rowid tables with unique keys of migration 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite';
import { SQLITE_MIGRATIONS } from '../../src/stores/sqlite/sqliteSchema';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-sqlite-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqliteStore schema migration', () => {
  it('upgrades a version-1 database in place, keeping every record', async () => {
    const file = join(dir, 'v1.sqlite');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(SQLITE_MIGRATIONS[0] as string);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO lifeline_ledger (key, fingerprint, status, owner, attempts, permanent, outcome, created_at, updated_at, revision)
         VALUES ('k-done', 'fp', 'completed', 'w1', 1, 0, '{"status":"revoked"}', 1, 2, 2)`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO lifeline_steps (run_id, step_id, status, payload, updated_at) VALUES ('r1', 's1', 'pending', '{"n":1}', 1)`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO lifeline_tasks (id, kind, status, payload, created_at, updated_at) VALUES ('t1', 'manual', 'open', '{}', 1, 1)`,
      )
      .run();
    old.close();

    const store = sqliteStore({ file });
    try {
      const replay = await store.begin('k-done', 'fp', { owner: 'w2', leaseMs: 1000 });
      expect(replay).toMatchObject({ status: 'completed', outcome: { status: 'revoked' } });
      await expect(store.begin('k-done', 'other', { owner: 'w2', leaseMs: 1000 })).rejects.toThrow(
        /fingerprint mismatch/,
      );
      expect((await store.getStep('r1', 's1'))?.payload).toEqual({ n: 1 });
      await store.putSteps([{ runId: 'r1', stepId: 's1', status: 'done', payload: { n: 2 } }]);
      expect((await store.listSteps('r1', { status: 'done' })).items.map((s) => s.payload)).toEqual([
        { n: 2 },
      ]);
      expect((await store.getTask('t1'))?.status).toBe('open');
      expect((await store.begin('k-new', 'fp', { owner: 'w2', leaseMs: 1000 })).status).toBe('acquired');
    } finally {
      await store.close();
    }

    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      const sql = (name: string) =>
        (check.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(name) as { sql: string }).sql;
      expect(sql('lifeline_ledger')).not.toMatch(/WITHOUT ROWID/i);
      expect(sql('lifeline_steps')).not.toMatch(/WITHOUT ROWID/i);
      expect(sql('lifeline_steps_run_status')).toMatch(/\(run_id, status\)/);
      expect(check.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name LIKE '%_v2'`).get()).toEqual({
        n: 0,
      });
    } finally {
      check.close();
    }
  });
});
