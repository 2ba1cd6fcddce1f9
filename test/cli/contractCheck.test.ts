import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticCredential } from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acmeV1, createAcmeConnector } from '../../examples/acme';
import { acmeExercise, seedAcme } from '../../examples/drift/acmeContract';
import { recordContract } from '../../src/adapters/contract';
import { contractCheck } from '../../src/cli/commands/contractCheck';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const MODULE = fixture('acmeContractModule.ts');

let target: FakeTarget;
let dir: string;
let baseline: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-contract-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  target = await createFakeTarget({ seed: 8, tenants: [{ id: 'acme', apiVersion: 'v1' }] });
  seedAcme(target);
  process.env.LIFELINE_CONTRACT_TARGET_URL = target.tenantUrl('acme');
  process.env.LIFELINE_CONTRACT_TARGET_TOKEN = target.token('acme');
  baseline = join(dir, 'acme.contract.json');
  await recordContract({
    connector: createAcmeConnector({ adapters: [acmeV1] }).with(
      { baseUrl: target.tenantUrl('acme'), tenant: 'acme' },
      staticCredential(target.token('acme')),
    ),
    exercise: acmeExercise,
    file: baseline,
  });
});

afterEach(async () => {
  await target.close();
  delete process.env.LIFELINE_CONTRACT_TARGET_URL;
  delete process.env.LIFELINE_CONTRACT_TARGET_TOKEN;
});

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await contractCheck(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('lifeline contract check', () => {
  it('exits 0 and prints the report when the target still matches the baseline', async () => {
    const { code, out, err } = await cli(baseline, '--module', MODULE);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^Contract check: acme 1\.0\.0/);
    expect(out).toMatch(/Result: OK — 0 breaking, 0 additive, 0 not exercised\n$/);
  });

  it('exits 1 and names the broken operations when the tenant moved to API v2', async () => {
    target.setApiVersion('acme', 'v2');
    const { code, out } = await cli(baseline, '--module', MODULE);
    expect(code).toBe(1);
    // A fresh v1-only binding cannot even resolve the tenant's version: every step breaks at its first call.
    expect(out).toMatch(/BREAKING \(6\):/);
    for (const operation of [
      'account.get',
      'account.list',
      'credential.list',
      'entitlement.list',
      'session.list',
      'account.disable',
    ]) {
      expect(out).toContain(`  ${operation} › `);
    }
    expect(out).toMatch(/Result: BREAKING/);
  });

  it('prints the report as JSON with --json', async () => {
    const { code, out } = await cli('--json', baseline, '--module', MODULE);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ file: baseline, ok: true, breaking: [], additive: [] });
  });

  it('loads a module that exports `contract` and closes it', async () => {
    const { code, out } = await cli(baseline, '--module', fixture('namedContractModule.ts'));
    expect(code).toBe(0);
    expect(out).toMatch(/NOT EXERCISED \(7\)/);
    const { closed } = await import('./fixtures/namedContractModule');
    expect(closed.count).toBe(1);
  });

  it('exits 2 with a reason on usage errors, bad modules and bad contract files', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli(baseline)).err).toContain('missing --module <path>');
    expect((await cli(baseline, '--module')).code).toBe(2);
    expect((await cli(baseline, '--module', MODULE, '--frobnicate')).err).toContain(
      'unknown option "--frobnicate"',
    );
    expect((await cli(baseline, '--module', MODULE, '--timeout-ms', '0')).code).toBe(2);

    const missing = await cli(baseline, '--module', fixture('noSuchModule.ts'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot load module');

    const wrong = await cli(baseline, '--module', fixture('notAContractModule.ts'));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/connector: must be a bound connector[\s\S]*exercise: must be a function/);

    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ schemaVersion: 2, operations: { 'account.get': { account: { shape: ['x'] } } } }),
    );
    const invalid = await cli(bad, '--module', MODULE);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('schemaVersion');
    expect(invalid.err).toContain('operations.account.get.account.shape.0');
  });

  it('exits 2 when the check is inconclusive because a step failed for another reason', async () => {
    target.faults.add({ operation: 'account.get', fault: { kind: 'status', status: 403 } });
    const { code, out } = await cli(baseline, '--module', MODULE);
    expect(code).toBe(2);
    expect(out).toMatch(/INCONCLUSIVE \(1\):\n {2}step "read an account" \(account.get\): forbidden/);
  });

  it('prints its usage for --help', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: lifeline contract check <contract.json> --module <path>/);
  });
});
