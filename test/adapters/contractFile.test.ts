import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract, parseContract } from '../../src/adapters/contract';
import { InvalidInputError } from '../../src/errors';

const valid = {
  schemaVersion: 1,
  connector: { id: 'acme', version: '1.0.0' },
  adapterVersion: 'v1',
  recordedAt: '2026-01-01T00:00:00.000Z',
  operations: { 'account.get': { account: { fingerprints: ['0123456789abcdef'], shape: ['id:string'] } } },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-contract-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<InvalidInputError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('contract files', () => {
  it('loads a valid contract', async () => {
    expect(await loadContract(await write('ok.json', JSON.stringify(valid)))).toEqual(valid);
  });

  it('lists every bad path of a document that is not a contract', async () => {
    const bad = {
      ...valid,
      schemaVersion: 2,
      recordedAt: 'yesterday',
      operations: {
        'account.get': { account: { fingerprints: ['xyz'], shape: ['id:str'] } },
        'not an operation': {},
      },
    };
    const error = await rejection(loadContract(await write('bad.json', JSON.stringify(bad))));
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining([
        'schemaVersion',
        'recordedAt',
        'operations.account.get.account.fingerprints.0',
        'operations.account.get.account.shape.0',
        'operations.not an operation',
      ]),
    );
    expect(error.message).not.toContain('yesterday');
  });

  it('rejects unknown fields, prototype keys, invalid JSON and missing files', async () => {
    expect(() => parseContract({ ...valid, extra: true })).toThrow(InvalidInputError);
    const polluted = `{"schemaVersion":1,"connector":{"id":"acme","version":"1"},"adapterVersion":null,"recordedAt":"2026-01-01T00:00:00Z","operations":{"__proto__":{}}}`;
    expect((await rejection(loadContract(await write('proto.json', polluted)))).message).toContain(
      'forbidden key',
    );
    expect(() => parseContract(JSON.parse(polluted))).toThrow(/operations.__proto__: is a forbidden key/);
    expect(({} as Record<string, unknown>).account).toBeUndefined();
    expect(
      (await rejection(loadContract(await write('broken.json', '{"schemaVersion":')))).message,
    ).toContain('not valid JSON');
    expect((await rejection(loadContract(join(dir, 'missing.json')))).message).toContain('ENOENT');
    expect((await rejection(loadContract(dir))).message).toContain('Cannot read');
  });
});
