import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli';

let target: FakeTarget;
let down: FakeTarget;
let dir: string;

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

beforeAll(async () => {
  target = await createFakeTarget({ seed: 3, tenants: [{ id: 'acme', apiVersion: 'v2' }] });
  down = await createFakeTarget({ seed: 4, tenants: [{ id: 'legacy', apiVersion: 'v1' }] });
  await down.faults.outage({ mode: 'unavailable' });
  const account = target.addAccount('acme', { id: 'acc_ci', name: 'svc-ci' });
  target.addKey('acme', account.id, { id: 'key_ci' });
  const bot = target.addAccount('acme', { id: 'acc_bot', name: 'bot-sync' });
  target.addKey('acme', bot.id, { id: 'key_bot' });
  mkdirSync(join(import.meta.dirname, '../../.tmp'), { recursive: true });
  dir = mkdtempSync(join(import.meta.dirname, '../../.tmp/cli-'));
  process.env.LIFELINE_TEST_TARGET_URL = target.tenantUrl('acme');
  process.env.LIFELINE_TEST_TARGET_TOKEN = target.token('acme');
  process.env.LIFELINE_TEST_DOWN_URL = down.tenantUrl('legacy');
  process.env.LIFELINE_TEST_STORE = join(dir, 'lifeline.db');
});

afterAll(async () => {
  await Promise.all([target.close(), down.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const setup = join(import.meta.dirname, 'fixtures', 'lifecycleSetup.ts');

describe('lifeline run, resume and tasks', () => {
  it('runs an offboarding from a plan file, escalates the down connector, and lists and closes its task', async () => {
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        setup,
        kind: 'offboard',
        request: {
          runId: 'run-cli-1',
          identity: {
            id: 'svc-ci',
            kind: 'service_account',
            externalIds: { acme: 'acc_ci', legacy: 'acc_ci' },
          },
          event: { reason: 'retired', actor: { kind: 'person', id: 'alice' } },
        },
      }),
    );
    const run = await cli('run', plan);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('COMPLETED_WITH_ESCALATIONS');
    expect(target.state.key('acme', 'key_ci')?.status).toBe('revoked');

    const listed = await cli('tasks', 'list', '--setup', setup);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('task:run-cli-1:legacy:discover');
    const closed = await cli(
      'tasks',
      'close',
      'task:run-cli-1:legacy:discover',
      '--note',
      'disabled by hand',
      '--setup',
      setup,
    );
    expect(closed).toMatchObject({ code: 0, out: 'closed task:run-cli-1:legacy:discover\n' });
    const after = await cli('tasks', 'list', '--setup', setup);
    expect(after.out).not.toContain('task:run-cli-1:legacy:discover');

    const resumed = await cli('resume', 'run-cli-1', '--setup', setup, '--json');
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.out) as { runId: string; status: string; summary: { total: number } };
    expect(report).toMatchObject({ runId: 'run-cli-1', status: 'completed_with_escalations' });
    expect(target.effects('key', 'key_ci', 'acme').applied).toBe(1);
  });

  it('runs a plan written as YAML', async () => {
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      [
        `setup: ${JSON.stringify(setup)}`,
        'kind: offboard',
        'request:',
        '  runId: run-cli-yaml',
        '  identity:',
        '    id: bot-sync',
        '    kind: service_account',
        '    externalIds: { acme: acc_bot }',
        '  connectors: [acme]',
        '  event:',
        '    reason: integration retired',
        '    actor: { kind: person, id: alice }',
        '',
      ].join('\n'),
    );
    const run = await cli('run', plan, '--json');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ runId: 'run-cli-yaml', status: 'completed' });
    expect(target.state.key('acme', 'key_bot')?.status).toBe('revoked');
  });

  it('names the line of a plan that does not parse, without quoting it (canary)', async () => {
    const canary = 'canary-plan-sk-9f8e7d6c5b4a';
    const badJson = join(dir, 'broken.json');
    writeFileSync(badJson, `{\n  "setup": "x",\n  "token": ${canary}\n}`);
    const json = await cli('run', badJson);
    expect(json.code).toBe(2);
    expect(json.err).toContain('broken.json is not valid JSON');
    expect(json.err).not.toContain(canary);
    const trailing = join(dir, 'trailing.json');
    writeFileSync(trailing, `{ "setup": "x" }\n\n} "${canary}"`);
    const positioned = await cli('run', trailing);
    expect(positioned.err).toContain('trailing.json is not valid JSON (line 3, column 1)');
    expect(positioned.err).not.toContain(canary);
    const badYaml = join(dir, 'broken.yml');
    writeFileSync(badYaml, `setup: x\nrequest:\n  token: "${canary}\n  other: [unclosed\n`);
    const yaml = await cli('run', badYaml);
    expect(yaml.code).toBe(2);
    expect(yaml.err).toMatch(/is not valid YAML \(line \d+, column \d+\)/);
    expect(yaml.err).not.toContain(canary);
  });

  it('exits 2 with usage on a bad plan or missing setup', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ kind: 'offboard' }));
    expect((await cli('run', bad)).code).toBe(2);
    expect((await cli('resume', 'run-x')).code).toBe(2);
    expect((await cli('tasks', 'close', 'x', '--setup', setup)).code).toBe(2);
  });
});
