import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite';
import { describeStore } from '../../src/testing/storeConformance';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStore(
  'sqliteStore',
  ({ clock }) => sqliteStore({ file: join(dir, `db${n++}.sqlite`), clock: clock.now }),
  {
    describe,
    it,
  },
);
