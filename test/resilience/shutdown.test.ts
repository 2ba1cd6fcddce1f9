import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./fixtures/breakerChild.ts', import.meta.url));

function run(mode: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The child must exit on its own; a hang would fail the test by this guard.
    const guard = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child did not exit on its own (mode ${mode}); stderr: ${stderr}`));
    }, 45_000);
    proc.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('shutdown', () => {
  it('leaves no timer behind, so a process using an opened breaker exits on its own', async () => {
    const { code, stdout, stderr } = await run('shutdown');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // opossum's bucket rotation interval and the open breaker's reset timer were live.
    expect(JSON.parse(stdout)).toEqual({ state: 'open', before: 2, after: 0 });
  }, 60_000);

  it('clears the snapshot timer too when snapshots were asked for', async () => {
    const { code, stdout } = await run('snapshots');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ state: 'open', before: 3, after: 0 });
  }, 60_000);

  it("does not keep the process alive even without shutdown (opossum's timers are unref'd)", async () => {
    const { code, stdout } = await run('no-shutdown');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ state: 'open', before: 2, after: 2 });
  }, 60_000);
});
