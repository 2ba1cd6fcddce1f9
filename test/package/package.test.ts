/**
 * The package as users get it: built, packed with `npm pack`, unpacked into a
 * scratch folder, imported from ESM and CommonJS, and type-checked from both.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { libraryEntries } from '../../tsup.config';

const root = join(import.meta.dirname, '..', '..');
const scratch = join(root, '.tmp', 'pack');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<
    string,
    { import?: { types: string; default: string }; require?: { types: string; default: string } }
  >;
  bin: Record<string, string>;
};

/** Packages the root entry may import; everything else (optional backends) must stay behind subpaths. */
const ALLOWED_ROOT_IMPORTS = new Set(['zod', 'p-retry', 'opossum', '@opentelemetry/api']);
const OPTIONAL_BACKENDS = ['better-sqlite3', 'pg', '@opentelemetry/api-logs', 'express', 'scimmy'];

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
}

beforeAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, 'node_modules'), { recursive: true });
  run(bin('tsup'), [], root);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], root)) as {
    filename: string;
  }[];
  const tarball = join(scratch, packed[0]?.filename ?? '');
  run('tar', ['-xzf', tarball, '-C', join(scratch, 'node_modules')], root);
  renameSync(join(scratch, 'node_modules', 'package'), join(scratch, 'node_modules', 'lifeline'));
}, 180_000);

describe('the packed package', () => {
  it('emits ESM, CJS and .d.ts for every library entry, all listed in exports', () => {
    const dist = join(scratch, 'node_modules', 'lifeline', 'dist');
    for (const entry of Object.keys(libraryEntries)) {
      const subpath = entry === 'index' ? '.' : `./${entry.replace(/\/index$/, '')}`;
      const exported = pkg.exports[subpath];
      expect(exported, `exports["${subpath}"]`).toEqual({
        import: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
        require: { types: `./dist/${entry}.d.cts`, default: `./dist/${entry}.cjs` },
      });
      const files = readdirSync(join(dist, ...entry.split('/').slice(0, -1)));
      const base = entry.split('/').at(-1);
      for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts']) expect(files).toContain(`${base}${ext}`);
    }
  });

  it('imports from an ESM project', () => {
    const dir = join(scratch, 'esm');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(dir, 'main.js'),
      `import { defineConnector, isLifelineError, NotFoundError, VERSION } from 'lifeline';
import * as testing from 'lifeline/testing';
const c = defineConnector({ id: 'x', version: '1', config: { safeParse: (v) => ({ success: true, data: v }) }, operations: {} });
console.log(JSON.stringify({ version: VERSION, id: c.id, guard: isLifelineError(new NotFoundError(), 'not_found'), testing: typeof testing }));`,
    );
    const out = JSON.parse(run('node', ['main.js'], dir));
    expect(out).toEqual({ version: pkg.version, id: 'x', guard: true, testing: 'object' });
  });

  it('requires from a CommonJS project', () => {
    const dir = join(scratch, 'cjs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
    writeFileSync(
      join(dir, 'main.js'),
      `const { classifyHttp, VERSION } = require('lifeline');
require('lifeline/testing');
console.log(JSON.stringify({ version: VERSION, code: classifyHttp({ status: 429 }).code }));`,
    );
    expect(JSON.parse(run('node', ['main.js'], dir))).toEqual({ version: pkg.version, code: 'rate_limited' });
  });

  it('recognises errors across the ESM and CJS copies of the package', () => {
    const dir = join(scratch, 'esm');
    writeFileSync(
      join(dir, 'dual.js'),
      `import { createRequire } from 'node:module';
import { isLifelineError } from 'lifeline';
const cjs = createRequire(import.meta.url)('lifeline');
console.log(JSON.stringify(isLifelineError(new cjs.ConflictError(), 'conflict')));`,
    );
    expect(run('node', ['dual.js'], dir).trim()).toBe('true');
  });

  it('type-checks from ESM and CommonJS consumers with node16 resolution', () => {
    const dir = join(scratch, 'types');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const usage = `
const acme = defineConnector({
  id: 'acme', version: '1.0.0',
  config: z.object({ baseUrl: z.url() }),
  operations: {
    'credential.revoke': async (ctx, { credential }) => {
      await ctx.fetch(ctx.config.baseUrl + '/keys/' + credential.id, { method: 'DELETE' });
    },
  },
});
const bound = acme.with({ baseUrl: 'http://127.0.0.1:1' }, staticCredential('k'));
export const pending: Promise<void> = bound.call('credential.revoke', { credential: { id: 'k_1' } });
// @ts-expect-error an unknown operation name is a type error
bound.call('credential.revok', {});
`;
    writeFileSync(
      join(dir, 'esm.mts'),
      `import { defineConnector, staticCredential } from 'lifeline';\nimport { z } from 'zod';\n${usage}`,
    );
    writeFileSync(
      join(dir, 'cjs.cts'),
      `import lifeline = require('lifeline');\nimport zod = require('zod');\nconst { defineConnector, staticCredential } = lifeline;\nconst { z } = zod;\n${usage}`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    expect(() => run(bin('tsc'), ['-p', 'tsconfig.json'], dir)).not.toThrow();
  }, 120_000);

  it('loads no optional backend when importing the root entry', () => {
    const dir = join(scratch, 'esm');
    const log = join(scratch, 'imports.log');
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.IMPORT_LOG, JSON.stringify({ specifier, parent: context.parentURL ?? '' }) + '\\n');
  return result;
}`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);`,
    );
    writeFileSync(join(dir, 'root-only.js'), `await import('lifeline');`);
    rmSync(log, { force: true });
    run('node', ['--import', './register.mjs', 'root-only.js'], dir, { IMPORT_LOG: log });
    const records = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { specifier: string; parent: string });
    const bare = (s: string) =>
      !/^(\.|\/|file:|node:|data:)/.test(s) && !isBuiltin(s) && !s.startsWith('lifeline');
    const packageName = (s: string) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/');
    const fromLifeline = records
      .filter((r) => r.parent.includes('/node_modules/lifeline/') && bare(r.specifier))
      .map((r) => packageName(r.specifier));
    for (const name of fromLifeline)
      expect(ALLOWED_ROOT_IMPORTS.has(name), `lifeline imports ${name}`).toBe(true);
    const everything = records.filter((r) => bare(r.specifier)).map((r) => packageName(r.specifier));
    for (const backend of OPTIONAL_BACKENDS) expect(everything).not.toContain(backend);
    expect(records.some((r) => r.specifier === 'lifeline')).toBe(true);
  });

  it('ships an executable CLI as its bin', () => {
    const cli = join(scratch, 'node_modules', 'lifeline', pkg.bin.lifeline ?? '');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    expect(run('node', [cli, '--version'], scratch).trim()).toBe(pkg.version);
  });
});
