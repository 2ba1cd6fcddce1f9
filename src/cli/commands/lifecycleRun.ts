import { dirname } from 'node:path';
import { z } from 'zod';
import { isLifelineError } from '../../errors';
import type { LifecycleReport } from '../../lifecycle/LifecycleReport';
import { renderReport } from '../../lifecycle/renderReport';
import type { CliIo } from '../runCli';
import { loadLifecycleSetup } from './loadLifecycleSetup';
import { readPlanFile } from './readPlanFile';

const USAGE = `Usage:
  lifeline run <plan.json | plan.yaml> [--json]
  lifeline resume <runId> --setup <module> [--json]

A plan file is JSON, or YAML (.yaml/.yml; needs the optional peer: npm install yaml@2), holding
{ "setup": "./lifeline.setup.js", "kind": "offboard" | "emergency_revoke", "request": { ... } }.
The setup module exports lifecycle options (connectors, store, audit, fallback), or a function returning them;
use a durable store (sqliteStore or postgresStore) so that "resume" can continue a run after a crash.
Exit codes: 0 completed (possibly with escalations), 1 incomplete, 2 usage or setup error.
`;

const Plan = z.object({
  setup: z.string().min(1),
  kind: z.enum(['offboard', 'emergency_revoke']).default('offboard'),
  request: z.record(z.string(), z.unknown()),
});

interface Flags {
  readonly positional: string[];
  readonly json: boolean;
  readonly setup: string | undefined;
}

function parseFlags(args: readonly string[]): Flags | string {
  const positional: string[] = [];
  let json = false;
  let setup: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--setup') {
      setup = args[++i];
      if (setup === undefined) return '--setup needs a module path';
    } else if (arg.startsWith('-')) return `unknown option "${arg}"`;
    else positional.push(arg);
  }
  return { positional, json, setup };
}

function print(report: LifecycleReport, json: boolean, io: CliIo): number {
  io.out(json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.status === 'incomplete' ? 1 : 0;
}

function failure(command: string, error: unknown, io: CliIo): number {
  const message = error instanceof Error ? error.message : String(error);
  io.err(`lifeline ${command}: ${isLifelineError(error) ? `${error.code}: ` : ''}${message}\n`);
  return 2;
}

/**
 * `lifeline run <plan.json|plan.yaml>`: runs an offboarding or emergency revocation
 * described by a plan file and prints the report. Exit 0 when completed (with
 * or without escalations), 1 when incomplete, 2 on usage or setup errors.
 *
 * @example
 * ```ts
 * const code = await lifecycleRun(['plan.json'], { out: console.log, err: console.error });
 * ```
 */
export async function lifecycleRun(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args);
  if (typeof flags === 'string' || flags.positional.length !== 1) {
    io.err(
      `lifeline run: ${typeof flags === 'string' ? flags : 'expected one plan file (.json, .yaml or .yml)'}\n${USAGE}`,
    );
    return 2;
  }
  const file = flags.positional[0] as string;
  let plan: z.output<typeof Plan>;
  try {
    const parsed = Plan.safeParse(await readPlanFile(file));
    if (!parsed.success) {
      io.err(
        `lifeline run: ${file} is not a valid plan: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
      );
      return 2;
    }
    plan = parsed.data;
  } catch (error) {
    return failure('run', error, io);
  }
  let loaded: Awaited<ReturnType<typeof loadLifecycleSetup>>;
  try {
    loaded = await loadLifecycleSetup(plan.setup, dirname(file));
  } catch (error) {
    return failure('run', error, io);
  }
  try {
    const report =
      plan.kind === 'offboard'
        ? await loaded.lifecycle.offboard(plan.request as never)
        : await loaded.lifecycle.emergencyRevoke(plan.request as never);
    return print(report, flags.json, io);
  } catch (error) {
    return failure('run', error, io);
  } finally {
    await loaded.close();
  }
}

/**
 * `lifeline resume <runId> --setup <module>`: continues a journaled run.
 *
 * @example
 * ```ts
 * await lifecycleResume(['run-1', '--setup', './lifeline.setup.js'], io);
 * ```
 */
export async function lifecycleResume(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args);
  if (typeof flags === 'string' || flags.positional.length !== 1 || flags.setup === undefined) {
    io.err(
      `lifeline resume: ${typeof flags === 'string' ? flags : 'expected <runId> and --setup <module>'}\n${USAGE}`,
    );
    return 2;
  }
  let loaded: Awaited<ReturnType<typeof loadLifecycleSetup>>;
  try {
    loaded = await loadLifecycleSetup(flags.setup);
  } catch (error) {
    return failure('resume', error, io);
  }
  try {
    return print(await loaded.lifecycle.resume(flags.positional[0] as string), flags.json, io);
  } catch (error) {
    return failure('resume', error, io);
  } finally {
    await loaded.close();
  }
}

/**
 * `lifeline tasks list|close`: the manual remediation queue.
 *
 * @example
 * ```ts
 * await lifecycleTasks(['close', 'task:run-1:acme:discover', '--note', 'done by hand', '--setup', './setup.js'], io);
 * ```
 */
export async function lifecycleTasks(args: readonly string[], io: CliIo): Promise<number> {
  const usage = `Usage:
  lifeline tasks list --setup <module> [--closed] [--json]
  lifeline tasks close <taskId> --note <text> --setup <module>
`;
  const [sub, ...rest] = args;
  const positional: string[] = [];
  let setup: string | undefined;
  let note: string | undefined;
  let closed = false;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--setup') setup = rest[++i];
    else if (arg === '--note') note = rest[++i];
    else if (arg === '--closed') closed = true;
    else if (arg === '--json') json = true;
    else if (arg.startsWith('-')) {
      io.err(`lifeline tasks: unknown option "${arg}"\n${usage}`);
      return 2;
    } else positional.push(arg);
  }
  if (
    setup === undefined ||
    (sub !== 'list' && sub !== 'close') ||
    (sub === 'close' && (positional.length !== 1 || !note))
  ) {
    io.err(usage);
    return 2;
  }
  let loaded: Awaited<ReturnType<typeof loadLifecycleSetup>>;
  try {
    loaded = await loadLifecycleSetup(setup);
  } catch (error) {
    return failure('tasks', error, io);
  }
  try {
    if (sub === 'list') {
      const tasks = await loaded.lifecycle.tasks(closed ? 'closed' : 'open');
      if (json) io.out(`${JSON.stringify(tasks, null, 2)}\n`);
      else {
        for (const task of tasks) {
          const payload = task.payload as {
            connector?: string;
            action?: string;
            objectId?: string;
            reason?: { code?: string };
          };
          io.out(
            `${task.id}\t${payload.connector ?? '-'}\t${payload.action ?? '-'}\t${payload.objectId ?? '-'}\t${payload.reason?.code ?? '-'}\n`,
          );
        }
        io.out(`${tasks.length} ${closed ? 'closed' : 'open'} task(s)\n`);
      }
      return 0;
    }
    const task = await loaded.lifecycle.closeTask(positional[0] as string, note as string);
    io.out(`closed ${task.id}\n`);
    return 0;
  } catch (error) {
    return failure('tasks', error, io);
  } finally {
    await loaded.close();
  }
}
