import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A benchmark's fake target in its own process (its memory and event loop stay
 * out of the measured client): forks `module` with `args`, waits for its
 * `{ ready }` message, then answers `request(op, args)` over IPC by message id.
 */
export class TargetProcess<Ready> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (value: unknown) => void>();
  #next = 0;
  readonly ready: Promise<Ready>;

  constructor(module: string, args: readonly string[]) {
    this.#child = fork(fileURLToPath(module), [...args], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`target process exited with ${code}`)));
      this.#child.on('message', (message: { id?: number; result?: unknown; ready?: Ready }) => {
        if (message.ready !== undefined) resolve(message.ready);
        else if (message.id !== undefined) {
          this.#pending.get(message.id)?.(message.result);
          this.#pending.delete(message.id);
        }
      });
    });
  }

  request<T>(op: string, args: Readonly<Record<string, unknown>> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve) => {
      this.#pending.set(id, resolve as (value: unknown) => void);
      this.#child.send({ id, op, ...args });
    });
  }
}
