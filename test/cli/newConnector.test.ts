/**
 * `lifeline new connector <name>`: the generated project compiles, and its
 * wired conformance test runs the kit and fails on the TODO stubs with a
 * clear message. The project is generated inside the repo's .tmp so its
 * node_modules resolve from the repo; `lifeline` maps to the repo's src.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConnector } from '../../src/cli/commands/newConnector';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const src = (path: string) => join(repo, 'src', path);
let root: string;
let project: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

function run(command: string, args: string[], cwd: string) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      join(repo, 'node_modules', '.bin', command),
      args,
      {
        cwd,
        timeout: 240_000,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

beforeAll(async () => {
  await mkdir(join(repo, '.tmp'), { recursive: true });
  root = await mkdtemp(join(repo, '.tmp', 'new-connector-'));
  project = join(root, 'my-target');
  const cli = io();
  expect(await newConnector(['my-target', '--dir', project], cli.io)).toBe(0);
  expect(cli.out.join('')).toContain('Created connector "my-target"');
  // `lifeline/testing` as the repo's src exports it (plus the kit, until src/testing/index.ts re-exports it).
  const testingIndex = await readFile(src('testing/index.ts'), 'utf8');
  await writeFile(
    join(root, 'lifeline-testing.ts'),
    [
      `export * from ${JSON.stringify(src('testing/index'))};`,
      ...(/from '\.\/conformance'/.test(testingIndex)
        ? []
        : [`export * from ${JSON.stringify(src('testing/conformance/index'))};`]),
      '',
    ].join('\n'),
  );
  await writeFile(
    join(project, 'tsconfig.check.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: {
        paths: { lifeline: [src('index.ts')], 'lifeline/testing': [join(root, 'lifeline-testing.ts')] },
      },
    }),
  );
  await writeFile(
    join(project, 'vitest.check.config.ts'),
    `import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { alias: [
    { find: /^lifeline$/, replacement: ${JSON.stringify(src('index.ts'))} },
    { find: /^lifeline\\/testing$/, replacement: ${JSON.stringify(join(root, 'lifeline-testing.ts'))} },
  ] },
  test: { include: ['test/**/*.test.ts'], testTimeout: 90_000 },
});
`,
  );
}, 60_000);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('lifeline new connector', () => {
  it('copies the template with the name substituted in contents and spellings', async () => {
    const connector = await readFile(join(project, 'src/connector.ts'), 'utf8');
    expect(connector).toContain("export const CONNECTOR_ID = 'my-target';");
    expect(connector).toContain('export const myTarget = defineConnector({');
    expect(connector).toContain('export const MyTargetConfig = z.object({');
    expect(connector).toContain('TODO: implement $' + '{operation} for $' + '{CONNECTOR_ID}');
    for (const file of [
      'package.json',
      'src/adapters.ts',
      'src/index.ts',
      'test/conformance.test.ts',
      'README.md',
    ]) {
      const text = await readFile(join(project, file), 'utf8');
      expect(text, file).not.toMatch(/connector-template|connectorTemplate|ConnectorTemplate/);
    }
    expect(JSON.parse(await readFile(join(project, 'package.json'), 'utf8')).scripts.test).toBe('vitest run');
  });

  it('generates a project that type-checks', async () => {
    const { output } = await run('tsc', ['-p', 'tsconfig.check.json', '--noEmit'], project);
    // Only the generated project's own files count: the repo's src is checked by the repo's typecheck.
    const ownErrors = output.split('\n').filter((line) => /^(src|test|\.\.\/lifeline-testing)/.test(line));
    expect(ownErrors).toEqual([]);
    expect(output).not.toMatch(/^(src|test)\/.*error TS/m);
  }, 240_000);

  it('runs the wired conformance kit, which fails on the TODO stubs with a clear message', async () => {
    const { code, output } = await run('vitest', ['run', '--config', 'vitest.check.config.ts'], project);
    expect(code).toBe(1);
    expect(output).toContain('my-target conformance');
    expect(output).toContain(
      'connection.test failed with unsupported: TODO: implement connection.test for my-target',
    );
    expect(output).toMatch(
      /first revocation .* \(unsupported: TODO: implement credential.revoke for my-target\)/,
    );
    expect(output).toMatch(/Tests +10 failed \| 1 skipped \(11\)/);
    expect(output).toContain('skipped by capability: needs a non-idempotent operation');
  }, 240_000);

  it('refuses a bad name and a non-empty directory', async () => {
    const bad = io();
    expect(await newConnector(['My Target'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('is not a valid name');
    const taken = io();
    expect(await newConnector(['my-target', '--dir', project], taken.io)).toBe(2);
    expect(taken.err.join('')).toContain('is not empty');
    expect(existsSync(join(project, 'src', 'connector.ts'))).toBe(true);
  });
});
