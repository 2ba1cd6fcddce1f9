/**
 * Contract baselines against the real fake target and the Acme example
 * connector: record on API v1, then check the same target unchanged, moved to
 * v2, or behind a proxy that adds a field.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, isLifelineError, SchemaDriftError, staticCredential } from 'lifeline';
import { createFakeTarget, type FakeTarget } from 'lifeline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acme, acmeV1, createAcmeConnector } from '../../examples/acme';
import { ACME_IDS, acmeExercise, seedAcme } from '../../examples/drift/acmeContract';
import {
  type Contract,
  checkContract,
  formatContractReport,
  loadContract,
  recordContract,
} from '../../src/adapters/contract';

let target: FakeTarget;
let dir: string;

beforeEach(async () => {
  target = await createFakeTarget({ seed: 8, tenants: [{ id: 'acme', apiVersion: 'v1' }] });
  seedAcme(target);
  dir = await mkdtemp(join(tmpdir(), 'lifeline-contract-'));
});

afterEach(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

function bind(connector = acme, baseUrl = target.tenantUrl('acme')) {
  return connector.with({ baseUrl, tenant: 'acme' }, staticCredential(target.token('acme')));
}

const legacyAcme = createAcmeConnector({ adapters: [acmeV1] });

/** A tiny real server in front of the target that adds a `region` field to every JSON object. */
async function addingProxy(): Promise<{ url: string; close: () => Promise<void> }> {
  const addRegion = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(addRegion);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = addRegion(child);
    out.region = 'eu-1';
    return out;
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${target.url}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers: {
        authorization: req.headers.authorization ?? '',
        accept: 'application/json',
        ...(chunks.length > 0 ? { 'content-type': 'application/json' } : {}),
      },
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const text = await upstream.text();
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-api-version']) {
      const value = upstream.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const body = text === '' ? '' : JSON.stringify(addRegion(JSON.parse(text)));
    res.writeHead(upstream.status, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/t/acme`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('recordContract', () => {
  it('records the shape of every payload the exercise reads, per operation and kind', async () => {
    const contract = await recordContract({ connector: bind(), exercise: acmeExercise });
    expect(contract).toMatchObject({
      schemaVersion: 1,
      connector: { id: 'acme', version: '1.0.0' },
      adapterVersion: 'v1',
    });
    const covered = Object.entries(contract.operations).flatMap(([operation, kinds]) =>
      Object.keys(kinds).map((kind) => `${operation} › ${kind}`),
    );
    expect(covered).toEqual([
      'account.disable › account',
      'account.get › account',
      'account.list › accountList',
      'credential.get › credential',
      'credential.list › credentialList',
      'entitlement.list › entitlementList',
      'entitlement.list › memberList',
      'session.list › sessionList',
    ]);
    const account = contract.operations['account.get']?.account;
    expect(account?.shape).toEqual([
      'created_at:string',
      'id:string',
      'name:string',
      'owner:string',
      'status:string',
      'type:string',
    ]);
    expect(account?.fingerprints).toHaveLength(1);
    // The owner is an e-mail for one account and null for the other: the list's shape holds both.
    expect(contract.operations['account.list']?.accountList?.shape).toEqual(
      expect.arrayContaining(['data[].owner:null', 'data[].owner:string']),
    );
  });

  it('holds paths and types only, never a value the target sent', async () => {
    const file = join(dir, 'contracts', 'acme.json');
    const contract = await recordContract({ connector: bind(), exercise: acmeExercise, file });
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`${JSON.stringify(contract, null, 2)}\n`);
    for (const value of [
      'ci-deployer',
      'ops@example.test',
      ACME_IDS.account,
      ACME_IDS.key,
      '10.0.0.7',
      target.token('acme'),
    ]) {
      expect(text).not.toContain(value);
    }
    expect(await loadContract(file)).toEqual(contract);
  });

  it('refuses to record a baseline from a run that met drift, even when a step caught it', async () => {
    const bound = bind(legacyAcme);
    await bound.call('connection.test', {});
    target.setApiVersion('acme', 'v2');
    const error = await recordContract({
      connector: bound,
      exercise: async (b) => {
        await b.call('account.get', { account: { id: ACME_IDS.account } }).catch(() => undefined);
        await b.call('connection.test', {});
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaDriftError);
  });

  it('refuses an exercise that reads nothing through an adapter, and bad options', async () => {
    await expect(
      recordContract({ connector: bind(), exercise: (b) => b.call('connection.test', {}) }),
    ).rejects.toThrow(/read no payload through an adapter/);
    const error = await recordContract({ connector: {} as never, exercise: 42 as never }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path.join('.'))).toEqual([
      'connector',
      'exercise',
    ]);
  });
});

describe('checkContract', () => {
  let baseline: Contract;
  beforeEach(async () => {
    baseline = await recordContract({ connector: bind(), exercise: acmeExercise });
  });

  it('reports ok when the target still answers as recorded', async () => {
    const report = await checkContract(baseline, { connector: bind(), exercise: acmeExercise });
    expect(report).toMatchObject({ ok: true, breaking: [], additive: [], notExercised: [], errors: [] });
    expect(formatContractReport(report)).toMatch(/Result: OK — 0 breaking, 0 additive, 0 not exercised\n$/);
  });

  it('reports breaking drift for every step when a v1-only connector meets API v2, without crashing', async () => {
    const bound = bind(legacyAcme);
    await bound.call('connection.test', {}); // resolved on v1, as a long-running worker would be
    target.setApiVersion('acme', 'v2');
    const report = await checkContract(baseline, { connector: bound, exercise: acmeExercise });
    expect(report.ok).toBe(false);
    // Each step breaks at its first call; a call after it in the same step is not exercised.
    expect(new Set(report.breaking.map((c) => c.operation))).toEqual(
      new Set(Object.keys(baseline.operations).filter((operation) => operation !== 'credential.get')),
    );
    expect(report.notExercised).toEqual([{ operation: 'credential.get', kind: 'credential' }]);
    const name = report.breaking.find((c) => c.operation === 'account.get' && c.path === 'name');
    expect(name).toMatchObject({ kind: 'account', change: 'renamed_candidate' });
    expect(name?.candidates).toContain('display_name:string');
    expect(report.errors).toEqual([]);
    const text = formatContractReport(report);
    expect(text).toContain('account.get › account — no known adapter accepts it');
    expect(text).toMatch(/name: missing \(expected string\); renamed\? candidates: .*display_name:string/);
    expect(text).toMatch(/Result: BREAKING/);
  });

  it('reports the v1 shapes gone and v2 shapes new when a two-version connector switches to v2', async () => {
    const bound = bind();
    await bound.call('connection.test', {});
    target.setApiVersion('acme', 'v2');
    const report = await checkContract(baseline, { connector: bound, exercise: acmeExercise });
    expect(report.switches).toEqual([{ tenant: 'acme', from: 'v1', to: 'v2', reason: 'drift' }]);
    expect(report.adapterVersion).toEqual({ baseline: 'v1', current: 'v2' });
    const account = (list: typeof report.breaking) =>
      list.filter((c) => c.operation === 'account.get').map((c) => `${c.change} ${c.path}`);
    expect(account(report.breaking)).toEqual([
      'missing created_at',
      'missing name',
      'retyped owner',
      'missing status',
      'missing type',
    ]);
    expect(account(report.additive)).toEqual([
      'added created',
      'added display_name',
      'added kind',
      'added state',
    ]);
    expect(formatContractReport(report)).toContain('Adapter switch during the check: v1 → v2 (drift)');
  });

  it('reports a new field as additive only, through a real proxy that adds it', async () => {
    const proxy = await addingProxy();
    try {
      const report = await checkContract(baseline, {
        connector: bind(acme, proxy.url),
        exercise: acmeExercise,
      });
      expect(report.breaking).toEqual([]);
      expect(report.ok).toBe(true);
      const added = report.additive.filter((c) => c.operation === 'account.get');
      expect(added).toEqual([
        { operation: 'account.get', kind: 'account', path: 'region', change: 'added', received: 'string' },
      ]);
      expect(report.additive.some((c) => c.path === 'data[].region')).toBe(true);
      expect(formatContractReport(report)).toMatch(/ADDITIVE[\s\S]*\+ region: new string[\s\S]*Result: OK/);
    } finally {
      await proxy.close();
    }
  });

  it('lists baseline payloads the exercise did not read as not exercised', async () => {
    const { 'read an account': readAccount } = acmeExercise as Record<string, NonNullable<unknown>>;
    const report = await checkContract(baseline, {
      connector: bind(),
      exercise: { 'read an account': readAccount as (typeof acmeExercise)[keyof typeof acmeExercise] },
    });
    expect(report.ok).toBe(true);
    expect(report.notExercised.map((n) => n.operation)).toContain('credential.list');
    expect(report.notExercised.map((n) => n.operation)).not.toContain('account.get');
  });

  it('still reports drift that a step caught and swallowed', async () => {
    const bound = bind(legacyAcme);
    await bound.call('connection.test', {});
    target.setApiVersion('acme', 'v2');
    const report = await checkContract(baseline, {
      connector: bound,
      exercise: async (b) => {
        const result = await b
          .call('account.get', { account: { id: ACME_IDS.account } })
          .catch((e: unknown) => e);
        expect(isLifelineError(result, 'schema_drift')).toBe(true);
      },
    });
    expect(report.ok).toBe(false);
    expect(report.breaking.some((c) => c.operation === 'account.get')).toBe(true);
  });

  it('is inconclusive, not breaking, when a step fails for another reason', async () => {
    target.faults.add({ operation: 'session.list', fault: { kind: 'status', status: 403 } });
    const report = await checkContract(baseline, { connector: bind(), exercise: acmeExercise });
    expect(report.breaking).toEqual([]);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({ step: 'list its sessions', operation: 'session.list', code: 'forbidden' }),
    ]);
    expect(report.notExercised).toEqual([{ operation: 'session.list', kind: 'sessionList' }]);
    expect(formatContractReport(report)).toMatch(
      /INCONCLUSIVE \(1\):\n {2}step "list its sessions" \(session.list\): forbidden/,
    );
  });

  it('stops at the caller’s abort signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await checkContract(baseline, {
      connector: bind(),
      exercise: acmeExercise,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(isLifelineError(error, 'timeout')).toBe(true);
  });
});
