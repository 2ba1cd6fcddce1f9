import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFakeTarget } from '../../src/testing/fakeTarget';
import { clientFor } from './fakeTargetClient';

const child = fileURLToPath(new URL('./fixtures/fakeTargetChild.ts', import.meta.url));

describe('fake target lifecycle', () => {
  it('listens on 127.0.0.1 on an ephemeral port', async () => {
    const target = await createFakeTarget();
    expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(target.port).toBeGreaterThan(0);
    expect(target.tenantUrl('acme')).toBe(`${target.url}/t/acme`);
    await target.close();
  });

  it('close is idempotent and refuses connections afterwards', async () => {
    const target = await createFakeTarget();
    await Promise.all([target.close(), target.close()]);
    await expect(fetch(`${target.tenantUrl('acme')}/version`)).rejects.toThrow();
  });

  it('is async-disposable', async () => {
    let url = '';
    {
      await using target = await createFakeTarget();
      url = `${target.tenantUrl('acme')}/version`;
      expect((await fetch(url)).status).toBe(200);
    }
    await expect(fetch(url)).rejects.toThrow();
  });

  it('close leaves no handles: a child process with requests in flight exits on its own', async () => {
    const started = Date.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let closedAt = 0;
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (closedAt === 0 && out.includes('closed')) closedAt = Date.now();
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => proc.kill('SIGKILL'), 40_000);
      proc.once('exit', (exitCode) => {
        clearTimeout(killer);
        resolve(exitCode);
      });
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('closed rejected,rejected,');
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);

  it('serves a second tenant added at run time', async () => {
    const target = await createFakeTarget();
    target.addTenant({ id: 'initech', apiVersion: 'v2' });
    const res = await clientFor(target, 'initech').get('/version');
    expect(res.body).toEqual({ api_version: 'v2', supported: ['v1', 'v2'] });
    await target.close();
  });
});
