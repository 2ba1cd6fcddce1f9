import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLifelineError } from '../../src/errors';

const storesDir = fileURLToPath(new URL('../../src/stores/', import.meta.url));

function missingModule(name: string): never {
  throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
}

afterEach(() => {
  vi.doUnmock('better-sqlite3');
  vi.doUnmock('pg');
  vi.resetModules();
});

describe('optional store backends', () => {
  it('the root stores entry imports neither better-sqlite3 nor pg', () => {
    const rootFiles = readdirSync(storesDir).filter((f) => f.endsWith('.ts'));
    expect(rootFiles).toContain('index.ts');
    for (const file of rootFiles) {
      const source = readFileSync(`${storesDir}${file}`, 'utf8');
      expect(source, file).not.toMatch(
        /from '(better-sqlite3|pg)'|import\('(better-sqlite3|pg)'\)|from '\.\/(sqlite|postgres)/,
      );
    }
  });

  it('a missing better-sqlite3 fails with how to install it', async () => {
    vi.doMock('better-sqlite3', () => missingModule('better-sqlite3'));
    const { sqliteStore } = await import('../../src/stores/sqlite');
    const error = await sqliteStore({ file: ':memory:' })
      .open()
      .catch((e: unknown) => e);
    expect(isLifelineError(error, 'unsupported')).toBe(true);
    expect((error as Error).message).toContain('npm install better-sqlite3@12');
  });

  it('a missing pg fails with how to install it', async () => {
    vi.doMock('pg', () => missingModule('pg'));
    const { postgresStore } = await import('../../src/stores/postgres');
    const error = await postgresStore({ connectionString: 'postgres://127.0.0.1:1/none' })
      .migrate()
      .catch((e: unknown) => e);
    expect(isLifelineError(error, 'unsupported')).toBe(true);
    expect((error as Error).message).toContain('npm install pg@8');
  });

  it('an injected better-sqlite3 database is used and left open for its owner', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { sqliteStore } = await import('../../src/stores/sqlite');
    const db = new Database(':memory:');
    const store = sqliteStore({ database: db });
    await store.begin('k', 'fp', { owner: 'w', leaseMs: 1000 });
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT status FROM lifeline_ledger').get()).toEqual({ status: 'in_progress' });
    db.close();
  });
});
