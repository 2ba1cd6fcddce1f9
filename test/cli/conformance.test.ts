/** `lifeline conformance <module>`: prints the report and exits non-zero when a check fails. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformance } from '../../src/cli/commands/conformance';

const fixture = (name: string) => fileURLToPath(new URL(`../testing/fixtures/${name}`, import.meta.url));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

describe('lifeline conformance', () => {
  it('exits 0 and prints the report when every selected check passes', async () => {
    const { out, io: cli } = io();
    const code = await conformance([fixture('acmeConformanceModule.ts')], cli);
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain('Lifeline connector conformance: acme 1.0.0 against fake target');
    expect(text).toMatch(/PASS {2}connection-test/);
    expect(text).toMatch(/PASSED: 3 passed, 0 failed, 0 skipped/);
  }, 60_000);

  it('exits 1 when a check fails, with the failure in the report', async () => {
    const { out, io: cli } = io();
    const code = await conformance([fixture('brokenConformanceModule.ts')], cli);
    expect(code).toBe(1);
    expect(out.join('')).toMatch(/FAIL {2}revoke-missing[\s\S]*which never existed, reported revoked/);
    expect(out.join('')).toMatch(/FAILED: 1 passed, 1 failed/);
  }, 60_000);

  it('narrows the run with --only and prints JSON with --json', async () => {
    const { out, io: cli } = io();
    const code = await conformance(
      [fixture('brokenConformanceModule.ts'), '--only', 'connection-test', '--json'],
      cli,
    );
    expect(code).toBe(0);
    const report = JSON.parse(out.join('')) as { checks: { id: string; status: string }[] };
    expect(report.checks).toEqual([expect.objectContaining({ id: 'connection-test', status: 'passed' })]);
  }, 60_000);

  it('exits 2 on usage and load errors, saying what is wrong', async () => {
    const missing = io();
    expect(await conformance([], missing.io)).toBe(2);
    expect(missing.err.join('')).toContain('missing <module>');
    const unknown = io();
    expect(await conformance(['x.ts', '--only', 'nope'], unknown.io)).toBe(2);
    expect(unknown.err.join('')).toContain('unknown check "nope"');
    const absent = io();
    expect(await conformance([fixture('does-not-exist.ts')], absent.io)).toBe(2);
    expect(absent.err.join('')).toContain('cannot load');
    const noFactory = io();
    expect(await conformance([fixture('brokenConnector.ts')], noFactory.io)).toBe(2);
    expect(noFactory.err.join('')).toContain('exports no `factory` function');
  });
});
