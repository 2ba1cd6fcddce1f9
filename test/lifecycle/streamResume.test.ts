/**
 * A streamed emergency revocation (plan journaled page by page, steps streamed
 * back from the journal, finished steps journaled in group commits) whose
 * process is SIGKILLed twice mid-run: `resume(runId)` finishes every step,
 * no key is revoked twice, the journal says every step is done, and the audit
 * log has one terminal event per step (a replay after a crash reuses its id).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  journalStates,
  runCrashWorker,
  type Ending as WorkerEnding,
} from './fixtures/runWorker';

const worker = fileURLToPath(new URL('./fixtures/emergencyWorker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lifeline-stream-crash-'));
const RUN_ID = 'run-crash-emergency';
const KEYS = 3000;
const CONCURRENCY = 16;

let target: FakeTarget;
let keyIds: readonly string[];

beforeAll(async () => {
  target = await createFakeTarget({ seed: 7107, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
  keyIds = target.seed('acme', { accounts: KEYS / 2, keysPerAccount: 2 }).keyIds;
});

afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

type Ending = WorkerEnding<Report>;
type Report = { status: string; summary: { total: number; done: number }; stepsOmitted: boolean };

const run = (mode: 'start' | 'resume', killAt?: number) =>
  runCrashWorker<Report>(worker, target, dir, RUN_ID, mode, killAt);

describe('a streamed emergency revocation whose process crashes', () => {
  it('finishes every step exactly once after resume, with the journal and the audit log agreeing', {
    timeout: 150_000,
  }, async () => {
    const endings = [await run('start', 800)];
    endings.push(await run('resume', (endings[0] as Ending).applied + 900));
    endings.push(await run('resume'));
    const trail = endings.map((e) => `${e.how}@${e.applied}`).join(', ');
    expect(
      endings.map((e) => e.how),
      trail,
    ).toEqual(['killed', 'killed', 'done']);
    const final = endings[2] as Ending;
    expect(final.report, trail).toMatchObject({
      status: 'completed',
      summary: { total: KEYS, done: KEYS },
      stepsOmitted: true,
    });

    // Every key revoked, none twice: steps in flight (or finished but not yet
    // journaled) at a kill ran again and were answered by the ledger.
    expect(keyIds.filter((id) => target.effects('key', id, 'acme').applied !== 1)).toEqual([]);
    expect(target.counters().mutations.applied).toBe(KEYS);

    expect(await journalStates(dir, RUN_ID), trail).toEqual({ steps: { done: KEYS }, run: 'completed' });

    const auditPath = join(dir, 'audit.jsonl');
    expect(await verifyAuditLog(auditPath), trail).toMatchObject({ ok: true });
    const terminal = (await auditEvents(auditPath)).filter(
      (e) => e.type === 'step.completed' || e.type === 'step.failed' || e.type === 'step.escalated',
    );
    const perStep = new Map<string, Set<string>>();
    for (const e of terminal)
      perStep.set(e.stepId ?? '', (perStep.get(e.stepId ?? '') ?? new Set()).add(e.id));
    expect(perStep.size, trail).toBe(KEYS);
    expect([...perStep.values()].filter((ids) => ids.size > 1)).toEqual([]);
    // Group commits keep each step's slot until it is journaled: at most the
    // steps in flight are replayed per crash.
    expect(terminal.length - KEYS, trail).toBeLessThanOrEqual(2 * CONCURRENCY);
  });
});
