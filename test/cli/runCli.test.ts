import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from 'lifeline';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

describe('lifeline CLI', () => {
  it('prints usage for --help and with no arguments', async () => {
    for (const argv of [['--help'], ['-h'], []]) {
      const { code, out } = await cli(...argv);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: lifeline <command>/);
    }
  });

  it('prints the package version for --version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
    expect(await cli('--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('exits 2 with a hint on an unknown command', async () => {
    const { code, err } = await cli('frobnicate');
    expect(code).toBe(2);
    expect(err).toContain('unknown command "frobnicate"');
    expect(err).toContain('lifeline --help');
  });
});
