// Last-resort cleanup inside a test process: what a suite starts or creates (a redis-server, a PostgreSQL
// server, a throwaway database, a temp dir, a child process) is registered here until its suite releases it
// in afterAll. Whatever is still registered when the process exits or receives SIGINT, SIGTERM or SIGHUP is
// cleaned up synchronously then, and named in the run's exit log, which the global teardown reports
// (test/support/leftovers.ts). A kill -9 of the test process itself is caught by that teardown's sweep.
// Cleanups must be quick: vitest kills a worker 500 ms after its SIGTERM. Processes are stopped first.
import { appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { RUN_DIR_VARIABLE } from './test-run.js';

/** Synchronous: it may run in an 'exit' handler, where nothing asynchronous happens any more. */
type Cleanup = () => void;
/** `stop` (a process) runs before `remove` (files, databases). */
type Phase = 'stop' | 'remove';

const pending = new Map<
  number,
  { readonly what: string; readonly cleanup: Cleanup; readonly phase: Phase }
>();
let nextId = 0;
let installed = false;

/** Registers `cleanup` for exit and signals; call the returned function once the suite has cleaned up. */
export function cleanupAtExit(what: string, cleanup: Cleanup, phase: Phase = 'remove'): () => void {
  install();
  const id = nextId++;
  pending.set(id, { what: `${what}, from ${suiteFile()}`, cleanup, phase });
  return () => {
    pending.delete(id);
  };
}

/** The test file running now, to say whose leftover it was. */
function suiteFile(): string {
  try {
    const path = expect.getState().testPath;
    return path === undefined ? 'outside a test' : relative(process.cwd(), path);
  } catch {
    return 'outside a test';
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => runPending('exit'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      runPending(signal);
      // Then end as the signal would have.
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Runs every registered cleanup now, processes first; exported for the suite that checks this module. */
export function runPending(reason: string): void {
  if (pending.size === 0) return;
  const cleaned: string[] = [];
  const due = [...pending.values()].sort((a, b) => (a.phase === b.phase ? 0 : a.phase === 'stop' ? -1 : 1));
  // What a cleanup registers meanwhile (a process it starts to finish the work) is left running.
  pending.clear();
  for (const { what, cleanup } of due) {
    try {
      cleanup();
      cleaned.push(what);
    } catch (error) {
      cleaned.push(`${what} (cleanup failed: ${(error as Error).message})`);
    }
  }
  const lines = cleaned.map((what) => `pid ${process.pid} at ${reason}: ${what}\n`).join('');
  process.stderr.write(`\n!!! cleaned up at ${reason}, not by its suite:\n${lines}\n`);
  const runDir = process.env[RUN_DIR_VARIABLE];
  if (runDir !== undefined) {
    try {
      appendFileSync(join(runDir, 'cleaned-at-exit.log'), lines);
    } catch {}
  }
}
