import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLifecycle, type Lifecycle, type LifecycleOptions } from '../../lifecycle/createLifecycle';

/** What a setup module exports (default or `setup`): lifecycle options, or a function returning them. */
export type LifecycleSetup = LifecycleOptions | (() => LifecycleOptions | Promise<LifecycleOptions>);

/** A lifecycle built from a setup module, with what must be closed afterwards. */
export interface LoadedLifecycle {
  readonly lifecycle: Lifecycle;
  readonly options: LifecycleOptions;
  /** Flushes audit and closes the store. */
  close(): Promise<void>;
}

/**
 * Imports a setup module (the connectors, store, audit and fallbacks of a
 * deployment) and builds the lifecycle from it. TypeScript modules need a
 * loader: `node --import tsx node_modules/.bin/lifeline ...`.
 *
 * @example
 * ```ts
 * const { lifecycle, close } = await loadLifecycleSetup('./lifeline.setup.js');
 * ```
 */
export async function loadLifecycleSetup(
  path: string,
  base: string = process.cwd(),
): Promise<LoadedLifecycle> {
  const module = (await import(pathToFileURL(resolve(base, path)).href)) as {
    default?: LifecycleSetup;
    setup?: LifecycleSetup;
  };
  const exported = module.setup ?? module.default;
  if (exported === undefined) {
    throw new Error(
      `${path} exports neither a default nor "setup" (lifecycle options or a function returning them).`,
    );
  }
  const options = typeof exported === 'function' ? await exported() : exported;
  const lifecycle = createLifecycle(options);
  return {
    lifecycle,
    options,
    async close() {
      await options.audit?.close();
      await options.store?.close();
    },
  };
}
