// The projector's part of the human report (distributed shape): the lag while holds are accepted, the tail
// after the run, and a backlog's drain rate, each with its target and verdict.
import type { ProjectorBacklogDrain } from './projector-backlog-drain.js';
import type { ProjectorUnderLoad } from './projector-under-load.js';
import type { JudgedProjector } from './targets.js';

export function formatProjector(projector: JudgedProjector): string[] {
  const lines = ['', 'projector (one worker, batches of up to 1,000 entries per PostgreSQL transaction):'];
  const { underLoad, backlogDrain } = projector;
  lines.push(
    underLoad === undefined
      ? '  during the accepted run: not measured'
      : `  during the accepted run: ${describeUnderLoad(underLoad)}`,
    `    lag target ${projector.lagTarget}: ${projector.lagVerdict}`,
    backlogDrain === undefined
      ? '  backlog drain: not measured'
      : `  backlog drain: ${describeDrain(backlogDrain)}`,
    `    drain target ${projector.drainTarget}: ${projector.drainVerdict}`,
  );
  for (const problem of projector.problems) lines.push(`  PROBLEM: ${problem}`);
  return lines;
}

function describeUnderLoad(load: ProjectorUnderLoad): string {
  const tail =
    load.backlogAtEndEntries === 0
      ? 'none left unprojected at the end'
      : `${count(load.backlogAtEndEntries)} entries left at the end, ` +
        (load.drainAfterRunMs === undefined
          ? 'not drained within 60 s'
          : `drained ${load.drainAfterRunMs.toFixed(0)} ms later`);
  return (
    `${count(load.entriesProjected)} entries projected (${count(load.entriesPerSecond)}/s); ` +
    `lag gauge max ${load.lagSecondsMax.toFixed(3)} s and backlog max ${count(load.backlogEntriesMax)} entries ` +
    `over ${load.samples} samples; ${tail}; ${batches(load)}`
  );
}

function describeDrain(drain: ProjectorBacklogDrain): string {
  const rate =
    drain.entriesPerSecond === undefined || drain.drainSeconds === undefined
      ? 'did not drain'
      : `a fresh worker drained it at ${count(drain.entriesPerSecond)} entries/s ` +
        `(${count(drain.timedEntries ?? 0)} entries timed in ${drain.drainSeconds.toFixed(2)} s)`;
  const cpu = drain.cpuMicrosecondsPerEntry;
  const cpuText =
    cpu === undefined
      ? ''
      : `; CPU per entry: worker ${cpu.worker.toFixed(1)} µs, redis ${cpu.redis.toFixed(1)} µs, ` +
        `postgres ${cpu.postgres.toFixed(1)} µs`;
  return (
    `${count(drain.backlogEntries)} entries built up in ${drain.loadSeconds} s of accepted holds with no ` +
    `worker (${count(drain.loadRequestsPerSecond)} holds/s); ${rate}; ${batches(drain)}${cpuText}`
  );
}

function batches(figures: { batches: number; batchEntriesMean: number; batchMsMean: number }): string {
  return (
    `${count(figures.batches)} batches of ${figures.batchEntriesMean.toFixed(0)} entries, ` +
    `${figures.batchMsMean.toFixed(1)} ms each`
  );
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
